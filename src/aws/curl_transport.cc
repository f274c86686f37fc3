#include "aws/curl_transport.h"

#include <curl/curl.h>
#include <pthread.h>

#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace telemetry::aws {
namespace {

// libcurl's process-wide setup, done once before the first handle.
void InitCurlOnce() {
  static const bool initialized = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    return true;
  }();
  (void)initialized;
}

// Connections to AWS open at once, and kept open for reuse.
constexpr long kConnections = 64;

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

struct CurlTransport::Impl {
  struct Transfer {
    HttpCall call;
    std::function<void(HttpResult)> done;
    curl_slist* headers = nullptr;
    HttpResult result;
  };

  Impl() : multi(curl_multi_init()) {
    if (!multi) throw std::runtime_error("curl_multi_init failed");
    // A fixed pool: libcurl's default opened a connection for every transfer of a burst and, as they ended, kept
    // four idle ones per transfer still under way, so each burst (a statistics read fans out into tens of requests)
    // opened new connections — a TCP and, to AWS, a TLS handshake each; DynamoDB Local's accept queue overflowed
    // into 1 s SYN retries. Transfers past the pool wait in libcurl for a free connection.
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, kConnections);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, kConnections);
    thread = std::thread([this] {
      pthread_setname_np(pthread_self(), "aws-http");
      Run();
    });
  }

  ~Impl() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    curl_multi_wakeup(multi);
    thread.join();
    curl_multi_cleanup(multi);
  }

  void Start(std::unique_ptr<Transfer> transfer) {
    CURL* easy = curl_easy_init();
    HttpCall& call = transfer->call;
    for (const auto& [name, value] : call.headers) {
      transfer->headers = curl_slist_append(transfer->headers, (name + ": " + value).c_str());
    }
    // No "Expect: 100-continue" round trip for request bodies.
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
    curl_easy_setopt(easy, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    if (call.method != "GET" && call.method != "HEAD") {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    }
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer->result.body);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_multi_add_handle(multi, easy);
    running.emplace(easy, std::move(transfer));
  }

  void Finish(CURL* easy, CURLcode code) {
    auto found = running.find(easy);
    std::unique_ptr<Transfer> transfer = std::move(found->second);
    running.erase(found);
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      transfer->result.status = static_cast<int>(status);
    } else {
      transfer->result.body.clear();
      transfer->result.error = curl_easy_strerror(code);
    }
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->headers);
    transfer->done(std::move(transfer->result));
  }

  void Run() {
    for (;;) {
      std::deque<std::unique_ptr<Transfer>> starting;
      {
        std::lock_guard lock(mu);
        if (stopping) break;
        starting.swap(queued);
      }
      for (auto& transfer : starting) Start(std::move(transfer));
      int still_running = 0;
      curl_multi_perform(multi, &still_running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
        if (message->msg == CURLMSG_DONE) Finish(message->easy_handle, message->data.result);
      }
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    // Closing: fail what is still under way or queued.
    std::deque<std::unique_ptr<Transfer>> abandoned;
    {
      std::lock_guard lock(mu);
      abandoned.swap(queued);
    }
    while (!running.empty()) {
      CURL* easy = running.begin()->first;
      Finish(easy, CURLE_ABORTED_BY_CALLBACK);
    }
    for (auto& transfer : abandoned) transfer->done(HttpResult{0, "", "transport closed"});
  }

  CURLM* multi;
  std::thread thread;
  std::mutex mu;
  std::deque<std::unique_ptr<Transfer>> queued;  // GUARDED_BY(mu)
  bool stopping = false;                         // GUARDED_BY(mu)
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running;  // owned by the thread
};

CurlTransport::CurlTransport() {
  InitCurlOnce();
  impl_ = std::make_unique<Impl>();
}

CurlTransport::~CurlTransport() = default;

void CurlTransport::Send(HttpCall call, std::function<void(HttpResult)> done) {
  auto transfer = std::make_unique<Impl::Transfer>();
  transfer->call = std::move(call);
  transfer->done = std::move(done);
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->stopping) {
      impl_->queued.push_back(std::move(transfer));
    }
  }
  if (transfer) {
    transfer->done(HttpResult{0, "", "transport closed"});
    return;
  }
  curl_multi_wakeup(impl_->multi);
}

}  // namespace telemetry::aws

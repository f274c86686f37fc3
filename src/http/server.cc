#include "http/server.h"

// clang-format off: <utility> must come before Asio (Boost 1.74 with g++ 12 needs it), whatever the sort order.
#include <utility>
// clang-format on

#include <pthread.h>
#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/session.h"
#include "http/session_registry.h"
#include "log/log.h"

namespace telemetry::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How often each loop looks for connections past their deadline; timeouts are whole seconds.
constexpr std::chrono::milliseconds kSweepInterval{500};

}  // namespace

struct Server::Impl {
  // One I/O thread's event loop and the sessions that live on it.
  struct Loop {
    net::io_context context{1};
    net::executor_work_guard<net::io_context::executor_type> guard{context.get_executor()};
    net::steady_timer sweeper{context};
    SessionSet sessions;

    void Sweep() {
      sweeper.expires_after(kSweepInterval);
      sweeper.async_wait([this](boost::system::error_code error) {
        if (error) return;
        auto now = std::chrono::steady_clock::now();
        sessions.ForEach([now](SessionBase& session) { session.CloseIfExpired(now); });
        Sweep();
      });
    }
  };

  Impl(const ServerOptions& options, const Router& router) : options(options), router(router) {
    for (unsigned i = 0; i < std::max(1u, options.threads); ++i) loops.push_back(std::make_unique<Loop>());
    acceptor.emplace(loops.front()->context);
    retry_timer.emplace(loops.front()->context);
  }

  void Accept() {
    Loop& target = *loops[next_loop++ % loops.size()];
    acceptor->async_accept(target.context, [this, &target](boost::system::error_code error, tcp::socket socket) {
      if (error == net::error::operation_aborted || !acceptor->is_open()) return;
      if (error) {
        // Out of file descriptors or similar: pause instead of spinning, then go on accepting.
        log::Error("accept failed", {{"error", error.message()}});
        retry_timer->expires_after(std::chrono::milliseconds(100));
        retry_timer->async_wait([this](boost::system::error_code) { Accept(); });
        return;
      }
      boost::system::error_code ignored;
      if (counter.open() >= options.max_connections) {
        Refuse(std::move(socket));
        return Accept();
      }
      socket.set_option(tcp::no_delay(true), ignored);
      // The session belongs to the target loop: start it there.
      net::post(target.context, [this, &target, socket = std::move(socket)]() mutable {
        if (tls) {
          std::make_shared<TlsSession>(std::move(socket), &*tls, router, options, target.sessions, counter)->Start();
        } else {
          std::make_shared<PlainSession>(std::move(socket), nullptr, router, options, target.sessions, counter)
              ->Start();
        }
      });
      Accept();
    });
  }

  // Answers a connection past max_connections with a 503 and closes it, on the acceptor's loop.
  void Refuse(tcp::socket socket) {
    static const std::string kBody = R"({"error":{"code":"unavailable","message":"too many connections; retry shortly"}})";
    static const std::string kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        "Connection: close\r\nContent-Length: " + std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
    auto held = std::make_shared<tcp::socket>(std::move(socket));
    net::async_write(*held, net::buffer(kBusy), [held](boost::system::error_code, std::size_t) {
      boost::system::error_code ignored;
      held->shutdown(tcp::socket::shutdown_both, ignored);
      held->close(ignored);
    });
  }

  const ServerOptions options;
  const Router& router;
  std::optional<net::ssl::context> tls;  // HTTPS when set
  SessionCounter counter;  // outlives the loops: sessions they still hold count down on destruction
  std::vector<std::unique_ptr<Loop>> loops;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> retry_timer;
  std::size_t next_loop = 0;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;
};

namespace {

// max_connections, lowered to what the file limit allows (after raising the soft limit as far as permitted), with
// room for the store's files and the DynamoDB client's connections.
std::size_t FitConnectionsToFileLimit(std::size_t wanted) {
  constexpr rlim_t kReserve = 128;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < wanted + kReserve && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, wanted + kReserve);
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur >= wanted + kReserve || limit.rlim_cur == RLIM_INFINITY) return wanted;
  std::size_t fitted = limit.rlim_cur > 2 * kReserve ? limit.rlim_cur - kReserve : limit.rlim_cur / 2;
  log::Warn("--max-connections lowered to fit the open-file limit",
            {{"wanted", static_cast<std::int64_t>(wanted)}, {"max_connections", static_cast<std::int64_t>(fitted)}});
  return fitted;
}

// TLS 1.2 and 1.3 only, with the certificate and key of the options. Throws std::runtime_error naming the file.
net::ssl::context TlsContext(const ServerOptions& options) {
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
  }
  net::ssl::context context(net::ssl::context::tls_server);
  context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                      net::ssl::context::single_dh_use);
  boost::system::error_code error;
  context.use_certificate_chain_file(options.tls_cert, error);
  if (error) throw std::runtime_error("cannot use --tls-cert " + options.tls_cert + ": " + error.message());
  context.use_private_key_file(options.tls_key, net::ssl::context::pem, error);
  // OpenSSL checks here that the key is the certificate's ("key values mismatch" otherwise).
  if (error) throw std::runtime_error("cannot use --tls-key " + options.tls_key + ": " + error.message());
  return context;
}

ServerOptions Fitted(ServerOptions options) {
  options.max_connections = FitConnectionsToFileLimit(options.max_connections);
  return options;
}

}  // namespace

Server::Server(const ServerOptions& options, const Router& router)
    : impl_(std::make_unique<Impl>(Fitted(options), router)) {
  boost::system::error_code error;
  auto address = net::ip::make_address(options.host, error);
  if (error) throw std::runtime_error("invalid listen address \"" + options.host + "\"");
  if (!options.tls_cert.empty() || !options.tls_key.empty()) impl_->tls.emplace(TlsContext(options));
  tcp::endpoint endpoint(address, options.port);
  auto& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(net::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(net::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                             error.message());
  }
}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

std::size_t Server::open_connections() const { return impl_->counter.open(); }

std::uint16_t Server::port() const { return impl_->acceptor->local_endpoint().port(); }

void Server::Start() {
  impl_->started = true;
  net::post(impl_->loops.front()->context, [impl = impl_.get()] { impl->Accept(); });
  for (auto& loop : impl_->loops) {
    loop->Sweep();
    impl_->threads.emplace_back([&loop] {
      pthread_setname_np(pthread_self(), "http-io");
      loop->context.run();
    });
  }
}

void Server::Stop(std::chrono::milliseconds grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  auto deadline = std::chrono::steady_clock::now() + grace;
  net::post(impl_->loops.front()->context, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor->close(ignored);
    impl->retry_timer->cancel();
  });
  for (auto& loop : impl_->loops) {
    net::post(loop->context, [&loop] { loop->sessions.ForEach([](SessionBase& session) { session.Shutdown(); }); });
  }
  if (impl_->started) impl_->counter.WaitUntilNone(deadline);
  for (auto& loop : impl_->loops) loop->context.stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace telemetry::http

#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <random>
#include <stdexcept>

namespace telemetry::testing {
namespace {

bool SendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one HTTP message with a Content-Length body (what curl sends) from `fd`, `buffer` holding bytes already
// read past the previous message. Empty when the peer closed or sent something else.
std::optional<std::string> ReadRequest(int fd, std::string& buffer) {
  auto fill = [&] {
    char chunk[16384];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  std::string headers = buffer.substr(0, header_end + 4);
  std::string lower = headers;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::size_t length = 0;
  if (auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::stoul(lower.substr(at + 17));
  }
  while (buffer.size() < headers.size() + length) {
    if (!fill()) return std::nullopt;
  }
  std::string message = buffer.substr(0, headers.size() + length);
  buffer.erase(0, message.size());
  return message;
}

// An HTTP message without its Connection header, `extra_headers` added.
std::string ReplaceConnectionHeader(const std::string& request, const std::string& extra_headers) {
  std::size_t header_end = request.find("\r\n\r\n");
  std::string out;
  std::size_t line_start = 0;
  while (line_start < header_end) {
    std::size_t line_end = request.find("\r\n", line_start);
    std::string line = request.substr(line_start, line_end - line_start);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!lower.starts_with("connection:")) out += line + "\r\n";
    line_start = line_end + 2;
  }
  return out + extra_headers + "\r\n" + request.substr(header_end + 4);
}

// Sends `request` to 127.0.0.1:port and returns its answer (read to the end: the request asks to close), with no
// Connection header, so that the client may keep its connection to the proxy.
std::optional<std::string> Forward(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::optional<std::string> answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      SendAll(fd, ReplaceConnectionHeader(request, "Connection: close\r\n"))) {
    answer.emplace();
    char chunk[16384];
    ssize_t n;
    while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) answer->append(chunk, static_cast<std::size_t>(n));
    if (answer->find("\r\n\r\n") == std::string::npos) answer.reset();
  }
  if (answer) answer = ReplaceConnectionHeader(*answer, "");
  ::close(fd);
  return answer;
}

std::string ErrorAnswer(int status, const char* reason, const char* type) {
  std::string body = std::string(R"({"__type":"com.amazonaws.dynamodb.v20120810#)") + type +
                     R"(","message":"injected by the test proxy"})";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace

FaultProxy::FaultProxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(listener_);
    throw std::runtime_error(std::string("fault proxy: ") + std::strerror(errno));
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  std::vector<std::thread> serving;
  {
    std::lock_guard lock(mu_);
    for (int client : clients_) ::shutdown(client, SHUT_RDWR);
    serving = std::move(serving_);
  }
  for (auto& thread : serving) thread.join();
  ::close(listener_);
}

void FaultProxy::SetFaults(Faults faults) {
  std::lock_guard lock(mu_);
  faults_ = faults;
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    std::lock_guard lock(mu_);
    clients_.push_back(client);
    serving_.emplace_back([this, client] { Serve(client); });
  }
}

void FaultProxy::Serve(int client) {
  std::mt19937 random(static_cast<unsigned>(client) * 7919u + static_cast<unsigned>(requests_.load()));
  std::string buffer;
  while (auto request = ReadRequest(client, buffer)) {
    ++requests_;
    Faults faults;
    {
      std::lock_guard lock(mu_);
      faults = faults_;
    }
    double draw = std::uniform_real_distribution<double>(0, 1)(random);
    std::optional<std::string> answer;
    if (draw < faults.throttle) {
      answer = ErrorAnswer(400, "Bad Request", "ProvisionedThroughputExceededException");
    } else if ((draw -= faults.throttle) < faults.server_error) {
      answer = ErrorAnswer(500, "Internal Server Error", "InternalServerError");
    } else if ((draw -= faults.server_error) < faults.lost_answer) {
      Forward(upstream_port_, *request);
      ++faults_injected_;
      break;  // closes without an answer
    } else {
      answer = Forward(upstream_port_, *request);
      if (!answer || !SendAll(client, *answer)) break;
      continue;
    }
    ++faults_injected_;
    if (!SendAll(client, *answer)) break;
  }
  std::lock_guard lock(mu_);
  ::shutdown(client, SHUT_RDWR);
  clients_.erase(std::find(clients_.begin(), clients_.end(), client));
  ::close(client);
}

}  // namespace telemetry::testing

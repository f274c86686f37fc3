#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace telemetry::testing {
namespace {

constexpr int kIoTimeoutMs = 20000;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

HttpClient::HttpClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpClient::~HttpClient() { ::close(fd_); }

void HttpClient::SendRaw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

bool HttpClient::Fill(int timeout_ms) {
  pollfd waiting{fd_, POLLIN, 0};
  if (::poll(&waiting, 1, timeout_ms) <= 0) throw std::runtime_error("timed out waiting for the server");
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

bool HttpClient::ServerClosed(int timeout_ms) {
  try {
    while (buffer_.empty()) {
      if (!Fill(timeout_ms)) return true;
    }
  } catch (const std::runtime_error&) {
    return false;
  }
  return false;
}

HttpResponse HttpClient::ReadResponse(bool head) {
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(kIoTimeoutMs)) throw std::runtime_error("connection closed before a response");
  }
  HttpResponse response;
  std::string head_text = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);
  std::size_t line_end = head_text.find("\r\n");
  std::string status_line = head_text.substr(0, line_end);
  response.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
  while (line_end != std::string::npos) {
    std::size_t start = line_end + 2;
    line_end = head_text.find("\r\n", start);
    std::string line = head_text.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    response.headers[Lower(line.substr(0, colon))] = value;
  }
  bool bodiless = head || response.status == 100 || response.status == 204 || response.status == 304;
  if (!bodiless && Lower(response.Header("transfer-encoding")) == "chunked") {
    response.body = ReadChunkedBody();
    return response;
  }
  std::size_t length =
      bodiless ? 0 : std::stoul(response.Header("content-length").empty() ? "0" : response.Header("content-length"));
  while (buffer_.size() < length) {
    if (!Fill(kIoTimeoutMs)) throw std::runtime_error("connection closed inside a response body");
  }
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

// RFC 9112 section 7.1: chunks of a hexadecimal size line, data and CRLF, ended by a chunk of size 0 (no trailers
// are sent by the server under test).
std::string HttpClient::ReadChunkedBody() {
  std::string body;
  while (true) {
    std::size_t line_end;
    while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
      if (!Fill(kIoTimeoutMs)) throw std::runtime_error("connection closed inside a chunk size");
    }
    std::size_t size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
    while (buffer_.size() < line_end + 2 + size + 2) {
      if (!Fill(kIoTimeoutMs)) throw std::runtime_error("connection closed inside a chunk");
    }
    body.append(buffer_, line_end + 2, size);
    buffer_.erase(0, line_end + 2 + size + 2);
    if (size == 0) return body;
  }
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    request += name + ": " + value + "\r\n";
    has_content_type |= Lower(name) == "content-type";
  }
  if (!body.empty() && !has_content_type) request += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "PUT" || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  SendRaw(request);
  return ReadResponse(method == "HEAD");
}

std::string JsonField(const std::string& body, const std::string& name) {
  std::string key = "\"" + name + "\":";
  std::size_t start = body.find(key);
  if (start == std::string::npos) return "";
  start += key.size();
  std::size_t end = body.find_first_of(",}", start);
  return body.substr(start, end - start);
}

}  // namespace telemetry::testing

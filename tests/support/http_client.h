// A minimal blocking HTTP/1.1 client over a loopback TCP connection, for integration tests. Deliberately
// independent of the server's HTTP code, so that the tests do not share its bugs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace telemetry::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const {
    auto found = headers.find(lower_name);
    return found == headers.end() ? "" : found->second;
  }
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port. Throws std::runtime_error on failure.
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection and reads its response. Throws std::runtime_error when the
  // connection fails or closes early. Content-Type is application/json when a body is given and no header says
  // otherwise.
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResponse Get(const std::string& target) { return Request("GET", target); }
  HttpResponse Put(const std::string& target, const std::string& body) { return Request("PUT", target, body); }

  // Sends raw bytes as they are.
  void SendRaw(const std::string& bytes);
  // Reads one response (for a request sent with SendRaw), its body by Content-Length or chunked. `head`: the
  // response to a HEAD request, with no body.
  HttpResponse ReadResponse(bool head = false);
  // True when the server has closed the connection (reads end of stream within `timeout_ms`).
  bool ServerClosed(int timeout_ms);

 private:
  bool Fill(int timeout_ms);
  std::string ReadChunkedBody();

  int fd_ = -1;
  std::string buffer_;
};

// The text of a top-level scalar member of a flat JSON object ("12", "null", "\"x\""); empty when absent.
std::string JsonField(const std::string& body, const std::string& name);

}  // namespace telemetry::testing

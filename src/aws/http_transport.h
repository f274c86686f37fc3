// The HTTP transport under the AWS clients: an interface so that the DynamoDB client can run over libcurl in
// production and over a transport that fails on demand in tests (as Beast's test::stream with a fail count).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace telemetry::aws {

struct HttpCall {
  std::string method = "POST";
  std::string url;  // e.g. "https://dynamodb.eu-west-1.amazonaws.com/"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // the whole exchange, connecting included
};

struct HttpResult {
  int status = 0;      // the HTTP status; 0 when no response arrived (see error)
  std::string body;
  std::string error;   // why no response arrived: connection refused, timeout, TLS failure, ...
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends the call and calls `done` exactly once with the result, on a thread of the transport's own. Never
  // blocks the caller on the network. Thread-safe.
  virtual void Send(HttpCall call, std::function<void(HttpResult)> done) = 0;
};

}  // namespace telemetry::aws

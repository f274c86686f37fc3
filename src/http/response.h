// An HTTP response as handlers produce it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.h"

namespace telemetry::http {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow or Retry-After
};

// Completes a request. Call exactly once, from any thread.
using Responder = std::function<void(Response)>;

// A handler answers a request now or later by calling the responder.
using Handler = std::function<void(Request&&, Responder)>;

}  // namespace telemetry::http

namespace telemetry::http {

// A JSON error: {"error":{"code":code,"message":message}} with the given status.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

// A JSON body with status 200 (or the given status).
Response JsonResponse(std::string body, int status = 200);

}  // namespace telemetry::http

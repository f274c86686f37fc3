// An HTTP response as handlers produce it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.h"

namespace telemetry::http {

// One piece of a streamed body, and what follows it.
struct BodyPiece {
  std::string data;
  enum class Then {
    kMore,   // ask for the next piece once this one is written
    kEnd,    // the body is complete
    kAbort,  // the body cannot be completed (e.g. the store failed): the connection is cut, so the client sees an
             // incomplete answer rather than a short one that looks whole
  } then = Then::kMore;
};

// A body produced piece by piece, for answers of any size in constant memory (an export of millions of readings).
// The session asks for a piece only once the previous one is on the wire, so a slow client slows the producer
// instead of filling memory. Sent with Transfer-Encoding: chunked (HTTP/1.0: until the connection closes).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Produces the next piece: calls `deliver` exactly once, now or later, on any thread.
  virtual void Next(std::function<void(BodyPiece)> deliver) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow or Retry-After
  std::shared_ptr<BodyStream> stream;                        // when set, the body comes from it and `body` is unused
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

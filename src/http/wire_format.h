// HTTP/1.1 response bytes, written directly rather than through Beast's serializer: a response here is a status,
// a few headers and a body already in memory, and one append into a reused buffer is the cheapest way to send it.
#pragma once

#include <string>

#include "http/response.h"

namespace telemetry::http {

struct Framing {
  unsigned version = 11;   // 10 or 11, as the request's
  bool keep_alive = true;  // false: "Connection: close" (HTTP/1.1), nothing (HTTP/1.0)
  bool head = false;       // the answer to HEAD: headers only, Content-Length as for GET
};

// Appends the status line, Date, Server, Content-Type, Content-Length, Connection and the response's own headers,
// then the body, to `out`.
void AppendResponseBytes(std::string& out, const Response& response, const Framing& framing);

// The standard reason phrase of a status code ("Not Found"), or "Unknown".
const char* ReasonPhrase(int status);

}  // namespace telemetry::http

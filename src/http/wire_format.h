// HTTP/1.1 response bytes, written directly rather than through Beast's serializer: a response here is a status,
// a few headers and a body already in memory, and one append into a reused buffer is the cheapest way to send it.
#pragma once

#include <string>
#include <string_view>

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

// For a response with a body stream: the status line and headers, with Transfer-Encoding: chunked for HTTP/1.1
// (HTTP/1.0 has no chunks: REQUIRES framing.keep_alive false there, the end of the body being the close).
void AppendStreamHead(std::string& out, const Response& response, const Framing& framing);

// A piece of a streamed body as the framing sends it: an HTTP/1.1 chunk (nothing for empty data), and after the
// last piece the terminating chunk.
void AppendStreamPiece(std::string& out, std::string_view data, bool last, const Framing& framing);

// The standard reason phrase of a status code ("Not Found"), or "Unknown".
const char* ReasonPhrase(int status);

}  // namespace telemetry::http

// Request bodies as clients compress them: Content-Encoding identity or gzip (Telegraf, the InfluxDB clients and
// batch senders gzip their writes). Decoding stops at a limit, so a small "gzip bomb" cannot expand without bound.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "http/request.h"

namespace telemetry::http {

struct BodyError {
  int status;           // 415 for an encoding not supported, 400 for a corrupt stream, 413 past the limit
  std::string message;
};

// Replaces request.body by its decoded form and removes the Content-Encoding header; the error otherwise, with
// the body left as it was.
std::optional<BodyError> DecodeContentEncoding(Request& request, std::size_t max_decoded_bytes);

}  // namespace telemetry::http

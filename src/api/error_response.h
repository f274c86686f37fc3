// How a Status becomes an HTTP answer: the one place that maps status codes to HTTP statuses.
#pragma once

#include "core/status.h"
#include "http/response.h"

namespace telemetry::api {

// kInvalidArgument 400, kNotFound 404, kAlreadyExists 409, kResourceExhausted 413, kUnavailable 503 (with
// Retry-After), kInternal 500; the JSON error body carries the status' message.
http::Response StatusResponse(const Status& status);

}  // namespace telemetry::api

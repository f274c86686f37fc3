// How a Status becomes an HTTP answer: the one place that maps status codes to HTTP statuses.
#pragma once

#include "core/status.h"
#include "http/response.h"

namespace telemetry::api {

// kInvalidArgument 400, kNotFound 404, kAlreadyExists 409, kResourceExhausted 413, kUnavailable 503,
// kOutOfSpace 507, kInternal 500 (200 for OK).
int HttpStatus(const Status& status);

// The answer in our JSON error shape: HttpStatus(status), Retry-After on a 503, the body carrying the status'
// message. (The InfluxDB endpoints use HttpStatus with InfluxDB's own error shape.)
http::Response StatusResponse(const Status& status);

}  // namespace telemetry::api

#include "api/error_response.h"

namespace telemetry::api {

http::Response StatusResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return http::Response{};
    case StatusCode::kInvalidArgument:
      return http::ErrorResponse(400, "invalid_argument", status.message());
    case StatusCode::kNotFound:
      return http::ErrorResponse(404, "not_found", status.message());
    case StatusCode::kAlreadyExists:
      return http::ErrorResponse(409, "conflict", status.message());
    case StatusCode::kResourceExhausted:
      return http::ErrorResponse(413, "too_large", status.message());
    case StatusCode::kUnavailable: {
      http::Response response = http::ErrorResponse(503, "unavailable", status.message());
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    case StatusCode::kOutOfSpace:
      return http::ErrorResponse(507, "insufficient_storage", status.message());
    case StatusCode::kInternal:
      break;
  }
  return http::ErrorResponse(500, "internal", status.message());
}

}  // namespace telemetry::api

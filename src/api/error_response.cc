#include "api/error_response.h"

namespace telemetry::api {
namespace {

struct HttpError {
  int status;
  const char* code;  // the JSON body's error code
};

HttpError HttpErrorOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return {200, "ok"};
    case StatusCode::kInvalidArgument:
      return {400, "invalid_argument"};
    case StatusCode::kNotFound:
      return {404, "not_found"};
    case StatusCode::kAlreadyExists:
      return {409, "conflict"};
    case StatusCode::kResourceExhausted:
      return {413, "too_large"};
    case StatusCode::kUnavailable:
      return {503, "unavailable"};
    case StatusCode::kOutOfSpace:
      return {507, "insufficient_storage"};
    case StatusCode::kInternal:
      break;
  }
  return {500, "internal"};
}

}  // namespace

int HttpStatus(const Status& status) { return HttpErrorOf(status.code()).status; }

http::Response StatusResponse(const Status& status) {
  if (status.ok()) return http::Response{};
  HttpError error = HttpErrorOf(status.code());
  http::Response response = http::ErrorResponse(error.status, error.code, status.message());
  if (status.code() == StatusCode::kUnavailable) response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace telemetry::api

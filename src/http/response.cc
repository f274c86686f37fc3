#include "http/response.h"

#include "core/json_writer.h"

namespace telemetry::http {

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("error").BeginObject().Key("code").String(code).Key("message").String(message);
  json.EndObject().EndObject();
  return JsonResponse(json.Take(), status);
}

Response JsonResponse(std::string body, int status) {
  return Response{status, "application/json", std::move(body), {}, nullptr};
}

}  // namespace telemetry::http

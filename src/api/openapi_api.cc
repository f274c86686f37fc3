#include "api/openapi_api.h"

#include "api/openapi_document.h"

namespace telemetry::api {

void AddOpenApi(http::Router& router) {
  router.Add("GET", "/api/openapi.yaml", [](http::Request&&, http::Responder respond) {
    respond(http::Response{200, "application/yaml", std::string(kOpenApiDocument), {}, nullptr});
  });
}

}  // namespace telemetry::api

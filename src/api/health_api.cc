#include "api/health_api.h"

namespace telemetry::api {

void AddHealthApi(http::Router& router, const std::atomic<bool>& ready) {
  router.Add("GET", "/healthz", [](http::Request&&, http::Responder respond) {
    respond(http::JsonResponse(R"({"status":"ok"})"));
  });
  router.Add("GET", "/readyz", [&ready](http::Request&&, http::Responder respond) {
    if (ready.load(std::memory_order_relaxed)) return respond(http::JsonResponse(R"({"status":"ready"})"));
    respond(http::JsonResponse(R"({"status":"draining"})", 503));
  });
}

}  // namespace telemetry::api

// Health endpoints for load balancers and orchestrators:
//   GET /healthz -> 200 while the process serves
//   GET /readyz  -> 200 while it takes traffic, 503 once shutdown has begun (so the load balancer drains it)
#pragma once

#include <atomic>

#include "http/router.h"

namespace telemetry::api {

// REQUIRES: `ready` outlives the router's use.
void AddHealthApi(http::Router& router, const std::atomic<bool>& ready);

}  // namespace telemetry::api

// Who may call what, and how often: authentication, rate limits and the in-flight cap, in front of every route
// but the open ones (health checks stay answerable under any load).
//
// Authentication, with --auth token. The policy is one table (AccessFor): every route is open, or needs a token that
// may write, read, or administer; a route the table does not name needs admin, so a route added without thought fails
// closed.
//
//   open:  GET /api, /healthz, /readyz, /ping, /api/openapi.yaml
//   write: PUT /api/temperature, POST /api/v1/readings, /write, /api/v2/write   (device: own sensors; admin)
//   read:  GET /api/stats, /api/v1/{stats,series,sensors,readings}, /metrics, GET|POST /query  (reader, admin)
//   admin: /api/v1/tokens
//
// A token comes as "Authorization: Bearer <token>"; the InfluxDB endpoints also take "Token <token>", HTTP Basic with
// the token as password, and the query parameter p (as InfluxDB clients send them). No token or an unknown one: 401
// with WWW-Authenticate; a known token without the right: 403. Neither echoes the token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator.h"
#include "core/rate_limiter.h"
#include "core/reading.h"
#include "http/router.h"

namespace telemetry::api {

enum class Access { kOpen, kWrite, kRead, kAdmin };

// What the route needs. `metrics_public`: /metrics is open (--metrics-public).
Access AccessFor(std::string_view method, std::string_view path, bool metrics_public);

// Whether a role has an access.
bool Allows(Role role, Access access);

// Limits (each optional; see config/options.h for the flags). Each refusal is answered at once: 503 with
// Retry-After past the in-flight cap (rather than an unbounded queue), 429 with Retry-After past a rate limit.
struct GuardOptions {
  auth::Authenticator* authenticator = nullptr;  // null: --auth none
  bool metrics_public = false;
  RateLimiter* per_client = nullptr;  // by client address: the peer's, or with trust_proxy X-Forwarded-For's last
  RateLimiter* per_token = nullptr;   // by token id (with authentication on)
  bool trust_proxy = false;
  std::size_t max_inflight = 0;       // requests being handled at once past which new ones get 503; 0: no cap
};

// Wraps every handler of the router with the checks its route needs, setting request.principal for the handler.
// REQUIRES: everything `options` points to outlives the router's use.
void GuardRoutes(http::Router& router, const GuardOptions& options);

// The client's address as the limits see it: with trust_proxy, the last X-Forwarded-For entry (the one the
// trusted proxy added; earlier ones are the client's to forge), else the peer address.
std::string ClientAddress(const http::Request& request, bool trust_proxy);

// For write handlers: when the sender may not write one of these readings' sensors (a device token writing another's
// sensor), the message for a 403 naming the first such sensor. nullopt with authentication off.
std::optional<std::string> ForbiddenSensor(const http::Request& request, const std::vector<Reading>& readings);

}  // namespace telemetry::api

#include "api/access_guard.h"

#include <openssl/evp.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>

#include "api/influx_api.h"

namespace telemetry::api {
namespace {

struct RouteRule {
  std::string_view method;  // "" for any
  std::string_view path;
  Access access;
};

constexpr std::array kRules = {
    RouteRule{"GET", "/api", Access::kOpen},
    RouteRule{"GET", "/healthz", Access::kOpen},
    RouteRule{"GET", "/readyz", Access::kOpen},
    RouteRule{"GET", "/ping", Access::kOpen},
    RouteRule{"GET", "/api/openapi.yaml", Access::kOpen},
    RouteRule{"PUT", "/api/temperature", Access::kWrite},
    RouteRule{"POST", "/api/v1/readings", Access::kWrite},
    RouteRule{"POST", "/write", Access::kWrite},
    RouteRule{"POST", "/api/v2/write", Access::kWrite},
    RouteRule{"GET", "/api/stats", Access::kRead},
    RouteRule{"GET", "/api/v1/stats", Access::kRead},
    RouteRule{"GET", "/api/v1/series", Access::kRead},
    RouteRule{"GET", "/api/v1/sensors", Access::kRead},
    RouteRule{"GET", "/api/v1/readings", Access::kRead},
    RouteRule{"GET", "/metrics", Access::kRead},
    RouteRule{"", "/query", Access::kRead},
    RouteRule{"", "/api/v1/tokens", Access::kAdmin},
};

bool IsInfluxPath(std::string_view path) { return path == "/write" || path == "/api/v2/write" || path == "/query"; }

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  std::string decoded(text.size() / 4 * 3, '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                             reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (size < 0) return std::nullopt;
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  decoded.resize(static_cast<std::size_t>(size) - padding);
  return decoded;
}

// The token the request presents, if any. `influx`: also the ways InfluxDB clients send one.
std::optional<std::string> PresentedToken(const http::Request& request, bool influx) {
  if (auto header = request.Header("Authorization")) {
    std::string_view value = *header;
    std::size_t space = value.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    std::string scheme(value.substr(0, space));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view credentials = value.substr(space + 1);
    while (credentials.starts_with(' ')) credentials.remove_prefix(1);
    if (scheme == "bearer" || (influx && scheme == "token")) return std::string(credentials);
    if (influx && scheme == "basic") {
      auto user_password = DecodeBase64(credentials);
      if (!user_password) return std::nullopt;
      std::size_t colon = user_password->find(':');
      if (colon == std::string::npos) return std::nullopt;
      return user_password->substr(colon + 1);
    }
    return std::nullopt;
  }
  if (influx) return request.QueryParam("p");
  return std::nullopt;
}

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kWrite:
      return "write readings";
    case Access::kRead:
      return "read";
    case Access::kAdmin:
      return "manage tokens";
    case Access::kOpen:
      break;
  }
  return "";
}

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A refusal in the dialect of the endpoint; `retry_after`: seconds, for 429 and 503.
http::Response Refusal(std::string_view path, int status, const std::string& message, double retry_after = 0) {
  http::Response response;
  if (path == "/write" || path == "/query") {
    response = InfluxError(InfluxDialect::kV1, status, message);
  } else if (path == "/api/v2/write") {
    response = InfluxError(InfluxDialect::kV2, status, message);
  } else {
    const char* code = status == 401   ? "unauthorized"
                       : status == 403 ? "forbidden"
                       : status == 429 ? "too_many_requests"
                                       : "unavailable";
    response = http::ErrorResponse(status, code, message);
  }
  if (retry_after > 0) {
    std::erase_if(response.headers, [](const auto& header) { return header.first == "Retry-After"; });
    response.headers.emplace_back("Retry-After", std::to_string(static_cast<long>(std::ceil(retry_after))));
  }
  if (status == 401) {
    response.headers.emplace_back("WWW-Authenticate", message.starts_with("a token is required")
                                                          ? R"(Bearer realm="telemetryd")"
                                                          : R"(Bearer realm="telemetryd", error="invalid_token")");
  }
  return response;
}

}  // namespace

Access AccessFor(std::string_view method, std::string_view path, bool metrics_public) {
  if (path == "/metrics" && metrics_public) return Access::kOpen;
  for (const RouteRule& rule : kRules) {
    if (rule.path == path && (rule.method.empty() || rule.method == method)) return rule.access;
  }
  return Access::kAdmin;
}

bool Allows(Role role, Access access) {
  switch (access) {
    case Access::kOpen:
      return true;
    case Access::kWrite:
      return role == Role::kDevice || role == Role::kAdmin;
    case Access::kRead:
      return role == Role::kReader || role == Role::kAdmin;
    case Access::kAdmin:
      return role == Role::kAdmin;
  }
  return false;
}

void GuardRoutes(http::Router& router, const GuardOptions& options) {
  auto inflight = std::make_shared<std::atomic<std::size_t>>(0);
  router.WrapHandlers([options, inflight](const std::string& method, const std::string& path,
                                          http::Handler handler) -> http::Handler {
    Access access = AccessFor(method, path, options.metrics_public);
    if (access == Access::kOpen) return handler;
    if (!options.authenticator) access = Access::kOpen;  // --auth none: limits only
    return [options, inflight, access, handler = std::move(handler)](http::Request&& request, http::Responder respond) {
      if (options.max_inflight > 0 && inflight->fetch_add(1) >= options.max_inflight) {
        inflight->fetch_sub(1);
        return respond(Refusal(request.path, 503, "the server is at its limit of requests in progress; retry shortly",
                               1));
      }
      if (options.max_inflight > 0) {
        respond = [inflight, respond = std::move(respond)](http::Response response) {
          inflight->fetch_sub(1);
          respond(std::move(response));
        };
      }
      if (options.per_client) {
        if (double wait = options.per_client->Take(ClientAddress(request, options.trust_proxy), SteadySeconds())) {
          return respond(Refusal(request.path, 429, "too many requests from this client; retry later", wait));
        }
      }
      if (access == Access::kOpen) return handler(std::move(request), std::move(respond));
      auto token = PresentedToken(request, IsInfluxPath(request.path));
      if (!token || token->empty()) {
        return respond(Refusal(request.path, 401, "a token is required: send Authorization: Bearer <token>"));
      }
      options.authenticator->Authenticate(
          *token, [options, access, &handler, request = std::move(request),
                   respond = std::move(respond)](std::optional<Principal> principal) mutable {
            if (!principal) return respond(Refusal(request.path, 401, "the token is not valid or was revoked"));
            if (!Allows(principal->role, access)) {
              return respond(Refusal(request.path, 403,
                                     "a " + std::string(RoleName(principal->role)) + " token may not " +
                                         std::string(AccessName(access)) + " (" + request.method + " " +
                                         request.path + ")"));
            }
            if (options.per_token) {
              if (double wait = options.per_token->Take(principal->token_id, SteadySeconds())) {
                return respond(Refusal(request.path, 429, "too many requests with this token; retry later", wait));
              }
            }
            request.principal = std::move(principal);
            handler(std::move(request), std::move(respond));
          });
    };
  });
}

std::string ClientAddress(const http::Request& request, bool trust_proxy) {
  if (trust_proxy) {
    if (auto forwarded = request.Header("X-Forwarded-For")) {
      std::string_view list = *forwarded;
      std::string_view last = list.substr(list.rfind(',') == std::string_view::npos ? 0 : list.rfind(',') + 1);
      while (last.starts_with(' ')) last.remove_prefix(1);
      while (last.ends_with(' ')) last.remove_suffix(1);
      if (!last.empty()) return std::string(last.substr(0, 64));
    }
  }
  return request.remote_address;
}

std::optional<std::string> ForbiddenSensor(const http::Request& request, const std::vector<Reading>& readings) {
  if (!request.principal) return std::nullopt;
  for (const Reading& reading : readings) {
    if (!request.principal->MayWriteSensor(reading.sensor_id)) {
      return "this token may not write sensor \"" + reading.sensor_id.substr(0, 128) + "\"; nothing was stored";
    }
  }
  return std::nullopt;
}

}  // namespace telemetry::api

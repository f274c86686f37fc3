#include "http/cors.h"

#include <algorithm>

namespace telemetry::http {
namespace {

// What a page may send beyond the CORS-safelisted headers: tokens, JSON and gzip bodies, its own request ids.
constexpr std::string_view kAllowedRequestHeaders = "Authorization, Content-Type, Content-Encoding, X-Request-Id";
// What a page may read beyond the safelisted response headers: the request id, CSV exports' next cursor, when to
// retry a 429 or 503, the scheme a 401 asks for.
constexpr std::string_view kExposedHeaders = "X-Request-Id, X-Next-Cursor, Retry-After, WWW-Authenticate";
// Seconds a browser may keep a preflight's answer.
constexpr std::string_view kPreflightMaxAge = "600";

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> origins) {
  for (std::string& origin : origins) {
    if (origin == "*") {
      any_origin_ = true;
    } else {
      origins_.push_back(std::move(origin));
    }
  }
}

std::string_view CorsPolicy::AllowedOrigin(std::string_view origin) const {
  if (origin.empty()) return {};
  if (any_origin_) return "*";
  // Origins compare exactly (a browser sends them lower-case, without a path or a trailing slash).
  bool allowed = std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
  return allowed ? origin : std::string_view();
}

void CorsPolicy::AddToAnswer(Response& response, std::string_view allowed_origin) {
  response.headers.emplace_back("Access-Control-Allow-Origin", allowed_origin);
  // The answer differs by Origin unless every origin gets the same: caches must keep them apart.
  if (allowed_origin != "*") response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Access-Control-Expose-Headers", kExposedHeaders);
}

Response CorsPolicy::Options(bool origin_allowed, const std::string& allow) {
  Response response{204, "", "", {{"Allow", allow}}, nullptr};
  if (!origin_allowed) return response;
  response.headers.emplace_back("Access-Control-Allow-Methods", allow);
  response.headers.emplace_back("Access-Control-Allow-Headers", kAllowedRequestHeaders);
  response.headers.emplace_back("Access-Control-Max-Age", kPreflightMaxAge);
  return response;
}

std::string CorsPolicy::CheckOrigin(std::string_view origin) {
  if (origin == "*") return {};
  std::size_t scheme_end = origin.find("://");
  std::string_view scheme = origin.substr(0, scheme_end == std::string_view::npos ? 0 : scheme_end);
  if (scheme != "http" && scheme != "https") {
    return "an origin is http:// or https:// and a host, e.g. https://dash.example.com, or *";
  }
  std::string_view host = origin.substr(scheme_end + 3);
  if (host.empty() || host.find_first_of("/?#") != std::string_view::npos) {
    return "an origin has no path, not even a trailing /: e.g. https://dash.example.com";
  }
  for (char c : origin) {
    if (c >= 'A' && c <= 'Z') return "an origin is lower-case, as browsers send it";
    if (c <= ' ' || c == ',' || c == 0x7f) return "an origin has no spaces, commas or control characters";
  }
  return {};
}

}  // namespace telemetry::http

#include "http/router.h"

#include <cctype>
#include <cstdint>
#include <random>

namespace telemetry::http {
namespace {

bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// The client's X-Request-Id when usable (so that its logs and ours share it), else 16 random hex digits.
std::string RequestId(const Request& request) {
  if (auto given = request.Header("X-Request-Id"); given && UsableRequestId(*given)) return std::string(*given);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(16, '0');
  std::uint64_t bits = random();
  for (char& digit : id) {  // every answer carries one: no printf machinery per request
    digit = "0123456789abcdef"[bits >> 60];
    bits <<= 4;
  }
  return id;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& path, Handler handler, BodyLimit body_limit) {
  Route& route = routes_[path];
  route.by_method.push_back(Method{method, std::move(handler), body_limit});
  route.allow.clear();
  for (const Method& known : route.by_method) {
    route.allow += (route.allow.empty() ? "" : ", ") + known.name;
    if (known.name == "GET") route.allow += ", HEAD";
  }
  route.allow += ", OPTIONS";
}

const Router::Route* Router::Find(std::string_view path) const {
  auto found = routes_.find(path);
  return found == routes_.end() ? nullptr : &found->second;
}

Router::BodyLimit Router::BodyLimitOf(std::string_view method, std::string_view path) const {
  if (const Route* route = Find(path)) {
    for (const Method& known : route->by_method) {
      if (known.name == method) return known.body_limit;
    }
  }
  return BodyLimit::kRequest;
}

void Router::WrapHandlers(const Wrapper& wrap) {
  for (auto& [path, route] : routes_) {
    for (Method& method : route.by_method) method.handler = wrap(method.name, path, std::move(method.handler));
  }
}

Responder Router::Answering(const Request& request, std::string_view route, const std::string& allowed_origin,
                            Responder respond) const {
  return [this, route, method = request.method, path = request.path, request_id = RequestId(request), allowed_origin,
          start = std::chrono::steady_clock::now(), respond = std::move(respond)](Response response) {
    response.headers.emplace_back("X-Request-Id", request_id);
    if (!allowed_origin.empty()) CorsPolicy::AddToAnswer(response, allowed_origin);
    // The observer first: once the answer is handed over, the server may finish and the router go away.
    if (observer_) {
      observer_(Answered{route, method, path, request_id, response.status, std::chrono::steady_clock::now() - start});
    }
    respond(std::move(response));
  };
}

std::string Router::AllowedOrigin(const Request& request) const {
  if (!cors_.enabled()) return {};
  auto origin = request.Header("Origin");
  return origin ? std::string(cors_.AllowedOrigin(*origin)) : std::string();
}

void Router::Refuse(const Request& request, Response refusal, Responder respond) const {
  Answering(request, {}, AllowedOrigin(request), std::move(respond))(std::move(refusal));
}

void Router::Dispatch(Request&& request, Responder respond) const {
  auto route = routes_.find(request.path);
  // Route names come from the table, never from the request: unknown paths cannot grow a metric's label set.
  std::string_view name = route == routes_.end() ? std::string_view() : std::string_view(route->first);
  std::string allowed_origin = AllowedOrigin(request);  // CORS: the Access-Control-Allow-Origin; empty: none
  respond = Answering(request, name, allowed_origin, std::move(respond));
  if (route == routes_.end()) {
    respond(ErrorResponse(404, "not_found", "no such path: " + request.path.substr(0, 200)));
    return;
  }
  std::string_view method = request.method;
  if (method == "HEAD") method = "GET";
  // Answered here, before any handler's checks: a browser's preflight carries no token.
  if (method == "OPTIONS") return respond(CorsPolicy::Options(!allowed_origin.empty(), route->second.allow));
  for (const Method& known : route->second.by_method) {
    if (known.name == method) {
      known.handler(std::move(request), std::move(respond));
      return;
    }
  }
  Response response = ErrorResponse(405, "method_not_allowed",
                                    request.method + " is not allowed on " + request.path + "; allowed: " +
                                        route->second.allow);
  response.headers.emplace_back("Allow", route->second.allow);
  respond(std::move(response));
}

}  // namespace telemetry::http

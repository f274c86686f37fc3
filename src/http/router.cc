#include "http/router.h"

namespace telemetry::http {

void Router::Add(const std::string& method, const std::string& path, Handler handler) {
  Route& route = routes_[path];
  route.by_method.emplace_back(method, std::move(handler));
  route.allow.clear();
  for (const auto& [known, unused] : route.by_method) {
    route.allow += (route.allow.empty() ? "" : ", ") + known;
    if (known == "GET") route.allow += ", HEAD";
  }
}

void Router::Dispatch(Request&& request, Responder respond) const {
  auto route = routes_.find(request.path);
  if (observer_) {
    // Route names come from the table, never from the request: unknown paths cannot grow the label set.
    std::string_view name = route == routes_.end() ? std::string_view() : std::string_view(route->first);
    respond = [this, name, method = request.method, start = std::chrono::steady_clock::now(),
               respond = std::move(respond)](Response response) {
      int status = response.status;
      respond(std::move(response));
      observer_(name, method, status, std::chrono::steady_clock::now() - start);
    };
  }
  if (route == routes_.end()) {
    respond(ErrorResponse(404, "not_found", "no such path: " + request.path.substr(0, 200)));
    return;
  }
  std::string_view method = request.method;
  if (method == "HEAD") method = "GET";
  for (const auto& [known, handler] : route->second.by_method) {
    if (known == method) {
      handler(std::move(request), std::move(respond));
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

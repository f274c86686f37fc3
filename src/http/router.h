// Maps (method, path) to handlers. Unknown paths get a JSON 404; a known path with another method gets a JSON 405
// with an Allow header. HEAD is answered by the GET handler (the session drops the body). Every answer carries an
// X-Request-Id: the request's own when it sent a usable one (1 to 128 of A-Z a-z 0-9 . _ -), else a new one.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace telemetry::http {

class Router {
 public:
  // Registers `handler` for `method` on the exact `path`. Not thread-safe: register before serving.
  void Add(const std::string& method, const std::string& path, Handler handler);

  // Replaces each registered handler h of (method, path) by wrap(method, path, h): for what every route needs,
  // such as authentication. Not thread-safe: call after registering, before serving.
  using Wrapper = std::function<Handler(const std::string& method, const std::string& path, Handler handler)>;
  void WrapHandlers(const Wrapper& wrap);

  // Calls the matching handler, or answers 404/405 itself. Thread-safe once registration is over.
  void Dispatch(Request&& request, Responder respond) const;

  // What an observer is told of each answer.
  struct Answered {
    std::string_view route;       // the route's path; "" when none matched
    std::string_view method;      // as sent
    std::string_view path;        // as sent (not decoded, without the query)
    std::string_view request_id;  // the X-Request-Id the answer carries
    int status;
    std::chrono::nanoseconds took;  // from dispatch to answer
  };
  // Called once per answer, on the thread that answers. Must be quick and thread-safe. Set before serving.
  using Observer = std::function<void(const Answered&)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  struct Route {
    std::vector<std::pair<std::string, Handler>> by_method;
    std::string allow;  // e.g. "GET, HEAD, PUT"
  };
  std::unordered_map<std::string, Route> routes_;
  Observer observer_;
};

}  // namespace telemetry::http

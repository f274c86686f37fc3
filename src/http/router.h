// Maps (method, path) to handlers. Unknown paths get a JSON 404; a known path with another method gets a JSON 405
// with an Allow header. HEAD is answered by the GET handler (the session drops the body).
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

  // Calls the matching handler, or answers 404/405 itself. Thread-safe once registration is over.
  void Dispatch(Request&& request, Responder respond) const;

  // Called once per answer, on the thread that answers: the route's path ("" when none matched), the method,
  // the status and the time from dispatch to answer. Must be quick and thread-safe. Set before serving.
  using Observer =
      std::function<void(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds)>;
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

// Maps (method, path) to handlers. Unknown paths get a JSON 404; a known path with another method gets a JSON 405
// with an Allow header. HEAD is answered by the GET handler (the session drops the body), OPTIONS by the router
// (204 with Allow, and a CORS preflight's answer: http/cors.h). Every answer carries an X-Request-Id: the request's
// own when it sent a usable one (1 to 128 of A-Z a-z 0-9 . _ -), else a new one; and, for a page of an allowed
// origin, the CORS headers that let it read the answer.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/cors.h"
#include "http/request.h"
#include "http/response.h"

namespace telemetry::http {

class Router {
 public:
  // Which of the server's body limits a route's requests are read with (ServerOptions): batch writes carry up to
  // tens of thousands of readings, everything else a few hundred bytes.
  enum class BodyLimit { kRequest, kBatch };

  // Registers `handler` for `method` on the exact `path`. Not thread-safe: register before serving.
  void Add(const std::string& method, const std::string& path, Handler handler,
           BodyLimit body_limit = BodyLimit::kRequest);

  // The body limit of a request to (method, path) given its headers alone; kRequest for unknown routes. Thread-safe
  // once registration is over.
  BodyLimit BodyLimitOf(std::string_view method, std::string_view path) const;

  // Replaces each registered handler h of (method, path) by wrap(method, path, h): for what every route needs,
  // such as authentication. Not thread-safe: call after registering, before serving.
  using Wrapper = std::function<Handler(const std::string& method, const std::string& path, Handler handler)>;
  void WrapHandlers(const Wrapper& wrap);

  // Calls the matching handler, or answers 404/405 itself. Thread-safe once registration is over.
  void Dispatch(Request&& request, Responder respond) const;

  // Answers a request the server refused before it could be dispatched (a body or header too large, malformed, no
  // Host) as Dispatch() answers every request: with an X-Request-Id, the CORS headers an allowed origin's page needs
  // to read the error, and the observer told (route ""). `request`: what was read of it, perhaps nothing.
  void Refuse(const Request& request, Response refusal, Responder respond) const;

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

  // Which web origins' pages may call the API (none by default). Set before serving.
  void SetCors(CorsPolicy cors) { cors_ = std::move(cors); }

 private:
  struct Method {
    std::string name;
    Handler handler;
    BodyLimit body_limit;
  };
  struct Route {
    std::vector<Method> by_method;
    std::string allow;  // e.g. "GET, HEAD, PUT, OPTIONS"
  };
  // Wraps `respond` in what every answer gets: the request id, CORS headers for `allowed_origin` (empty: none), and
  // the observer told of it under `route`.
  Responder Answering(const Request& request, std::string_view route, const std::string& allowed_origin,
                      Responder respond) const;
  // CORS: the Access-Control-Allow-Origin for the request's Origin; empty: none.
  std::string AllowedOrigin(const Request& request) const;
  // Finds the route of `path` without copying it.
  const Route* Find(std::string_view path) const;

  // Hashes std::string and std::string_view alike, so that a path is looked up without a copy.
  struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const { return std::hash<std::string_view>{}(path); }
  };
  std::unordered_map<std::string, Route, PathHash, std::equal_to<>> routes_;
  Observer observer_;
  CorsPolicy cors_;
};

}  // namespace telemetry::http

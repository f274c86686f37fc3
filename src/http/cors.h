// Cross-origin calls from browsers (CORS, https://fetch.spec.whatwg.org/#http-cors-protocol): which web origins'
// pages may call the API, and the headers that tell a browser so. Off unless origins are given: a browser then
// keeps other origins' pages from reading any answer, as it does for every server that says nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/response.h"

namespace telemetry::http {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  // `origins`: exact origins as browsers send them ("https://dash.example.com", scheme and host and any port), or
  // "*" for every origin.
  explicit CorsPolicy(std::vector<std::string> origins);

  bool enabled() const { return any_origin_ || !origins_.empty(); }

  // The Access-Control-Allow-Origin value for a request carrying `origin`: "*", the origin itself, or empty when
  // that origin may not read answers.
  std::string_view AllowedOrigin(std::string_view origin) const;

  // Adds what lets a page of an allowed origin read `response` (from AllowedOrigin's value).
  static void AddToAnswer(Response& response, std::string_view allowed_origin);

  // The answer to OPTIONS on a path that allows `allow` (e.g. "GET, HEAD, OPTIONS"): 204 with Allow and, for an
  // allowed origin's preflight (a browser asking before a call), the methods and headers it may send. AddToAnswer
  // adds the rest, as to every answer.
  static Response Options(bool origin_allowed, const std::string& allow);

  // Checks one configured origin; an error message when it is not one a browser would send.
  static std::string CheckOrigin(std::string_view origin);

 private:
  std::vector<std::string> origins_;
  bool any_origin_ = false;
};

}  // namespace telemetry::http

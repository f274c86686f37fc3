// A parsed HTTP request as handlers see it: plain data, no Beast types, so handlers are testable without sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/principal.h"

namespace telemetry::http {

struct Request {
  std::string method;  // as sent: "GET", "PUT", ...
  std::string path;    // the target before '?', not decoded
  std::string query;   // the target after '?', not decoded; empty when none
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address, e.g. "127.0.0.1"
  // Who sent it, as the access guard (api/access_guard.h) established before the handler runs; empty when
  // authentication is off.
  std::optional<Principal> principal;

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The value of a query parameter, percent- and '+'-decoded; the first one when repeated.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // Every query parameter name, decoded, in order.
  std::vector<std::string> QueryParamNames() const;
};

}  // namespace telemetry::http

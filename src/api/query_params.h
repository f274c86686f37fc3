// The query parameters the read endpoints share, parsed and validated one way: every error is kInvalidArgument
// naming the parameter, so each endpoint answers a 400 that says what to fix.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "http/request.h"

namespace telemetry::api {

// OK when every query parameter is one of `known` and none is repeated; otherwise names the first that is unknown
// (and lists the known ones) or repeated.
Status CheckParamNames(const http::Request& request, std::initializer_list<std::string_view> known);

// sensorID when present, validated as a reading's sensorID is.
StatusOr<std::optional<std::string>> SensorIdParam(const http::Request& request);

// The time parameter `name` (epoch seconds or any time a reading accepts), or `fallback` when absent.
StatusOr<TimeNs> TimeParam(const http::Request& request, std::string_view name, TimeNs fallback);

// limit: a whole number from 1 to `max`, or `fallback` when absent.
StatusOr<std::size_t> LimitParam(const http::Request& request, std::size_t fallback, std::size_t max);

}  // namespace telemetry::api

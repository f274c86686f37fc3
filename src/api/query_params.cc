#include "api/query_params.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "core/reading.h"

namespace telemetry::api {

Status CheckParamNames(const http::Request& request, std::initializer_list<std::string_view> known) {
  std::vector<std::string> names = request.QueryParamNames();
  for (auto name = names.begin(); name != names.end(); ++name) {
    if (std::find(known.begin(), known.end(), *name) == known.end()) {
      std::string list;
      for (std::string_view one : known) list += (list.empty() ? "" : ", ") + std::string(one);
      return InvalidArgument("unknown query parameter \"" + name->substr(0, 64) + "\"; known: " + list);
    }
    // ?sensorID=1&sensorID=2 is not a question with one answer: say so rather than pick one.
    if (std::find(names.begin(), name, *name) != name) {
      return InvalidArgument("query parameter \"" + *name + "\" is given more than once");
    }
  }
  return Status::Ok();
}

StatusOr<std::optional<std::string>> SensorIdParam(const http::Request& request) {
  std::optional<std::string> sensor_id = request.QueryParam("sensorID");
  if (sensor_id) {
    if (Status valid = ValidateSensorId(*sensor_id); !valid.ok()) return valid;
  }
  return sensor_id;
}

StatusOr<TimeNs> TimeParam(const http::Request& request, std::string_view name, TimeNs fallback) {
  std::optional<std::string> text = request.QueryParam(name);
  if (!text) return fallback;
  StatusOr<TimeNs> time = ParseTime(*text);
  if (!time.ok()) {
    // A '+' written into a URL unencoded arrives as a space ("…T09:00:00+02:00" as "…T09:00:00 02:00"). A space
    // there can mean nothing else, so the time is read as if the '+' had been encoded.
    if (std::size_t space = text->rfind(' '); space != std::string::npos) {
      std::string with_plus = *text;
      with_plus[space] = '+';
      if (StatusOr<TimeNs> offset = ParseTime(with_plus); offset.ok()) return offset;
    }
    return InvalidArgument(std::string(name) + ": " + time.status().message());
  }
  return time;
}

StatusOr<std::size_t> LimitParam(const http::Request& request, std::size_t fallback, std::size_t max) {
  std::optional<std::string> text = request.QueryParam("limit");
  if (!text) return fallback;
  std::size_t limit = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size() || limit == 0 || limit > max) {
    return InvalidArgument("limit must be a whole number from 1 to " + std::to_string(max));
  }
  return limit;
}

}  // namespace telemetry::api

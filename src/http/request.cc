#include "http/request.h"

#include "core/ascii.h"
#include "core/percent_encoding.h"

namespace telemetry::http {
namespace {

// Calls fn(name, value) for each "name=value" pair until it returns true.
template <typename Fn>
void ForEachParam(std::string_view query, Fn fn) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (fn(PercentDecode(pair.substr(0, eq), true), value)) return;
  }
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoringAsciiCase(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::optional<std::string> found;
  ForEachParam(query, [&](const std::string& key, std::string_view value) {
    if (key != name) return false;
    found = PercentDecode(value, true);
    return true;
  });
  return found;
}

std::vector<std::string> Request::QueryParamNames() const {
  std::vector<std::string> names;
  ForEachParam(query, [&](const std::string& key, std::string_view) {
    names.push_back(key);
    return false;
  });
  return names;
}

}  // namespace telemetry::http

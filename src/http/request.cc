#include "http/request.h"

#include <strings.h>

namespace telemetry::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

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
    if (fn(Decode(pair.substr(0, eq)), value)) return;
  }
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::optional<std::string> found;
  ForEachParam(query, [&](const std::string& key, std::string_view value) {
    if (key != name) return false;
    found = Decode(value);
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

// Text helpers for ASCII-only syntax (numbers in strings, NDJSON lines, media types).
#pragma once

#include <strings.h>

#include <string_view>

namespace telemetry {

// `a` == `b` with ASCII letters compared without regard to case (header names, media types, tokens).
inline bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// `text` without leading and trailing ASCII whitespace: space, \t, \n, \v, \f, \r (C's isspace, whatever the locale).
inline std::string_view TrimAsciiSpace(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace telemetry

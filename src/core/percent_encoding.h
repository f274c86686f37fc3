// Percent-decoding of URL parts (RFC 3986), shared by query parsing and request signing.
#pragma once

#include <string>
#include <string_view>

namespace telemetry {

// Decodes "%XX" escapes (either hex case); a '%' not followed by two hex digits stays as it is. With
// `plus_is_space`, '+' decodes to ' ' (HTML form encoding, as in query strings from browsers and curl).
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace telemetry

// UTF-8 as the Unicode standard defines it well-formed (Table 3-7): no stray continuation bytes, overlong forms,
// surrogates or code points beyond U+10FFFF. JSON text must be UTF-8, and a sensor id that is not would reach
// clients as invalid JSON (and DynamoDB refuses such strings).
#pragma once

#include <cstddef>
#include <string_view>

namespace telemetry {

// The length (1 to 4) of the well-formed sequence that starts `text`, or 0 when `text` is empty or does not start
// with one.
std::size_t Utf8SequenceLength(std::string_view text);

bool IsValidUtf8(std::string_view text);

}  // namespace telemetry

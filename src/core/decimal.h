// Decimal numbers in text, read as the original service (Python's float()) and InfluxDB (Go's strconv.ParseFloat)
// read them where a double's range ends: a value too small for a double rounds to zero or a subnormal, one too
// large is out of range. std::from_chars, which the parsers use, refuses both alike.
#pragma once

#include <string_view>

namespace telemetry {

enum class DecimalParse { kOk, kInvalid, kOutOfRange };

// Parses all of `text` in std::from_chars's general format (digits, an optional point and exponent, a leading '-';
// also "inf" and "nan", which callers refuse as they refuse them anywhere) into `value`. kOutOfRange for a finite
// number too large for a double: `value` is then unchanged, as with kInvalid.
DecimalParse ParseDecimal(std::string_view text, double& value);

}  // namespace telemetry

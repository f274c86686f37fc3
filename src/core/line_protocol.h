// InfluxDB line protocol, the text format Telegraf, the InfluxDB client libraries and the influx CLI write:
//
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// The whole grammar: backslash escapes (measurement: ',' ' '; tag keys and values and field keys: ',' '=' ' '),
// string fields in double quotes (escapes \" and \\, newlines allowed inside), integers (12i), unsigned integers
// (12u), floats (1, -1.5, 1e3), booleans (t T true True TRUE f F false False FALSE), an optional integer timestamp
// in the request's precision, comments (#...), blank lines and CRLF line ends. A line that breaks the grammar is
// reported with its number and the rest are still parsed, as InfluxDB does.
//
//   ParsedLines parsed = ParseLineProtocol("temperature,sensorID=107 value=12 1633338000", kNanosPerSecond);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/time.h"

namespace telemetry {

using FieldValue = std::variant<double, std::int64_t, std::uint64_t, bool, std::string>;

struct LineField {
  std::string key;
  FieldValue value;
};

struct LinePoint {
  int line = 0;  // 1-based line number of the point's first line
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<LineField> fields;
  std::optional<TimeNs> time;  // in nanoseconds; none when the line has no timestamp
};

struct LineError {
  int line = 0;
  std::string message;  // "unable to parse '<line>': <why>", InfluxDB's wording
};

struct ParsedLines {
  std::vector<LinePoint> points;
  std::vector<LineError> errors;
};

// Parses `text`; timestamps are in units of `precision` nanoseconds (1 for ns, 1000 for us, ...).
// REQUIRES: precision > 0.
ParsedLines ParseLineProtocol(std::string_view text, TimeNs precision);

// The nanoseconds per unit of an InfluxDB precision name ("ns" "n" "us" "u" "µs" "ms" "s" "m" "h"); none when
// unknown. An empty name means nanoseconds.
std::optional<TimeNs> PrecisionNanos(std::string_view name);

}  // namespace telemetry

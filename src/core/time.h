// Time as telemetryd stores it: integer nanoseconds since the Unix epoch, UTC (as InfluxDB stores it), so that no
// two distinct timestamps collide and every instant in 1677-09-21 .. 2262-04-11 is representable.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/status.h"

namespace telemetry {

using TimeNs = std::int64_t;

inline constexpr TimeNs kNanosPerSecond = 1'000'000'000;
inline constexpr TimeNs kNanosPerMinute = 60 * kNanosPerSecond;
inline constexpr TimeNs kNanosPerHour = 3600 * kNanosPerSecond;
inline constexpr TimeNs kNanosPerDay = 86400 * kNanosPerSecond;
inline constexpr TimeNs kMinTime = std::numeric_limits<TimeNs>::min();
inline constexpr TimeNs kMaxTime = std::numeric_limits<TimeNs>::max();

// Parses a timestamp in one of the accepted forms:
//   "2021-10-04 09:00:00"             the original service's form, UTC
//   "2021-10-04T09:00:00.123456789Z"  RFC 3339, fraction optional, "Z" or an offset such as "+05:30"
//                                     (a missing offset means UTC; 't' and ' ' also separate date and time)
//   "2021-10-04"                      midnight UTC of that day
//   "1633338000.5"                    epoch seconds, optional '-' and up to 9 fraction digits
// Returns kInvalidArgument, with a message naming the problem, for anything else: impossible dates (February 30,
// hour 24, second 60), more than 9 fraction digits, or instants outside the representable range.
StatusOr<TimeNs> ParseTime(std::string_view text);

// Formats as RFC 3339 in UTC with the shortest fraction that is exact: "2021-10-04T09:00:00Z",
// "2021-10-04T09:00:00.5Z"; or, given a zone's offset from UTC at that time, as its local time with the offset
// (hours and minutes): "2021-10-04T14:30:00+05:30", as InfluxDB writes times under tz().
std::string FormatRfc3339(TimeNs time, std::int32_t utc_offset_seconds = 0);

// floor(time / width) * width and its ceiling counterpart, saturating at the ends of the representable range.
// REQUIRES: width > 0
TimeNs FloorTo(TimeNs time, TimeNs width);
TimeNs CeilTo(TimeNs time, TimeNs width);

}  // namespace telemetry

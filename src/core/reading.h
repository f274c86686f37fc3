// A temperature reading and the rules every reading must satisfy before it is stored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"

namespace telemetry {

// A reading's identity is (sensor_id, time): two sensors may report at the same instant, and one sensor reporting
// twice at the same instant is either a retry (same value) or a conflict (another value).
struct Reading {
  std::string sensor_id;
  TimeNs time = 0;
  double value = 0;

  friend bool operator==(const Reading&, const Reading&) = default;
};

inline constexpr std::size_t kMaxSensorIdBytes = 128;

// OK for a non-empty id of at most kMaxSensorIdBytes bytes of UTF-8 without control characters; otherwise
// kInvalidArgument naming the rule broken.
Status ValidateSensorId(std::string_view sensor_id);

// The magnitudes a stored value may have (besides 0). Every aggregate of up to 2^63 of them, with the compensation
// term of its sum, stays finite in a double and within DynamoDB's number range (magnitudes 1e-130 to 1e126): a
// sum that overflowed would be infinite and its compensation term not a number, which neither store can keep (SQLite
// refuses the rollup row, and the log would replay it at every start). No sensor, counter or gauge comes near
// either bound.
inline constexpr double kMaxValueMagnitude = 1e100;
inline constexpr double kMinValueMagnitude = 1e-100;

// OK for 0 and for finite values whose magnitude is within [kMinValueMagnitude, kMaxValueMagnitude]; otherwise
// kInvalidArgument naming the range.
Status ValidateTemperature(double value);

// OK for every representable instant but the last, kMaxTime, which a range's end takes for "no upper bound":
// ranges end before their end, so a reading there could be counted by statistics yet never exported.
Status ValidateReadingTime(TimeNs time);

// Parses a temperature written as text ("12", "-3.5", "1e2"): the whole text must be a decimal number and the
// number must pass ValidateTemperature. kInvalidArgument otherwise.
StatusOr<double> ParseTemperature(std::string_view text);

}  // namespace telemetry

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

// OK for a non-empty id of at most kMaxSensorIdBytes bytes without control characters; otherwise
// kInvalidArgument naming the rule broken.
Status ValidateSensorId(std::string_view sensor_id);

// Parses a temperature written as text ("12", "-3.5", "1e2"): the whole text must be a decimal number and the
// number must be finite. kInvalidArgument otherwise.
StatusOr<double> ParseTemperature(std::string_view text);

}  // namespace telemetry

#include "core/reading.h"

#include <charconv>
#include <cmath>

namespace telemetry {

Status ValidateSensorId(std::string_view sensor_id) {
  if (sensor_id.empty()) return InvalidArgument("sensorID must not be empty");
  if (sensor_id.size() > kMaxSensorIdBytes) {
    return InvalidArgument("sensorID must be at most " + std::to_string(kMaxSensorIdBytes) + " bytes");
  }
  for (unsigned char c : sensor_id) {
    if (c < 0x20 || c == 0x7f) return InvalidArgument("sensorID must not contain control characters");
  }
  return Status::Ok();
}

StatusOr<double> ParseTemperature(std::string_view text) {
  double value = 0;
  // from_chars accepts neither leading '+', whitespace nor hex in general format: all are rejected here too.
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("temperature must be a number, got \"" + std::string(text.substr(0, 64)) + "\"");
  }
  if (!std::isfinite(value)) return InvalidArgument("temperature must be a finite number");
  return value;
}

}  // namespace telemetry

#include "core/reading.h"

#include <cmath>

#include "core/ascii.h"
#include "core/decimal.h"
#include "core/json_writer.h"
#include "core/utf8.h"

namespace telemetry {

Status ValidateSensorId(std::string_view sensor_id) {
  if (sensor_id.empty()) return InvalidArgument("sensorID must not be empty");
  if (sensor_id.size() > kMaxSensorIdBytes) {
    return InvalidArgument("sensorID must be at most " + std::to_string(kMaxSensorIdBytes) + " bytes");
  }
  for (unsigned char c : sensor_id) {
    if (c < 0x20 || c == 0x7f) return InvalidArgument("sensorID must not contain control characters");
  }
  if (!IsValidUtf8(sensor_id)) return InvalidArgument("sensorID must be valid UTF-8");
  return Status::Ok();
}

Status ValidateTemperature(double value) {
  if (!std::isfinite(value)) return InvalidArgument("temperature must be a finite number");
  double magnitude = std::fabs(value);
  if (magnitude != 0 && (magnitude < kMinValueMagnitude || magnitude > kMaxValueMagnitude)) {
    return InvalidArgument("temperature must be 0 or between 1e-100 and 1e100 in magnitude, got " +
                           FormatNumber(value));
  }
  return Status::Ok();
}

Status ValidateReadingTime(TimeNs time) {
  if (time == kMaxTime) return InvalidArgument("time must be earlier than " + FormatRfc3339(kMaxTime));
  return Status::Ok();
}

StatusOr<double> ParseTemperature(std::string_view text) {
  auto rejected = [&] {
    return InvalidArgument("temperature must be a number, got \"" + std::string(text.substr(0, 64)) + "\"");
  };
  // The original converted the stored string with Python's float(), which allows surrounding whitespace and a
  // leading '+': a client that sent " 12" or "+12" must not notice the switch. ParseDecimal takes neither.
  std::string_view number = TrimAsciiSpace(text);
  if (number.size() > 1 && number.front() == '+' && number[1] != '-') number.remove_prefix(1);
  double value = 0;
  // General format: no hex, no "0x"; "nan" and "inf" parse and are refused as not finite below, as is "1e309",
  // which Python read as infinity.
  DecimalParse parsed = ParseDecimal(number, value);
  if (parsed == DecimalParse::kInvalid) return rejected();
  if (parsed == DecimalParse::kOutOfRange) return InvalidArgument("temperature must be a finite number");
  if (Status valid = ValidateTemperature(value); !valid.ok()) return valid;
  return value;
}

}  // namespace telemetry

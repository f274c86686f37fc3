// Request bodies of single readings, as the integration tests send them.
#pragma once

#include <string>

namespace telemetry::testing {

// The original's example time, 2021-10-04 09:00:00 UTC, in epoch seconds: tests count their readings' times from it.
inline constexpr long long kExampleEpochSecond = 1633338000;

// A PUT /api/temperature body: `sensor`'s reading of `value` at `second` seconds after kExampleEpochSecond.
inline std::string ReadingBody(const std::string& sensor, long long second, long long value) {
  return R"({"sensorID":")" + sensor + R"(","temperature":)" + std::to_string(value) + R"(,"time":)" +
         std::to_string(kExampleEpochSecond + second) + "}";
}

}  // namespace telemetry::testing

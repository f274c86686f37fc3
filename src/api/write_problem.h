// What a client is told of a reading that its write did not store, the same on every write endpoint (the
// original's PUT, batches, InfluxDB line protocol), each in its own error shape.
#pragma once

#include <optional>
#include <string>

#include "core/reading.h"
#include "storage/store.h"

namespace telemetry::api {

struct WriteProblem {
  int http_status;      // what a write of this reading alone answers: 409 or 400
  std::string code;     // the error code of a JSON error body: "conflict", "expired"
  std::string message;  // names the sensor, the time and what happened
};

// Empty for a stored or duplicate reading: both mean the reading is stored.
std::optional<WriteProblem> ProblemOf(const Reading& reading, WriteOutcome outcome);

}  // namespace telemetry::api

#include "api/write_problem.h"

#include "core/time.h"

namespace telemetry::api {

std::optional<WriteProblem> ProblemOf(const Reading& reading, WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kStored:
    case WriteOutcome::kDuplicate:
      return std::nullopt;
    case WriteOutcome::kConflict:
      return WriteProblem{409, "conflict",
                          "sensor \"" + reading.sensor_id + "\" already has another temperature at " +
                              FormatRfc3339(reading.time) + "; the first value is kept"};
    case WriteOutcome::kExpired:
      return WriteProblem{400, "expired",
                          "sensor \"" + reading.sensor_id + "\": time " + FormatRfc3339(reading.time) +
                              " is older than the store keeps readings (--retention-days); not stored"};
  }
  return std::nullopt;
}

}  // namespace telemetry::api

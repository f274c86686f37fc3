// How long the embedded store keeps readings: whole UTC days, as InfluxDB drops whole shard groups.
//
// With a retention of N days, the readings before the start of the UTC day N days before today are deleted (at
// UTC midnight, and at start) and refused when they arrive: every reading is kept at least N days and less than
// N + 1. A cutoff on a day's start is also one on every rollup level's bucket edges (seconds, minutes, hours,
// days), so deleting is dropping whole buckets: no rollup row is ever recounted for it.
//
//   Retention keep{30};
//   if (reading.time < keep.Cutoff(now)) refuse(reading);
#pragma once

#include <cstdint>

#include "core/time.h"

namespace telemetry {

struct Retention {
  std::int64_t days = 0;  // 0: readings are kept forever

  bool keeps_forever() const { return days <= 0; }

  // Readings before this time are not kept at `now`; kMinTime when every reading is.
  TimeNs Cutoff(TimeNs now) const {
    if (keeps_forever()) return kMinTime;
    TimeNs today = FloorTo(now, kNanosPerDay);
    return today - days * kNanosPerDay;
  }

  // When Cutoff() moves next after `now` (the next UTC midnight); kMaxTime when it never does.
  TimeNs NextCutoffChange(TimeNs now) const {
    return keeps_forever() ? kMaxTime : FloorTo(now, kNanosPerDay) + kNanosPerDay;
  }
};

// Most days a retention may be: the cutoff then stays far inside the times a reading may have.
inline constexpr std::int64_t kMostRetentionDays = 100 * 366;

}  // namespace telemetry

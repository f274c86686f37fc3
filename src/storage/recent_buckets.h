// RecentBuckets: what the embedded store's writer remembers of the last few buckets of one sparse rollup level
// (storage/sqlite_schema.h) that a sensor's readings went to, most recent first: whether a bucket has its rollup row
// (or a delta that makes it) or holds one reading alone, and then that reading's value, which the bucket's next
// reading brings along so that the row starts whole. A few buckets, not one: batches from several connections
// overtake each other, and each writes near a time of its own.
//
//   RecentBuckets recent;
//   recent.KeepLone(minute, 20.5);         // a reading alone in its minute: no rollup row
//   double lone;
//   recent.Join(minute, lone);             // kLone, lone == 20.5: the next reading's delta carries both
//   recent.Join(minute, lone);             // kHasRow
//   recent.Join(other_minute, lone);       // kUnknown: the store recounts the bucket if its delta makes the row
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "core/time.h"

namespace telemetry {

class RecentBuckets {
 public:
  static constexpr std::size_t kKept = 4;
  enum class State { kUnknown, kLone, kHasRow };

  // Remembers `bucket` as holding one reading, of `value`, and no row. REQUIRES: `value` is not NaN.
  void KeepLone(TimeNs bucket, double value) { Keep({bucket, value}); }

  // A reading joins `bucket`: returns what was remembered of it (with the lone reading's value in `lone_value`) and
  // remembers it as having its row from now on.
  State Join(TimeNs bucket, double& lone_value) {
    for (std::size_t i = 0; i < kept_.size(); ++i) {
      if (kept_[i].bucket != bucket) continue;
      Slot found = kept_[i];
      for (std::size_t j = i; j > 0; --j) kept_[j] = kept_[j - 1];  // to the front
      kept_[0] = {bucket, kHasRow};
      if (std::isnan(found.lone_value)) return State::kHasRow;
      lone_value = found.lone_value;
      return State::kLone;
    }
    Keep({bucket, kHasRow});
    return State::kUnknown;
  }

 private:
  static constexpr double kHasRow = std::numeric_limits<double>::quiet_NaN();  // readings' values are finite
  struct Slot {
    TimeNs bucket = kMinTime;  // kMinTime: an empty slot (no bucket of the sparse levels starts there)
    double lone_value = kHasRow;
  };
  void Keep(Slot slot) {
    for (std::size_t j = kept_.size() - 1; j > 0; --j) kept_[j] = kept_[j - 1];
    kept_[0] = slot;
  }

  std::array<Slot, kKept> kept_{};
};

}  // namespace telemetry

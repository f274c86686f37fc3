// ReadingIndex: the values of a set of readings by (sensor id, time), in memory. The embedded store's writer keeps
// the readings it found new but SQLite has not committed yet in these, one per commit, to tell a retry or a
// conflict from a new reading without asking SQLite.
//
// Built for one insert per stored reading, most of them later than their sensor's previous one: each sensor's
// readings are a run in time order that an insert appends to (no hashing, no cache miss per reading), with a short
// unsorted tail for readings that arrive out of order, merged into the run when it grows. A whole index is dropped
// at once when its commit is made.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/time.h"

namespace telemetry {

class ReadingIndex {
 public:
  // Adds a reading. REQUIRES: no reading with this key is in the index; sensor >= 0 (ids are small and dense: the
  // index keeps four bytes per id up to the largest).
  void Insert(std::int64_t sensor, TimeNs time, double value);
  // The value under (sensor, time), if the index holds it.
  std::optional<double> Find(std::int64_t sensor, TimeNs time) const;

  std::size_t size() const { return size_; }

 private:
  struct Entry {
    TimeNs time;
    double value;
  };
  struct Run {
    std::vector<Entry> entries;  // [0, sorted) ascending by time, then the tail in arrival order
    std::size_t sorted = 0;
  };
  // Sorts the tail into the run.
  static void Merge(Run& run);

  std::vector<std::uint32_t> run_of_sensor_;  // by sensor id: 1 + the index of its run in runs_, 0 for none
  std::vector<Run> runs_;
  std::size_t size_ = 0;
};

}  // namespace telemetry

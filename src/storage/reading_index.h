// ReadingIndex: the values of a set of readings by (sensor id, time), in memory. The embedded store's writer keeps
// the readings it found new but SQLite has not committed yet in these, one per commit, to tell a retry or a
// conflict from a new reading without asking SQLite.
//
// Built for one insert per stored reading: open addressing over one vector (no allocation per reading), and a
// whole index is dropped at once when its commit is made.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/time.h"

namespace telemetry {

class ReadingIndex {
 public:
  // Adds a reading. REQUIRES: no reading with this key is in the index.
  void Insert(std::int64_t sensor, TimeNs time, double value);
  // The value under (sensor, time), if the index holds it.
  std::optional<double> Find(std::int64_t sensor, TimeNs time) const;

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::int64_t sensor = 0;
    TimeNs time = 0;
    double value = 0;
    bool used = false;
  };
  static std::size_t HashOf(std::int64_t sensor, TimeNs time);
  void Grow();

  std::vector<Slot> slots_;  // a power of two, at most half full
  std::size_t size_ = 0;
};

}  // namespace telemetry

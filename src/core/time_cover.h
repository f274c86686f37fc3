// TimeCover: the times one sensor has readings at, summarised as a few disjoint closed intervals whose union holds
// every one of them. A time outside all of them certainly has no reading, so the writer takes a reading there for
// new without looking it up. Sensors report in time order (each reading after the last: outside), and batches that
// overtake each other on their way in (two connections, two batches of the same sensors) leave a gap that the
// overtaken batch then fills: outside too, as long as the gap is among the widest few.
//
//   Add(10); Add(20); Add(1000)   ->  [10, 20] [1000, 1000]   (with room for two intervals)
//   MayHold(15) == true (looked up), MayHold(500) == false (new for certain)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/time.h"

namespace telemetry {

class TimeCover {
 public:
  // Enough for several connections' batches overtaking each other by many batches: with 4 intervals, four
  // connections sending a year of readings left gaps that were joined before the batches that fill them came
  // (measured: a fifth of the readings then looked up).
  static constexpr std::size_t kMaxIntervals = 16;
  // Intervals held in the object itself. A sensor reporting in order needs one; only a cover that needs more
  // takes room for kMaxIntervals + 1 on the heap, so that a million sensors cost 48 MB here, not 280.
  static constexpr std::size_t kInlineIntervals = 2;

  bool empty() const { return size_ == 0; }
  // The latest time recorded. REQUIRES: !empty().
  TimeNs latest() const { return intervals()[size_ - 1].last; }

  // False when no reading is at `time`; true when one may be.
  bool MayHold(TimeNs time) const;
  // False when no reading is in [from, to); true when one may be. REQUIRES: from < to.
  bool MayHoldAny(TimeNs from, TimeNs to) const;
  // Records a reading at `time`. With more than kMaxIntervals intervals, the two around the narrowest gap join:
  // the cover only ever grows, so MayHold() stays true for every time recorded.
  void Add(TimeNs time);
  // Records readings at unknown times up to `time` (a sensor whose stored readings are known by their latest only).
  void AddThrough(TimeNs time);

 private:
  struct Interval {
    TimeNs first;
    TimeNs last;
  };
  // The index of the first interval whose last time is at or after `time`; size_ when there is none.
  std::size_t FirstEndingAtOrAfter(TimeNs time) const;
  // Inserts `interval` where it belongs. REQUIRES: it overlaps no interval.
  void Insert(Interval interval);
  // Joins the two intervals around the narrowest gap (the earliest of equal ones).
  void JoinNarrowestGap();

  Interval* intervals() { return spilled_ ? spilled_.get() : inline_.data(); }
  const Interval* intervals() const { return spilled_ ? spilled_.get() : inline_.data(); }
  // Makes room for one more interval: moves them to the heap when the inline ones are all taken.
  void Reserve();

  // intervals()[0, size_): ascending and disjoint; one more than kMaxIntervals until a join.
  std::array<Interval, kInlineIntervals> inline_{};
  std::unique_ptr<Interval[]> spilled_;  // kMaxIntervals + 1 of them, once more than kInlineIntervals were needed
  std::uint8_t size_ = 0;
};

}  // namespace telemetry

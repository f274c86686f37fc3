#include "core/time_cover.h"

#include <algorithm>

namespace telemetry {

std::size_t TimeCover::FirstEndingAtOrAfter(TimeNs time) const {
  // From the latest back: a sensor's next reading is nearly always after its latest, found without a step.
  const Interval* intervals = this->intervals();
  std::size_t i = size_;
  while (i > 0 && intervals[i - 1].last >= time) --i;
  return i;
}

bool TimeCover::MayHold(TimeNs time) const {
  std::size_t i = FirstEndingAtOrAfter(time);
  return i < size_ && intervals()[i].first <= time;
}

bool TimeCover::MayHoldAny(TimeNs from, TimeNs to) const {
  std::size_t i = FirstEndingAtOrAfter(from);
  return i < size_ && intervals()[i].first < to;
}

void TimeCover::Add(TimeNs time) {
  if (!MayHold(time)) Insert({time, time});
}

void TimeCover::AddThrough(TimeNs time) {
  // Everything up to `time` is covered: the intervals it swallows go, the one it reaches into joins.
  Interval* intervals = this->intervals();
  std::size_t first_later = 0;  // the first interval not swallowed
  while (first_later < size_ && intervals[first_later].last <= time) ++first_later;
  Interval through{kMinTime, time};
  if (first_later < size_ && intervals[first_later].first <= time) through.last = intervals[first_later++].last;
  if (first_later == 0) {  // nothing swallowed: `through` goes before them all
    Reserve();
    intervals = this->intervals();
    for (std::size_t i = size_; i > 0; --i) intervals[i] = intervals[i - 1];
    ++size_;
  } else {
    std::size_t count = 1;
    for (std::size_t i = first_later; i < size_; ++i) intervals[count++] = intervals[i];
    size_ = static_cast<std::uint8_t>(count);
  }
  intervals[0] = through;
  if (size_ > kMaxIntervals) JoinNarrowestGap();
}

void TimeCover::Insert(Interval interval) {
  std::size_t at = FirstEndingAtOrAfter(interval.first);
  Reserve();
  Interval* intervals = this->intervals();
  for (std::size_t i = size_; i > at; --i) intervals[i] = intervals[i - 1];
  intervals[at] = interval;
  ++size_;
  if (size_ > kMaxIntervals) JoinNarrowestGap();
}

void TimeCover::Reserve() {
  if (spilled_ || size_ < kInlineIntervals) return;
  spilled_ = std::make_unique<Interval[]>(kMaxIntervals + 1);
  std::copy(inline_.begin(), inline_.begin() + size_, spilled_.get());
}

void TimeCover::JoinNarrowestGap() {
  // Unsigned: a gap may exceed TimeNs's range.
  Interval* intervals = this->intervals();
  std::size_t narrowest = 0;
  std::uint64_t narrowest_gap = UINT64_MAX;
  for (std::size_t i = 0; i + 1 < size_; ++i) {
    std::uint64_t gap =
        static_cast<std::uint64_t>(intervals[i + 1].first) - static_cast<std::uint64_t>(intervals[i].last);
    if (gap < narrowest_gap) {
      narrowest_gap = gap;
      narrowest = i;
    }
  }
  intervals[narrowest].last = intervals[narrowest + 1].last;
  for (std::size_t i = narrowest + 1; i + 1 < size_; ++i) intervals[i] = intervals[i + 1];
  --size_;
}

}  // namespace telemetry

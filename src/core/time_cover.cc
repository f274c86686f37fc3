#include "core/time_cover.h"

namespace telemetry {

std::size_t TimeCover::FirstEndingAtOrAfter(TimeNs time) const {
  // From the latest back: a sensor's next reading is nearly always after its latest, found without a step.
  std::size_t i = size_;
  while (i > 0 && intervals_[i - 1].last >= time) --i;
  return i;
}

bool TimeCover::MayHold(TimeNs time) const {
  std::size_t i = FirstEndingAtOrAfter(time);
  return i < size_ && intervals_[i].first <= time;
}

bool TimeCover::MayHoldAny(TimeNs from, TimeNs to) const {
  std::size_t i = FirstEndingAtOrAfter(from);
  return i < size_ && intervals_[i].first < to;
}

void TimeCover::Add(TimeNs time) {
  if (!MayHold(time)) Insert({time, time});
}

void TimeCover::AddThrough(TimeNs time) {
  // Everything up to `time` is covered: the intervals it swallows go, the one it reaches into joins.
  std::size_t first_later = 0;  // the first interval not swallowed
  while (first_later < size_ && intervals_[first_later].last <= time) ++first_later;
  Interval through{kMinTime, time};
  if (first_later < size_ && intervals_[first_later].first <= time) through.last = intervals_[first_later++].last;
  std::array<Interval, kMaxIntervals + 1> kept{};
  std::size_t count = 0;
  kept[count++] = through;
  for (std::size_t i = first_later; i < size_; ++i) kept[count++] = intervals_[i];
  intervals_ = kept;
  size_ = static_cast<std::uint8_t>(count);
  if (size_ > kMaxIntervals) JoinNarrowestGap();
}

void TimeCover::Insert(Interval interval) {
  std::size_t at = FirstEndingAtOrAfter(interval.first);
  for (std::size_t i = size_; i > at; --i) intervals_[i] = intervals_[i - 1];
  intervals_[at] = interval;
  ++size_;
  if (size_ > kMaxIntervals) JoinNarrowestGap();
}

void TimeCover::JoinNarrowestGap() {
  // Unsigned: a gap may exceed TimeNs's range.
  std::size_t narrowest = 0;
  std::uint64_t narrowest_gap = UINT64_MAX;
  for (std::size_t i = 0; i + 1 < size_; ++i) {
    std::uint64_t gap =
        static_cast<std::uint64_t>(intervals_[i + 1].first) - static_cast<std::uint64_t>(intervals_[i].last);
    if (gap < narrowest_gap) {
      narrowest_gap = gap;
      narrowest = i;
    }
  }
  intervals_[narrowest].last = intervals_[narrowest + 1].last;
  for (std::size_t i = narrowest + 1; i + 1 < size_; ++i) intervals_[i] = intervals_[i + 1];
  --size_;
}

}  // namespace telemetry

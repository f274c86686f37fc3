#include "core/time_cover.h"

namespace telemetry {

bool TimeCover::MayHold(TimeNs time) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (time <= intervals_[i].last) return time >= intervals_[i].first;
  }
  return false;
}

bool TimeCover::MayHoldAny(TimeNs from, TimeNs to) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (from <= intervals_[i].last) return intervals_[i].first < to;
  }
  return false;
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
  std::size_t at = 0;
  while (at < size_ && intervals_[at].last < interval.first) ++at;
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

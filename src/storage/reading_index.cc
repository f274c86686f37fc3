#include "storage/reading_index.h"

#include <utility>

#include "core/hash_mix.h"

namespace telemetry {

std::size_t ReadingIndex::HashOf(std::int64_t sensor, TimeNs time) {
  return static_cast<std::size_t>(
      Mix64(static_cast<std::uint64_t>(time) ^ (static_cast<std::uint64_t>(sensor) * 0x9E3779B97F4A7C15ull)));
}

void ReadingIndex::Insert(std::int64_t sensor, TimeNs time, double value) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  std::size_t mask = slots_.size() - 1;
  std::size_t slot = HashOf(sensor, time) & mask;
  while (slots_[slot].used) slot = (slot + 1) & mask;
  slots_[slot] = Slot{sensor, time, value, true};
  ++size_;
}

std::optional<double> ReadingIndex::Find(std::int64_t sensor, TimeNs time) const {
  if (size_ == 0) return std::nullopt;
  std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = HashOf(sensor, time) & mask; slots_[slot].used; slot = (slot + 1) & mask) {
    if (slots_[slot].sensor == sensor && slots_[slot].time == time) return slots_[slot].value;
  }
  return std::nullopt;
}

void ReadingIndex::Grow() {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots_.empty() ? 1024 : slots_.size() * 2));
  size_ = 0;
  for (const Slot& slot : old) {
    if (slot.used) Insert(slot.sensor, slot.time, slot.value);
  }
}

}  // namespace telemetry

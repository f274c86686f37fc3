#include "core/rollup_deltas.h"

#include <algorithm>

namespace telemetry {
namespace {

// Times are often whole seconds or minutes, their low bits all zero, so every bit of a hash must depend on every
// bit of the key: MurmurHash3's 64-bit finalizer.
std::uint64_t Mix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 33);
}

std::size_t HashOf(const RollupKey& key) {
  std::uint64_t series_level = static_cast<std::uint64_t>(key.series) * 8 + static_cast<std::uint64_t>(key.level + 1);
  return static_cast<std::size_t>(
      Mix64(static_cast<std::uint64_t>(key.bucket) ^ (series_level * 0x9E3779B97F4A7C15ull)));
}

constexpr std::uint32_t kNoEntry = UINT32_MAX;

}  // namespace

void RollupDeltas::AddReading(std::int64_t series, int finest_level, TimeNs time, double value,
                              unsigned skipped_levels) {
  Cursors* cursors = nullptr;
  if (series >= 0 && series < kMaxCursorSeries) {
    auto index = static_cast<std::size_t>(series);
    if (index >= cursors_.size()) {
      Cursors none;
      none.fill(kNoEntry);
      cursors_.resize(index + 1, none);
    }
    cursors = &cursors_[index];
  }
  ForEachBucket(time, finest_level, [&](int level, TimeNs bucket) {
    if (skipped_levels & (1u << level)) return;
    RollupKey key{series, level, bucket};
    if (cursors) {
      std::uint32_t& cursor = (*cursors)[static_cast<std::size_t>(level)];
      if (cursor >= entries_.size() || entries_[cursor].first != key) cursor = FindIndex(key);
      entries_[cursor].second.Add(value);
    } else {
      Find(key).Add(value);
    }
  });
}

std::uint32_t RollupDeltas::FindIndex(const RollupKey& key) {
  if (slots_.empty() || (entries_.size() + 1) * 2 > slots_.size()) Grow();
  std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = HashOf(key) & mask;; slot = (slot + 1) & mask) {
    std::uint32_t held = slots_[slot];
    if (held == 0) {
      entries_.emplace_back(key, Aggregate{});
      auto index = static_cast<std::uint32_t>(entries_.size() - 1);
      slots_[slot] = index + 1;
      return index;
    }
    if (entries_[held - 1].first == key) return held - 1;
  }
}

void RollupDeltas::Grow() {
  std::vector<std::uint32_t> slots(std::max<std::size_t>(1024, slots_.size() * 2), 0);
  std::size_t mask = slots.size() - 1;
  for (std::size_t index = 0; index < entries_.size(); ++index) {
    std::size_t slot = HashOf(entries_[index].first) & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = static_cast<std::uint32_t>(index + 1);
  }
  slots_ = std::move(slots);
}

void RollupDeltas::Clear() {
  entries_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

std::vector<std::pair<RollupKey, Aggregate>> RollupDeltas::Take() {
  std::vector<Entry> taken = std::move(entries_);
  Clear();
  std::sort(taken.begin(), taken.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
  return taken;
}

}  // namespace telemetry

// Rollup deltas: the aggregate changes of a round of readings per rollup bucket, gathered in memory before a store
// merges them into its rollups, so that a bucket is written once per round however many readings it took.
//
//   RollupDeltas deltas;
//   deltas.AddReading(sensor, kFinestSensorLevel, reading.time, reading.value);
//   for (const auto& [key, delta] : deltas.Take()) { ... upsert ... }
//
// Built for the writer's hot path (about ten buckets per reading): entries live in one vector indexed by an
// open-addressing table, and each series remembers the bucket it last touched on every level, since consecutive
// readings of a series nearly always share their hour, day and total (and often their minute).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/aggregate.h"
#include "core/rollup.h"
#include "core/time.h"

namespace telemetry {

struct RollupKey {
  std::int64_t series = 0;
  int level = 0;
  TimeNs bucket = 0;
  friend auto operator<=>(const RollupKey&, const RollupKey&) = default;
};

class RollupDeltas {
 public:
  // Adds `value` to every bucket a reading of `series` at `time` belongs to: ForEachBucket(time, finest_level),
  // leaving out the levels whose bit is set in `skipped_levels` (bit 1 << level).
  void AddReading(std::int64_t series, int finest_level, TimeNs time, double value, unsigned skipped_levels = 0);
  // Adds `value` to one bucket.
  void Add(const RollupKey& key, double value) { Find(key).Add(value); }

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // Every delta in key order (series, level, bucket), the order of a table keyed that way; leaves this empty.
  std::vector<std::pair<RollupKey, Aggregate>> Take();
  // Forgets every delta.
  void Clear();

 private:
  using Entry = std::pair<RollupKey, Aggregate>;
  // The bucket a series last touched on each level: an index into entries_, checked against the key before use.
  using Cursors = std::array<std::uint32_t, kTotalLevel + 1>;
  // Series ids up to this keep cursors (sensor ids are small and dense); others always go through the table.
  static constexpr std::int64_t kMaxCursorSeries = 1 << 20;

  Aggregate& Find(const RollupKey& key) { return entries_[FindIndex(key)].second; }
  std::uint32_t FindIndex(const RollupKey& key);
  void Grow();

  std::vector<Entry> entries_;
  std::vector<std::uint32_t> slots_;  // entry index + 1; 0 is empty. Size: a power of two, at least twice entries_.
  std::vector<Cursors> cursors_;      // by series id
};

}  // namespace telemetry

#include "core/rollup_deltas.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace telemetry {
namespace {

// The same readings folded into a plain ordered map, bucket by bucket: what RollupDeltas must equal.
using Reference = std::map<RollupKey, Aggregate>;

void AddToReference(Reference& reference, std::int64_t series, int finest_level, TimeNs time, double value,
                    unsigned skipped_levels = 0) {
  ForEachBucket(time, finest_level, [&](int level, TimeNs bucket) {
    if (!(skipped_levels & (1u << level))) reference[{series, level, bucket}].Add(value);
  });
}

void ExpectEqual(std::vector<std::pair<RollupKey, Aggregate>> taken, const Reference& reference) {
  ASSERT_EQ(taken.size(), reference.size());
  auto expected = reference.begin();
  for (const auto& [key, delta] : taken) {  // Take() is in key order, as the map is
    EXPECT_EQ(key, expected->first);
    EXPECT_EQ(delta, expected->second) << "series " << key.series << " level " << key.level;
    ++expected;
  }
}

TEST(RollupDeltas, MatchBucketByBucketFoldingInKeyOrder) {
  RollupDeltas deltas;
  Reference reference;
  std::mt19937_64 random(5);
  // Series beyond the cursor range too, and sensors that alternate, so that cursors both hit and miss.
  std::vector<std::int64_t> series = {0, 1, 2, 3, 77, std::int64_t{1} << 40};
  std::uniform_int_distribution<std::size_t> which(0, series.size() - 1);
  std::uniform_int_distribution<TimeNs> when(-3 * 24 * 60 * kNanosPerMinute, 3 * 24 * 60 * kNanosPerMinute);
  std::uniform_int_distribution<int> value(-100, 100);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20000; ++i) {
      std::int64_t id = series[which(random)];
      // Mostly in order within a series, sometimes far away: late data.
      TimeNs time = i % 7 == 0 ? when(random) : i * kNanosPerSecond * 13;
      double v = value(random) / 4.0;
      int finest = id == 0 ? kFinestAllSensorsLevel : kFinestSensorLevel;
      // Now and then minutes or hours left out, as the embedded store does for a reading alone in its bucket.
      unsigned skipped = i % 5 == 0 ? 1u << (1 + i % 2) : 0;
      deltas.AddReading(id, finest, time, v, skipped);
      AddToReference(reference, id, finest, time, v, skipped);
      deltas.Add({0, -1, time}, v);
      reference[{0, -1, time}].Add(v);
    }
    EXPECT_EQ(deltas.size(), reference.size());
    ExpectEqual(deltas.Take(), reference);
    EXPECT_TRUE(deltas.empty());
    reference.clear();
  }
}

TEST(RollupDeltas, ClearForgetsEverything) {
  RollupDeltas deltas;
  deltas.AddReading(1, kFinestSensorLevel, kNanosPerMinute, 5);
  deltas.Clear();
  EXPECT_TRUE(deltas.empty());
  deltas.AddReading(1, kFinestSensorLevel, kNanosPerMinute, 7);  // the series' cursors must not reach a forgotten entry
  Reference reference;
  AddToReference(reference, 1, kFinestSensorLevel, kNanosPerMinute, 7);
  ExpectEqual(deltas.Take(), reference);
}

}  // namespace
}  // namespace telemetry

#include "storage/reading_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace telemetry {
namespace {

TEST(ReadingIndex, FindsWhatWasInsertedAndNothingElseAcrossGrowth) {
  ReadingIndex index;
  std::map<std::pair<std::int64_t, TimeNs>, double> inserted;
  std::mt19937_64 random(9);
  std::uniform_int_distribution<std::int64_t> sensor(0, 50);
  std::uniform_int_distribution<TimeNs> time(-1'000'000, 1'000'000);
  while (inserted.size() < 20000) {  // several growths from the first 1,024 slots
    std::pair<std::int64_t, TimeNs> key{sensor(random), time(random)};
    if (inserted.count(key)) continue;
    double value = static_cast<double>(inserted.size()) / 3;
    index.Insert(key.first, key.second, value);
    inserted[key] = value;
  }
  EXPECT_EQ(index.size(), inserted.size());
  for (const auto& [key, value] : inserted) EXPECT_EQ(index.Find(key.first, key.second), value);
  int misses = 0;
  for (int i = 0; i < 20000; ++i) {
    std::pair<std::int64_t, TimeNs> key{sensor(random), time(random)};
    if (inserted.count(key)) continue;
    EXPECT_FALSE(index.Find(key.first, key.second).has_value());
    ++misses;
  }
  EXPECT_GT(misses, 0);
  EXPECT_FALSE(ReadingIndex().Find(1, 1).has_value());
}

// Lookups between inserts, whatever order the times come in: in order (the run), reversed and shuffled (the tail and
// its merges), and a mix of sensors.
TEST(ReadingIndex, FindsEveryReadingBetweenInsertsInAnyOrder) {
  std::mt19937_64 random(17);
  for (const char* order : {"ascending", "descending", "shuffled", "mostly ascending"}) {
    std::vector<std::pair<std::int64_t, TimeNs>> keys;
    for (std::int64_t sensor = 0; sensor < 4; ++sensor) {
      for (TimeNs time = 0; time < 500; ++time) keys.emplace_back(sensor, time * 10);
    }
    std::string_view name = order;
    if (name == "descending") std::reverse(keys.begin(), keys.end());
    if (name == "shuffled") std::shuffle(keys.begin(), keys.end(), random);
    if (name == "mostly ascending") {
      for (std::size_t i = 0; i + 1 < keys.size(); i += 7) std::swap(keys[i], keys[i + 1]);
    }
    ReadingIndex index;
    std::map<std::pair<std::int64_t, TimeNs>, double> inserted;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      index.Insert(keys[i].first, keys[i].second, static_cast<double>(i));
      inserted[keys[i]] = static_cast<double>(i);
      if (i % 97 != 0) continue;
      for (std::int64_t sensor = 0; sensor < 5; ++sensor) {  // sensor 4 has no readings
        for (TimeNs time = -5; time < 5000; time += 5) {     // every key, and times between them
          auto expected = inserted.find({sensor, time});
          std::optional<double> found = index.Find(sensor, time);
          if (expected == inserted.end()) {
            ASSERT_FALSE(found.has_value()) << order << ": sensor " << sensor << ", time " << time;
          } else {
            ASSERT_EQ(found, expected->second) << order << ": sensor " << sensor << ", time " << time;
          }
        }
      }
    }
    EXPECT_EQ(index.size(), keys.size());
  }
}

}  // namespace
}  // namespace telemetry

#include "storage/reading_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

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

}  // namespace
}  // namespace telemetry

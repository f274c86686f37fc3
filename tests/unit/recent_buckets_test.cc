#include "storage/recent_buckets.h"

#include <gtest/gtest.h>

namespace telemetry {
namespace {

using State = RecentBuckets::State;

TEST(RecentBuckets, ALoneReadingIsHandedToTheNextReadingOfItsBucketOnce) {
  RecentBuckets recent;
  double lone = 0;
  EXPECT_EQ(recent.Join(60, lone), State::kUnknown);  // never seen: the store recounts it
  EXPECT_EQ(recent.Join(60, lone), State::kHasRow);
  recent.KeepLone(120, -3.5);
  EXPECT_EQ(recent.Join(120, lone), State::kLone);
  EXPECT_EQ(lone, -3.5);
  EXPECT_EQ(recent.Join(120, lone), State::kHasRow);  // its value is in the row now: never added twice
}

TEST(RecentBuckets, KeepsTheMostRecentlyUsedFew) {
  RecentBuckets recent;
  double lone = 0;
  for (TimeNs bucket = 1; bucket <= 4; ++bucket) recent.KeepLone(bucket * 60, double(bucket));
  EXPECT_EQ(recent.Join(60, lone), State::kLone);  // the oldest, used now: the most recent
  EXPECT_EQ(lone, 1);
  recent.KeepLone(300, 5);  // pushes out the least recently used: 120
  EXPECT_EQ(recent.Join(120, lone), State::kUnknown);
  EXPECT_EQ(recent.Join(60, lone), State::kHasRow);
  EXPECT_EQ(recent.Join(300, lone), State::kLone);
  EXPECT_EQ(lone, 5);
}

}  // namespace
}  // namespace telemetry

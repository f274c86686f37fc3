#include "storage/recently_used.h"

#include <gtest/gtest.h>

#include <string>

namespace telemetry {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

TEST(RecentlyUsed, MakesAValueOnceAndKeepsItUntilForgotten) {
  RecentlyUsed<std::string> held;
  Clock::time_point now{};
  auto [made, was_made] = held.Use(7, now);
  EXPECT_TRUE(was_made);
  EXPECT_EQ(made, "");
  made = "seven";
  auto [again, made_again] = held.Use(7, now + seconds(1));
  EXPECT_FALSE(made_again);
  EXPECT_EQ(again, "seven");
  EXPECT_EQ(&again, &made);
  ASSERT_NE(held.Find(7), nullptr);
  EXPECT_EQ(*held.Find(7), "seven");
  EXPECT_EQ(held.Find(8), nullptr);
  EXPECT_EQ(held.size(), 1u);
  EXPECT_EQ(held.OldestUse(), now + seconds(1));
}

TEST(RecentlyUsed, ForgetsTheLeastRecentlyUsedFirstAndOnlyWhatMayGo) {
  RecentlyUsed<int> held;
  Clock::time_point start{};
  for (int key = 1; key <= 5; ++key) held.Use(key, start + seconds(key)).first = key;
  held.Use(1, start + seconds(10));  // used again: now the most recent
  EXPECT_NE(held.Find(2), nullptr);
  held.Find(3);  // looking does not count as a use
  EXPECT_EQ(held.OldestUse(), start + seconds(2));

  auto any = [](int) { return true; };
  // Unused since before 4 s: 2 and 3, least recent first, and no more than asked.
  EXPECT_EQ(held.ForgetUnusedSince(start + seconds(4), 1, any), 1u);
  EXPECT_EQ(held.Find(2), nullptr);
  EXPECT_EQ(held.ForgetUnusedSince(start + seconds(4), 10, any), 1u);
  EXPECT_EQ(held.Find(3), nullptr);
  EXPECT_EQ(held.ForgetUnusedSince(start + seconds(4), 10, any), 0u);
  EXPECT_EQ(held.size(), 3u);

  // Stops at the first it may not let go of, though others behind it are older than the cutoff.
  EXPECT_EQ(held.ForgetUnusedSince(start + seconds(20), 10, [](int value) { return value != 5; }), 1u);
  EXPECT_EQ(held.Find(4), nullptr);
  ASSERT_NE(held.Find(5), nullptr);
  ASSERT_NE(held.Find(1), nullptr);
  EXPECT_EQ(held.ForgetUnusedSince(start + seconds(20), 10, any), 2u);
  EXPECT_EQ(held.size(), 0u);
  EXPECT_EQ(held.OldestUse(), std::nullopt);
}

}  // namespace
}  // namespace telemetry

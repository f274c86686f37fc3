#include "core/time_cover.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace telemetry {
namespace {

// The promise the writer relies on: MayHold() is false only where nothing was added.
TEST(TimeCover, NeverDeniesATimeItWasGiven) {
  std::mt19937_64 random(5);
  for (int trial = 0; trial < 200; ++trial) {
    TimeCover cover;
    std::set<TimeNs> added;
    std::uniform_int_distribution<TimeNs> time(-1000, 1000);
    for (int i = 0; i < 40; ++i) {
      TimeNs t = time(random);
      if (i == 20 && trial % 2 == 1) {
        cover.AddThrough(t);
        for (TimeNs earlier = -1001; earlier <= t; ++earlier) added.insert(earlier);
      } else {
        cover.Add(t);
        added.insert(t);
      }
      ASSERT_EQ(cover.latest(), *added.rbegin());
      for (TimeNs probe = -1001; probe <= 1001; ++probe) {
        if (added.count(probe)) {
          ASSERT_TRUE(cover.MayHold(probe)) << "trial " << trial << ", time " << probe;
        }
      }
      // Spans too: a span holding a time given is never denied (the writer's rollup shortcut relies on it).
      for (TimeNs from = -1001; from <= 1001; from += 7) {
        for (TimeNs width : {1, 2, 10, 60, 500}) {
          auto first_added = added.lower_bound(from);
          if (first_added != added.end() && *first_added < from + width) {
            ASSERT_TRUE(cover.MayHoldAny(from, from + width)) << "trial " << trial << ", span " << from << "+" << width;
          }
        }
      }
    }
  }
}

// The writer keeps one cover per sensor ever written: one of a sensor reporting in order takes no heap, and one that
// needed more intervals keeps its precision.
TEST(TimeCover, StaysSmallUntilItNeedsMoreIntervalsThanItHolds) {
  static_assert(sizeof(TimeCover) <= 48);
  TimeCover cover;
  for (TimeNs t = 0; t < 1000; ++t) cover.Add(t);  // in order: one interval
  EXPECT_FALSE(cover.MayHold(-1));
  EXPECT_FALSE(cover.MayHold(1000));
  for (TimeNs t : {2000, 3000, 4000, 5000}) cover.Add(t);  // beyond the inline intervals
  for (TimeNs t : {1500, 2500, 3500, 4500, 5001}) EXPECT_FALSE(cover.MayHold(t)) << t;
  for (TimeNs t : {999, 2000, 3000, 4000, 5000}) EXPECT_TRUE(cover.MayHold(t)) << t;
  cover.AddThrough(2500);
  EXPECT_TRUE(cover.MayHold(1500));
  EXPECT_FALSE(cover.MayHold(2600));
  EXPECT_TRUE(cover.MayHold(3000));
  EXPECT_EQ(cover.latest(), 5000);
}

TEST(TimeCover, SpansBetweenAndBesideItsTimesHoldNothing) {
  TimeCover cover;
  EXPECT_FALSE(cover.MayHoldAny(kMinTime, kMaxTime));
  for (TimeNs t : {10, 20, 100}) cover.Add(t);
  EXPECT_FALSE(cover.MayHoldAny(0, 10));  // half-open: 10 is not in [0, 10)
  EXPECT_TRUE(cover.MayHoldAny(0, 11));
  EXPECT_FALSE(cover.MayHoldAny(11, 20));
  EXPECT_FALSE(cover.MayHoldAny(21, 100));
  EXPECT_TRUE(cover.MayHoldAny(21, 101));
  EXPECT_FALSE(cover.MayHoldAny(101, kMaxTime));
}

TEST(TimeCover, AnEmptyCoverHoldsNothing) {
  TimeCover cover;
  EXPECT_TRUE(cover.empty());
  EXPECT_FALSE(cover.MayHold(0));
  cover.Add(7);
  EXPECT_FALSE(cover.empty());
  EXPECT_TRUE(cover.MayHold(7));
  EXPECT_FALSE(cover.MayHold(6));
  EXPECT_FALSE(cover.MayHold(8));
}

// What it is for: four connections' batches of the same sensor, each 50 readings 8 s apart, reaching the writer
// out of order. A batch that was overtaken lands in the gap the later one left, and needs no lookup.
TEST(TimeCover, BatchesThatOvertookEachOtherNeedNoLookup) {
  constexpr TimeNs kStep = 8 * kNanosPerSecond;
  auto batch_time = [](int batch, int i) { return (batch * 50 + i) * kStep; };
  const int arrival[] = {0, 2, 1, 3, 5, 4, 7, 6, 9, 8, 11, 10, 12, 15, 13, 14};
  TimeCover cover;
  int lookups = 0;
  for (int batch : arrival) {
    for (int i = 0; i < 50; ++i) {
      TimeNs t = batch_time(batch, i);
      if (cover.MayHold(t)) ++lookups;
      cover.Add(t);
    }
  }
  EXPECT_EQ(lookups, 0);
  // Retries of any of them are looked up.
  for (int batch = 0; batch < 16; ++batch) EXPECT_TRUE(cover.MayHold(batch_time(batch, 25)));
}

TEST(TimeCover, AddThroughCoversEverythingUpToItsTimeAndKeepsWhatIsLater) {
  TimeCover cover;
  cover.Add(100);
  cover.Add(200);
  cover.Add(300);
  cover.AddThrough(250);
  EXPECT_TRUE(cover.MayHold(kMinTime));
  EXPECT_TRUE(cover.MayHold(150));
  EXPECT_TRUE(cover.MayHold(250));
  EXPECT_FALSE(cover.MayHold(260));
  EXPECT_TRUE(cover.MayHold(300));
  EXPECT_EQ(cover.latest(), 300);
  cover.AddThrough(300);
  EXPECT_TRUE(cover.MayHold(299));
  EXPECT_FALSE(cover.MayHold(301));
}

TEST(TimeCover, GapsWiderThanTheTimeTypeAreCompared) {
  TimeCover cover;  // the gaps here exceed TimeNs's range: compared unsigned (UBSan would catch an overflow)
  for (TimeNs t : {kMinTime, kMaxTime, TimeNs{0}, kMinTime + 1, kMaxTime - 1, TimeNs{1}}) cover.Add(t);
  for (TimeNs t : {kMinTime, kMaxTime, TimeNs{0}, kMinTime + 1, kMaxTime - 1, TimeNs{1}}) EXPECT_TRUE(cover.MayHold(t));
  EXPECT_EQ(cover.latest(), kMaxTime);
}

}  // namespace
}  // namespace telemetry

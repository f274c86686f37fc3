// How the search for the reading behind a max() or min() cuts a span (SearchBoundaries): few spans, covering it
// exactly, their inner boundaries on whole units of time, at any size of span up to all of time.
#include "api/extreme_reading.h"

#include <gtest/gtest.h>

namespace telemetry::api {
namespace {

// Every span cut as the search needs it: [from, to) covered in order, no empty span, at most kSearchSpans + 1.
void ExpectCutWell(TimeNs from, TimeNs to) {
  std::vector<TimeNs> boundaries = SearchBoundaries(from, to);
  ASSERT_GE(boundaries.size(), 2u);
  EXPECT_LE(boundaries.size(), kSearchSpans + 2) << from << ".." << to;
  EXPECT_EQ(boundaries.front(), from);
  EXPECT_EQ(boundaries.back(), to);
  for (std::size_t i = 1; i < boundaries.size(); ++i) EXPECT_LT(boundaries[i - 1], boundaries[i]) << i;
}

TEST(SearchBoundaries, CutsAnySpanIntoFewSpansCoveringIt) {
  ExpectCutWell(0, 1);
  ExpectCutWell(5, 7);
  ExpectCutWell(-3, 61);
  ExpectCutWell(-3, 62);
  ExpectCutWell(1633338000 * kNanosPerSecond + 17, 1633338000 * kNanosPerSecond + 17 + 3 * kNanosPerDay);
  ExpectCutWell(-kNanosPerDay * 365 * 20 - 1, kNanosPerSecond);
  ExpectCutWell(kMinTime, kMaxTime);
  ExpectCutWell(kMinTime, kMinTime + 1);
  ExpectCutWell(kMaxTime - 1, kMaxTime);
  ExpectCutWell(kMaxTime - 100 * kNanosPerDay, kMaxTime);
  ExpectCutWell(kMinTime, kMinTime + 100 * kNanosPerDay);
}

TEST(SearchBoundaries, InnerBoundariesFallOnWholeUnitsSoTheRollupsSumThem) {
  // Three days and a bit from a ragged start: 64 spans would be 73 minutes; the step is rounded up to 2 hours, whole
  // hours since the epoch.
  TimeNs from = 1633338000 * kNanosPerSecond + 17;
  std::vector<TimeNs> boundaries = SearchBoundaries(from, from + 3 * kNanosPerDay + kNanosPerHour);
  ASSERT_EQ(boundaries.size(), 39u);
  for (std::size_t i = 1; i + 1 < boundaries.size(); ++i) {
    EXPECT_EQ(boundaries[i] % (2 * kNanosPerHour), 0) << i;
  }
  EXPECT_EQ(boundaries[1], 1633341600 * kNanosPerSecond);  // 2021-10-04T10:00:00Z, the first after `from`

  // A year: whole days (6 of them per span); before the epoch too, counted towards −∞.
  boundaries = SearchBoundaries(-365 * kNanosPerDay - 5, -5);
  for (std::size_t i = 1; i + 1 < boundaries.size(); ++i) EXPECT_EQ(boundaries[i] % (6 * kNanosPerDay), 0) << i;

  // Under 64 ns: every nanosecond its own span.
  boundaries = SearchBoundaries(10, 15);
  EXPECT_EQ(boundaries, (std::vector<TimeNs>{10, 11, 12, 13, 14, 15}));
}

}  // namespace
}  // namespace telemetry::api

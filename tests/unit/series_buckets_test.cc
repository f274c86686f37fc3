#include "core/series_buckets.h"

#include <date/tz.h>
#include <gtest/gtest.h>

namespace telemetry {
namespace {

TimeNs At(const char* rfc3339) { return ParseTime(rfc3339).value(); }

std::vector<std::string> Formatted(const std::vector<TimeNs>& boundaries) {
  std::vector<std::string> out;
  for (TimeNs t : boundaries) out.push_back(FormatRfc3339(t));
  return out;
}

TEST(SeriesBoundaries, UtcBucketsAreEpochAlignedAndWidenedToWholeBuckets) {
  auto hours = SeriesBoundaries(At("2021-10-04T09:30:00Z"), At("2021-10-04T12:10:00Z"), kNanosPerHour, nullptr, 100);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(Formatted(*hours), (std::vector<std::string>{"2021-10-04T09:00:00Z", "2021-10-04T10:00:00Z",
                                                         "2021-10-04T11:00:00Z", "2021-10-04T12:00:00Z",
                                                         "2021-10-04T13:00:00Z"}));
  auto exact = SeriesBoundaries(At("2021-10-04T09:00:00Z"), At("2021-10-04T10:00:00Z"), 15 * kNanosPerMinute,
                                nullptr, 100);
  EXPECT_EQ(exact->size(), 5u);
  EXPECT_FALSE(SeriesBoundaries(0, 1000 * kNanosPerHour, kNanosPerHour, nullptr, 999).ok());
  EXPECT_FALSE(SeriesBoundaries(0, kNanosPerHour, 90 * kNanosPerSecond, nullptr, 999).ok());
}

TEST(SeriesBoundaries, BerlinDaysAre25HoursWhenDaylightSavingEnds) {
  const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
  auto days = SeriesBoundaries(At("2021-10-30T12:00:00Z"), At("2021-11-01T12:00:00Z"), kNanosPerDay, berlin, 100);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(Formatted(*days), (std::vector<std::string>{"2021-10-29T22:00:00Z", "2021-10-30T22:00:00Z",
                                                        "2021-10-31T23:00:00Z", "2021-11-01T23:00:00Z"}));
}

TEST(SeriesBoundaries, HoursOfA23HourBerlinDay) {
  const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
  // 2021-03-28 in Berlin: 00:00 CET (23:00Z the day before) to 00:00 CEST (22:00Z): 23 hours.
  auto hours = SeriesBoundaries(At("2021-03-27T23:00:00Z"), At("2021-03-28T22:00:00Z"), kNanosPerHour, berlin, 100);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->size(), 24u);
  EXPECT_EQ(hours->front(), At("2021-03-27T23:00:00Z"));
  EXPECT_EQ(hours->back(), At("2021-03-28T22:00:00Z"));
  // Six-hour buckets: the day's last one is five hours long.
  auto quarters =
      SeriesBoundaries(At("2021-03-27T23:00:00Z"), At("2021-03-28T22:00:00Z"), 6 * kNanosPerHour, berlin, 100);
  EXPECT_EQ(Formatted(*quarters), (std::vector<std::string>{"2021-03-27T23:00:00Z", "2021-03-28T05:00:00Z",
                                                            "2021-03-28T11:00:00Z", "2021-03-28T17:00:00Z",
                                                            "2021-03-28T22:00:00Z"}));
}

TEST(SeriesBoundaries, KolkataMidnightIsAtHalfPastTheUtcHour) {
  const date::time_zone* kolkata = date::locate_zone("Asia/Kolkata");
  auto days = SeriesBoundaries(At("2021-10-04T00:00:00Z"), At("2021-10-05T00:00:00Z"), kNanosPerDay, kolkata, 100);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(Formatted(*days), (std::vector<std::string>{"2021-10-03T18:30:00Z", "2021-10-04T18:30:00Z",
                                                        "2021-10-05T18:30:00Z"}));
  EXPECT_FALSE(
      SeriesBoundaries(0, kNanosPerDay, 7 * kNanosPerHour, kolkata, 100).ok());  // neither divides nor multiple
}

TEST(SeriesBoundaries, ParseInterval) {
  EXPECT_EQ(ParseInterval("1m").value(), kNanosPerMinute);
  EXPECT_EQ(ParseInterval("15m").value(), 15 * kNanosPerMinute);
  EXPECT_EQ(ParseInterval("6h").value(), 6 * kNanosPerHour);
  EXPECT_EQ(ParseInterval("1d").value(), kNanosPerDay);
  for (const char* bad : {"", "m", "0m", "-1h", "1s", "1.5h", "1w", "h1", "99999999d"}) {
    EXPECT_FALSE(ParseInterval(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace telemetry

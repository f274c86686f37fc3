#include "core/series_buckets.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

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

TEST(SeriesBoundaries, TheEndsOfRepresentableTimeEndTheLastBucket) {
  // A range up to the last representable instant: its last boundary must stop there, not wrap around to 1677 (a
  // request like this used to loop, growing the boundaries until memory ran out).
  const date::time_zone* kiritimati = date::locate_zone("Pacific/Kiritimati");  // UTC+14
  const date::time_zone* los_angeles = date::locate_zone("America/Los_Angeles");
  for (const date::time_zone* zone : {static_cast<const date::time_zone*>(nullptr), kiritimati, los_angeles}) {
    for (TimeNs interval : {kNanosPerMinute, 6 * kNanosPerHour, kNanosPerDay, 3650 * kNanosPerDay}) {
      std::string where = (zone ? zone->name() : "UTC") + " every " + std::to_string(interval / kNanosPerMinute) + "m";
      auto late = SeriesBoundaries(kMaxTime - kNanosPerDay, kMaxTime, interval, zone, 10'000);
      ASSERT_TRUE(late.ok()) << where << ": " << late.status().message();
      EXPECT_EQ(late->back(), kMaxTime) << where;
      EXPECT_LE(late->front(), kMaxTime - kNanosPerDay) << where;
      EXPECT_TRUE(std::is_sorted(late->begin(), late->end(), std::less_equal<>())) << where;  // strictly rising
      auto early = SeriesBoundaries(kMinTime, kMinTime + kNanosPerDay, interval, zone, 10'000);
      ASSERT_TRUE(early.ok()) << where << ": " << early.status().message();
      EXPECT_EQ(early->front(), kMinTime) << where;
      EXPECT_GE(early->back(), kMinTime + kNanosPerDay) << where;
      EXPECT_TRUE(std::is_sorted(early->begin(), early->end(), std::less_equal<>())) << where;
    }
    // All of time: too many buckets of a minute, a handful of ten-year ones.
    EXPECT_FALSE(SeriesBoundaries(kMinTime, kMaxTime, kNanosPerMinute, zone, 10'000).ok());
    auto decades = SeriesBoundaries(kMinTime, kMaxTime, 3650 * kNanosPerDay, zone, 10'000);
    ASSERT_TRUE(decades.ok()) << decades.status().message();
    EXPECT_EQ(decades->front(), kMinTime);
    EXPECT_EQ(decades->back(), kMaxTime);
    EXPECT_EQ(decades->size(), 61u);
    if (!zone) {
      for (std::size_t i = 1; i + 1 < decades->size(); ++i) EXPECT_EQ((*decades)[i] % (3650 * kNanosPerDay), 0);
    }
  }
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

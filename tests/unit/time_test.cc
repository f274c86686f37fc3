#include "core/time.h"

#include <gtest/gtest.h>

#include "core/retention.h"

namespace telemetry {
namespace {

constexpr TimeNs kOriginalExample = 1633338000LL * kNanosPerSecond;  // 2021-10-04 09:00:00 UTC

TimeNs Parsed(std::string_view text) {
  StatusOr<TimeNs> time = ParseTime(text);
  EXPECT_TRUE(time.ok()) << text << ": " << time.status().message();
  return time.ok() ? *time : 0;
}

TEST(ParseTime, AcceptsTheOriginalForm) { EXPECT_EQ(Parsed("2021-10-04 09:00:00"), kOriginalExample); }

TEST(ParseTime, AcceptsRfc3339WithFractionAndOffsets) {
  EXPECT_EQ(Parsed("2021-10-04T09:00:00Z"), kOriginalExample);
  EXPECT_EQ(Parsed("2021-10-04t09:00:00z"), kOriginalExample);
  EXPECT_EQ(Parsed("2021-10-04T09:00:00.5Z"), kOriginalExample + 500'000'000);
  EXPECT_EQ(Parsed("2021-10-04T09:00:00.000000001Z"), kOriginalExample + 1);
  EXPECT_EQ(Parsed("2021-10-04T11:00:00+02:00"), kOriginalExample);
  EXPECT_EQ(Parsed("2021-10-04T03:30:00-05:30"), kOriginalExample);
  EXPECT_EQ(Parsed("2021-10-04"), kOriginalExample - 9 * 3600 * kNanosPerSecond);
}

TEST(ParseTime, AcceptsEpochSeconds) {
  EXPECT_EQ(Parsed("1633338000"), kOriginalExample);
  EXPECT_EQ(Parsed("1633338000.25"), kOriginalExample + 250'000'000);
  EXPECT_EQ(Parsed("-1.5"), -1'500'000'000);
  EXPECT_EQ(Parsed("0"), 0);
}

TEST(ParseTime, DistinctInstantsDoNotCollide) {
  EXPECT_NE(Parsed("2021-10-04T09:00:00.000000001Z"), Parsed("2021-10-04T09:00:00.000000002Z"));
}

TEST(ParseTime, RejectsImpossibleAndMalformedTimes) {
  for (std::string_view bad :
       {"", "2021-02-29 00:00:00", "2021-02-30 00:00:00", "2021-13-01 00:00:00", "2021-00-10 00:00:00",
        "2021-10-04 24:00:00", "2021-10-04 23:60:00", "2021-10-04 23:59:60", "2021-10-04 9:00:00",
        "2021-10-04T09:00:00.Z", "2021-10-04T09:00:00.1234567891Z", "2021-10-04T09:00:00+2", "2021-10-04T09:00:00 ",
        "abc", "12:00", "1e9", "1.", ".5", "1633338000.1234567891", "2021/10/04 09:00:00", "2021-10-04X09:00:00"}) {
    StatusOr<TimeNs> time = ParseTime(bad);
    EXPECT_FALSE(time.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(time.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ParseTime("2024-02-29 00:00:00").ok());  // a leap day
}

TEST(ParseTime, RejectsInstantsOutsideTheRepresentableRange) {
  EXPECT_TRUE(ParseTime("2262-04-11T23:47:16Z").ok());
  EXPECT_FALSE(ParseTime("2262-04-11T23:47:17Z").ok());
  EXPECT_FALSE(ParseTime("1677-09-21T00:12:43Z").ok());
  EXPECT_FALSE(ParseTime("9999-12-31 23:59:59").ok());
  EXPECT_FALSE(ParseTime("99999999999").ok());
  EXPECT_NE(ParseTime("9999-12-31 23:59:59").status().message().find("range"), std::string::npos);
}

TEST(FormatRfc3339, PrintsTheShortestExactFraction) {
  EXPECT_EQ(FormatRfc3339(kOriginalExample), "2021-10-04T09:00:00Z");
  EXPECT_EQ(FormatRfc3339(kOriginalExample + 500'000'000), "2021-10-04T09:00:00.5Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
}

// Under tz(), in the zone's local time with its offset, as InfluxDB writes it; UTC's offset is Z.
TEST(FormatRfc3339, WritesLocalTimeWithAnOffset) {
  EXPECT_EQ(FormatRfc3339(kOriginalExample, 2 * 3600), "2021-10-04T11:00:00+02:00");
  EXPECT_EQ(FormatRfc3339(kOriginalExample + 250'000'000, 19800), "2021-10-04T14:30:00.25+05:30");
  EXPECT_EQ(FormatRfc3339(kOriginalExample, -9000), "2021-10-04T06:30:00-02:30");
  EXPECT_EQ(FormatRfc3339(kOriginalExample, 0), "2021-10-04T09:00:00Z");
  EXPECT_EQ(FormatRfc3339(0, -3600), "1969-12-31T23:00:00-01:00");
  // Past the representable range once shifted: in UTC.
  EXPECT_EQ(FormatRfc3339(kMaxTime, 3600), FormatRfc3339(kMaxTime));
  EXPECT_EQ(FormatRfc3339(kMinTime, -3600), FormatRfc3339(kMinTime));
  // Parsed back, the same instant.
  EXPECT_EQ(Parsed(FormatRfc3339(kOriginalExample + 123, -9000)), kOriginalExample + 123);
}

TEST(FormatRfc3339, RoundTripsThroughParseTime) {
  for (TimeNs time : {TimeNs{0}, kOriginalExample + 123, TimeNs{-86'400'000'000'001}, kMaxTime, kMinTime}) {
    EXPECT_EQ(Parsed(FormatRfc3339(time)), time) << FormatRfc3339(time);
  }
}

TEST(FloorAndCeil, RoundTowardsBucketEdgesOnBothSidesOfTheEpoch) {
  EXPECT_EQ(FloorTo(125, 60), 120);
  EXPECT_EQ(CeilTo(125, 60), 180);
  EXPECT_EQ(FloorTo(-5, 60), -60);
  EXPECT_EQ(CeilTo(-5, 60), 0);
  EXPECT_EQ(FloorTo(120, 60), 120);
  EXPECT_EQ(CeilTo(120, 60), 120);
  EXPECT_EQ(FloorTo(kMinTime, 60 * kNanosPerSecond), kMinTime);  // saturates
  EXPECT_EQ(CeilTo(kMaxTime, 60 * kNanosPerSecond), kMaxTime);
  // The first bucket edge after the earliest time (its floor lies below the range; once, this saturated to kMaxTime).
  const TimeNs minute = 60 * kNanosPerSecond;
  TimeNs first_edge = CeilTo(kMinTime, minute);
  EXPECT_EQ(first_edge % minute, 0);
  EXPECT_GT(first_edge, kMinTime);
  EXPECT_LT(first_edge, kMinTime + minute);
  EXPECT_EQ(FloorTo(kMaxTime, minute) % minute, 0);
  EXPECT_GT(FloorTo(kMaxTime, minute), kMaxTime - minute);
}

}  // namespace
}  // namespace telemetry

namespace telemetry {
namespace {

TEST(Retention, KeepsWholeUtcDaysAndMovesAtMidnight) {
  const TimeNs day = 1'633'305'600 * kNanosPerSecond;  // 2021-10-04T00:00:00Z
  EXPECT_TRUE(Retention{}.keeps_forever());
  EXPECT_EQ(Retention{}.Cutoff(day), kMinTime);
  EXPECT_EQ(Retention{}.NextCutoffChange(day), kMaxTime);
  Retention thirty{30};
  EXPECT_EQ(thirty.Cutoff(day), day - 30 * kNanosPerDay);
  EXPECT_EQ(thirty.Cutoff(day + kNanosPerDay - 1), day - 30 * kNanosPerDay) << "at least 30 days, under 31";
  EXPECT_EQ(thirty.Cutoff(day + kNanosPerDay), day - 29 * kNanosPerDay);
  EXPECT_EQ(thirty.NextCutoffChange(day), day + kNanosPerDay);
  EXPECT_EQ(thirty.NextCutoffChange(day - 1), day);
  EXPECT_EQ(Retention{kMostRetentionDays}.Cutoff(day), day - kMostRetentionDays * kNanosPerDay);
}

}  // namespace
}  // namespace telemetry

#include "core/line_protocol.h"

#include <gtest/gtest.h>

namespace telemetry {
namespace {

ParsedLines Parse(std::string_view text, TimeNs precision = 1) { return ParseLineProtocol(text, precision); }

TEST(LineProtocol, OnePointWithTagsFieldsAndTimestamp) {
  ParsedLines parsed = Parse("temperature,sensorID=107,site=lab value=12.5 1633338000000000000");
  ASSERT_TRUE(parsed.errors.empty());
  ASSERT_EQ(parsed.points.size(), 1u);
  const LinePoint& point = parsed.points[0];
  EXPECT_EQ(point.measurement, "temperature");
  ASSERT_EQ(point.tags.size(), 2u);
  EXPECT_EQ(point.tags[0], (std::pair<std::string, std::string>{"sensorID", "107"}));
  EXPECT_EQ(point.tags[1], (std::pair<std::string, std::string>{"site", "lab"}));
  ASSERT_EQ(point.fields.size(), 1u);
  EXPECT_EQ(point.fields[0].key, "value");
  EXPECT_EQ(std::get<double>(point.fields[0].value), 12.5);
  EXPECT_EQ(point.time, TimeNs{1633338000000000000});
}

TEST(LineProtocol, TimestampIsOptionalAndScaledByPrecision) {
  ParsedLines parsed = Parse("t v=1\nt v=2 1633338000", kNanosPerSecond);
  ASSERT_EQ(parsed.points.size(), 2u);
  EXPECT_FALSE(parsed.points[0].time.has_value());
  EXPECT_EQ(parsed.points[1].time, TimeNs{1633338000} * kNanosPerSecond);
  EXPECT_EQ(Parse("t v=1 -5", 1000).points.at(0).time, TimeNs{-5000});
  ParsedLines overflow = Parse("t v=1 9223372036854775807", kNanosPerSecond);
  ASSERT_EQ(overflow.errors.size(), 1u);
  EXPECT_NE(overflow.errors[0].message.find("out of range"), std::string::npos);
}

TEST(LineProtocol, EveryFieldType) {
  ParsedLines parsed =
      Parse(R"(m i=-12i,u=12u,f=-1.5e3,g=1,h=.5,b1=t,b2=TRUE,b3=False,b4=f,s="a \"quoted\" \\ back\slash")");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].message;
  const auto& fields = parsed.points.at(0).fields;
  ASSERT_EQ(fields.size(), 10u);
  EXPECT_EQ(std::get<std::int64_t>(fields[0].value), -12);
  EXPECT_EQ(std::get<std::uint64_t>(fields[1].value), 12u);
  EXPECT_EQ(std::get<double>(fields[2].value), -1500);
  EXPECT_EQ(std::get<double>(fields[3].value), 1);
  EXPECT_EQ(std::get<double>(fields[4].value), 0.5);
  EXPECT_EQ(std::get<bool>(fields[5].value), true);
  EXPECT_EQ(std::get<bool>(fields[6].value), true);
  EXPECT_EQ(std::get<bool>(fields[7].value), false);
  EXPECT_EQ(std::get<bool>(fields[8].value), false);
  EXPECT_EQ(std::get<std::string>(fields[9].value), R"(a "quoted" \ back\slash)");
}

// As InfluxDB (Go's strconv.ParseFloat): a float too small for a double is zero, one too large is refused.
TEST(LineProtocol, FloatsPastTheRangeOfADouble) {
  ParsedLines parsed = Parse("m v=1e-400\nm v=-1e400\n");
  ASSERT_EQ(parsed.points.size(), 1u);
  EXPECT_EQ(std::get<double>(parsed.points[0].fields.at(0).value), 0);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].message, "unable to parse 'm v=-1e400': float field value -1e400 is out of range");
}

TEST(LineProtocol, EscapesInMeasurementTagsAndFieldKeys) {
  ParsedLines parsed = Parse(R"(my\ temp\,x,sensor\ id=a\,b\=c\ d field\=key\ 1=1 5)");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].message;
  const LinePoint& point = parsed.points.at(0);
  EXPECT_EQ(point.measurement, "my temp,x");
  EXPECT_EQ(point.tags.at(0), (std::pair<std::string, std::string>{"sensor id", "a,b=c d"}));
  EXPECT_EQ(point.fields.at(0).key, "field=key 1");
  EXPECT_EQ(point.time, TimeNs{5});
}

TEST(LineProtocol, CommentsBlankLinesCrlfAndStringsWithNewlines) {
  ParsedLines parsed = Parse("# a comment\r\n\r\n   \nm v=1 1\r\nm s=\"two\nlines\" 2\n\nm v=3 3\r\n");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].message;
  ASSERT_EQ(parsed.points.size(), 3u);
  EXPECT_EQ(parsed.points[0].line, 4);
  EXPECT_EQ(std::get<std::string>(parsed.points[1].fields[0].value), "two\nlines");
  EXPECT_EQ(parsed.points[1].line, 5);
  EXPECT_EQ(parsed.points[2].line, 8);
  EXPECT_EQ(parsed.points[2].time, TimeNs{3});
}

TEST(LineProtocol, BadLinesAreReportedWithTheirNumberAndTheRestStillParse) {
  ParsedLines parsed = Parse(
      "m v=1\n"
      "m\n"                  // no fields
      "m v=\n"               // no value
      "m v=abc\n"            // not a value
      "m v=1i2\n"            // bad integer
      "m v=NaN\n"            // not finite
      "m,t v=1\n"            // tag without value
      "m v=1 12x\n"          // bad timestamp
      "m v=1 1 2\n"          // text after the timestamp
      "m s=\"open\n"         // unterminated string, to the end
  );
  ASSERT_EQ(parsed.points.size(), 1u);
  ASSERT_EQ(parsed.errors.size(), 9u);
  EXPECT_EQ(parsed.errors[0].line, 2);
  EXPECT_EQ(parsed.errors[0].message, "unable to parse 'm': missing fields");
  EXPECT_EQ(parsed.errors[1].line, 3);
  EXPECT_EQ(parsed.errors[7].line, 9);
  EXPECT_NE(parsed.errors[8].message.find("unterminated"), std::string::npos);
}

TEST(LineProtocol, PrecisionNames) {
  EXPECT_EQ(PrecisionNanos(""), TimeNs{1});
  EXPECT_EQ(PrecisionNanos("ns"), TimeNs{1});
  EXPECT_EQ(PrecisionNanos("u"), TimeNs{1000});
  EXPECT_EQ(PrecisionNanos("us"), TimeNs{1000});
  EXPECT_EQ(PrecisionNanos("ms"), TimeNs{1000000});
  EXPECT_EQ(PrecisionNanos("s"), kNanosPerSecond);
  EXPECT_EQ(PrecisionNanos("m"), kNanosPerMinute);
  EXPECT_EQ(PrecisionNanos("h"), kNanosPerHour);
  EXPECT_FALSE(PrecisionNanos("d").has_value());
}

}  // namespace
}  // namespace telemetry

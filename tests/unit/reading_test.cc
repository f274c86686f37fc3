#include "core/reading.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace telemetry {
namespace {

TEST(ValidateSensorId, AcceptsOrdinaryIds) {
  EXPECT_TRUE(ValidateSensorId("107").ok());
  EXPECT_TRUE(ValidateSensorId("boiler room/2 — ünïcode").ok());
  EXPECT_TRUE(ValidateSensorId(std::string(kMaxSensorIdBytes, 'x')).ok());
}

TEST(ValidateSensorId, TakesUtf8OnlyAsJsonCarriesNothingElse) {
  EXPECT_TRUE(ValidateSensorId("k\xC3\xBChlraum-\xE2\x98\x83").ok());
  EXPECT_EQ(ValidateSensorId("ab\xFF"
                             "cd")
                .message(),
            "sensorID must be valid UTF-8");
  EXPECT_EQ(ValidateSensorId("\xED\xA0\x80").message(), "sensorID must be valid UTF-8");  // a surrogate
}

TEST(ValidateSensorId, RejectsEmptyLongAndControlCharacters) {
  EXPECT_EQ(ValidateSensorId("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSensorId(std::string(kMaxSensorIdBytes + 1, 'x')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSensorId("a\nb").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSensorId(std::string("a\0b", 3)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSensorId("a\x7f").code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ValidateSensorId("").message().find("sensorID"), std::string::npos);
}

TEST(ParseTemperature, AcceptsDecimalNumbers) {
  EXPECT_EQ(*ParseTemperature("12"), 12.0);
  EXPECT_EQ(*ParseTemperature("-3.5"), -3.5);
  EXPECT_EQ(*ParseTemperature("1e2"), 100.0);
}

TEST(ParseTemperature, AcceptsWhatPythonsFloatAccepted) {
  EXPECT_EQ(*ParseTemperature(" 12"), 12.0);
  EXPECT_EQ(*ParseTemperature("12\n"), 12.0);
  EXPECT_EQ(*ParseTemperature("\t+12.5 "), 12.5);
  EXPECT_EQ(*ParseTemperature("+.5"), 0.5);
  EXPECT_EQ(*ParseTemperature("\f12\v\r"), 12.0);
  EXPECT_EQ(*ParseTemperature("1e-400"), 0.0);  // float() rounds it to zero, as a JSON number 1e-400 is
}

TEST(ParseTemperature, RejectsTextNonFiniteAndPartialNumbers) {
  for (std::string_view bad : {"", " ", "+", "+-12", "++12", "- 12", "1 2", "1_000", "abc", "12abc", "nan", "NaN",
                               "inf", "-Infinity", "1e400", "0x10"}) {
    StatusOr<double> value = ParseTemperature(bad);
    EXPECT_FALSE(value.ok()) << "accepted \"" << bad << "\"";
    if (!value.ok()) {
      EXPECT_NE(value.status().message().find("temperature"), std::string::npos);
    }
  }
  EXPECT_EQ(ParseTemperature("-1e400").status().message(), "temperature must be a finite number");
}

TEST(ValidateReadingTime, RefusesOnlyTheLastInstant) {
  EXPECT_TRUE(ValidateReadingTime(kMinTime).ok());
  EXPECT_TRUE(ValidateReadingTime(kMaxTime - 1).ok());
  EXPECT_EQ(ValidateReadingTime(kMaxTime).message(), "time must be earlier than 2262-04-11T23:47:16.854775807Z");
}

TEST(ValidateTemperature, AcceptsZeroAndMagnitudesBetweenTheBounds) {
  for (double value : {0.0, -0.0, 12.0, -273.15, 1e-100, -1e-100, 1e100, -1e100, 9.2e18}) {
    EXPECT_TRUE(ValidateTemperature(value).ok()) << value;
  }
}

TEST(ValidateTemperature, RefusesWhatAnAggregateCouldNotHold) {
  // Two readings of 1e308 make an infinite sum; 1e-200 is below DynamoDB's smallest number.
  for (double value : {1e308, -1e308, std::nextafter(1e100, 1e101), 1e101, 1e-101, std::nextafter(-1e-100, 0.0),
                       4.9e-324, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    Status valid = ValidateTemperature(value);
    EXPECT_EQ(valid.code(), StatusCode::kInvalidArgument) << value;
    EXPECT_NE(valid.message().find("temperature"), std::string::npos) << valid.message();
  }
  EXPECT_EQ(ValidateTemperature(1e308).message(),
            "temperature must be 0 or between 1e-100 and 1e100 in magnitude, got 1e+308");
  EXPECT_EQ(ParseTemperature(" 1e200").status().message(),
            "temperature must be 0 or between 1e-100 and 1e100 in magnitude, got 1e+200");
  EXPECT_EQ(*ParseTemperature("-1e100"), -1e100);
}

}  // namespace
}  // namespace telemetry

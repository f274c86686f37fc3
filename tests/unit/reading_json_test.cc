#include "api/reading_json.h"

#include <gtest/gtest.h>

namespace telemetry::api {
namespace {

constexpr TimeNs kNow = 1'700'000'000LL * kNanosPerSecond;
constexpr TimeNs kOriginalExample = 1633338000LL * kNanosPerSecond;

TEST(ParseReadingJson, ReadsTheOriginalShape) {
  auto reading = ParseReadingJson(R"({"sensorID":"107","temperature":"12","time":"2021-10-04 09:00:00"})", kNow);
  ASSERT_TRUE(reading.ok()) << reading.status().message();
  EXPECT_EQ(*reading, (Reading{"107", kOriginalExample, 12.0}));
}

TEST(ParseReadingJson, AcceptsNumbersWhereTheOriginalSentStrings) {
  auto reading = ParseReadingJson(R"({"sensorID":107,"temperature":-3.25,"time":1633338000.5})", kNow);
  ASSERT_TRUE(reading.ok()) << reading.status().message();
  EXPECT_EQ(*reading, (Reading{"107", kOriginalExample + 500'000'000, -3.25}));
}

TEST(ParseReadingJson, IgnoresOtherMembersAsTheOriginalDid) {
  auto reading =
      ParseReadingJson(R"({"unit":"C","sensorID":"7","extra":{"temperature":5},"temperature":1,"note":[1,2]})", kNow);
  ASSERT_TRUE(reading.ok()) << reading.status().message();
  EXPECT_EQ(*reading, (Reading{"7", kNow, 1.0}));
}

TEST(ParseReadingJson, UsesTheReceiveTimeWhenTimeIsMissingOrNull) {
  EXPECT_EQ(ParseReadingJson(R"({"sensorID":"1","temperature":1})", kNow)->time, kNow);
  EXPECT_EQ(ParseReadingJson(R"({"sensorID":"1","temperature":1,"time":null})", kNow)->time, kNow);
}

// A UTF-8 byte order mark before the JSON, as .NET's writers put it and the original's Flask skipped; only there.
TEST(ParseReadingJson, SkipsAByteOrderMarkBeforeTheBody) {
  auto reading = ParseReadingJson("\xEF\xBB\xBF{\"sensorID\":\"1\",\"temperature\":2}", kNow);
  ASSERT_TRUE(reading.ok()) << reading.status().message();
  EXPECT_EQ(*reading, (Reading{"1", kNow, 2.0}));
  EXPECT_FALSE(ParseReadingJson(" \xEF\xBB\xBF{\"sensorID\":\"1\",\"temperature\":2}", kNow).ok());
  for (bool ndjson : {false, true}) {
    auto batch = ParseReadingBatch(ndjson ? "\xEF\xBB\xBF{\"sensorID\":\"1\",\"temperature\":2}\n"
                                          : "\xEF\xBB\xBF[{\"sensorID\":\"1\",\"temperature\":2}]",
                                   ndjson, kNow, 10);
    ASSERT_TRUE(batch.ok()) << batch.status().message();
    EXPECT_EQ(batch->readings.size(), 1u);
    EXPECT_TRUE(batch->rejected.empty());
  }
}

TEST(ParseReadingBatch, ItemsWithoutATimeAreReadAtTheReceiveTimePlusTheirIndex) {
  for (bool ndjson : {false, true}) {
    std::string body =
        ndjson ? "{\"sensorID\":\"1\",\"temperature\":1}\n\n{\"sensorID\":\"1\",\"temperature\":2,\"time\":5}\n"
                 "{\"sensorID\":\"1\",\"temperature\":3}"
               : R"([{"sensorID":"1","temperature":1},{"sensorID":"1","temperature":2,"time":5},)"
                 R"({"sensorID":"1","temperature":3}])";
    auto batch = ParseReadingBatch(body, ndjson, kNow, 10);
    ASSERT_TRUE(batch.ok()) << batch.status().message();
    ASSERT_EQ(batch->readings.size(), 3u);
    EXPECT_EQ(batch->readings[0].time, kNow);
    EXPECT_EQ(batch->readings[1].time, 5 * kNanosPerSecond);
    EXPECT_EQ(batch->readings[2].time, kNow + 2);
  }
}

TEST(ParseReadingJson, NamesTheFieldAtFault) {
  struct Case {
    const char* body;
    const char* mentions;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"temperature":"12"})", "sensorID"},
           {R"({"sensorID":"","temperature":"12"})", "sensorID"},
           {R"({"sensorID":1.5,"temperature":"12"})", "sensorID"},
           {R"({"sensorID":true,"temperature":"12"})", "sensorID"},
           {R"({"sensorID":"1"})", "temperature"},
           {R"({"sensorID":"1","temperature":"abc"})", "temperature"},
           {R"({"sensorID":"1","temperature":"NaN"})", "temperature"},
           {R"({"sensorID":"1","temperature":[1]})", "temperature"},
           {R"({"sensorID":"1","temperature":1,"time":"2021-02-30 00:00:00"})", "time"},
           {R"({"sensorID":"1","temperature":1,"time":true})", "time"},
           {R"({"sensorID":"1","temperature":1,"time":1e300})", "time"},
           {R"([1,2])", "object"},
           {R"({"sensorID":"1","temperature":1)", "JSON"},
           {"", "JSON"},
           {R"({"sensorID":"1","temperature":1e999})", "JSON"},
           {R"({"sensorID":"1","temperature":1e308})", "temperature must be 0 or between 1e-100 and 1e100"},
           {R"({"sensorID":"1","temperature":1,"time":"2262-04-11T23:47:16.854775807Z"})", "time must be earlier than"},
           {R"({"sensorID":"1","temperature":-1e-200})", "temperature must be 0 or between 1e-100 and 1e100"},
           {R"({"sensorID":"1","temperature":"1e308"})", "temperature must be 0 or between 1e-100 and 1e100"},
           // Repeated fields are ambiguous: neither the first nor the last value is stored.
           {R"({"sensorID":"1","temperature":1,"sensorID":"2"})", "sensorID is given more than once"},
           {R"({"sensorID":"1","temperature":1,"temperature":2})", "temperature is given more than once"},
           {R"({"sensorID":"1","temperature":1,"time":1,"time":null})", "time is given more than once"},
           {R"({"sensor\u0049D":"1","temperature":1,"sensorID":"2"})", "sensorID is given more than once"},
       }) {
    auto reading = ParseReadingJson(c.body, kNow);
    ASSERT_FALSE(reading.ok()) << c.body;
    EXPECT_EQ(reading.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(reading.status().message().find(c.mentions), std::string::npos)
        << c.body << " -> " << reading.status().message();
  }
}

TEST(IsJsonContentType, AcceptsJsonAndAbsence) {
  EXPECT_TRUE(IsJsonContentType(std::nullopt));
  EXPECT_TRUE(IsJsonContentType("application/json"));
  EXPECT_TRUE(IsJsonContentType("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(IsJsonContentType("text/plain"));
  EXPECT_FALSE(IsJsonContentType("application/x-www-form-urlencoded"));
  EXPECT_FALSE(IsJsonContentType("application/jsonx"));
  EXPECT_TRUE(IsJsonContentType("application/vnd.acme.reading+json; charset=utf-8"));
  EXPECT_TRUE(IsJsonContentType("Application/Merge-Patch+JSON"));
  EXPECT_FALSE(IsJsonContentType("application/+json"));
  EXPECT_FALSE(IsJsonContentType("text/vnd.acme+json"));
  EXPECT_FALSE(IsJsonContentType("application/xjson"));
  EXPECT_FALSE(IsJsonContentType("application/json+xml"));
}

}  // namespace
}  // namespace telemetry::api

// GET /api/v1/series against the real binary on both stores: every bucket checked against a brute-force
// computation, days in a time zone across a DST change, late data, and every bad parameter.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "http_client.h"
#include "server_process.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::JsonField;
using testing::ServerProcess;

struct Bucket {
  long long count = 0;
  double sum = 0, min = 1e9, max = -1e9;
  void Add(double value) {
    ++count;
    sum += value;
    min = std::min(min, value);
    max = std::max(max, value);
  }
};

// The buckets of an answer, by their "time", each as its flat JSON object.
std::map<std::string, std::string> BucketsOf(const std::string& body) {
  std::map<std::string, std::string> buckets;
  std::size_t start = body.find("[{");
  while (start != std::string::npos) {
    std::size_t end = body.find('}', start + 2);
    std::string object = body.substr(start + 1, end - start);
    buckets[JsonField(object, "time")] = object;
    start = body[end + 1] == ',' ? end + 1 : std::string::npos;
  }
  return buckets;
}

std::string Rfc3339(long long seconds) {
  std::time_t t = seconds;
  char text[32];
  std::strftime(text, sizeof text, "\"%Y-%m-%dT%H:%M:%SZ\"", std::gmtime(&t));
  return text;
}

class SeriesTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
  ServerProcess server_{backend_.Args()};
  HttpClient client_{server_.port()};

  void Post(const std::string& readings) {
    ASSERT_EQ(client_.Request("POST", "/api/v1/readings", "[" + readings + "]").status, 200) << readings;
  }
};

TEST_P(SeriesTest, EveryBucketMatchesBruteForce) {
  const long long base = 1633338000;  // 2021-10-04 09:00:00 UTC
  std::mt19937_64 random(11);
  std::uniform_int_distribution<long long> when(0, 3 * 86400 - 1), value(-40, 40);
  std::vector<std::tuple<std::string, long long, long long>> sent;  // sensor, second, value
  std::string batch;
  // DynamoDB Local commits far fewer readings per second: fewer there, the same coverage of buckets.
  for (int i = 0; i < (GetParam() == "dynamodb" ? 250 : 600); ++i) {
    std::string sensor = "s" + std::to_string(i % 3);
    long long second = base + when(random), v = value(random);
    if (std::any_of(sent.begin(), sent.end(), [&](const auto& s) {
          return std::get<0>(s) == sensor && std::get<1>(s) == second;
        })) {
      continue;
    }
    sent.emplace_back(sensor, second, v);
    batch += std::string(batch.empty() ? "" : ",") + R"({"sensorID":")" + sensor + R"(","temperature":)" +
             std::to_string(v) + R"(,"time":)" + std::to_string(second) + "}";
  }
  Post(batch);
  const std::vector<std::pair<std::string, long long>> intervals = {{"1m", 60},      {"5m", 300},  {"15m", 900},
                                                                    {"1h", 3600},    {"6h", 21600}, {"1d", 86400},
                                                                    {"90m", 5400}};
  for (int q = 0; q < 12; ++q) {
    auto [name, width] = intervals[q % intervals.size()];
    long long from = base + when(random) - 3600, to = from + std::min<long long>(width * 500, 2 * 86400);
    std::string sensor = q % 2 ? "s" + std::to_string(q % 3) : "";
    std::map<std::string, Bucket> expected;
    long long first = from - ((from % width) + width) % width, last = to + (width - to % width) % width;
    for (const auto& [s, second, v] : sent) {
      if (second < first || second >= last || (!sensor.empty() && s != sensor)) continue;
      expected[Rfc3339(second - second % width)].Add(static_cast<double>(v));
    }
    std::string target = "/api/v1/series?interval=" + name + "&from=" + std::to_string(from) +
                         "&to=" + std::to_string(to) + (sensor.empty() ? "" : "&sensorID=" + sensor);
    testing::HttpResponse response = client_.Get(target);
    ASSERT_EQ(response.status, 200) << target << ": " << response.body;
    std::map<std::string, std::string> buckets = BucketsOf(response.body);
    ASSERT_EQ(buckets.size(), expected.size()) << target << ": " << response.body;
    for (const auto& [time, bucket] : expected) {
      ASSERT_TRUE(buckets.contains(time)) << target << " misses " << time;
      const std::string& got = buckets[time];
      EXPECT_EQ(JsonField(got, "count"), std::to_string(bucket.count)) << target << " " << got;
      EXPECT_NEAR(std::stod(JsonField(got, "mean")), bucket.sum / bucket.count, 1e-9) << target << " " << got;
      EXPECT_EQ(std::stod(JsonField(got, "min")), bucket.min) << target << " " << got;
      EXPECT_EQ(std::stod(JsonField(got, "max")), bucket.max) << target << " " << got;
    }
  }
}

TEST_P(SeriesTest, DaysOfATimeZoneAcrossTheEndOfDaylightSaving) {
  // Berlin: 2021-10-31 is 25 hours long, 2021-10-30T22:00Z to 2021-10-31T23:00Z.
  Post(R"({"sensorID":"b","temperature":1,"time":"2021-10-30T21:30:00Z"},)"   // Oct 30, 23:30 CEST
       R"({"sensorID":"b","temperature":2,"time":"2021-10-30T22:30:00Z"},)"   // Oct 31, 00:30 CEST
       R"({"sensorID":"b","temperature":3,"time":"2021-10-31T22:30:00Z"},)"   // Oct 31, 23:30 CET
       R"({"sensorID":"b","temperature":4,"time":"2021-10-31T23:30:00Z"})");  // Nov 1, 00:30 CET
  std::string range = "&from=2021-10-30T12:00:00Z&to=2021-11-01T12:00:00Z";
  EXPECT_EQ(client_.Get("/api/v1/series?sensorID=b&interval=1d&tz=Europe/Berlin" + range).body,
            R"({"buckets":[{"time":"2021-10-29T22:00:00Z","count":1,"mean":1,"min":1,"max":1},)"
            R"({"time":"2021-10-30T22:00:00Z","count":2,"mean":2.5,"min":2,"max":3},)"
            R"({"time":"2021-10-31T23:00:00Z","count":1,"mean":4,"min":4,"max":4}]})");
  EXPECT_EQ(client_.Get("/api/v1/series?interval=1d" + range).body,
            R"({"buckets":[{"time":"2021-10-30T00:00:00Z","count":2,"mean":1.5,"min":1,"max":2},)"
            R"({"time":"2021-10-31T00:00:00Z","count":2,"mean":3.5,"min":3,"max":4}]})");
  EXPECT_EQ(client_.Get("/api/v1/series?interval=1d&tz=Asia/Kolkata" + range).body,
            R"({"buckets":[{"time":"2021-10-30T18:30:00Z","count":2,"mean":1.5,"min":1,"max":2},)"
            R"({"time":"2021-10-31T18:30:00Z","count":2,"mean":3.5,"min":3,"max":4}]})");
}

TEST_P(SeriesTest, LateReadingsLandInTheirBucketsAtOnce) {
  std::string target = "/api/v1/series?sensorID=late&interval=1h&from=2021-10-04T00:00:00Z&to=2021-10-05T00:00:00Z";
  Post(R"({"sensorID":"late","temperature":10,"time":"2021-10-04T12:00:00Z"})");
  EXPECT_EQ(client_.Get(target).body,
            R"({"buckets":[{"time":"2021-10-04T12:00:00Z","count":1,"mean":10,"min":10,"max":10}]})");
  // Days late and out of order: counted in the same answer that follows the write.
  Post(R"({"sensorID":"late","temperature":20,"time":"2021-10-04T12:59:59Z"},)"
       R"({"sensorID":"late","temperature":5,"time":"2021-10-04T03:10:00Z"})");
  EXPECT_EQ(client_.Get(target).body,
            R"({"buckets":[{"time":"2021-10-04T03:00:00Z","count":1,"mean":5,"min":5,"max":5},)"
            R"({"time":"2021-10-04T12:00:00Z","count":2,"mean":15,"min":10,"max":20}]})");
}

TEST_P(SeriesTest, RangesUpToTheEndsOfRepresentableTime) {
  // The first and last instants a reading may have (the very last is refused: ranges end before their end).
  Post(R"({"sensorID":"edge","temperature":1,"time":"1677-09-21T00:12:43.145224192Z"},)"
       R"({"sensorID":"edge","temperature":2,"time":"2262-04-11T23:47:16.854775806Z"})");
  testing::HttpResponse last = client_.Request(
      "POST", "/api/v1/readings", R"([{"sensorID":"edge","temperature":3,"time":"2262-04-11T23:47:16.854775807Z"}])");
  EXPECT_EQ(last.status, 400);
  EXPECT_NE(last.body.find("time must be earlier than 2262-04-11T23:47:16.854775807Z"), std::string::npos) << last.body;
  // Each of these used to wrap around past the end of time and grow the buckets until memory ran out.
  for (const char* tz : {"", "&tz=Pacific/Kiritimati", "&tz=America/Los_Angeles"}) {
    std::string late = "/api/v1/series?sensorID=edge&interval=6h&from=2262-04-10&to=2262-04-11T23:47:16.854775807Z";
    EXPECT_EQ(JsonField(client_.Get(late + tz).body, "count"), "1") << tz;
    std::string early = "/api/v1/series?sensorID=edge&interval=1d&from=-9223372036.854775808&to=1677-09-22";
    EXPECT_EQ(JsonField(client_.Get(early + tz).body, "count"), "1") << tz;
    std::string all = "/api/v1/series?sensorID=edge&interval=3650d&from=-9223372036.854775808&to=9223372036.854775807";
    testing::HttpResponse response = client_.Get(all + tz);
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(BucketsOf(response.body).size(), 2u) << tz << ": " << response.body;
  }
  // `from` by default a day before `to`, here before the first instant: from the first instant.
  EXPECT_EQ(JsonField(client_.Get("/api/v1/series?sensorID=edge&to=-9223372036.854775807").body, "count"), "1");
  EXPECT_EQ(JsonField(client_.Get("/api/v1/stats?sensorID=edge").body, "count"), "2");
  std::string exported = client_.Get("/api/v1/readings?sensorID=edge").body;
  EXPECT_NE(exported.find("2262-04-11T23:47:16.854775806Z"), std::string::npos) << exported;
  EXPECT_NE(exported.find("1677-09-21T00:12:43.145224192Z"), std::string::npos) << exported;
}

TEST_P(SeriesTest, BadParametersAre400NamingTheProblem) {
  for (const char* query : {"interval=1s", "interval=7x", "interval=0m", "tz=Mars/Olympus", "tz=Asia/Kolkata&interval=7h",
                            "from=2021-10-05&to=2021-10-04", "from=yesterday", "interval=1m&from=2000-01-01&to=2021-01-01",
                            "colour=blue", "sensorID="}) {
    testing::HttpResponse response = client_.Get(std::string("/api/v1/series?") + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
    EXPECT_NE(response.body.find(R"("code":"invalid_argument")"), std::string::npos) << query;
  }
  // The defaults: the last 24 hours in hours; nothing there yet.
  EXPECT_EQ(client_.Get("/api/v1/series").body, R"({"buckets":[]})");
}

INSTANTIATE_TEST_SUITE_P(Backends, SeriesTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

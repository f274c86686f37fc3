// /api/v1/stats is exact for any range: compared against a brute-force computation over the same readings.
#include <gtest/gtest.h>

#include <random>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::JsonField;
using testing::ServerProcess;

struct Sent {
  std::string sensor;
  long long time_ms;  // milliseconds since the epoch
  long long value;
};

std::string EpochSeconds(long long ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%lld.%03lld", ms < 0 ? "-" : "", std::llabs(ms) / 1000, std::llabs(ms) % 1000);
  return text;
}

class RangeStats : public ::testing::TestWithParam<std::string> {};

TEST_P(RangeStats, MatchBruteForceOverRandomRanges) {
  testing::TestBackend backend(GetParam());
  ServerProcess server(backend.Args());
  HttpClient client(server.port());
  std::mt19937_64 random(7);
  const long long base_ms = 1'633'338'000'000;  // 2021-10-04 09:00:00 UTC
  const long long span_ms = 3LL * 86'400'000;   // three days, so minute, hour and day buckets all take part
  std::uniform_int_distribution<long long> when(0, span_ms), value(-50, 50);
  std::vector<Sent> sent;
  // DynamoDB Local is slower: fewer readings and queries there, the same coverage of levels and edges.
  const bool dynamodb = GetParam() == "dynamodb";
  for (int i = 0; i < (dynamodb ? 500 : 1500); ++i) {
    Sent reading{"s" + std::to_string(i % 3), base_ms + when(random), value(random)};
    std::string body = R"({"sensorID":")" + reading.sensor + R"(","temperature":)" + std::to_string(reading.value) +
                       R"(,"time":")" + EpochSeconds(reading.time_ms) + R"("})";
    int status = client.Put("/api/temperature", body).status;
    ASSERT_TRUE(status == 200 || status == 409) << body;
    if (status == 200 && std::none_of(sent.begin(), sent.end(), [&](const Sent& s) {
          return s.sensor == reading.sensor && s.time_ms == reading.time_ms;
        })) {
      sent.push_back(reading);
    }
  }
  std::uniform_int_distribution<long long> edge(-3'600'000, span_ms + 3'600'000);
  for (int q = 0; q < (dynamodb ? 80 : 200); ++q) {
    long long a = base_ms + edge(random), b = base_ms + edge(random);
    if (q % 3 == 0) a -= a % 60'000;  // some ranges start on a minute boundary
    long long from = std::min(a, b), to = std::max(a, b);
    std::string sensor = q % 2 ? "s" + std::to_string(q % 3) : "";
    long long count = 0, sum = 0, min = 1000, max = -1000;
    for (const Sent& s : sent) {
      if (s.time_ms < from || s.time_ms >= to || (!sensor.empty() && s.sensor != sensor)) continue;
      ++count;
      sum += s.value;
      min = std::min(min, s.value);
      max = std::max(max, s.value);
    }
    std::string target = "/api/v1/stats?from=" + EpochSeconds(from) + "&to=" + EpochSeconds(to) +
                         (sensor.empty() ? "" : "&sensorID=" + sensor);
    std::string body = client.Get(target).body;
    ASSERT_EQ(JsonField(body, "count"), std::to_string(count)) << target << " -> " << body;
    EXPECT_EQ(JsonField(body, "sum"), std::to_string(sum)) << target;
    EXPECT_EQ(JsonField(body, "min"), count ? std::to_string(min) : "null") << target;
    EXPECT_EQ(JsonField(body, "max"), count ? std::to_string(max) : "null") << target;
  }
}

// Ranges shorter than a bucket that straddle a bucket edge (second for all sensors, minute for one): read raw on
// both sides of the edge.
TEST_P(RangeStats, ShortRangesAcrossBucketEdges) {
  testing::TestBackend backend(GetParam());
  ServerProcess server(backend.Args());
  HttpClient client(server.port());
  const long long base_ms = 1'633'338'059'000;  // 09:00:59, a second before a minute edge
  std::string batch = "[";
  for (int i = 0; i < 30; ++i) {  // every 100 ms for 3 s, values 0..29
    batch += std::string(i ? "," : "") + R"({"sensorID":"e","temperature":)" + std::to_string(i) + R"(,"time":")" +
             EpochSeconds(base_ms + 100 * i) + R"("})";
  }
  ASSERT_EQ(client.Request("POST", "/api/v1/readings", batch + "]").status, 200);
  for (auto [from, to] : {std::pair{7, 13}, {2, 18}, {9, 11}, {10, 20}, {5, 25}}) {  // in 100 ms steps
    long long count = to - from, sum = (from + to - 1) * count / 2;
    for (std::string sensor : {"", "&sensorID=e"}) {
      std::string target = "/api/v1/stats?from=" + EpochSeconds(base_ms + 100 * from) +
                           "&to=" + EpochSeconds(base_ms + 100 * to) + sensor;
      std::string body = client.Get(target).body;
      EXPECT_EQ(JsonField(body, "count"), std::to_string(count)) << target << " -> " << body;
      EXPECT_EQ(JsonField(body, "sum"), std::to_string(sum)) << target << " -> " << body;
    }
  }
}

// A range open at one end (only `from` or only `to`) is read from the coarsest buckets out to that end. Before,
// the start's open end was planned as one raw span from the earliest representable time: every reading before
// `to` read one by one (and, on DynamoDB, every second since 1677 asked for).
TEST_P(RangeStats, RangesOpenAtOneEnd) {
  testing::TestBackend backend(GetParam());
  ServerProcess server(backend.Args());
  HttpClient client(server.port());
  const long long base_ms = 1'633'338'000'000;
  std::string batch = "[";
  for (int i = 0; i < 40; ++i) {  // every 7 hours 13 minutes 0.25 s over 12 days, values 0..39, two sensors
    batch += std::string(i ? "," : "") + R"({"sensorID":"o)" + std::to_string(i % 2) + R"(","temperature":)" +
             std::to_string(i) + R"(,"time":")" + EpochSeconds(base_ms + i * 25'980'250LL) + R"("})";
  }
  ASSERT_EQ(client.Request("POST", "/api/v1/readings", batch + "]").status, 200);
  for (int split : {0, 1, 17, 39, 40}) {
    std::string edge = EpochSeconds(base_ms + split * 25'980'250LL - (split % 2 ? 1 : 0));
    for (std::string sensor : {"", "o1"}) {
      long long before = 0, after = 0;
      for (int i = 0; i < 40; ++i) {
        bool at_or_after_edge = i >= split;
        if (!sensor.empty() && i % 2 != 1) continue;
        (at_or_after_edge ? after : before) += 1;
      }
      std::string tail = sensor.empty() ? "" : "&sensorID=" + sensor;
      std::string to = client.Get("/api/v1/stats?to=" + edge + tail).body;
      EXPECT_EQ(JsonField(to, "count"), std::to_string(before)) << "to=" << edge << tail << " -> " << to;
      std::string from = client.Get("/api/v1/stats?from=" + edge + tail).body;
      EXPECT_EQ(JsonField(from, "count"), std::to_string(after)) << "from=" << edge << tail << " -> " << from;
    }
  }
}

TEST_P(RangeStats, AnOffsetWhosePlusArrivedAsASpaceIsReadAsPlus) {
  testing::TestBackend backend(GetParam());
  ServerProcess server(backend.Args());
  HttpClient client(server.port());
  ASSERT_EQ(client.Put("/api/temperature", R"({"sensorID":"z","temperature":1,"time":"2021-10-04T08:30:00Z"})").status,
            200);
  // 09:00+02:00 is 07:00Z; the '+' written into the URL as it is arrives as a space.
  for (const char* from : {"2021-10-04T09:00:00%2B02:00", "2021-10-04T09:00:00+02:00", "2021-10-04%2009:00:00+02:00"}) {
    EXPECT_EQ(JsonField(client.Get(std::string("/api/v1/stats?sensorID=z&from=") + from).body, "count"), "1") << from;
  }
  EXPECT_EQ(JsonField(client.Get("/api/v1/stats?sensorID=z&from=2021-10-04T09:00:00Z").body, "count"), "0");
  EXPECT_EQ(client.Get("/api/v1/stats?from=2021-10-04T09:00:00+99:00").status, 400);
  EXPECT_EQ(client.Get("/api/v1/stats?from=2021-10-04+09").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, RangeStats, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

// telemetryd as a fleet on one DynamoDB table, the way it grows past one machine: several processes writing the
// same sensors at once, and a DynamoDB that throttles, fails and loses answers (a fault-injecting proxy between
// the processes and DynamoDB Local, which does neither by itself).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "dynamodb_local.h"
#include "fault_proxy.h"
#include "http_client.h"
#include "reading_body.h"
#include "server_process.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::FaultProxy;
using testing::HttpClient;
using testing::kExampleEpochSecond;
using testing::ReadingBody;
using testing::ServerProcess;

// The readings a test stores, and the statistics they must give.
struct Expected {
  long long count = 0, sum = 0, min = 0, max = 0;
  void Add(long long value) {
    min = count == 0 ? value : std::min(min, value);
    max = count == 0 ? value : std::max(max, value);
    ++count;
    sum += value;
  }
};

void ExpectStats(HttpClient& client, const std::string& query, const Expected& expected) {
  std::string body = client.Get("/api/v1/stats" + query).body;
  EXPECT_EQ(testing::JsonField(body, "count"), std::to_string(expected.count)) << query << ": " << body;
  EXPECT_EQ(testing::JsonField(body, "sum"), std::to_string(expected.sum)) << query << ": " << body;
  EXPECT_EQ(testing::JsonField(body, "min"), std::to_string(expected.min)) << query << ": " << body;
  EXPECT_EQ(testing::JsonField(body, "max"), std::to_string(expected.max)) << query << ": " << body;
}

// The backend's arguments with DynamoDB reached through `endpoint`.
std::vector<std::string> ThroughEndpoint(std::vector<std::string> args, const std::string& endpoint) {
  auto flag = std::find(args.begin(), args.end(), "--dynamodb-endpoint");
  flag[1] = endpoint;
  return args;
}

// Puts a reading until it is answered 200 (a client honouring 503), at most `attempts` times; returns the last
// status.
int PutUntilStored(HttpClient& client, const std::string& body, int attempts = 30) {
  int status = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    status = client.Put("/api/temperature", body).status;
    if (status != 503) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));  // the client's backoff
  }
  return status;
}

TEST(DynamoDbFleet, TwoProcessesOnOneTableKeepEveryStatisticExact) {
  testing::TestBackend backend("dynamodb");
  ServerProcess first(backend.Args());
  ServerProcess second(backend.Args());
  constexpr int kSensors = 4;
  constexpr int kReadings = 120;
  std::vector<Expected> expected(kSensors);
  std::vector<std::thread> writers;
  // One thread per sensor and process: both processes write every sensor at once, every third reading to both.
  for (int sensor = 0; sensor < kSensors; ++sensor) {
    for (int process = 0; process < 2; ++process) {
      writers.emplace_back([&, sensor, process] {
        HttpClient client(process == 0 ? first.port() : second.port());
        for (int i = 0; i < kReadings; ++i) {
          if (i % 3 != 2 && i % 3 != process) continue;
          long long value = (sensor * 37 + i * 11) % 101 - 50;
          testing::HttpResponse answer =
              client.Put("/api/temperature", ReadingBody("s" + std::to_string(sensor), i, value));
          EXPECT_EQ(answer.status, 200) << answer.body;
        }
      });
    }
    for (int i = 0; i < kReadings; ++i) expected[sensor].Add((sensor * 37 + i * 11) % 101 - 50);
  }
  for (auto& writer : writers) writer.join();

  Expected all;
  for (int sensor = 0; sensor < kSensors; ++sensor) {
    for (int i = 0; i < kReadings; ++i) all.Add((sensor * 37 + i * 11) % 101 - 50);
  }
  for (ServerProcess* process : {&first, &second}) {
    HttpClient client(process->port());
    for (int sensor = 0; sensor < kSensors; ++sensor) {
      ExpectStats(client, "?sensorID=s" + std::to_string(sensor), expected[sensor]);
    }
    ExpectStats(client, "", all);
    // A range with sub-second edges: raw readings of all sensors, from both processes' shards.
    Expected middle;
    for (int sensor = 0; sensor < kSensors; ++sensor) {
      for (int i = 10; i < 100; ++i) middle.Add((sensor * 37 + i * 11) % 101 - 50);
    }
    ExpectStats(
        client,
        "?from=" + std::to_string(kExampleEpochSecond + 9) + ".5&to=" + std::to_string(kExampleEpochSecond + 99) + ".5",
        middle);
  }
}

TEST(DynamoDbFleet, ThrottlingErrorsAndLostAnswersNeitherLoseNorDoubleCount) {
  testing::TestBackend backend("dynamodb");
  FaultProxy proxy(testing::SharedDynamoDbLocal().port());
  std::vector<std::string> args = ThroughEndpoint(backend.Args(), proxy.endpoint());
  args.insert(args.end(), {"--dynamodb-max-attempts", "4"});
  ServerProcess server(args);
  proxy.SetFaults({.throttle = 0.15, .server_error = 0.1, .lost_answer = 0.1});

  constexpr int kWriters = 4;
  constexpr int kReadings = 60;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      HttpClient client(server.port());
      for (int i = 0; i < kReadings; ++i) {
        std::string reading = ReadingBody("f" + std::to_string(w), i, i * (w + 1));
        EXPECT_EQ(PutUntilStored(client, reading), 200) << "f" << w << " #" << i;
        // Sent again, as a client does that did not see the answer: still counted once.
        if (i % 5 == 0) {
          EXPECT_EQ(PutUntilStored(client, reading), 200) << "f" << w << " #" << i << " again";
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_GT(proxy.faults_injected(), 20) << "of " << proxy.requests() << " requests";

  proxy.SetFaults({});
  HttpClient client(server.port());
  Expected all;
  for (int w = 0; w < kWriters; ++w) {
    Expected one;
    for (int i = 0; i < kReadings; ++i) {
      one.Add(i * (w + 1));
      all.Add(i * (w + 1));
    }
    ExpectStats(client, "?sensorID=f" + std::to_string(w), one);
  }
  ExpectStats(client, "", all);
}

TEST(DynamoDbFleet, ThrottlingPastTheRetryBudgetIs503WithRetryAfterAndLosesNothing) {
  testing::TestBackend backend("dynamodb");
  FaultProxy proxy(testing::SharedDynamoDbLocal().port());
  std::vector<std::string> args = ThroughEndpoint(backend.Args(), proxy.endpoint());
  args.insert(args.end(), {"--dynamodb-max-attempts", "2"});
  ServerProcess server(args);
  HttpClient client(server.port());
  ASSERT_EQ(client.Put("/api/temperature", ReadingBody("t", 1, 5)).status, 200);

  proxy.SetFaults({.throttle = 1.0});
  testing::HttpResponse refused = client.Put("/api/temperature", ReadingBody("t", 2, 7));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.Header("retry-after"), "1");
  EXPECT_NE(refused.body.find(R"("code":"unavailable")"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("Throughput"), std::string::npos) << refused.body;
  EXPECT_EQ(client.Get("/api/stats").status, 503);
  EXPECT_EQ(client.Get("/api").status, 200);  // the health check does not depend on DynamoDB

  proxy.SetFaults({});
  EXPECT_EQ(client.Put("/api/temperature", ReadingBody("t", 2, 7)).status, 200);
  EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":6,"Maximum":7,"Minimum":5})");
}

}  // namespace
}  // namespace telemetry

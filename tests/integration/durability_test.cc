// A 200 means durable: restarts keep everything, and kill -9 under concurrent load loses no acknowledged reading.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "http_client.h"
#include "reading_body.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::kExampleEpochSecond;
using testing::ReadingBody;
using testing::ServerProcess;

class Durability : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
};

TEST_P(Durability, ReadingsSurviveARestart) {
  {
    ServerProcess server(backend_.Args());
    HttpClient client(server.port());
    for (int i = 0; i < 100; ++i) ASSERT_EQ(client.Put("/api/temperature", ReadingBody("r", i, i)).status, 200);
    server.Signal(SIGTERM);
    ASSERT_EQ(server.Wait(), 0);
  }
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":50,"Maximum":99,"Minimum":0})");  // mean 49.5 -> 50
  EXPECT_EQ(client
                .Get("/api/v1/stats?sensorID=r&from=" + std::to_string(kExampleEpochSecond + 10) +
                     "&to=" + std::to_string(kExampleEpochSecond + 20))
                .body,
            R"({"count":10,"sum":145,"mean":14.5,"min":10,"max":19})");
}

TEST_P(Durability, KillNineUnderLoadLosesNoAcknowledgedReading) {
  constexpr int kWriters = 8;
  constexpr int kMaxPerWriter = 3000;   // bounds the load in count
  // Across all writers. DynamoDB Local commits far fewer transactions per second than SQLite: fewer there.
  const int kKillAfterAcks = GetParam() == "dynamodb" ? 400 : 3000;
  std::vector<int> acked(kWriters, 0);
  {
    std::vector<std::string> args = backend_.Args();
    args.insert(args.end(), {"--commit-interval-ms", "50"});
    ServerProcess server(args);
    std::mutex mu;
    std::condition_variable enough;
    int total_acked = 0;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        try {
          HttpClient client(server.port());
          for (int i = 0; i < kMaxPerWriter; ++i) {
            if (client.Put("/api/temperature", ReadingBody("w" + std::to_string(w), i, i)).status != 200) return;
            std::lock_guard lock(mu);
            acked[w] = i + 1;
            if (++total_acked == kKillAfterAcks) enough.notify_one();
          }
        } catch (const std::runtime_error&) {
          // The connection died with the server: what was acknowledged so far is what counts.
        }
      });
    }
    {
      std::unique_lock lock(mu);
      enough.wait_for(lock, std::chrono::seconds(60), [&] { return total_acked >= kKillAfterAcks; });
    }
    server.Signal(SIGKILL);
    EXPECT_EQ(server.Wait(), 128 + SIGKILL);
    for (auto& writer : writers) writer.join();
  }

  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  long long stored_total = 0;
  for (int w = 0; w < kWriters; ++w) {
    std::string sensor = "w" + std::to_string(w);
    long long k = acked[w];
    ASSERT_GT(k, 0) << sensor;
    long long sum = k * (k - 1) / 2;
    // Every acknowledged reading is there, counted once, and the aggregates over them are exact.
    std::string acked_range =
        client
            .Get("/api/v1/stats?sensorID=" + sensor + "&from=" + std::to_string(kExampleEpochSecond) +
                 "&to=" + std::to_string(kExampleEpochSecond + k))
            .body;
    EXPECT_EQ(testing::JsonField(acked_range, "count"), std::to_string(k)) << acked_range;
    EXPECT_EQ(testing::JsonField(acked_range, "sum"), std::to_string(sum)) << acked_range;
    EXPECT_EQ(testing::JsonField(acked_range, "min"), "0") << acked_range;
    EXPECT_EQ(testing::JsonField(acked_range, "max"), std::to_string(k - 1)) << acked_range;
    for (long long i = 0; i < k; ++i) {
      ASSERT_EQ(client.Put("/api/temperature", ReadingBody(sensor, i, i + 1)).status, 409) << sensor << " #" << i;
    }
    // At most the one reading in flight at the kill went further.
    std::string all = client.Get("/api/v1/stats?sensorID=" + sensor).body;
    long long count = std::stoll(testing::JsonField(all, "count"));
    EXPECT_TRUE(count == k || count == k + 1) << sensor << ": " << all;
    stored_total += count;
  }
  std::string total = client.Get("/api/v1/stats").body;
  EXPECT_EQ(testing::JsonField(total, "count"), std::to_string(stored_total)) << total;
}

INSTANTIATE_TEST_SUITE_P(Backends, Durability, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

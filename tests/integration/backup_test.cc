// `telemetryd backup DIR`: a copy of the embedded store a server starts on, taken while a server writes to it.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::JsonField;
using testing::RunTelemetryd;
using testing::ServerProcess;
using testing::TempDir;

// A batch of `count` readings of sensor `sensor`, at seconds first, first + 1, ... with values 1, 2, ...
std::string NumberedBatch(const std::string& sensor, int first, int count) {
  std::string body = "[";
  for (int i = 0; i < count; ++i) {
    body += std::string(i ? "," : "") + R"({"sensorID":")" + sensor + R"(","temperature":)" + std::to_string(i + 1) +
            R"(,"time":)" + std::to_string(1'600'000'000 + first + i) + "}";
  }
  return body + "]";
}

std::int64_t StatsCount(HttpClient& client, const std::string& query = "") {
  return std::stoll(JsonField(client.Get("/api/v1/stats" + query).body, "count"));
}

// Taken under writes, the copy is a consistent snapshot: whatever it holds, its statistics agree with its readings.
// Taken after the server stopped, it holds every reading, and the tokens.
TEST(Backup, ACopyTakenWhileServingStartsAServerAndAfterAStopHoldsEverything) {
  TempDir dir;
  std::string data = dir.path() + "/data", during = dir.path() + "/during", after = dir.path() + "/after";
  constexpr int kBatches = 60, kPerBatch = 200;
  std::string output;
  ASSERT_EQ(RunTelemetryd({"--data-dir", data, "token", "create", "--role", "reader"}, &output), 0) << output;
  std::string token_id = JsonField(output, "id");
  ASSERT_EQ(token_id.size(), 18u) << output;  // a quoted 16-digit id
  {
    ServerProcess server({"--data-dir", data, "--commit-interval-ms", "20"});
    std::atomic<int> written{0};
    std::atomic<bool> writing{true};
    std::thread writer([&] {
      HttpClient client(server.port());
      for (int i = 0; i < kBatches; ++i) {
        int status = client.Request("POST", "/api/v1/readings", NumberedBatch("b", i * kPerBatch, kPerBatch)).status;
        EXPECT_EQ(status, 200);
        if (status != 200) break;
        written = i + 1;
      }
      writing = false;
    });
    while (written < kBatches / 3 && writing) std::this_thread::yield();  // the copy begins with writes under way
    EXPECT_EQ(RunTelemetryd({"--data-dir", data, "backup", during}, &output), 0) << output;
    writer.join();
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0);
  }
  {
    ServerProcess copy({"--data-dir", during});
    HttpClient client(copy.port());
    std::int64_t count = StatsCount(client, "?sensorID=b");
    EXPECT_LE(count, kBatches * kPerBatch);
    // Consistent: the readings the copy lists are exactly the ones its statistics count.
    std::int64_t listed = 0;
    for (std::string cursor;;) {
      testing::HttpResponse page = client.Get("/api/v1/readings?sensorID=b&format=csv&limit=10000" +
                                              (cursor.empty() ? "" : "&cursor=" + cursor));
      listed += std::count(page.body.begin(), page.body.end(), '\n') - 1;  // less the header line
      cursor = page.Header("x-next-cursor");
      if (cursor.empty()) break;
    }
    EXPECT_EQ(listed, count);
  }
  ASSERT_EQ(RunTelemetryd({"--data-dir", data, "backup", after}, &output), 0) << output;
  ASSERT_EQ(RunTelemetryd({"--data-dir", after, "token", "list"}, &output), 0) << output;
  EXPECT_NE(output.find(token_id), std::string::npos) << "the tokens came along: " << output;
  ServerProcess restored({"--data-dir", after});
  HttpClient client(restored.port());
  EXPECT_EQ(StatsCount(client), kBatches * kPerBatch);
  EXPECT_EQ(client.Get("/api/v1/stats?sensorID=b").body,
            R"({"count":12000,"sum":1206000,"mean":100.5,"min":1,"max":200})");
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", NumberedBatch("c", 0, 3)).status, 200) << "and it takes writes";
}

TEST(Backup, RefusesWhatIsNotAStoreOrATargetInUse) {
  TempDir dir;
  std::string output;
  EXPECT_EQ(RunTelemetryd({"--data-dir", dir.path() + "/none", "backup", dir.path() + "/copy"}, &output), 2);
  EXPECT_NE(output.find("no store in"), std::string::npos) << output;
  { ServerProcess server({"--data-dir", dir.path() + "/data"}); }
  std::filesystem::create_directories(dir.path() + "/used");
  std::ofstream(dir.path() + "/used/something") << "x";
  EXPECT_EQ(RunTelemetryd({"--data-dir", dir.path() + "/data", "backup", dir.path() + "/used"}, &output), 2);
  EXPECT_NE(output.find("is not empty"), std::string::npos) << output;
  EXPECT_EQ(RunTelemetryd({"--storage", "dynamodb", "--table", "t", "backup", dir.path() + "/copy"}, &output), 2);
  EXPECT_NE(output.find("point-in-time recovery"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/copy"));
}

}  // namespace
}  // namespace telemetry

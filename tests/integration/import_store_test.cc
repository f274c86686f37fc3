// `telemetryd import-store DIR`: an embedded store's readings copied into either store (the way to DynamoDB once
// one machine is not enough) or into a running server; what the source held only in its log after a kill -9 comes
// along, a rerun adds nothing, and a store a server is using is not read behind its back.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::RunTelemetryd;
using testing::ServerProcess;

const std::vector<std::string> kCopiedSensors = {"a", "b,\"c\"", "107"};

// Statistics a copy must answer alike: every sensor's and all of them.
std::vector<std::string> StatisticsOf(HttpClient& client) {
  std::vector<std::string> answers;
  for (const char* sensor : {"a", "b%2C%22c%22", "107"}) {
    answers.push_back(client.Get(std::string("/api/v1/stats?sensorID=") + sensor).body);
  }
  answers.push_back(client.Get("/api/v1/stats").body);
  answers.push_back(client.Get("/api/stats").body);
  return answers;
}

class ImportStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Writes 6,000 readings (more than a page the import reads at a time) through a server on `source_` that never
  // commits, and kills it: every reading is in its log only. Returns the statistics it answered.
  std::vector<std::string> FillSourceAndKillIt() {
    ServerProcess server({"--data-dir", source_, "--commit-interval-ms", "60000"});
    HttpClient client(server.port());
    for (int part = 0; part < 3; ++part) {
      std::string batch = "[";
      for (int i = 0; i < 2000; ++i) {
        batch += std::string(batch.size() > 1 ? "," : "") + R"({"sensorID":")" +
                 (kCopiedSensors[part] == "b,\"c\"" ? std::string(R"(b,\"c\")") : kCopiedSensors[part]) +
                 R"(","temperature":)" + std::to_string(i % 97 - 40) + ".25" + R"(,"time":)" +
                 std::to_string(-100000 + i * 61) + "." + std::to_string(part) + "}";
      }
      EXPECT_EQ(client.Request("POST", "/api/v1/readings", batch + "]").status, 200);
    }
    std::vector<std::string> statistics = StatisticsOf(client);
    server.Signal(SIGKILL);
    server.Wait();
    return statistics;
  }

  std::vector<std::string> ImportArgs(std::vector<std::string> more = {}) const {
    std::vector<std::string> args = backend_.Args();
    args.insert(args.end(), {"import-store", source_});
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  testing::TestBackend backend_{GetParam()};
  testing::TempDir dir_;
  std::string source_ = dir_.path() + "/source";
};

TEST_P(ImportStoreTest, EveryReadingIsCopiedOnceWithItsStatistics) {
  std::vector<std::string> expected = FillSourceAndKillIt();
  ASSERT_NE(expected[1].find(R"("count":2000,)"), std::string::npos) << expected[1];
  ASSERT_NE(expected[3].find(R"("count":6000,)"), std::string::npos) << expected[3];
  std::string output;
  ASSERT_EQ(RunTelemetryd(ImportArgs(), &output), 0) << output;
  EXPECT_NE(output.find("6000 items, 6000 readings stored, 0 already there, 0 conflicting"), std::string::npos)
      << output;
  ASSERT_EQ(RunTelemetryd(ImportArgs(), &output), 0) << output;
  EXPECT_NE(output.find("6000 items, 0 readings stored, 6000 already there"), std::string::npos) << output;
  ServerProcess copy(backend_.Args());
  HttpClient client(copy.port());
  EXPECT_EQ(StatisticsOf(client), expected);
}

TEST_P(ImportStoreTest, IntoARunningServerAndNeverFromAStoreInUse) {
  std::vector<std::string> expected = FillSourceAndKillIt();
  std::string output;
  {
    ServerProcess using_it({"--data-dir", source_});
    EXPECT_EQ(RunTelemetryd(ImportArgs(), &output), 1) << output;
    EXPECT_NE(output.find("if a server is using it"), std::string::npos) << output;
  }
  ServerProcess target(backend_.Args());
  ASSERT_EQ(
      RunTelemetryd({"import-store", source_, "--into", "http://127.0.0.1:" + std::to_string(target.port())}, &output),
      0)
      << output;
  EXPECT_NE(output.find("6000 items, 6000 readings stored"), std::string::npos) << output;
  HttpClient client(target.port());
  EXPECT_EQ(StatisticsOf(client), expected);
  EXPECT_EQ(RunTelemetryd({"import-store", dir_.path() + "/nothing"}, &output), 2) << output;
  EXPECT_NE(output.find("no store in"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportStoreTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

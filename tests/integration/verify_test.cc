// `telemetryd verify`: every stored aggregate recomputed from the readings. A store written every way there is —
// out of order, sensors sharing instants, before 1970, retries, conflicts, line protocol, a kill -9 and a replay —
// verifies; a store whose rollups or readings were changed behind its back does not, and says where.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::RunTelemetryd;
using testing::ServerProcess;
using testing::TempDir;

// Runs SQL on the store's database behind the server's back (Python's sqlite3, as an operator's tool would).
void TamperWithStore(const std::string& data_dir, const std::string& sql) {
  std::string output;
  ASSERT_EQ(testing::RunCommand("python3 -c \"import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                                "c.execute(sys.argv[2]); c.commit()\" '" +
                                    data_dir + "/telemetry.db' \"" + sql + "\"",
                                &output),
            0)
      << output;
}

// The store in `data_dir` written every way a client can: returns how many readings it holds.
int WriteEveryWay(HttpClient& client) {
  int stored = 0;
  std::string batch = "[";
  for (int i = 0; i < 600; ++i) {  // three sensors on shared instants, newest first, several per minute
    int second = 1'633'338'000 + (599 - i) * 7;
    for (const char* sensor : {"a", "b", "c"}) {
      batch += std::string(batch.size() > 1 ? "," : "") + R"({"sensorID":")" + sensor + R"(","temperature":)" +
               std::to_string((i * 37) % 101 - 50) + "." + std::to_string(i % 10) + R"(,"time":)" +
               std::to_string(second) + "}";
      ++stored;
    }
  }
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", batch + "]").status, 200);
  // Singletons in their minutes and hours, before 1970 and at fractions of a second; a retry and a conflict.
  for (const char* body : {R"({"sensorID":"lonely","temperature":3,"time":-86400.25})",
                           R"({"sensorID":"lonely","temperature":4,"time":"2021-10-04T09:00:00.000000001Z"})",
                           R"({"sensorID":"lonely","temperature":5,"time":"2000-01-01 00:00:00"})"}) {
    EXPECT_EQ(client.Put("/api/temperature", body).status, 200);
    ++stored;
  }
  EXPECT_EQ(
      client.Put("/api/temperature", R"({"sensorID":"lonely","temperature":5,"time":"2000-01-01 00:00:00"})").status,
      200);
  EXPECT_EQ(
      client.Put("/api/temperature", R"({"sensorID":"lonely","temperature":6,"time":"2000-01-01 00:00:00"})").status,
      409);
  // Line protocol, late into buckets already written (at half seconds: no conflict with the batch's).
  std::string lines;
  for (int i = 0; i < 50; ++i) {
    lines += "temperature,sensorID=a value=" + std::to_string(i) + " " +
             std::to_string(1'633'338'000'500 + i * 13'000) + "\n";
    ++stored;
  }
  EXPECT_EQ(client.Request("POST", "/write?db=x&precision=ms", lines).status, 204);
  return stored;
}

TEST(Verify, AStoreWrittenEveryWayVerifiesBeforeAndAfterAKill) {
  TempDir dir;
  std::string data = dir.path() + "/data";
  ServerProcess server({"--data-dir", data});
  HttpClient client(server.port());
  int stored = WriteEveryWay(client);
  std::string output;
  // Beside the running server: a snapshot of what is committed, consistent whatever it holds.
  EXPECT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 0) << output;
  EXPECT_NE(output.find("verified: "), std::string::npos) << output;
  // Killed: the last commit interval is only in the log, replayed on the next start.
  server.Signal(SIGKILL);
  server.Wait();
  {
    ServerProcess again({"--data-dir", data});
    HttpClient after(again.port());
    WriteEveryWay(after);  // all of it again: duplicates and one conflict, nothing new
    EXPECT_NE(after.Get("/api/v1/stats").body.find(R"("count":)" + std::to_string(stored) + ","), std::string::npos);
    again.Signal(SIGTERM);
    EXPECT_EQ(again.Wait(), 0);
  }
  EXPECT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 0) << output;
  EXPECT_NE(output.find("verified: " + std::to_string(stored) + " readings of 4 sensors"), std::string::npos) << output;
}

TEST(Verify, FindsAggregatesAndReadingsChangedBehindTheStoresBack) {
  TempDir dir;
  std::string data = dir.path() + "/data";
  {
    ServerProcess server({"--data-dir", data});
    HttpClient client(server.port());
    WriteEveryWay(client);
    server.Signal(SIGTERM);
    ASSERT_EQ(server.Wait(), 0);
  }
  std::string output;
  ASSERT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 0) << output;

  TamperWithStore(data,
                  "UPDATE rollups SET max = max + 1 WHERE level = 4 AND series = "
                  "(SELECT id FROM sensors WHERE name = 'b')");
  EXPECT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 1) << output;
  EXPECT_NE(output.find("sensor \"b\", all-time bucket: stored count 600"), std::string::npos) << output;
  EXPECT_NE(output.find("NOT VERIFIED: "), std::string::npos) << output;
  EXPECT_NE(output.find(", 1 disagreements"), std::string::npos) << output;
  TamperWithStore(data,
                  "UPDATE rollups SET max = max - 1 WHERE level = 4 AND series = "
                  "(SELECT id FROM sensors WHERE name = 'b')");
  ASSERT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 0) << output;

  // A minute row of several readings gone (a sparse level may lack only a bucket of one).
  TamperWithStore(data,
                  "DELETE FROM rollups WHERE level = 1 AND bucket = 1633338000000000000 AND series = "
                  "(SELECT id FROM sensors WHERE name = 'a')");
  EXPECT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 1) << output;
  EXPECT_NE(output.find("sensor \"a\", minute bucket 2021-10-04T09:00:00Z: no stored row; the readings give count 14"),
            std::string::npos)
      << output;

  // A reading gone from under its aggregates: every level of its sensor and of all sensors disagrees.
  TamperWithStore(data, "DELETE FROM readings WHERE time_ns = -86400250000000");
  EXPECT_EQ(RunTelemetryd({"--data-dir", data, "verify"}, &output), 1) << output;
  EXPECT_NE(output.find("sensor \"lonely\", day bucket 1969-12-30T00:00:00Z: a stored row with no readings"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("all sensors, instant bucket 1969-12-30T23:59:59.75Z"), std::string::npos) << output;
}

TEST(Verify, RefusesWhatIsNotAnEmbeddedStore) {
  TempDir dir;
  std::string output;
  EXPECT_EQ(RunTelemetryd({"--data-dir", dir.path(), "verify"}, &output), 2);
  EXPECT_NE(output.find("no store in"), std::string::npos) << output;
  EXPECT_EQ(RunTelemetryd({"--storage", "dynamodb", "--table", "t", "--region", "eu-west-1", "verify"}, &output), 2);
}

}  // namespace
}  // namespace telemetry

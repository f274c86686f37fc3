// --retention-days: the embedded store deletes whole UTC days of readings past it (at start, and at each midnight:
// tests/unit/sqlite_store_test.cc moves a clock through one) and every write endpoint refuses older readings.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::ServerProcess;
using testing::TempDir;

constexpr long long kDay = 86400;

std::string Reading(const std::string& sensor, double temperature, long long time) {
  return R"({"sensorID":")" + sensor + R"(","temperature":)" + std::to_string(temperature) + R"(,"time":)" +
         std::to_string(time) + "}";
}

TEST(Retention, OlderReadingsAreDeletedAtStartAndRefusedByEveryWriteEndpoint) {
  TempDir dir;
  const long long now = std::time(nullptr);
  const long long today = now / kDay * kDay;  // the cutoff of two days' retention: today - 2 days
  {
    ServerProcess server({"--data-dir", dir.path()});
    HttpClient client(server.port());
    for (const std::string& body : {Reading("old", 1, today - 5 * kDay + 3600), Reading("both", -50, today - 5 * kDay),
                                    Reading("both", 20, now - 60), Reading("new", 30, now - 30)}) {
      ASSERT_EQ(client.Put("/api/temperature", body).status, 200) << body;
    }
    server.Signal(SIGTERM);
    ASSERT_EQ(server.Wait(), 0);
  }

  // Imports into a store with a retention count what it did not keep, into a running server or directly.
  const std::string imported =
      "4 items, 2 readings stored, 0 already there, 0 conflicting (kept as they were), 0 refused, 2 older than the "
      "retention (not stored)";
  {
    TempDir target_dir;
    ServerProcess target({"--data-dir", target_dir.path(), "--retention-days", "2"});
    std::string output;
    ASSERT_EQ(testing::RunTelemetryd(
                  {"import-store", dir.path(), "--into", "http://127.0.0.1:" + std::to_string(target.port())}, &output),
              0)
        << output;
    EXPECT_NE(output.find(imported), std::string::npos) << output;
    ASSERT_EQ(testing::RunTelemetryd(
                  {"import-store", dir.path(), "--data-dir", target_dir.path() + "/direct", "--retention-days", "2"},
                  &output),
              0)
        << output;
    EXPECT_NE(output.find(imported), std::string::npos) << output;
  }

  ServerProcess server({"--data-dir", dir.path(), "--retention-days", "2"});
  HttpClient client(server.port());
  // The server deletes at start while it listens, a slice at a time between rounds of writes; an older reading is
  // refused from the first round on.
  const long long expired = today - 3 * kDay;
  testing::HttpResponse put = client.Put("/api/temperature", Reading("old", 7, expired));
  EXPECT_EQ(put.status, 400);
  EXPECT_NE(put.body.find(R"("code":"expired")"), std::string::npos) << put.body;
  EXPECT_NE(put.body.find("is older than the store keeps readings (--retention-days); not stored"), std::string::npos)
      << put.body;
  // Done once the metric says so (a readiness check: it is set when the deletion ends).
  const std::string cutoff_metric =
      "\ntelemetry_store_retention_cutoff_seconds " + std::to_string(today - 2 * kDay) + "\n";
  for (int i = 0; i < 300 && client.Get("/metrics").body.find(cutoff_metric) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // "both" lost its oldest reading and its minimum with it, "old" is gone whole.
  EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":25,"Maximum":30,"Minimum":20})");
  EXPECT_EQ(client.Get("/api/v1/stats?sensorID=both").body, R"({"count":1,"sum":20,"mean":20,"min":20,"max":20})");
  EXPECT_EQ(client.Get("/api/v1/stats?sensorID=old").body, R"({"count":0,"sum":0,"mean":null,"min":null,"max":null})");
  std::string sensors = client.Get("/api/v1/sensors").body;
  EXPECT_NE(sensors.find(R"("both")"), std::string::npos) << sensors;
  EXPECT_EQ(sensors.find(R"("old")"), std::string::npos) << sensors;

  // Refused alike by batches and line protocol.
  testing::HttpResponse batch = client.Request(
      "POST", "/api/v1/readings", "[" + Reading("b1", 1, expired) + "," + Reading("b1", 2, now - 10) + "]");
  EXPECT_EQ(batch.status, 400);
  EXPECT_NE(batch.body.find(R"({"stored":1,"duplicates":0,"rejected":[{"index":0,"code":"expired",)"),
            std::string::npos)
      << batch.body;
  testing::HttpResponse lines =
      client.Request("POST", "/write?db=telemetry&precision=s",
                     "temperature,sensorID=l1 value=1 " + std::to_string(expired) +
                         "\ntemperature,sensorID=l1 value=2 " + std::to_string(now - 10) + "\n",
                     {{"Content-Type", "text/plain"}});
  EXPECT_EQ(lines.status, 400);
  EXPECT_NE(lines.body.find(R"(partial write: 1 problem(s) in 2 point(s); everything else is stored: line 1: )"
                            R"(sensor \"l1\": time )"),
            std::string::npos)
      << lines.body;
  EXPECT_EQ(client.Get("/api/v1/stats").body, R"({"count":4,"sum":54,"mean":13.5,"min":2,"max":30})");
  std::string metrics = client.Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(telemetry_readings_total{outcome="expired"} 3)"), std::string::npos);
  EXPECT_NE(metrics.find("\ntelemetry_store_readings_deleted_total 2\n"), std::string::npos);
  EXPECT_NE(metrics.find(cutoff_metric), std::string::npos);

  // InfluxDB's clients see the retention as the one policy's duration.
  std::string policies = client.Get("/query?q=SHOW%20RETENTION%20POLICIES").body;
  EXPECT_NE(policies.find(R"(["autogen","48h0m0s","24h0m0s",1,true])"), std::string::npos) << policies;

  // What is left agrees with its rollups.
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  std::string output;
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir.path(), "verify"}, &output), 0) << output;
}

TEST(Retention, IsRefusedWithDynamoDb) {
  std::string output;
  EXPECT_EQ(testing::RunTelemetryd(
                {"--storage", "dynamodb", "--table", "t", "--region", "eu-west-1", "--retention-days", "30"}, &output),
            2);
  EXPECT_NE(output.find("--retention-days is kept by the embedded store only"), std::string::npos) << output;
}

}  // namespace
}  // namespace telemetry

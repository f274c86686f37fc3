// GET /metrics on both stores: valid Prometheus text (promtool), counting what happened, and scraped by a real
// Prometheus server on loopback.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::ServerProcess;

// The value of the sample line that starts with `series` (name and labels exactly as rendered).
std::string Sample(const std::string& text, const std::string& series) {
  std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return "";
  std::size_t start = at + series.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

class MetricsTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
  ServerProcess server_{backend_.Args()};
  HttpClient client_{server_.port()};
};

TEST_P(MetricsTest, CountWhatHappenedInValidPrometheusText) {
  const std::string reading = R"({"sensorID":"m","temperature":1,"time":1633338000})";
  ASSERT_EQ(client_.Put("/api/temperature", reading).status, 200);
  ASSERT_EQ(client_.Put("/api/temperature", reading).status, 200);  // duplicate
  ASSERT_EQ(client_.Put("/api/temperature", R"({"sensorID":"m","temperature":2,"time":1633338000})").status, 409);
  ASSERT_EQ(client_.Put("/api/temperature", R"({"sensorID":"m","temperature":"warm"})").status, 400);
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings",
                            R"([{"sensorID":"n","temperature":3,"time":1633338001},{"sensorID":""}])")
                .status,
            400);
  ASSERT_EQ(client_.Get("/no/such/path").status, 404);

  testing::HttpResponse metrics = client_.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics.body;
  EXPECT_EQ(Sample(text, R"(telemetry_readings_total{outcome="stored"})"), "2") << text;
  EXPECT_EQ(Sample(text, R"(telemetry_readings_total{outcome="duplicate"})"), "1") << text;
  EXPECT_EQ(Sample(text, R"(telemetry_readings_total{outcome="conflict"})"), "1") << text;
  EXPECT_EQ(Sample(text, "telemetry_readings_rejected_total"), "2") << text;
  EXPECT_EQ(Sample(text, R"(telemetry_http_requests_total{route="/api/temperature",method="PUT",code="200"})"), "2");
  EXPECT_EQ(Sample(text, R"(telemetry_http_requests_total{route="unmatched",method="GET",code="404"})"), "1");
  EXPECT_EQ(Sample(text, R"(telemetry_http_request_duration_seconds_count{route="/api/temperature"})"), "4");
  EXPECT_EQ(Sample(text, R"(telemetry_build_info{version="0.1.0"})"), "1");
  EXPECT_EQ(Sample(text, "telemetry_http_open_connections"), "1");
  EXPECT_GE(std::stoll(Sample(text, "telemetry_commit_readings_count")), 1);
  EXPECT_EQ(Sample(text, "telemetry_commit_readings_sum"), "2");
  if (GetParam() == "dynamodb") {
    EXPECT_GE(std::stoll(Sample(text, "telemetry_dynamodb_requests_total")), 2) << text;
    EXPECT_EQ(Sample(text, "telemetry_store_sensors_held"), "") << text;  // the embedded store's writer only
  } else {
    EXPECT_EQ(Sample(text, "telemetry_store_sensors_held"), "2") << text;  // m and n, reported before the answers
    EXPECT_GT(std::stod(Sample(text, "telemetry_disk_free_bytes")), 0) << text;
    EXPECT_EQ(std::stod(Sample(text, "telemetry_disk_min_free_bytes")), 256 << 20) << text;
  }

  // Refused before any route is reached: counted all the same.
  HttpClient too_large(server_.port());
  too_large.SendRaw("PUT /api/temperature HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
  ASSERT_EQ(too_large.ReadResponse().status, 413);
  EXPECT_EQ(Sample(client_.Get("/metrics").body,
                   R"(telemetry_http_requests_total{route="unmatched",method="PUT",code="413"})"),
            "1");

  testing::TempDir dir;
  std::ofstream(dir.path() + "/metrics.txt") << text;
  std::string output;
  EXPECT_EQ(testing::RunCommand("promtool check metrics < " + dir.path() + "/metrics.txt", &output), 0) << output;
}

TEST_P(MetricsTest, APrometheusServerScrapesIt) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "the scrape does not depend on the store: once is enough";
  testing::TempDir dir;
  std::uint16_t prometheus_port = testing::FreeLoopbackPort();
  std::ofstream(dir.path() + "/prometheus.yml")
      << "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: telemetryd\n    static_configs:\n"
         "      - targets: ['127.0.0.1:" << server_.port() << "']\n";
  std::string log = dir.path() + "/prometheus.log";
  std::string start = "prometheus --config.file=" + dir.path() + "/prometheus.yml --storage.tsdb.path=" +
                      dir.path() + "/data --web.listen-address=127.0.0.1:" + std::to_string(prometheus_port) +
                      " >" + log + " 2>&1 & echo $!";
  std::string pid_text;
  ASSERT_EQ(testing::RunCommand(start, &pid_text), 0);
  std::string pid = pid_text.substr(0, pid_text.find('\n'));
  // Prometheus scrapes within a second or two of starting; ask its query API until the build info is in.
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    answer.clear();
    testing::RunCommand("curl -sf 'http://127.0.0.1:" + std::to_string(prometheus_port) +
                            "/api/v1/query?query=telemetry_build_info'",
                        &answer);
    if (answer.find(R"("version":"0.1.0")") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::string ignored;
  testing::RunCommand("kill " + pid + "; while kill -0 " + pid + " 2>/dev/null; do sleep 0.1; done", &ignored);
  EXPECT_NE(answer.find(R"("job":"telemetryd")"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("version":"0.1.0")"), std::string::npos) << answer;
}

// The embedded store's writer lets go of what it holds of idle sensors (--sensor-idle-seconds), which the gauge shows;
// a sensor let go of is loaded again at its next reading, and a retry is still a retry.
TEST(SensorsHeld, IdleSensorsAreLetGoOfAndToldApartAfterwards) {
  testing::TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--sensor-idle-seconds", "0.05", "--commit-interval-ms", "5"});
  HttpClient client(server.port());
  for (const char* sensor : {"a", "b", "c"}) {
    ASSERT_EQ(client
                  .Put("/api/temperature",
                       std::string(R"({"sensorID":")") + sensor + R"(","temperature":1,"time":1633338000})")
                  .status,
              200);
  }
  std::string held;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(20))) {
    held = Sample(client.Get("/metrics").body, "telemetry_store_sensors_held");
    if (held == "0") break;
  }
  ASSERT_EQ(held, "0");
  EXPECT_EQ(client.Put("/api/temperature", R"({"sensorID":"a","temperature":1,"time":1633338000})").status, 200);
  EXPECT_EQ(client.Put("/api/temperature", R"({"sensorID":"b","temperature":2,"time":1633338000})").status, 409);
  EXPECT_EQ(client.Put("/api/temperature", R"({"sensorID":"c","temperature":3,"time":1633337999})").status, 200);
  std::string text = client.Get("/metrics").body;
  EXPECT_EQ(Sample(text, R"(telemetry_readings_total{outcome="duplicate"})"), "1") << text;
  EXPECT_EQ(Sample(text, R"(telemetry_readings_total{outcome="stored"})"), "4") << text;
  EXPECT_EQ(client.Get("/api/v1/stats").body, R"({"count":4,"sum":6,"mean":1.5,"min":1,"max":3})");
}

INSTANTIATE_TEST_SUITE_P(Backends, MetricsTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

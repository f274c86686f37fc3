// The original service's contract, and every bug of it that must not survive, against the real binary.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kOriginalPayload = R"({"sensorID":"107","temperature":"12","time":"2021-10-04 09:00:00"})";

std::string Reading(const std::string& sensor, const std::string& temperature, const std::string& time) {
  return R"({"sensorID":")" + sensor + R"(","temperature":)" + temperature + R"(,"time":")" + time + R"("})";
}

// Runs against each store: the contract does not depend on where readings live.
class ContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
  ServerProcess server_{backend_.Args()};
  HttpClient client_{server_.port()};
};

TEST_P(ContractTest, HealthCheckSaysHello) {
  HttpResponse response = client_.Get("/api");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"message":"Hello!"})");
  EXPECT_EQ(response.Header("content-type"), "application/json");
  EXPECT_NE(response.Header("date").find(" GMT"), std::string::npos);
}

TEST_P(ContractTest, StatsWithoutDataSayNoDataInsertedYet) {
  HttpResponse response = client_.Get("/api/stats");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "No data inserted yet!");
}

TEST_P(ContractTest, OriginalPutThenStats) {
  HttpResponse put = client_.Put("/api/temperature", kOriginalPayload);
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, "Ok");
  HttpResponse stats = client_.Get("/api/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(stats.body, R"({"Average":12,"Maximum":12,"Minimum":12})");
  EXPECT_EQ(stats.Header("content-type"), "application/json");
}

TEST_P(ContractTest, AverageRoundsHalfToEven) {
  // mean 2.5 -> 2
  for (int i = 1; i <= 4; ++i) {
    ASSERT_EQ(client_.Put("/api/temperature", Reading("s", std::to_string(i), "2021-10-04 09:00:0" + std::to_string(i))).status, 200);
  }
  EXPECT_EQ(client_.Get("/api/stats").body, R"({"Average":2,"Maximum":4,"Minimum":1})");
  testing::TestBackend other(GetParam());
  ServerProcess second(other.Args());
  HttpClient client(second.port());
  for (auto [value, second_of_minute] : {std::pair{"3", "1"}, std::pair{"4", "2"}}) {
    ASSERT_EQ(client.Put("/api/temperature", Reading("s", value, std::string("2021-10-04 09:00:0") + second_of_minute)).status, 200);
  }
  EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":4,"Maximum":4,"Minimum":3})");  // mean 3.5 -> 4
}

TEST_P(ContractTest, MaximumAndMinimumKeepFractions) {
  ASSERT_EQ(client_.Put("/api/temperature", Reading("a", "12.5", "2021-10-04 09:00:00")).status, 200);
  ASSERT_EQ(client_.Put("/api/temperature", Reading("a", "-3.25", "2021-10-04 09:00:01")).status, 200);
  EXPECT_EQ(client_.Get("/api/stats").body, R"({"Average":5,"Maximum":12.5,"Minimum":-3.25})");
}

TEST_P(ContractTest, JsonNumbersAreAcceptedAsWellAsStrings) {
  EXPECT_EQ(client_.Put("/api/temperature", R"({"sensorID":107,"temperature":12,"time":1633338000})").status, 200);
  // The same reading in the original's string form is the same (sensorID, time): a retry.
  EXPECT_EQ(client_.Put("/api/temperature", kOriginalPayload).status, 200);
  EXPECT_EQ(client_.Get("/api/v1/stats").body, R"({"count":1,"sum":12,"mean":12,"min":12,"max":12})");
}

TEST_P(ContractTest, TemperatureStringsAreReadAsPythonsFloatReadThem) {
  // The original stored the string and converted it with float(): whitespace around it and a leading '+' counted.
  ASSERT_EQ(client_.Put("/api/temperature", Reading("a", R"(" +12.5 ")", "2021-10-04 09:00:00")).status, 200);
  ASSERT_EQ(client_.Put("/api/temperature", Reading("a", R"("\t-2.5\n")", "2021-10-04 09:00:01")).status, 200);
  EXPECT_EQ(client_.Put("/api/temperature", Reading("a", R"("+-1")", "2021-10-04 09:00:02")).status, 400);
  EXPECT_EQ(client_.Get("/api/stats").body, R"({"Average":5,"Maximum":12.5,"Minimum":-2.5})");
}

TEST_P(ContractTest, MissingTimeMeansTheServersReceiveTime) {
  auto before = std::chrono::system_clock::now();
  ASSERT_EQ(client_.Put("/api/temperature", R"({"sensorID":"a","temperature":"5"})").status, 200);
  auto after = std::chrono::system_clock::now();
  auto seconds = [](auto t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); };
  std::string window = "from=" + std::to_string(seconds(before)) + "&to=" + std::to_string(seconds(after) + 1);
  EXPECT_EQ(client_.Get("/api/v1/stats?sensorID=a&" + window).body, R"({"count":1,"sum":5,"mean":5,"min":5,"max":5})");
}

TEST_P(ContractTest, TwoSensorsAtTheSameInstantAreBothKept) {
  EXPECT_EQ(client_.Put("/api/temperature", Reading("1", "10", "2021-10-04 09:00:00")).status, 200);
  EXPECT_EQ(client_.Put("/api/temperature", Reading("2", "20", "2021-10-04 09:00:00")).status, 200);
  EXPECT_EQ(client_.Get("/api/stats").body, R"({"Average":15,"Maximum":20,"Minimum":10})");
}

// Sensor ids are opaque: none may stand for "all sensors" or another series in the store's keys.
TEST_P(ContractTest, SensorIdsThatLookLikeKeySyntaxAreJustSensors) {
  for (const char* sensor : {"*", "#", "=*", "a#0#*", "R#x"}) {
    EXPECT_EQ(client_.Put("/api/temperature", Reading(sensor, "10", "2021-10-04 09:00:00")).status, 200) << sensor;
  }
  EXPECT_EQ(client_.Put("/api/temperature", Reading("x", "20", "2021-10-04 09:00:00")).status, 200);
  EXPECT_EQ(client_.Get("/api/v1/stats?sensorID=%2A").body, R"({"count":1,"sum":10,"mean":10,"min":10,"max":10})");
  EXPECT_EQ(client_.Get("/api/v1/stats?sensorID=x").body, R"({"count":1,"sum":20,"mean":20,"min":20,"max":20})");
  EXPECT_EQ(client_.Get("/api/v1/stats").body, R"({"count":6,"sum":70,"mean":11.666666666666666,"min":10,"max":20})");
}

TEST_P(ContractTest, AnIdenticalRetryIsCountedOnce) {
  EXPECT_EQ(client_.Put("/api/temperature", kOriginalPayload).status, 200);
  HttpResponse retry = client_.Put("/api/temperature", kOriginalPayload);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, "Ok");
  EXPECT_EQ(client_.Get("/api/v1/stats").body, R"({"count":1,"sum":12,"mean":12,"min":12,"max":12})");
}

TEST_P(ContractTest, AnotherValueForTheSameSensorAndTimeIsAConflict) {
  EXPECT_EQ(client_.Put("/api/temperature", kOriginalPayload).status, 200);
  HttpResponse conflict = client_.Put("/api/temperature", Reading("107", "13", "2021-10-04T09:00:00Z"));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_NE(conflict.body.find(R"("code":"conflict")"), std::string::npos);
  EXPECT_EQ(client_.Get("/api/stats").body, R"({"Average":12,"Maximum":12,"Minimum":12})");
}

TEST_P(ContractTest, InvalidReadingsAreRejectedAndNeverPoisonTheStats) {
  ASSERT_EQ(client_.Put("/api/temperature", kOriginalPayload).status, 200);
  struct Case {
    std::string body;
    std::string names;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"sensorID":"107","temperature":"abc","time":"2021-10-04 09:00:01"})", "temperature"},
           {R"({"sensorID":"107","temperature":"NaN","time":"2021-10-04 09:00:01"})", "temperature"},
           {R"({"sensorID":"107","temperature":"Infinity"})", "temperature"},
           {R"({"sensorID":"107","temperature":1e999})", "JSON"},
           {R"({"sensorID":"107"})", "temperature"},
           {R"({"temperature":"12"})", "sensorID"},
           {R"({"sensorID":"","temperature":"12"})", "sensorID"},
           {R"({"sensorID":")" + std::string(129, 'x') + R"(","temperature":"12"})", "sensorID"},
           {R"({"sensorID":"a\u0001b","temperature":"12"})", "sensorID"},
           {R"({"sensorID":1.5,"temperature":"12"})", "sensorID"},
           {R"({"sensorID":"1","temperature":"12","time":"2021-02-30 10:00:00"})", "time"},
           {R"({"sensorID":"1","temperature":"12","time":"2021-10-04 24:00:00"})", "time"},
           {R"({"sensorID":"1","temperature":"12","time":"yesterday"})", "time"},
           {R"({"sensorID":"1","temperature":"12","time":"3000-01-01 00:00:00"})", "range"},
           {R"(not json)", "JSON"},
           {R"(["107", "12"])", "object"},
           {R"({"sensorID":"107","temperature":"12","time":"2021-10-04 09:00:02","temperature":"99"})", "temperature"},
       }) {
    HttpResponse response = client_.Put("/api/temperature", c.body);
    EXPECT_EQ(response.status, 400) << c.body;
    EXPECT_EQ(response.Header("content-type"), "application/json");
    EXPECT_NE(response.body.find(R"({"error":{"code":")"), std::string::npos) << response.body;
    EXPECT_NE(response.body.find(c.names), std::string::npos) << c.body << " -> " << response.body;
  }
  HttpResponse empty = client_.Request("PUT", "/api/temperature", "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(client_.Get("/api/stats").body, R"({"Average":12,"Maximum":12,"Minimum":12})");
}

TEST_P(ContractTest, ValuesNoAggregateCouldHoldAreRefusedAndTheStoreKeepsServing) {
  // Two readings of 1e308 make an infinite sum, which the SQLite store could neither commit nor replay at start.
  for (const char* value : {"1e308", "1e308", "\"-1e200\"", "1e-200"}) {
    HttpResponse response =
        client_.Put("/api/temperature", std::string(R"({"sensorID":"x","temperature":)") + value + "}");
    EXPECT_EQ(response.status, 400) << value;
    EXPECT_NE(response.body.find("temperature must be 0 or between 1e-100 and 1e100 in magnitude"), std::string::npos)
        << response.body;
  }
  int second = 0;
  for (const char* value : {"1e100", "1e100", "-1e100", "1e-100", "-1e-100"}) {
    std::string time = "2021-10-04 09:00:0" + std::to_string(++second);
    ASSERT_EQ(client_.Put("/api/temperature", Reading("x", value, time)).status, 200) << value;
  }
  auto expect_exact = [](HttpClient& client) {
    std::string stats = client.Get("/api/v1/stats?sensorID=x").body;
    EXPECT_EQ(testing::JsonField(stats, "count"), "5") << stats;
    EXPECT_EQ(testing::JsonField(stats, "sum"), "1e+100") << stats;
    EXPECT_EQ(testing::JsonField(stats, "min"), "-1e+100") << stats;
    EXPECT_EQ(testing::JsonField(stats, "max"), "1e+100") << stats;
    EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":2e+99,"Maximum":1e+100,"Minimum":-1e+100})");
  };
  expect_exact(client_);
  server_.Signal(SIGTERM);  // the store commits what it holds, and the next one starts from it
  ASSERT_EQ(server_.Wait(), 0) << server_.Stderr();
  ServerProcess restarted(backend_.Args());
  HttpClient client(restarted.port());
  expect_exact(client);
}

TEST_P(ContractTest, ANonJsonContentTypeIs415) {
  HttpResponse response = client_.Request("PUT", "/api/temperature", kOriginalPayload,
                                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(response.status, 415);
  EXPECT_NE(response.body.find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(client_.Get("/api/stats").body, "No data inserted yet!");
}

TEST_P(ContractTest, RangeStatsValidateTheirParameters) {
  EXPECT_EQ(client_.Get("/api/v1/stats").body, R"({"count":0,"sum":0,"mean":null,"min":null,"max":null})");
  for (std::string query : {"?from=abc", "?to=2021-13-01", "?from=10&to=5", "?sensor=107",
                            "?sensorID=", "?sensorID=107&sensorID=108", "?from=1&to=9&from=2"}) {
    HttpResponse response = client_.Get("/api/v1/stats" + query);
    EXPECT_EQ(response.status, 400) << query;
    EXPECT_NE(response.body.find("\"error\""), std::string::npos);
  }
  EXPECT_NE(client_.Get("/api/v1/stats?sensorID=1&sensorID=2").body.find("sensorID\\\" is given more than once"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ContractTest, ::testing::ValuesIn(testing::kBackends));

TEST(Configuration, InvalidOptionsExitWithCode2AndOneLine) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--listen", "nope"},
           {"--threads", "0"},
           {"--storage", "postgres"},
           {"--no-such-flag"},
           {"--storage", "dynamodb"},  // no table
           {"--min-free-mb", "100"},   // less than SQLite may still need once writes stop
           {"--cors-origins", "https://dash.example/"}}) {
    std::string output;
    EXPECT_EQ(testing::RunTelemetryd(args, &output), 2) << args[0];
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
  }
}

TEST(Configuration, ADataDirectoryThatCannotBeOneExitsWithCode2) {
  TempDir dir;
  std::string file = dir.path() + "/a-file";
  std::ofstream(file) << "not a folder";
  std::string output;
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", file}, &output), 2);
  EXPECT_EQ(output, "telemetryd: --data-dir " + file + " cannot be used: Not a directory\n");
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", file + "/data"}, &output), 2);
  EXPECT_NE(output.find("--data-dir " + file + "/data cannot be used"), std::string::npos) << output;
}

TEST(Configuration, VersionAndHelp) {
  std::string version, help;
  EXPECT_EQ(testing::RunTelemetryd({"--version"}, &version), 0);
  EXPECT_EQ(version.rfind("telemetryd ", 0), 0u) << version;
  EXPECT_EQ(testing::RunTelemetryd({"--help"}, &help), 0);
  for (const char* flag : {"--listen", "--storage", "--data-dir", "--threads", "TELEMETRY_LISTEN"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST(Configuration, EnvironmentFallsBackForFlags) {
  TempDir dir;
  setenv("TELEMETRY_DATA_DIR", (dir.path() + "/from-env").c_str(), 1);
  // As deploy/terraform sets it when no origin is configured: empty means none, not an origin "".
  setenv("TELEMETRY_CORS_ORIGINS", "", 1);
  {
    ServerProcess server({});
    HttpClient client(server.port());
    EXPECT_EQ(client.Put("/api/temperature", kOriginalPayload).status, 200);
    EXPECT_EQ(
        client.Request("GET", "/api", "", {{"Origin", "https://x.example"}}).Header("access-control-allow-origin"), "");
  }
  unsetenv("TELEMETRY_DATA_DIR");
  unsetenv("TELEMETRY_CORS_ORIGINS");
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/from-env/telemetry.db"));
}

}  // namespace
}  // namespace telemetry

// --auth token against the real binary on both stores: roles, a device's own sensors, 401 versus 403, token
// management over HTTP and on the command line, revocation, tokens stored only as hashes and never logged, the
// InfluxDB clients' ways of sending a token, and tokens seen by every instance on one store.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::JsonField;
using testing::ServerProcess;

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kAdminToken = "bootstrap-admin-token-0123456789abcdef0123456789";

Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string Unquote(const std::string& json_string) {
  return json_string.size() >= 2 ? json_string.substr(1, json_string.size() - 2) : json_string;
}

std::string Base64(const std::string& text) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(text[i]) << 16) | (static_cast<unsigned char>(text[i + 1]) << 8) |
                 static_cast<unsigned char>(text[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == text.size()) {
    unsigned n = static_cast<unsigned char>(text[i]) << 16;
    out += std::string{kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63]} + "==";
  } else if (i + 2 == text.size()) {
    unsigned n = (static_cast<unsigned char>(text[i]) << 16) | (static_cast<unsigned char>(text[i + 1]) << 8);
    out += std::string{kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63]} + "=";
  }
  return out;
}

class AuthTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> Args(std::vector<std::string> more = {}) const {
    std::vector<std::string> args = backend_.Args();
    args.insert(args.end(), {"--auth", "token", "--admin-token-file", admin_token_file_, "--token-refresh", "0.2"});
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  // Creates a token through the API; returns {id, token}.
  std::pair<std::string, std::string> Create(HttpClient& client, const std::string& body) {
    HttpResponse response = client.Request("POST", "/api/v1/tokens", body, Bearer(kAdminToken));
    EXPECT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(response.Header("cache-control"), "no-store");
    return {Unquote(JsonField(response.body, "id")), Unquote(JsonField(response.body, "token"))};
  }

  // Polls (bounded) until `target` answers `status` for `token`: for changes made elsewhere, which take effect
  // within --token-refresh.
  bool EventuallyAnswers(std::uint16_t port, const std::string& target, const std::string& token, int status) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      HttpClient client(port);
      if (client.Request("GET", target, "", Bearer(token)).status == status) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  testing::TestBackend backend_{GetParam()};
  testing::TempDir dir_;
  std::string admin_token_file_ = [this] {
    std::string path = dir_.path() + "/admin-token";
    std::ofstream(path) << kAdminToken << "\n";
    return path;
  }();
};

TEST_P(AuthTest, HealthChecksStayOpenAndEverythingElseNeedsAToken) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  EXPECT_EQ(client.Get("/api").status, 200);
  EXPECT_EQ(client.Get("/healthz").status, 200);
  EXPECT_EQ(client.Get("/readyz").status, 200);
  EXPECT_EQ(client.Get("/ping").status, 204);

  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/stats"},
           {"GET", "/api/v1/stats"},
           {"GET", "/api/v1/series?interval=1h&from=2021-10-04T00:00:00Z&to=2021-10-05T00:00:00Z"},
           {"GET", "/api/v1/sensors"},
           {"GET", "/api/v1/readings?sensorID=107"},
           {"GET", "/metrics"},
           {"GET", "/api/v1/tokens"},
           {"PUT", "/api/temperature"},
           {"POST", "/api/v1/readings"}}) {
    std::string body = method == "GET" ? "" : R"({"sensorID":"107","temperature":1})";
    HttpResponse none = client.Request(method, target, body);
    EXPECT_EQ(none.status, 401) << target;
    EXPECT_EQ(none.Header("www-authenticate"), R"(Bearer realm="telemetryd")") << target;
    EXPECT_EQ(Unquote(JsonField(none.body.substr(9), "code")), "unauthorized") << none.body;

    std::string forged = "tmd_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    HttpResponse unknown = client.Request(method, target, body, Bearer(forged));
    EXPECT_EQ(unknown.status, 401) << target;
    EXPECT_EQ(unknown.Header("www-authenticate"), R"(Bearer realm="telemetryd", error="invalid_token")");
    EXPECT_EQ(unknown.body.find(forged), std::string::npos) << "a refusal must not echo the token";
  }
  EXPECT_EQ(client.Request("GET", "/api/stats", "", {{"Authorization", "Basic " + Base64("u:" + std::string(kAdminToken))}}).status,
            401)
      << "Basic is for the InfluxDB endpoints only";
}

TEST_P(AuthTest, ABrowserPageOfAnAllowedOriginPreflightsWithoutATokenAndReadsEveryAnswer) {
  ServerProcess server(Args({"--cors-origins", "https://dash.example,http://localhost:3000"}));
  HttpClient client(server.port());
  const Headers from_dash = {{"Origin", "https://dash.example"}};
  // The preflight a browser sends before a call with a token: no token of its own.
  HttpResponse preflight = client.Request("OPTIONS", "/api/v1/stats", "",
                                          {{"Origin", "https://dash.example"},
                                           {"Access-Control-Request-Method", "GET"},
                                           {"Access-Control-Request-Headers", "authorization"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "https://dash.example");
  EXPECT_EQ(preflight.Header("access-control-allow-methods"), "GET, HEAD, OPTIONS");
  EXPECT_NE(preflight.Header("access-control-allow-headers").find("Authorization"), std::string::npos);
  EXPECT_EQ(preflight.Header("vary"), "Origin");
  // The call: its page reads the 401 (and what it asks for) as well as the 200.
  HttpResponse refused = client.Request("GET", "/api/v1/stats", "", from_dash);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.Header("access-control-allow-origin"), "https://dash.example");
  EXPECT_NE(refused.Header("access-control-expose-headers").find("WWW-Authenticate"), std::string::npos);
  Headers with_token = Bearer(kAdminToken);
  with_token.emplace_back("Origin", "http://localhost:3000");
  HttpResponse answered = client.Request("GET", "/api/v1/stats", "", with_token);
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.Header("access-control-allow-origin"), "http://localhost:3000");
  // Another origin's page is not let read anything; the answer itself is the same.
  Headers elsewhere = Bearer(kAdminToken);
  elsewhere.emplace_back("Origin", "https://dash.example.evil");
  HttpResponse other = client.Request("GET", "/api/v1/stats", "", elsewhere);
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.Header("access-control-allow-origin"), "");
  EXPECT_EQ(client.Request("OPTIONS", "/api/nothing", "", from_dash).status, 404);
  // Refused before any route is reached (a body over the limit; the connection then closes): readable all the same.
  HttpClient big(server.port());
  big.SendRaw(
      "PUT /api/temperature HTTP/1.1\r\nHost: x\r\nOrigin: https://dash.example\r\nContent-Length: 5000000\r\n\r\n");
  HttpResponse too_large = big.ReadResponse();
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(too_large.Header("access-control-allow-origin"), "https://dash.example");
  EXPECT_EQ(too_large.Header("x-request-id").size(), 16u);
}

TEST_P(AuthTest, RolesDecideWhatATokenMayDo) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  auto [device_id, device] = Create(client, R"({"role":"device","sensors":["107",108]})");
  auto [reader_id, reader] = Create(client, R"({"role":"reader"})");
  ASSERT_EQ(device.substr(0, 4), "tmd_");

  // A device writes its own sensors, by every write endpoint.
  EXPECT_EQ(client.Request("PUT", "/api/temperature", R"({"sensorID":"107","temperature":"12","time":"2021-10-04 09:00:00"})",
                           Bearer(device)).body,
            "Ok");
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", R"([{"sensorID":108,"temperature":14,"time":"2021-10-04T09:00:00Z"}])",
                           Bearer(device)).status,
            200);
  EXPECT_EQ(client.Request("POST", "/write?db=x", "temperature,sensorID=107 value=10 1633338001000000000",
                           Bearer(device)).status,
            204);
  // ... and no other sensor: the whole request is refused, nothing of it stored.
  HttpResponse other = client.Request("PUT", "/api/temperature", R"({"sensorID":"109","temperature":"1"})", Bearer(device));
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Unquote(JsonField(other.body.substr(9), "code")), "forbidden") << other.body;
  EXPECT_EQ(client.Request("POST", "/api/v1/readings",
                           R"([{"sensorID":"107","temperature":1,"time":1},{"sensorID":"109","temperature":1,"time":2}])",
                           Bearer(device)).status,
            403);
  HttpResponse influx_other = client.Request("POST", "/api/v2/write?bucket=b",
                                             "temperature,sensorID=107 value=1 1\ntemperature,sensorID=109 value=1 2",
                                             Bearer(device));
  EXPECT_EQ(influx_other.status, 403);
  EXPECT_EQ(Unquote(JsonField(influx_other.body, "code")), "forbidden") << influx_other.body;

  // A device reads nothing, through any endpoint, InfluxQL's included.
  for (const std::string target : {"/api/stats", "/api/v1/stats", "/api/v1/sensors", "/api/v1/readings?sensorID=107",
                                   "/api/v1/series?interval=1d&from=2021-10-01T00:00:00Z&to=2021-10-05T00:00:00Z",
                                   "/metrics", "/api/v1/tokens"}) {
    HttpResponse refused = client.Request("GET", target, "", Bearer(device));
    EXPECT_EQ(refused.status, 403) << target << " " << refused.body;
    EXPECT_EQ(refused.body.find("Average"), std::string::npos);
  }
  EXPECT_EQ(client.Request("GET", "/query?q=SELECT+*+FROM+temperature&db=x", "", Bearer(device)).status, 403);
  EXPECT_EQ(client.Request("POST", "/query?db=x", "q=SELECT+*+FROM+temperature", Bearer(device)).status, 403);

  // A reader reads and writes nothing; it cannot make tokens either.
  EXPECT_EQ(client.Request("GET", "/api/stats", "", Bearer(reader)).body, R"({"Average":12,"Maximum":14,"Minimum":10})");
  EXPECT_EQ(JsonField(client.Request("GET", "/api/v1/stats?sensorID=107", "", Bearer(reader)).body, "count"), "2");
  EXPECT_EQ(client.Request("GET", "/metrics", "", Bearer(reader)).status, 200);
  EXPECT_EQ(client.Request("PUT", "/api/temperature", R"({"sensorID":"107","temperature":"1"})", Bearer(reader)).status,
            403);
  EXPECT_EQ(client.Request("POST", "/api/v1/tokens", R"({"role":"admin"})", Bearer(reader)).status, 403);

  // An admin does everything; a token made by an admin is an admin too.
  auto [admin_id, admin] = Create(client, R"({"role":"admin"})");
  EXPECT_EQ(client.Request("PUT", "/api/temperature", R"({"sensorID":"any","temperature":"1"})", Bearer(admin)).status,
            200);
  EXPECT_EQ(client.Request("GET", "/api/v1/tokens", "", Bearer(admin)).status, 200);
}

TEST_P(AuthTest, InfluxClientsSendTokensTheirOwnWays) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  auto [id, device] = Create(client, R"({"role":"device","sensors":["py","a","b","c","cli"]})");
  std::string line = "temperature,sensorID=a value=1 1633338000000000000";
  EXPECT_EQ(client.Request("POST", "/write?db=x", line, {{"Authorization", "Token " + device}}).status, 204);
  EXPECT_EQ(client.Request("POST", "/write?db=x&u=me&p=" + device, "temperature,sensorID=b value=1 1633338000000000000")
                .status,
            204);
  EXPECT_EQ(client.Request("POST", "/api/v2/write?bucket=x", "temperature,sensorID=c value=1 1633338000000000000",
                           {{"Authorization", "Basic " + Base64("me:" + device)}}).status,
            204);
  HttpResponse wrong = client.Request("POST", "/write?db=x&p=nope", line);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"error":"the token is not valid or was revoked"})");

  // The Python influxdb library sends username and password as HTTP Basic: the token is the password.
  std::string script = dir_.path() + "/write.py";
  std::ofstream(script) << "import sys\n"
                           "from influxdb import InfluxDBClient\n"
                           "client = InfluxDBClient('127.0.0.1', int(sys.argv[1]), username='device',\n"
                           "                        password=sys.argv[2], database='telemetry')\n"
                           "client.write_points([{'measurement': 'temperature', 'tags': {'sensorID': 'py'},\n"
                           "                      'time': 1633338000, 'fields': {'value': 20.5}}], time_precision='s')\n"
                           "try:\n"
                           "    InfluxDBClient('127.0.0.1', int(sys.argv[1]), username='x', password='wrong',\n"
                           "                   database='telemetry').write_points([{'measurement': 'temperature',\n"
                           "        'tags': {'sensorID': 'py'}, 'fields': {'value': 1.0}}])\n"
                           "    print('written without a valid token')\n"
                           "except Exception as error:\n"
                           "    print('refused:', getattr(error, 'code', error))\n";
  std::string output;
  EXPECT_EQ(testing::RunCommand("/usr/bin/python3 " + script + " " + std::to_string(server.port()) + " " + device, &output),
            0)
      << output;
  EXPECT_NE(output.find("refused: 401"), std::string::npos) << output;

  // So does the influx CLI's -username/-password.
  std::string import = dir_.path() + "/import.txt";
  std::ofstream(import) << "# DML\n# CONTEXT-DATABASE: telemetry\ntemperature,sensorID=cli value=3 1633338000\n";
  std::string influx = "influx -host 127.0.0.1 -port " + std::to_string(server.port()) + " -username device -import -path " +
                       import + " -precision s -password ";
  EXPECT_EQ(testing::RunCommand(influx + device, &output), 0) << output;
  EXPECT_NE(testing::RunCommand(influx + "wrong", &output), 0) << output;
  EXPECT_NE(output.find("the token is not valid or was revoked"), std::string::npos) << output;
  EXPECT_EQ(JsonField(client.Request("GET", "/api/v1/stats", "", Bearer(kAdminToken)).body, "count"), "5");
}

TEST_P(AuthTest, InfluxQueriesNeedAReaderTokenSentAnyOfTheInfluxWays) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  auto [reader_id, reader] = Create(client, R"({"role":"reader"})");
  auto [device_id, device] = Create(client, R"({"role":"device","sensors":["a"]})");
  ASSERT_EQ(client
                .Request("POST", "/write?db=x", "temperature,sensorID=a value=1 1633338000000000000",
                         {{"Authorization", "Token " + device}})
                .status,
            204);
  const std::string query = "/query?db=x&q=SELECT+count(value)+FROM+temperature";
  const std::string counted =
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count"],)"
      R"("values":[["1970-01-01T00:00:00Z",1]]}]}]})"
      "\n";
  EXPECT_EQ(client.Request("GET", query + "&u=me&p=" + reader).body, counted);
  EXPECT_EQ(client.Request("GET", query, "", {{"Authorization", "Basic " + Base64("me:" + reader)}}).body, counted);
  EXPECT_EQ(client.Request("POST", query, "", Bearer(reader)).body, counted);
  HttpResponse none = client.Get(query);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Unquote(JsonField(none.body, "error")), "a token is required: send Authorization: Bearer <token>");
  HttpResponse writer = client.Request("GET", query, "", {{"Authorization", "Token " + device}});
  EXPECT_EQ(writer.status, 403);
  EXPECT_NE(JsonField(writer.body, "error"), "") << writer.body;
}

TEST_P(AuthTest, RevokedTokensStopWorkingAndManagementChecksItsInput) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  auto [id, reader] = Create(client, R"({"role":"reader"})");
  EXPECT_EQ(client.Request("GET", "/api/v1/stats", "", Bearer(reader)).status, 200);
  HttpResponse listed = client.Request("GET", "/api/v1/tokens", "", Bearer(kAdminToken));
  EXPECT_NE(listed.body.find(R"({"id":")" + id + R"(","role":"reader","sensors":[],"created":")"), std::string::npos)
      << listed.body;
  EXPECT_EQ(listed.body.find(reader), std::string::npos) << "the list never shows a secret";

  EXPECT_EQ(client.Request("DELETE", "/api/v1/tokens?id=" + id, "", Bearer(kAdminToken)).status, 204);
  EXPECT_EQ(client.Request("GET", "/api/v1/stats", "", Bearer(reader)).status, 401);
  EXPECT_EQ(client.Request("DELETE", "/api/v1/tokens?id=" + id, "", Bearer(kAdminToken)).status, 404);
  EXPECT_EQ(client.Request("DELETE", "/api/v1/tokens?id=../../x", "", Bearer(kAdminToken)).status, 400);

  for (const char* body : {R"({})", R"({"role":"root"})", R"({"role":"device"})", R"({"role":"device","sensors":[]})",
                           R"({"role":"reader","sensors":["1"]})", R"({"role":"device","sensors":["a\u0001"]})",
                           R"({"role":"device","sensors":[1.5]})", R"({"role":"reader","ttl":5})", "[1]", "role=admin",
                           // Twice is not once: neither value is granted.
                           R"({"role":"device","sensors":["1"],"role":"admin"})",
                           R"({"role":"device","sensors":["1"],"sensors":["2"]})"}) {
    HttpResponse response = client.Request("POST", "/api/v1/tokens", body, Bearer(kAdminToken));
    EXPECT_EQ(response.status, 400) << body << ": " << response.body;
  }
  EXPECT_NE(client.Request("POST", "/api/v1/tokens", R"({"role":"reader","role":"reader"})", Bearer(kAdminToken))
                .body.find("role is given more than once"),
            std::string::npos);
}

TEST_P(AuthTest, TheCommandLineManagesTokensInTheSameStore) {
  ServerProcess server(Args());
  std::vector<std::string> store_args = backend_.Args();
  auto token_command = [&](std::vector<std::string> words, std::string* output) {
    words.insert(words.begin(), store_args.begin(), store_args.end());
    return testing::RunTelemetryd(words, output);
  };
  std::string created;
  ASSERT_EQ(token_command({"token", "create", "--role", "device", "--sensor", "107"}, &created), 0) << created;
  std::string id = Unquote(JsonField(created, "id"));
  std::string device = Unquote(JsonField(created, "token"));
  ASSERT_EQ(device.substr(0, 4), "tmd_") << created;

  // The running server sees it within --token-refresh.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    HttpClient client(server.port());
    status = client.Request("PUT", "/api/temperature", R"({"sensorID":"107","temperature":"1"})", Bearer(device)).status;
  }
  EXPECT_EQ(status, 200);

  std::string listed;
  ASSERT_EQ(token_command({"token", "list"}, &listed), 0) << listed;
  EXPECT_NE(listed.find(R"("id":")" + id + R"(","role":"device","sensors":["107"])"), std::string::npos) << listed;
  EXPECT_EQ(listed.find(device), std::string::npos);

  std::string revoked;
  ASSERT_EQ(token_command({"token", "revoke", id}, &revoked), 0) << revoked;
  EXPECT_TRUE(EventuallyAnswers(server.port(), "/api/v1/stats", device, 401));
  EXPECT_EQ(token_command({"token", "revoke", id}, &revoked), 1) << revoked;
  EXPECT_EQ(token_command({"token", "create", "--role", "device"}, &revoked), 2) << revoked;
}

TEST_P(AuthTest, TokensAreStoredOnlyAsHashesAndNeverLogged) {
  auto server = std::make_unique<ServerProcess>(Args({"--access-log", "--log-level", "debug"}));
  std::string device;
  {
    HttpClient client(server->port());
    device = Create(client, R"({"role":"device","sensors":["107"]})").second;
    client.Request("PUT", "/api/temperature", R"({"sensorID":"107","temperature":"1"})", Bearer(device));
    client.Request("POST", "/write?db=x&p=" + device, "temperature,sensorID=107 value=1 1");
    client.Request("GET", "/api/stats", "", Bearer(device));
    client.Request("GET", "/api/stats", "", Bearer(device + "x"));
  }
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
  std::string logs = server->Stderr();
  EXPECT_NE(logs.find(R"("status":403)"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(device.substr(21)), std::string::npos) << logs;
  EXPECT_EQ(logs.find(kAdminToken), std::string::npos) << logs;

  // Restarted on the same store, the token still works: it was stored.
  server = std::make_unique<ServerProcess>(Args());
  HttpClient client(server->port());
  EXPECT_EQ(client.Request("PUT", "/api/temperature", R"({"sensorID":"107","temperature":"2"})", Bearer(device)).status,
            200);
  if (GetParam() == "sqlite") {
    std::vector<std::string> args = backend_.Args();
    std::string data_dir = *(std::find(args.begin(), args.end(), "--data-dir") + 1);
    std::string everything;
    for (const char* file : {"/tokens.db", "/tokens.db-wal"}) {
      std::ifstream in(data_dir + file, std::ios::binary);
      everything += std::string(std::istreambuf_iterator<char>(in), {});
    }
    EXPECT_NE(everything.find("device"), std::string::npos) << "the record is there";
    EXPECT_EQ(everything.find(device.substr(21)), std::string::npos) << "the secret is not";
  }
}

TEST_P(AuthTest, EveryInstanceOnOneStoreSeesTheSameTokens) {
  if (GetParam() != "dynamodb") GTEST_SKIP() << "one embedded store serves one instance";
  ServerProcess first(Args());
  ServerProcess second(Args());
  HttpClient client(first.port());
  auto [id, reader] = Create(client, R"({"role":"reader"})");
  EXPECT_TRUE(EventuallyAnswers(second.port(), "/api/v1/stats", reader, 200));
  EXPECT_EQ(client.Request("DELETE", "/api/v1/tokens?id=" + id, "", Bearer(kAdminToken)).status, 204);
  EXPECT_TRUE(EventuallyAnswers(second.port(), "/api/v1/stats", reader, 401));
}

TEST_P(AuthTest, MetricsCanBeMadePublic) {
  ServerProcess server(Args({"--metrics-public"}));
  HttpClient client(server.port());
  EXPECT_EQ(client.Get("/metrics").status, 200);
  EXPECT_EQ(client.Get("/api/stats").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthTest, ::testing::ValuesIn(testing::kBackends));

TEST(AuthConfigTest, BadAuthSettingsStopTheStart) {
  testing::TempDir dir;
  std::string output;
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir.path(), "--auth", "maybe"}, &output), 2) << output;
  std::string short_token = dir.path() + "/short";
  std::ofstream(short_token) << "secret\n";
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir.path(), "--auth", "token", "--admin-token-file", short_token},
                                   &output),
            2);
  EXPECT_NE(output.find("at least 32 characters"), std::string::npos) << output;
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir.path(), "--admin-token-file", dir.path() + "/missing"}, &output),
            2);
}

TEST(AuthConfigTest, AuthOffWarnsAtStart) {
  testing::TempDir dir;
  ServerProcess server({"--data-dir", dir.path()});
  EXPECT_NE(server.Stderr().find("authentication is off"), std::string::npos) << server.Stderr();
}

}  // namespace
}  // namespace telemetry

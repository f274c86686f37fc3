// Logs and request ids against the real binary: every stderr line is one flat JSON object; with --access-log each
// request is a line carrying the request id the answer echoes; --log-level drops what is below it.
#include <gtest/gtest.h>

#include <sstream>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::JsonField;
using testing::ServerProcess;
using testing::TempDir;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RequestIds, AreEchoedWhenUsableAndMadeOtherwise) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path()});
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/api", "", {{"X-Request-Id", "trace-42.a_b"}}).Header("x-request-id"),
            "trace-42.a_b");
  std::string made = client.Get("/api").Header("x-request-id");
  EXPECT_EQ(made.size(), 16u) << made;
  EXPECT_EQ(made.find_first_not_of("0123456789abcdef"), std::string::npos) << made;
  EXPECT_NE(client.Get("/api").Header("x-request-id"), made);  // a new one per request
  for (std::string bad : {std::string("has space"), std::string(129, 'a'), std::string("quote\"")}) {
    std::string echoed = client.Request("GET", "/nowhere", "", {{"X-Request-Id", bad}}).Header("x-request-id");
    EXPECT_EQ(echoed.size(), 16u) << bad;  // replaced, also on errors
  }
}

TEST(Logs, AreJsonLinesAndTheAccessLogCarriesTheRequestId) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--access-log"});
  {
    HttpClient client(server.port());
    ASSERT_EQ(client.Request("PUT", "/api/temperature", R"({"sensorID":"1","temperature":2})",
                             {{"X-Request-Id", "put-1"}})
                  .status,
              200);
    ASSERT_EQ(client.Request("GET", "/api/v1/stats?from=x", "", {{"X-Request-Id", "bad-1"}}).status, 400);
  }
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  std::vector<std::string> lines = Lines(server.Stderr());
  ASSERT_GE(lines.size(), 4u) << server.Stderr();
  bool put_logged = false, bad_logged = false;
  for (const std::string& line : lines) {
    ASSERT_TRUE(line.front() == '{' && line.back() == '}') << line;
    EXPECT_NE(JsonField(line, "time"), "") << line;
    EXPECT_NE(JsonField(line, "level"), "") << line;
    EXPECT_NE(JsonField(line, "message"), "") << line;
    if (JsonField(line, "request_id") == "\"put-1\"") {
      put_logged = true;
      EXPECT_EQ(JsonField(line, "route"), "\"/api/temperature\"") << line;
      EXPECT_EQ(JsonField(line, "method"), "\"PUT\"") << line;
      EXPECT_EQ(JsonField(line, "status"), "200") << line;
      EXPECT_GE(std::stod(JsonField(line, "duration_ms")), 0) << line;
    }
    if (JsonField(line, "request_id") == "\"bad-1\"") {
      bad_logged = true;
      EXPECT_EQ(JsonField(line, "status"), "400") << line;
      EXPECT_EQ(JsonField(line, "path"), "\"/api/v1/stats\"") << line;  // the query (it may hold anything) is not logged
    }
  }
  EXPECT_TRUE(put_logged && bad_logged) << server.Stderr();
  EXPECT_EQ(JsonField(lines.back(), "message"), "\"stopped\"");
}

TEST(Logs, TheLevelDropsWhatIsBelowIt) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--log-level", "warn", "--access-log"});
  {
    HttpClient client(server.port());
    ASSERT_EQ(client.Get("/api").status, 200);
  }
  server.Signal(SIGTERM);
  ASSERT_EQ(server.Wait(), 0);
  // The warning that authentication is off, and the line saying where it listens (written whatever the level);
  // neither the access log's info lines nor the stopping ones.
  std::vector<std::string> lines = Lines(server.Stderr());
  ASSERT_EQ(lines.size(), 2u) << server.Stderr();
  EXPECT_NE(lines[0].find(R"("level":"warn","message":"authentication is off)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("listening on 127.0.0.1:"), std::string::npos);
}

TEST(Logs, AServerWhoseLogReaderHasGoneServesAndStopsCleanly) {
  // Writing a log line to a pipe nobody reads raises SIGPIPE, whose default is to end the process: a log collector
  // that died would take the server down with it, without draining or committing.
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--access-log"}, ServerProcess::Output::kClosed);
  {
    HttpClient client(server.port());
    for (int i = 0; i < 3; ++i) {  // each request writes an access log line
      ASSERT_EQ(
          client.Put("/api/temperature", R"({"sensorID":"a","temperature":1,"time":)" + std::to_string(i) + "}").status,
          200);
    }
    EXPECT_EQ(client.Get("/api/v1/stats").status, 200);
  }
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);  // 141 (128 + SIGPIPE) before
}

}  // namespace
}  // namespace telemetry

// Bulk writes against the real binary, on both stores: batches of readings (JSON array, NDJSON, gzip) and the
// InfluxDB-compatible endpoints, the latter also with real InfluxDB clients from Debian (the influx CLI's -import
// and the Python influxdb library).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gzip.h"
#include "http_client.h"
#include "reading_body.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::kExampleEpochSecond;
using testing::ServerProcess;

using Headers = std::vector<std::pair<std::string, std::string>>;

class IngestTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> Args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = backend_.Args();
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::string Stats(HttpClient& client, const std::string& query = "") {
    return client.Get("/api/v1/stats" + query).body;
  }

  testing::TestBackend backend_{GetParam()};
};

// ---- POST /api/v1/readings ----

TEST_P(IngestTest, AJsonArrayIsStoredAndEachItemAccountedFor) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  ASSERT_EQ(client.Put("/api/temperature", R"({"sensorID":"a","temperature":5,"time":1633338000})").status, 200);
  HttpResponse response = client.Request("POST", "/api/v1/readings", R"([
    {"sensorID":"a","temperature":5,"time":1633338000},
    {"sensorID":"a","temperature":"6","time":"2021-10-04 09:00:01"},
    {"sensorID":"b","temperature":"warm"},
    {"sensorID":"a","temperature":7,"time":1633338000},
    {"sensorID":107,"temperature":8.5,"time":1633338002},
    {"sensorID":"c","temperature":9,"time":1633338003},
    {"sensorID":"c","temperature":9,"time":1633338003},
    7
  ])");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"stored":3,"duplicates":2,"rejected":[)"
            R"({"index":2,"code":"invalid_argument","message":"temperature must be a number, got \"warm\""},)"
            R"({"index":3,"code":"conflict","message":"sensor \"a\" already has another temperature at )"
            R"(2021-10-04T09:00:00Z; the first value is kept"},)"
            R"({"index":7,"code":"invalid_argument","message":"a reading must be a JSON object"}]})");
  EXPECT_EQ(Stats(client), R"({"count":4,"sum":28.5,"mean":7.125,"min":5,"max":9})");

  response = client.Request("POST", "/api/v1/readings", R"([{"sensorID":"d","temperature":1,"time":1633338009}])");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"stored":1,"duplicates":0,"rejected":[]})");
}

TEST_P(IngestTest, NdjsonAndGzipBodies) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  // DynamoDB Local commits far fewer readings per second: fewer there (the same lines, blank lines and bad one).
  const int readings = GetParam() == "dynamodb" ? 300 : 1000;
  std::string ndjson;
  for (int i = 0; i < readings; ++i) {
    ndjson += R"({"sensorID":"n)" + std::to_string(i % 10) + R"(","temperature":)" + std::to_string(i % 50) +
              R"(,"time":)" + std::to_string(kExampleEpochSecond + i) + "}\r\n";
    if (i % 100 == 0) ndjson += "\n";  // blank lines are skipped
  }
  ndjson += "{not json\n";
  HttpResponse response = client.Request("POST", "/api/v1/readings", testing::Gzip(ndjson),
                                         {{"Content-Type", "application/x-ndjson"}, {"Content-Encoding", "gzip"}});
  EXPECT_EQ(response.status, 400) << response.body;
  std::string counts = R"("stored":)" + std::to_string(readings) + R"(,"duplicates":0,"rejected":[{"index":)" +
                       std::to_string(readings) + ",";
  EXPECT_NE(response.body.find(counts), std::string::npos) << response.body;
  EXPECT_EQ(testing::JsonField(Stats(client), "count"), std::to_string(readings));
  EXPECT_EQ(testing::JsonField(Stats(client), "sum"), std::to_string(readings / 50 * 1225));
}

TEST_P(IngestTest, BadBatchesAreRefusedWholeWithTheReason) {
  ServerProcess server(Args({"--max-batch-readings", "3", "--max-decoded-body-bytes", "1000"}));
  HttpClient client(server.port());
  std::string four = R"([{"sensorID":"a","temperature":1},{"sensorID":"a","temperature":1},)"
                     R"({"sensorID":"a","temperature":1},{"sensorID":"a","temperature":1}])";
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", four).status, 413);
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", R"({"sensorID":"a"})").status, 400);
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", "[1,", {}).status, 400);
  HttpResponse wrong_type = client.Request("POST", "/api/v1/readings", "[]", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_NE(wrong_type.body.find("application/x-ndjson"), std::string::npos);
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", "[]", {{"Content-Encoding", "br"}}).status, 415);
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", "not gzip at all", {{"Content-Encoding", "gzip"}}).status, 400);
  std::string truncated = testing::Gzip("[" + std::string(500, ' ') + "]");
  truncated.resize(truncated.size() - 6);
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", truncated, {{"Content-Encoding", "gzip"}}).status, 400);
  // A small gzip that expands past the decoded limit: refused without expanding it all.
  HttpResponse bomb = client.Request("POST", "/api/v1/readings", testing::Gzip(std::string(10'000'000, ' ')),
                                     {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(bomb.status, 413);
  EXPECT_NE(bomb.body.find("decompressed"), std::string::npos) << bomb.body;
  EXPECT_EQ(client.Get("/api/stats").body, "No data inserted yet!");
}

// ---- InfluxDB-compatible endpoints ----

TEST_P(IngestTest, ReadingsWithoutATimeInOneRequestAreAllKeptInOrder) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  HttpResponse json = client.Request("POST", "/api/v1/readings",
                                     R"([{"sensorID":"t","temperature":1},{"sensorID":"t","temperature":2},)"
                                     R"({"sensorID":"t","temperature":2},{"sensorID":"u","temperature":3}])");
  EXPECT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(json.body, R"({"stored":4,"duplicates":0,"rejected":[]})");
  HttpResponse ndjson = client.Request("POST", "/api/v1/readings",
                                       "{\"sensorID\":\"t\",\"temperature\":4}\n\n"
                                       "{\"sensorID\":\"t\",\"temperature\":5}\n",
                                       {{"Content-Type", "application/x-ndjson"}});
  EXPECT_EQ(ndjson.status, 200) << ndjson.body;
  EXPECT_EQ(
      client.Request("POST", "/write?db=x", "temperature,sensorID=t value=6\ntemperature,sensorID=t value=7\n").status,
      204);
  // Each at its own instant, in the order sent.
  std::string exported = client.Get("/api/v1/readings?sensorID=t&format=csv").body;
  std::istringstream rows(exported);
  std::vector<std::string> values;
  for (std::string row; std::getline(rows, row);) {
    if (row.ends_with('\r')) row.pop_back();  // CSV rows end in CRLF
    values.push_back(row.substr(row.rfind(',') + 1));
  }
  EXPECT_EQ(values, (std::vector<std::string>{"temperature", "1", "2", "2", "4", "5", "6", "7"})) << exported;
}

TEST_P(IngestTest, PingAnswersLikeInfluxDb) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  HttpResponse ping = client.Get("/ping");
  EXPECT_EQ(ping.status, 204);
  EXPECT_EQ(ping.Header("x-influxdb-version"), "1.8.10");
  EXPECT_EQ(ping.Header("content-length"), "");
  EXPECT_EQ(client.Request("HEAD", "/ping").status, 204);
  EXPECT_EQ(client.Get("/ping?verbose=true").body, R"({"version":"1.8.10"})");
}

TEST_P(IngestTest, LineProtocolWritesAreStoredWithTheirPrecision) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  std::string body =
      "# a comment, then a blank line\n\n"
      "temperature,sensorID=107,host=edge-1 value=12 1633338000\r\n"
      "temperature,sensor=108 temperature=14i 1633338001\n"
      "temperature,sensorID=my\\ sensor value=-3.5 1633338002\n"
      "temperature,sensorID=107 value=12 1633338000\n";  // a retry: counted once
  HttpResponse response = client.Request("POST", "/write?db=telemetry&precision=s", body);
  EXPECT_EQ(response.status, 204) << response.body;
  EXPECT_EQ(Stats(client), R"({"count":3,"sum":22.5,"mean":7.5,"min":-3.5,"max":14})");
  EXPECT_EQ(Stats(client, "?sensorID=my%20sensor"), R"({"count":1,"sum":-3.5,"mean":-3.5,"min":-3.5,"max":-3.5})");

  // Milliseconds, and no timestamp at all (the server's time), through the 2.x endpoint, gzip'd.
  response = client.Request("POST", "/api/v2/write?org=o&bucket=b&precision=ms",
                            testing::Gzip("temperature,sensorID=ms value=1 1633338003500\n"
                                          "temperature,sensorID=now value=2\n"),
                            {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(response.status, 204) << response.body;
  EXPECT_EQ(testing::JsonField(Stats(client, "?from=1633338003.5&to=1633338003.501"), "count"), "1");
  EXPECT_EQ(testing::JsonField(Stats(client, "?sensorID=now&from=2026-01-01T00:00:00Z"), "count"), "1");
}

TEST_P(IngestTest, WhatIsNotStoredIsReportedAndTheRestIsStored) {
  ServerProcess server(Args());
  HttpClient client(server.port());
  ASSERT_EQ(client.Request("POST", "/write?db=x&precision=s", "temperature,sensorID=1 value=10 1633338000").status,
            204);
  std::string body =
      "temperature,sensorID=1 value=11 1633338001\n"
      "cpu,host=a usage=3 1633338001\n"                                      // another measurement
      "temperature,sensorID=2 value=12,humidity=40 1633338001\n"             // stored, humidity reported
      "temperature,host=a value=1 1633338001\n"                              // no sensor tag
      "temperature,sensorID=3 value=\"warm\" 1633338001\n"                   // not a number
      "temperature,sensorID=1 value=99 1633338000\n"                         // conflicts with the first write
      "temperature,sensorID=4 value= 1633338001\n"                           // does not parse
      "temperature,sensorID=5,sensor=6 value=1 1633338001\n"                 // which sensor?
      "temperature,sensorID=5 value=1,temperature=2 1633338001\n"            // which value?
      "temperature,sensorID=7,sensor=7 value=1,temperature=1i 1633338001\n"  // the same twice: stored
      "temperature,sensorID=8 value=1e200 1633338001\n";                     // no sum could hold it
  HttpResponse response = client.Request("POST", "/write?db=x&precision=s", body);
  EXPECT_EQ(response.status, 400);
  const std::string& error = response.body;  // {"error":"..."}; the message holds commas, so not JsonField
  for (const char* expected :
       {"line 2: measurement \\\"cpu\\\" is not stored", "line 3: field \\\"humidity\\\"", "line 4: no sensorID tag",
        "line 5: field \\\"value\\\" must be a number", "line 6: sensor \\\"1\\\" already has another temperature",
        "line 7: unable to parse",
        "line 8: the sensorID (or sensor) tag is given more than once, with different values",
        "line 9: the value (or temperature) field is given more than once, with different values",
        "line 11: field \\\"value\\\": temperature must be 0 or between 1e-100 and 1e100 in magnitude"}) {
    EXPECT_NE(error.find(expected), std::string::npos) << expected << " in " << error;
  }
  EXPECT_EQ(error.find("line 10"), std::string::npos) << error;
  EXPECT_EQ(error.find(";\"}"), std::string::npos) << "the list of problems ends with a problem: " << error;
  EXPECT_EQ(Stats(client), R"({"count":4,"sum":34,"mean":8.5,"min":1,"max":12})");

  HttpResponse last_instant =
      client.Request("POST", "/write?db=x", "temperature,sensorID=9 value=1 9223372036854775807");
  EXPECT_EQ(last_instant.status, 400);
  EXPECT_NE(last_instant.body.find("line 1: time must be earlier than 2262-04-11T23:47:16.854775807Z"),
            std::string::npos)
      << last_instant.body;

  // Bytes that are not UTF-8: refused as a sensor, and quoted in the error as U+FFFD, so that the answer stays JSON.
  HttpResponse not_utf8 = client.Request("POST", "/write?db=x",
                                         "temperature,sensorID=ab\xFF"
                                         "cd value=1 1633338000\n\xFF");
  EXPECT_EQ(not_utf8.status, 400);
  EXPECT_NE(not_utf8.body.find("line 1: sensorID must be valid UTF-8"), std::string::npos) << not_utf8.body;
  EXPECT_NE(not_utf8.body.find("line 2: unable to parse '\xEF\xBF\xBD'"), std::string::npos) << not_utf8.body;
  EXPECT_EQ(not_utf8.body.find('\xFF'), std::string::npos) << not_utf8.body;
  EXPECT_EQ(client
                .Get("/api/v1/stats?sensorID=ab%FF"
                     "cd")
                .status,
            400);

  HttpResponse v2 = client.Request("POST", "/api/v2/write?bucket=b", "nonsense");
  EXPECT_EQ(v2.status, 400);
  EXPECT_EQ(testing::JsonField(v2.body, "code"), "\"invalid\"");
  EXPECT_EQ(client.Request("POST", "/write", "temperature,sensorID=1 value=1").status, 400);  // no db
  EXPECT_EQ(client.Request("POST", "/write?db=x&precision=fortnight", "temperature,sensorID=1 value=1").status, 400);
  EXPECT_EQ(client.Request("POST", "/api/v2/write?org=o", "temperature,sensorID=1 value=1").status, 404);
}

TEST_P(IngestTest, TheInfluxCliImportsIntoTelemetryd) {
  ServerProcess server(Args());
  testing::TempDir dir;
  std::string path = dir.path() + "/import.txt";
  {
    std::ofstream file(path);
    // The DDL section goes to /query first: CREATE DATABASE succeeds, changing nothing.
    file << "# DDL\nCREATE DATABASE telemetry\n\n# DML\n# CONTEXT-DATABASE: telemetry\n";
    for (int i = 0; i < 500; ++i) {
      file << "temperature,sensorID=cli" << i % 5 << " value=" << i % 30 << " " << kExampleEpochSecond + i << "\n";
    }
  }
  std::string output;
  int exit_code = testing::RunCommand("influx -host 127.0.0.1 -port " + std::to_string(server.port()) +
                                          " -import -path " + path + " -precision s",
                                      &output);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find("Processed 500 inserts"), std::string::npos) << output;
  EXPECT_NE(output.find("Failed 0 inserts"), std::string::npos) << output;
  HttpClient client(server.port());
  EXPECT_EQ(testing::JsonField(Stats(client), "count"), "500");
  EXPECT_EQ(testing::JsonField(Stats(client, "?sensorID=cli3"), "count"), "100");
}

TEST_P(IngestTest, ThePythonInfluxdbLibraryWritesToTelemetryd) {
  ServerProcess server(Args());
  testing::TempDir dir;
  std::string script = dir.path() + "/write.py";
  {
    std::ofstream file(script);
    file << "import sys\n"
            "from influxdb import InfluxDBClient\n"
            "for gzip in (False, True):\n"
            "    client = InfluxDBClient('127.0.0.1', int(sys.argv[1]), database='telemetry', gzip=gzip)\n"
            "    client.ping()\n"
            "    points = [{'measurement': 'temperature', 'tags': {'sensorID': 'py%d' % gzip},\n"
            "               'time': 1633338000 + i, 'fields': {'value': 20.5 + i}} for i in range(100)]\n"
            "    assert client.write_points(points, time_precision='s', batch_size=40)\n"
            "print('ok')\n";
  }
  std::string output;
  // Debian's python3, where python3-influxdb lives.
  int exit_code = testing::RunCommand("/usr/bin/python3 " + script + " " + std::to_string(server.port()), &output);
  EXPECT_EQ(exit_code, 0) << output;
  HttpClient client(server.port());
  EXPECT_EQ(Stats(client, "?sensorID=py0"), R"({"count":100,"sum":7000,"mean":70,"min":20.5,"max":119.5})");
  EXPECT_EQ(Stats(client, "?sensorID=py1"), R"({"count":100,"sum":7000,"mean":70,"min":20.5,"max":119.5})");
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

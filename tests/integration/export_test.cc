// GET /api/v1/readings (export) on both stores: every reading once, in time order, page by page; CSV; an export
// written back through the batch endpoint is all duplicates; every sensor's readings, sensor by sensor; limit=all
// streamed to curl, and a million readings exported in constant memory.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
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
using testing::JsonField;
using testing::ServerProcess;

class ExportTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
  ServerProcess server_{backend_.Args()};
  HttpClient client_{server_.port()};
};

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// An export followed page by page from `target` (with its query, without a cursor) to the page whose next is null:
// the items of every page joined by commas, and how many pages there were (at most `most_pages`).
struct FollowedExport {
  std::string items;
  int pages = 0;
};
FollowedExport FollowExportPages(HttpClient& client, const std::string& target, int most_pages) {
  FollowedExport followed;
  std::string cursor;
  while (followed.pages < most_pages) {
    std::string body = client.Get(target + (cursor.empty() ? "" : "&cursor=" + cursor)).body;
    ++followed.pages;
    std::string items = body.substr(body.find('[') + 1, body.rfind(']') - body.find('[') - 1);
    if (!items.empty()) followed.items += (followed.items.empty() ? "" : ",") + items;
    std::string next = JsonField(body, "next");
    if (next == "null") return followed;
    cursor = next.substr(1, next.size() - 2);
  }
  ADD_FAILURE() << target << " had more than " << most_pages << " pages";
  return followed;
}

TEST_P(ExportTest, EveryReadingOnceInTimeOrderPageByPage) {
  const int readings = GetParam() == "dynamodb" ? 300 : 2500;
  std::string batch = "[";
  for (int i = readings - 1; i >= 0; --i) {  // sent newest first: the export still comes oldest first
    batch += std::string(i == readings - 1 ? "" : ",") + R"({"sensorID":"x","temperature":)" + std::to_string(i % 97) +
             R"(,"time":)" + std::to_string(1633338000 + i) + "}";
  }
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings", batch + "]").status, 200);
  ASSERT_EQ(client_.Put("/api/temperature", R"({"sensorID":"other","temperature":1,"time":1633338000.5})").status,
            200);

  std::string all = FollowExportPages(client_, "/api/v1/readings?sensorID=x&limit=120", 100).items;
  EXPECT_EQ(Count(all, "\"sensorID\":\"x\""), static_cast<std::size_t>(readings));
  EXPECT_EQ(Count(all, "other"), 0u);
  // In time order: every time (whole seconds, one width) is later than the one before.
  std::string previous;
  for (std::size_t at = all.find("\"time\":\""); at != std::string::npos; at = all.find("\"time\":\"", at + 1)) {
    std::string time = all.substr(at + 8, all.find('"', at + 8) - at - 8);
    ASSERT_LT(previous, time);
    previous = time;
  }
  // Written back, it is all duplicates.
  testing::HttpResponse again = client_.Request("POST", "/api/v1/readings", "[" + all + "]");
  EXPECT_EQ(again.body, R"({"stored":0,"duplicates":)" + std::to_string(readings) + R"(,"rejected":[]})");
}

TEST_P(ExportTest, CsvAndRanges) {
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings", R"([
    {"sensorID":"a,\"b\"","temperature":1.5,"time":"2021-10-04T09:00:00Z"},
    {"sensorID":"a,\"b\"","temperature":-2,"time":"2021-10-04T09:00:00.25Z"},
    {"sensorID":"a,\"b\"","temperature":3,"time":"2021-10-04T10:00:00Z"}])").status,
            200);
  testing::HttpResponse csv = client_.Request("GET", "/api/v1/readings?sensorID=a%2C%22b%22&limit=2", "",
                                              {{"Accept", "text/csv"}});
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body,
            "sensorID,time,temperature\r\n"
            "\"a,\"\"b\"\"\",2021-10-04T09:00:00Z,1.5\r\n"
            "\"a,\"\"b\"\"\",2021-10-04T09:00:00.25Z,-2\r\n");
  std::string next = csv.Header("x-next-cursor");
  ASSERT_FALSE(next.empty());
  testing::HttpResponse last =
      client_.Get("/api/v1/readings?sensorID=a%2C%22b%22&limit=2&format=csv&cursor=" + next);
  EXPECT_EQ(last.body, "sensorID,time,temperature\r\n\"a,\"\"b\"\"\",2021-10-04T10:00:00Z,3\r\n");
  EXPECT_EQ(last.Header("x-next-cursor"), "");
  std::string range = client_.Get("/api/v1/readings?sensorID=a%2C%22b%22&from=2021-10-04T09:00:00.1Z&to=2021-10-04T10:00:00Z").body;
  EXPECT_EQ(range, R"({"readings":[{"sensorID":"a,\"b\"","time":"2021-10-04T09:00:00.25Z","temperature":-2}],"next":null})");
  EXPECT_EQ(client_.Get("/api/v1/readings?sensorID=nobody").body, R"({"readings":[],"next":null})");
  // The format the Accept header prefers, by its q values; JSON when it prefers neither.
  for (auto [accept, type] :
       std::vector<std::pair<std::string, std::string>>{{"application/json;q=0.5, text/csv", "text/csv; charset=utf-8"},
                                                        {"text/csv;q=0.5, application/json", "application/json"},
                                                        {"Text/CSV", "text/csv; charset=utf-8"},
                                                        {"text/*", "text/csv; charset=utf-8"},
                                                        {"*/*", "application/json"},
                                                        {"image/png", "application/json"}}) {
    testing::HttpResponse negotiated =
        client_.Request("GET", "/api/v1/readings?sensorID=nobody", "", {{"Accept", accept}});
    EXPECT_EQ(negotiated.Header("content-type"), type) << accept;
  }
}

// curl's export of all of a sensor's readings, or every sensor's when `sensor` is empty (limit=all): a real client
// that decodes chunked answers. Returns what it printed.
std::string CurlExport(std::uint16_t port, const std::string& sensor, const std::string& arguments) {
  std::string output;
  int exit_code =
      testing::RunCommand("curl -sS --max-time 120 " + arguments + " 'http://127.0.0.1:" + std::to_string(port) +
                              "/api/v1/readings?limit=all" + (sensor.empty() ? "" : "&sensorID=" + sensor) + "'",
                          &output);
  EXPECT_EQ(exit_code, 0) << output;
  return output;
}

TEST_P(ExportTest, LimitAllStreamsTheWholeRangeInOneAnswer) {
  const int readings = GetParam() == "dynamodb" ? 150 : 25'000;  // sqlite: past two of the stream's pages (10,000)
  std::string batch = "[";
  for (int i = 0; i < readings; ++i) {
    batch += std::string(i ? "," : "") + R"({"sensorID":"s","temperature":)" + std::to_string(i % 50) +
             R"(,"time":)" + std::to_string(1633338000 + i) + "}";
  }
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings", batch + "]").status, 200);

  std::string json = CurlExport(server_.port(), "s", "-D - -w '\\n%{http_code}'");
  EXPECT_NE(json.find("Transfer-Encoding: chunked"), std::string::npos) << json.substr(0, 500);
  std::string body = json.substr(json.find("\r\n\r\n") + 4);
  ASSERT_TRUE(body.ends_with("],\"next\":null}\n200")) << body.substr(body.size() - 100);
  body = body.substr(0, body.size() - 4);
  EXPECT_EQ(Count(body, R"("sensorID":"s")"), static_cast<std::size_t>(readings));
  // The same readings, in the same order, as the pages give them.
  std::string first_page = client_.Get("/api/v1/readings?sensorID=s&limit=100").body;
  EXPECT_EQ(body.substr(0, first_page.find(R"(],"next")")), first_page.substr(0, first_page.find(R"(],"next")")));
  // Written back, it is all duplicates: it is whole, valid JSON.
  testing::HttpResponse again =
      client_.Request("POST", "/api/v1/readings", body.substr(body.find('['), body.rfind(']') - body.find('[') + 1));
  EXPECT_EQ(again.body, R"({"stored":0,"duplicates":)" + std::to_string(readings) + R"(,"rejected":[]})");

  std::string csv = CurlExport(server_.port(), "s", "-H 'Accept: text/csv'");
  EXPECT_EQ(Count(csv, "\r\n"), static_cast<std::size_t>(readings) + 1);
  EXPECT_TRUE(csv.starts_with("sensorID,time,temperature\r\ns,2021-10-04T09:00:00Z,0\r\n")) << csv.substr(0, 100);

  // HEAD: the same head, no body.
  std::string head = CurlExport(server_.port(), "s", "-I");
  EXPECT_NE(head.find("HTTP/1.1 200 OK"), std::string::npos) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
  // HTTP/1.0 has no chunks: the body ends with the connection.
  std::string old = CurlExport(server_.port(), "s", "--http1.0 -H 'Accept: text/csv'");
  EXPECT_EQ(old, csv);
  // An unknown sensor: an empty list, still whole.
  EXPECT_EQ(CurlExport(server_.port(), "nobody", ""), R"({"readings":[],"next":null})");
}

TEST_P(ExportTest, WithoutASensorEverySensorsReadingsSensorBySensor) {
  ASSERT_EQ(client_
                .Request("POST", "/api/v1/readings", R"([
    {"sensorID":"b","temperature":1,"time":3}, {"sensorID":"b","temperature":2,"time":1},
    {"sensorID":"a,\"b\"","temperature":3,"time":2}, {"sensorID":"10","temperature":4,"time":5},
    {"sensorID":"b","temperature":5,"time":2}, {"sensorID":"9","temperature":6,"time":4},
    {"sensorID":"ü","temperature":7,"time":1}, {"sensorID":"10","temperature":8,"time":1}])")
                .status,
            200);
  // Sensor by sensor in the order GET /api/v1/sensors lists them (bytewise), each in time order; the pages end
  // inside a sensor and between sensors alike.
  const std::string expected = R"({"sensorID":"10","time":"1970-01-01T00:00:01Z","temperature":8},)"
                               R"({"sensorID":"10","time":"1970-01-01T00:00:05Z","temperature":4},)"
                               R"({"sensorID":"9","time":"1970-01-01T00:00:04Z","temperature":6},)"
                               R"({"sensorID":"a,\"b\"","time":"1970-01-01T00:00:02Z","temperature":3},)"
                               R"({"sensorID":"b","time":"1970-01-01T00:00:01Z","temperature":2},)"
                               R"({"sensorID":"b","time":"1970-01-01T00:00:02Z","temperature":5},)"
                               R"({"sensorID":"b","time":"1970-01-01T00:00:03Z","temperature":1},)"
                               R"({"sensorID":"ü","time":"1970-01-01T00:00:01Z","temperature":7})";
  for (int limit : {1, 2, 3, 8, 100}) {
    FollowedExport followed = FollowExportPages(client_, "/api/v1/readings?limit=" + std::to_string(limit), 20);
    EXPECT_EQ(followed.items, expected) << "limit " << limit;
    EXPECT_EQ(followed.pages, 8 / limit + 1) << "limit " << limit;
  }
  // A range, as CSV with its cursor in a header; a one-sensor cursor is not one for every sensor, nor the reverse.
  testing::HttpResponse csv = client_.Get("/api/v1/readings?from=2&to=4&limit=3&format=csv");
  EXPECT_EQ(csv.body,
            "sensorID,time,temperature\r\n\"a,\"\"b\"\"\",1970-01-01T00:00:02Z,3\r\n"
            "b,1970-01-01T00:00:02Z,5\r\nb,1970-01-01T00:00:03Z,1\r\n");
  std::string next = csv.Header("x-next-cursor");
  EXPECT_EQ(client_.Get("/api/v1/readings?from=2&to=4&limit=3&format=csv&cursor=" + next).body,
            "sensorID,time,temperature\r\n");
  EXPECT_EQ(client_.Get("/api/v1/readings?sensorID=b&cursor=" + next).status, 400);
  std::string one_sensor = client_.Get("/api/v1/readings?sensorID=b&limit=1").body;
  std::string one_cursor = JsonField(one_sensor, "next");
  EXPECT_EQ(client_.Get("/api/v1/readings?cursor=" + one_cursor.substr(1, one_cursor.size() - 2)).status, 400);
  // limit=all: everything, streamed, the same order.
  std::string streamed = CurlExport(server_.port(), "", "");
  EXPECT_EQ(streamed, R"({"readings":[)" + expected + R"(],"next":null})");
  // order=desc: the same sensors in the same order, each newest first, in pages and streamed.
  const std::string newest_first = R"({"sensorID":"10","time":"1970-01-01T00:00:05Z","temperature":4},)"
                                   R"({"sensorID":"10","time":"1970-01-01T00:00:01Z","temperature":8},)"
                                   R"({"sensorID":"9","time":"1970-01-01T00:00:04Z","temperature":6},)"
                                   R"({"sensorID":"a,\"b\"","time":"1970-01-01T00:00:02Z","temperature":3},)"
                                   R"({"sensorID":"b","time":"1970-01-01T00:00:03Z","temperature":1},)"
                                   R"({"sensorID":"b","time":"1970-01-01T00:00:02Z","temperature":5},)"
                                   R"({"sensorID":"b","time":"1970-01-01T00:00:01Z","temperature":2},)"
                                   R"({"sensorID":"ü","time":"1970-01-01T00:00:01Z","temperature":7})";
  for (int limit : {1, 3, 100}) {
    FollowedExport followed =
        FollowExportPages(client_, "/api/v1/readings?order=desc&limit=" + std::to_string(limit), 20);
    EXPECT_EQ(followed.items, newest_first) << "limit " << limit;
  }
  EXPECT_EQ(client_.Get("/api/v1/readings?limit=all&order=desc").body,
            R"({"readings":[)" + newest_first + R"(],"next":null})");
  // One sensor's latest two, then the one before them.
  FollowedExport latest = FollowExportPages(client_, "/api/v1/readings?sensorID=b&order=desc&limit=2", 3);
  EXPECT_EQ(latest.pages, 2);
  EXPECT_EQ(latest.items, R"({"sensorID":"b","time":"1970-01-01T00:00:03Z","temperature":1},)"
                          R"({"sensorID":"b","time":"1970-01-01T00:00:02Z","temperature":5},)"
                          R"({"sensorID":"b","time":"1970-01-01T00:00:01Z","temperature":2})");
}

TEST_P(ExportTest, AnExportOfEverySensorOverARangeFewReportInPagesOnwardAndEnds) {
  // More sensors than a page looks at (SQLite 4,096, DynamoDB 64), each with one reading; two inside the range.
  const int sensors = GetParam() == "dynamodb" ? 70 : 4100;
  std::string batch = "[";
  for (int i = 0; i < sensors; ++i) {
    batch += std::string(i ? "," : "") + R"({"sensorID":"s)" + std::to_string(10000 + i) +
             R"(","temperature":1,"time":)" + std::to_string(i == 3 || i == sensors - 1 ? 500 : 100) + "}";
  }
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings", batch + "]").status, 200);
  FollowedExport followed = FollowExportPages(client_, "/api/v1/readings?from=400", 5);
  EXPECT_EQ(followed.pages,
            2);  // a page ended after the sensors it may look at, without filling; the next one finished
  EXPECT_EQ(followed.items, R"({"sensorID":"s10003","time":"1970-01-01T00:08:20Z","temperature":1},{"sensorID":"s)" +
                                std::to_string(10000 + sensors - 1) +
                                R"(","time":"1970-01-01T00:08:20Z","temperature":1})");
  // Newest first alike: the page that ends after the sensors it may look at goes on past every reading of the last.
  FollowedExport newest = FollowExportPages(client_, "/api/v1/readings?from=400&order=desc", 5);
  EXPECT_EQ(newest.pages, 2);
  EXPECT_EQ(newest.items, followed.items);
}

TEST_P(ExportTest, BadParametersAre400) {
  for (const char* query : {"cursor=abc", "cursor=31.x", "cursor=3.5", "sensorID=x&limit=0", "sensorID=x&limit=10001",
                            "sensorID=x&cursor=abc", "sensorID=x&format=xml",
                            "sensorID=x&from=2022-01-01&to=2021-01-01", "sensorID=x&page=2", "sensorID=x&order=up"}) {
    testing::HttpResponse response = client_.Get(std::string("/api/v1/readings?") + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::ValuesIn(testing::kBackends));

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Sanitizers make a million too slow to write, and their allocators keep freed memory (ASan's quarantine holds up
// to 256 MB) so that memory says nothing there: the plain build runs the full size and the memory bound.
constexpr int kMillions = 0;
#else
constexpr int kMillions = 1;
#endif

TEST(ExportMemoryTest, AMillionReadingsExportInConstantMemory) {
  const int readings = kMillions ? kMillions * 1'000'000 : 100'000;
  testing::TempDir dir;
  ServerProcess server({"--data-dir", dir.path()});
  {
    HttpClient client(server.port());
    for (int start = 0; start < readings; start += 100'000) {
      std::string batch;
      for (int i = start; i < start + 100'000; ++i) {
        batch += R"({"sensorID":"m","temperature":)" + std::to_string(i % 40) + R"(,"time":)" +
                 std::to_string(1600000000 + i) + "}\n";
      }
      ASSERT_EQ(client.Request("POST", "/api/v1/readings", batch, {{"Content-Type", "application/x-ndjson"}}).status,
                200);
    }
  }
  // Anonymous memory (heap and stacks), not the SQLite file the server maps.
  std::int64_t before = server.StatusKiB("RssAnon");
  ASSERT_GT(before, 0);
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> peak{before};
  std::thread sampler([&] {
    while (!done) {
      peak = std::max(peak.load(), server.StatusKiB("RssAnon"));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::string path = dir.path() + "/export.csv";
  // A client slower than the server (20 MB/s): the stream must wait for it rather than buffer.
  CurlExport(server.port(), "m", "--limit-rate 20M -H 'Accept: text/csv' -o " + path);
  done = true;
  sampler.join();
  std::ifstream file(path, std::ios::binary);
  std::size_t lines = 0, bytes = 0;
  for (std::string line; std::getline(file, line);) {
    ++lines;
    bytes += line.size() + 1;
  }
  EXPECT_EQ(lines, static_cast<std::size_t>(readings) + 1);
  // The export is tens of megabytes; the server holds one page (10,000 readings) of it at a time.
  if (kMillions == 0) GTEST_SKIP() << "memory is not measurable under a sanitizer; the export itself was checked";
  EXPECT_LT(peak - before, 16 * 1024) << "exported " << bytes << " bytes; anonymous memory " << before
                                      << " KiB before, " << peak << " KiB at most during";
}

TEST(ExportMemoryTest, AnExportUnderWayFinishesOnSigterm) {
  const int readings = 400'000;  // about 10 MB of CSV: more than the sockets between server and curl hold
  testing::TempDir dir;
  // A grace long enough for the slowest build: under ThreadSanitizer, beside the other tests on two cores, the
  // export took longer than the default 10 s and was cut (as it should be past the grace).
  ServerProcess server({"--data-dir", dir.path() + "/data", "--shutdown-grace", "60"});
  {
    HttpClient client(server.port());
    for (int start = 0; start < readings; start += 100'000) {
      std::string batch;
      for (int i = start; i < start + 100'000; ++i) {
        batch += R"({"sensorID":"g","temperature":1,"time":)" + std::to_string(1600000000 + i) + "}\n";
      }
      ASSERT_EQ(client.Request("POST", "/api/v1/readings", batch, {{"Content-Type", "application/x-ndjson"}}).status,
                200);
    }
  }
  // A reader with a small receive buffer taking about 3 MB/s: curl's buffer on loopback would take the whole export
  // at once, and the server would be done before the signal.
  std::string script = dir.path() + "/slow_reader.py";
  std::ofstream(script) << "import socket, sys, time\n"
                           "s = socket.socket()\n"
                           "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)\n"
                           "s.connect(('127.0.0.1', int(sys.argv[1])))\n"
                           "s.sendall(b'GET /api/v1/readings?sensorID=g&limit=all&format=csv HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')\n"
                           "data = bytearray()\n"
                           "while True:\n"
                           "    piece = s.recv(65536)\n"
                           "    if not piece: break\n"
                           "    data += piece\n"
                           "    if data.endswith(b'\\r\\n0\\r\\n\\r\\n'): break\n"
                           "    if len(data) > 65536: open(sys.argv[2], 'w').write('started')\n"
                           "    time.sleep(0.02)\n"
                           "print(data.count(b'\\r\\ng,'), data.endswith(b'\\r\\n0\\r\\n\\r\\n'))\n";
  std::string started = dir.path() + "/started", output;
  std::thread reader([&] {
    testing::RunCommand("/usr/bin/python3 " + script + " " + std::to_string(server.port()) + " " + started, &output);
  });
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline && !std::ifstream(started);) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polls for the reader's own signal
  }
  server.Signal(SIGTERM);
  auto signalled = std::chrono::steady_clock::now();
  reader.join();
  EXPECT_GT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(1)) << "it was still streaming";
  EXPECT_EQ(server.Wait(), 0);
  // Every row (each after a line break: the header's, or the row's before) and the last chunk.
  EXPECT_EQ(output, std::to_string(readings) + " True\n") << "the export under way was finished, not cut";
}

}  // namespace
}  // namespace telemetry

// GET /api/v1/readings (export) on both stores: every reading once, in time order, page by page; CSV; and an
// export written back through the batch endpoint is all duplicates.
#include <gtest/gtest.h>

#include "http_client.h"
#include "server_process.h"
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

  std::string cursor, all;
  int pages = 0;
  for (;;) {
    std::string body =
        client_.Get("/api/v1/readings?sensorID=x&limit=120" + (cursor.empty() ? "" : "&cursor=" + cursor)).body;
    ++pages;
    std::string items = body.substr(body.find('[') + 1, body.rfind(']') - body.find('[') - 1);
    if (!items.empty()) all += (all.empty() ? "" : ",") + items;
    std::string next = JsonField(body, "next");
    if (next == "null") break;
    cursor = next.substr(1, next.size() - 2);
    ASSERT_LT(pages, 100);
  }
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
}

TEST_P(ExportTest, BadParametersAre400) {
  for (const char* query : {"", "sensorID=x&limit=0", "sensorID=x&limit=10001", "sensorID=x&cursor=abc",
                            "sensorID=x&format=xml", "sensorID=x&from=2022-01-01&to=2021-01-01", "sensorID=x&page=2"}) {
    testing::HttpResponse response = client_.Get(std::string("/api/v1/readings?") + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

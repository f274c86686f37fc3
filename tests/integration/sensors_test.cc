// GET /api/v1/sensors on both stores: every sensor with a stored reading, its count, first and last time and last
// value, page by page.
#include <gtest/gtest.h>

#include "http_client.h"
#include "server_process.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::JsonField;
using testing::ServerProcess;

class SensorsTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
  ServerProcess server_{backend_.Args()};
  HttpClient client_{server_.port()};
};

TEST_P(SensorsTest, EverySensorPageByPage) {
  EXPECT_EQ(client_.Get("/api/v1/sensors").body, R"({"sensors":[],"next":null})");
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings", R"([
    {"sensorID":"b","temperature":1,"time":"2021-10-04T09:00:00Z"},
    {"sensorID":"a","temperature":2,"time":"2021-10-04T10:00:00Z"},
    {"sensorID":"a","temperature":3,"time":"2021-10-04T08:00:00Z"},
    {"sensorID":"c d","temperature":4.5,"time":"2021-10-05T00:00:00Z"},
    {"sensorID":"b","temperature":5,"time":"2021-10-04T09:00:00Z"}
  ])").status,
            400);  // the last one conflicts, and is not stored
  ASSERT_EQ(client_.Request("POST", "/api/v1/readings", R"([{"sensorID":"a","temperature":2,"time":"2021-10-04T10:00:00Z"}])").status,
            200);  // a duplicate: counted once
  ASSERT_EQ(client_.Put("/api/temperature", R"({"sensorID":"zz","temperature":"hot"})").status, 400);

  std::string first = client_.Get("/api/v1/sensors?limit=2").body;
  EXPECT_EQ(first.substr(0, first.find(R"(],"next")")),
            R"({"sensors":[{"sensorID":"a","count":2,"first":"2021-10-04T08:00:00Z","last":"2021-10-04T10:00:00Z",)"
            R"("lastValue":2},{"sensorID":"b","count":1,"first":"2021-10-04T09:00:00Z",)"
            R"("last":"2021-10-04T09:00:00Z","lastValue":1})");
  std::string cursor = JsonField(first, "next");
  ASSERT_GT(cursor.size(), 2u) << first;
  cursor = cursor.substr(1, cursor.size() - 2);
  EXPECT_EQ(client_.Get("/api/v1/sensors?limit=2&cursor=" + cursor).body,
            R"({"sensors":[{"sensorID":"c d","count":1,"first":"2021-10-05T00:00:00Z","last":"2021-10-05T00:00:00Z",)"
            R"("lastValue":4.5}],"next":null})");
  EXPECT_EQ(JsonField(client_.Get("/api/v1/sensors").body, "next"), "null");
}

TEST_P(SensorsTest, BadParametersAre400) {
  for (const char* query : {"limit=0", "limit=1001", "limit=ten", "cursor=xyz", "cursor=abc", "page=2"}) {
    testing::HttpResponse response = client_.Get(std::string("/api/v1/sensors?") + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SensorsTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

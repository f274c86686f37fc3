// InfluxQL reads (GET|POST /query) against the real binary on both stores: the answers' exact shape over HTTP, and
// real InfluxDB clients from Debian reading what they wrote — the Python influxdb library, whose script checks every
// number against a brute force of the readings it sent, and the influx CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::ServerProcess;

class InfluxQueryTest : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TestBackend backend_{GetParam()};
};

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

HttpResponse QueryOverHttp(HttpClient& client, std::string_view q, const std::string& more = "") {
  return client.Get("/query?db=telemetry&q=" + UrlEncode(q) + more);
}

// Three sensors, two readings each minute, 09:00-09:03 and 11:00 on 2021-10-04 (epoch seconds 1633338000 on).
void WriteSmallFleet(HttpClient& client) {
  std::string lines;
  for (int minute : {0, 1, 2, 3, 120}) {
    for (int second : {10, 40}) {
      for (const char* sensor : {"a", "b", "c"}) {
        lines += std::string("temperature,sensorID=") + sensor + " value=" + std::to_string(minute + second / 10) +
                 " " + std::to_string(1633338000 + minute * 60 + second) + "\n";
      }
    }
  }
  ASSERT_EQ(client.Request("POST", "/write?db=telemetry&precision=s", lines).status, 204);
}

TEST_P(InfluxQueryTest, AnswersAreShapedAsInfluxDbShapesThem) {
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  // An empty store has nothing to show, as an empty InfluxDB database.
  EXPECT_EQ(QueryOverHttp(client, "SHOW MEASUREMENTS").body, "{\"results\":[{\"statement_id\":0}]}\n");
  WriteSmallFleet(client);

  HttpResponse total = QueryOverHttp(client, "SELECT count(value), mean(value), spread(value) FROM temperature");
  EXPECT_EQ(total.status, 200);
  EXPECT_EQ(total.Header("content-type"), "application/json");
  EXPECT_EQ(total.Header("x-influxdb-version"), "1.8.10");
  EXPECT_EQ(total.body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count","mean",)"
            R"("spread"],"values":[["1970-01-01T00:00:00Z",30,27.7,123]]}]}]})"
            "\n");

  // Two-minute buckets from 08:59:30 to 11:00:40 inclusive: 08:58 (counted from 08:59:30 on) and 09:04-10:58 are
  // empty and fill(none) drops them; 11:00 holds the last two readings. Without fill(), an empty bucket's count is
  // 0 and its other values null.
  std::string grouped =
      "SELECT count(value), max(value) FROM temperature WHERE sensorID = 'a' AND time >= '2021-10-04T08:59:30Z' "
      "AND time <= '2021-10-04T11:00:40Z' GROUP BY time(2m) fill(none)";
  EXPECT_EQ(QueryOverHttp(client, grouped, "&epoch=s").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count","max"],)"
            R"("values":[[1633338000,4,5],[1633338120,4,7],[1633345200,2,124]]}]}]})"
            "\n");
  HttpResponse filled = QueryOverHttp(
      client,
      "SELECT count(value), max(value) FROM temperature WHERE sensorID = 'a' AND time >= '2021-10-04T09:00:00Z' "
      "AND time < '2021-10-04T09:08:00Z' GROUP BY time(2m)",
      "&epoch=m");
  EXPECT_EQ(filled.body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count","max"],)"
            R"("values":[[27222300,4,5],[27222302,4,7],[27222304,0,null],[27222306,0,null]]}]}]})"
            "\n");

  // Per sensor, a series each with its tag; SLIMIT and SOFFSET pick among them, in sensorID order.
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT sum(value) FROM temperature GROUP BY sensorID SLIMIT 2 SOFFSET 1").body,
      R"({"results":[{"statement_id":0,"series":[)"
      R"({"name":"temperature","tags":{"sensorID":"b"},"columns":["time","sum"],"values":[["1970-01-01T00:00:00Z",277]]},)"
      R"({"name":"temperature","tags":{"sensorID":"c"},"columns":["time","sum"],"values":[["1970-01-01T00:00:00Z",277]]}]}]})"
      "\n");

  // Under ORDER BY time DESC the last sensor's series comes first; SLIMIT picks them in sensor order before that, as
  // InfluxDB does.
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT sum(value) FROM temperature GROUP BY sensorID ORDER BY time DESC SLIMIT 2").body,
      R"({"results":[{"statement_id":0,"series":[)"
      R"({"name":"temperature","tags":{"sensorID":"b"},"columns":["time","sum"],"values":[["1970-01-01T00:00:00Z",277]]},)"
      R"({"name":"temperature","tags":{"sensorID":"a"},"columns":["time","sum"],"values":[["1970-01-01T00:00:00Z",277]]}]}]})"
      "\n");

  // Raw readings, newest first (of one instant the last sensor first, as InfluxDB orders them), and two statements in
  // one query.
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT * FROM temperature WHERE sensorID =~ /^[bc]$/ ORDER BY time DESC LIMIT 3; "
                          "SHOW TAG VALUES WITH KEY = \"sensorID\" LIMIT 2; SHOW SERIES WHERE sensorID != 'b'")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","sensorID","value"],)"
            R"("values":[["2021-10-04T11:00:40Z","c",124],["2021-10-04T11:00:40Z","b",124],)"
            R"(["2021-10-04T11:00:10Z","c",121]]}]},)"
            R"({"statement_id":1,"series":[{"name":"temperature","columns":["key","value"],)"
            R"("values":[["sensorID","a"],["sensorID","b"]]}]},)"
            R"({"statement_id":2,"series":[{"columns":["key"],"values":[["temperature,sensorID=a"],)"
            R"(["temperature,sensorID=c"]]}]}]})"
            "\n");

  // first() and last() from the readings: alone, dated by the reading; in buckets, by the bucket, across sensors the
  // earliest and latest.
  EXPECT_EQ(QueryOverHttp(client, "SELECT last(value) FROM temperature WHERE sensorID = 'b'").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","last"],)"
            R"("values":[["2021-10-04T11:00:40Z",124]]}]}]})"
            "\n");
  EXPECT_EQ(
      QueryOverHttp(client,
                    "SELECT first(value), last(value), count(value) FROM temperature WHERE "
                    "time >= '2021-10-04T09:01:00Z' AND time < '2021-10-04T09:04:00Z' GROUP BY time(1m)")
          .body,
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","first","last","count"],)"
      R"("values":[["2021-10-04T09:01:00Z",2,5,6],["2021-10-04T09:02:00Z",3,6,6],["2021-10-04T09:03:00Z",4,7,6]]}]}]})"
      "\n");

  // Arithmetic on aggregates (an empty bucket's null, but count's 0, as InfluxDB counts it) and on raw values.
  EXPECT_EQ(
      QueryOverHttp(client,
                    "SELECT sum(value) * 2 AS twice, (max(value) - min(value)) / 2, count(value) * 10 FROM "
                    "temperature WHERE sensorID = 'a' AND time >= '2021-10-04T09:02:00Z' AND "
                    "time < '2021-10-04T09:06:00Z' GROUP BY time(2m)")
          .body,
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","twice","max_min","count"],)"
      R"("values":[["2021-10-04T09:02:00Z",40,2,40],["2021-10-04T09:04:00Z",null,null,0]]}]}]})"
      "\n");
  EXPECT_EQ(QueryOverHttp(client, "SELECT value * 2 - 1 FROM temperature WHERE sensorID = 'a' LIMIT 2").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","value"],)"
            R"("values":[["2021-10-04T09:00:10Z",1],["2021-10-04T09:00:40Z",7]]}]}]})"
            "\n");
  // Transformations of the readings themselves, and of buckets from the one before the range (InfluxDB 1.6's
  // answers): across sensors at one instant, a derivative from its first reading only.
  EXPECT_EQ(QueryOverHttp(client, "SELECT difference(value) FROM temperature WHERE sensorID = 'a' LIMIT 3").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","difference"],)"
            R"("values":[["2021-10-04T09:00:40Z",3],["2021-10-04T09:01:10Z",-2],["2021-10-04T09:01:40Z",3]]}]}]})"
            "\n");
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT derivative(value, 1m) FROM temperature WHERE time >= '2021-10-04T09:03:00Z' AND "
                          "time < '2021-10-04T09:04:00Z'")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","derivative"],)"
            R"("values":[["2021-10-04T09:03:40Z",6]]}]}]})"
            "\n");
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT difference(max(value)) FROM temperature WHERE sensorID = 'a' AND "
                          "time >= '2021-10-04T09:01:30Z' AND time < '2021-10-04T09:04:00Z' GROUP BY time(1m)")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","difference"],)"
            R"("values":[["2021-10-04T09:01:00Z",1],["2021-10-04T09:02:00Z",1],["2021-10-04T09:03:00Z",1]]}]}]})"
            "\n");
  // mode() and count(distinct()) from the readings: of values read once each the smallest, as InfluxDB picks it.
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT mode(value), count(distinct(value)) FROM temperature WHERE sensorID = 'a' AND "
                          "time >= '2021-10-04T09:00:00Z' AND time < '2021-10-04T09:03:00Z' GROUP BY time(1m)")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","mode","count"],)"
            R"("values":[["2021-10-04T09:00:00Z",1,2],["2021-10-04T09:01:00Z",2,2],["2021-10-04T09:02:00Z",3,2]]}]}]})"
            "\n");
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT mode(value), count(distinct(value)) FROM temperature WHERE sensorID = 'a'").body,
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","mode","count"],)"
      R"("values":[["1970-01-01T00:00:00Z",4,9]]}]}]})"
      "\n");
  // distinct(): a row per value, in the order first read, each dated by its bucket.
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT distinct(value) FROM temperature WHERE time >= '2021-10-04T09:00:00Z' AND "
                          "time < '2021-10-04T09:02:00Z' GROUP BY time(1m)")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","distinct"],)"
            R"("values":[["2021-10-04T09:00:00Z",1],["2021-10-04T09:00:00Z",4],["2021-10-04T09:01:00Z",2],)"
            R"(["2021-10-04T09:01:00Z",5]]}]}]})"
            "\n");
  // Math functions, each column named by its own (each answer is InfluxDB 1.6's to the same query), on aggregates
  // and on raw values; one selector in arithmetic still dates its row by its reading.
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT round(mean(value) / 10), abs(min(value) - 100), sqrt(max(value)) FROM temperature "
                          "WHERE sensorID = 'a'")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","round","abs","sqrt"],)"
            R"("values":[["1970-01-01T00:00:00Z",3,99,11.135528725660043]]}]}]})"
            "\n");
  EXPECT_EQ(QueryOverHttp(client, "SELECT max(value) * 2 FROM temperature WHERE sensorID = 'a'").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","max"],)"
            R"("values":[["2021-10-04T11:00:40Z",248]]}]}]})"
            "\n");
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT floor(value / 3), pow(value, 2) FROM temperature WHERE sensorID = 'a' LIMIT 2")
          .body,
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","floor","pow"],)"
      R"("values":[["2021-10-04T09:00:10Z",0,1],["2021-10-04T09:00:40Z",1,16]]}]}]})"
      "\n");

  // Day buckets at Berlin's midnight (22:00 UTC in October), their times written in Berlin's offset, as InfluxDB
  // writes them under tz() (and in epoch= units as ever).
  std::string berlin =
      "SELECT count(value) FROM temperature WHERE time >= '2021-10-03T12:00:00Z' AND time < '2021-10-05T00:00:00Z' "
      "GROUP BY time(1d) fill(none) tz('Europe/Berlin')";
  EXPECT_EQ(QueryOverHttp(client, berlin).body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count"],)"
            R"("values":[["2021-10-04T00:00:00+02:00",30]]}]}]})"
            "\n");
  EXPECT_EQ(QueryOverHttp(client, berlin, "&epoch=s").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count"],)"
            R"("values":[[1633298400,30]]}]}]})"
            "\n");
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT value FROM temperature WHERE sensorID = 'a' LIMIT 1 tz('America/St_Johns')").body,
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","value"],)"
      R"("values":[["2021-10-04T06:30:10-02:30",1]]}]}]})"
      "\n");
}

// A lone selector picks one reading: over the whole range the row is dated by it, and sensorID beside first(),
// last(), min() or max() names its sensor, in buckets too (null in an empty one, carried by fill(previous), the
// number under fill(N), as InfluxDB fills it). Of readings at one instant, first() and last() pick the greater value
// and then the first sensor; max() and min() the earliest reading, then the first sensor. Every answer is InfluxDB
// 1.6's to the same readings but one: between equal values at one instant, last() there names the sensor its storage
// happens to give last ("c" for the first statement; the first sensor in other runs), here always the first.
TEST_P(InfluxQueryTest, ASelectorPicksOneReadingAndNamesItsSensor) {
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  WriteSmallFleet(client);
  ASSERT_EQ(client
                .Request("POST", "/write?db=telemetry&precision=s",
                         "temperature,sensorID=a value=1 1633348800\ntemperature,sensorID=b value=7 1633348800\n"
                         "temperature,sensorID=c value=7 1633348800\n")
                .status,
            204);
  auto values = [&](std::string_view q) {
    std::string body = QueryOverHttp(client, q).body;
    std::size_t start = body.find("\"values\":");
    return start == std::string::npos ? body : body.substr(start);
  };
  EXPECT_EQ(values("SELECT last(value), sensorID FROM temperature"), R"("values":[["2021-10-04T12:00:00Z",7,"b"]]}]}]})"
                                                                     "\n");
  EXPECT_EQ(values("SELECT first(value) AS f, sensorID FROM temperature WHERE time >= '2021-10-04T12:00:00Z'"),
            R"("values":[["2021-10-04T12:00:00Z",7,"b"]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT max(value), sensorID FROM temperature"),
            R"("values":[["2021-10-04T11:00:40Z",124,"a"]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT max(value) FROM temperature WHERE sensorID = 'c'"),
            R"("values":[["2021-10-04T11:00:40Z",124]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT min(value), sensorID FROM temperature WHERE time >= '2021-10-04T09:01:00Z'"),
            R"("values":[["2021-10-04T12:00:00Z",1,"a"]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT max(value), sensorID FROM temperature WHERE time >= '2021-10-04T09:00:00Z' AND "
                   "time < '2021-10-04T09:04:00Z' GROUP BY time(2m)"),
            R"("values":[["2021-10-04T09:00:00Z",5,"a"],["2021-10-04T09:02:00Z",7,"a"]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT last(value), sensorID FROM temperature WHERE time >= '2021-10-04T10:00:00Z' AND "
                   "time < '2021-10-04T13:00:00Z' GROUP BY time(1h) fill(previous)"),
            R"("values":[["2021-10-04T10:00:00Z",null,null],["2021-10-04T11:00:00Z",124,"a"],)"
            R"(["2021-10-04T12:00:00Z",7,"b"]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT min(value), sensorID FROM temperature WHERE time >= '2021-10-04T11:00:00Z' AND "
                   "time < '2021-10-04T14:00:00Z' GROUP BY time(1h) fill(previous)"),
            R"("values":[["2021-10-04T11:00:00Z",121,"a"],["2021-10-04T12:00:00Z",1,"a"],)"
            R"(["2021-10-04T13:00:00Z",1,"a"]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT max(value), sensorID FROM temperature WHERE time >= '2021-10-04T10:00:00Z' AND "
                   "time < '2021-10-04T12:00:00Z' GROUP BY time(1h) fill(0)"),
            R"("values":[["2021-10-04T10:00:00Z",0,0],["2021-10-04T11:00:00Z",124,"a"]]}]}]})"
            "\n");
  HttpResponse refused = QueryOverHttp(client, "SELECT percentile(value, 50), sensorID FROM temperature");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body,
            R"({"error":"error parsing query: percentile() beside sensorID is not supported: GROUP BY sensorID )"
            R"(gives each sensor's"})");
}

// integral(): the area under the readings' line per unit of time (degree-hours for integral(value, 1h)). Every answer
// below is InfluxDB 1.6's to the same readings: trapezoids between consecutive readings; in buckets, a bucket's area
// ends at its end on the line to the next reading, and a bucket without readings has no row when integral() is the
// only function, whatever the fill; across sensors, readings of one instant count once.
TEST_P(InfluxQueryTest, IntegralIsTheAreaUnderTheReadingsAsInfluxDbComputesIt) {
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  WriteSmallFleet(client);
  auto values = [&](std::string_view q) {
    std::string body = QueryOverHttp(client, q).body;
    std::size_t start = body.find("\"columns\":");
    return start == std::string::npos ? body : body.substr(start);
  };
  EXPECT_EQ(values("SELECT integral(value) FROM temperature WHERE sensorID = 'a'"),
            R"("columns":["time","integral"],"values":[["1970-01-01T00:00:00Z",451875]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT integral(value) FROM temperature WHERE time >= '2021-10-04T09:00:00Z' AND "
                   "time < '2021-10-04T09:02:00Z'"),
            R"("columns":["time","integral"],"values":[["1970-01-01T00:00:00Z",270]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT integral(value, 1m) FROM temperature WHERE sensorID = 'a' AND "
                   "time >= '2021-10-04T09:00:00Z' AND time < '2021-10-04T09:04:00Z' GROUP BY time(1m)"),
            R"("columns":["time","integral"],"values":[["2021-10-04T09:00:00Z",2.3611111111111107],)"
            R"(["2021-10-04T09:01:00Z",3.583333333333333],["2021-10-04T09:02:00Z",4.583333333333333],)"
            R"(["2021-10-04T09:03:00Z",3.4722222222222223]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT integral(value, 1m) FROM temperature WHERE sensorID = 'b' AND "
                   "time >= '2021-10-04T09:00:00Z' AND time < '2021-10-04T09:05:00Z' GROUP BY time(90s)"),
            R"("columns":["time","integral"],"values":[["2021-10-04T09:00:00Z",3.75],)"
            R"(["2021-10-04T09:01:30Z",6.777777777777778],["2021-10-04T09:03:00Z",3.4722222222222223]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT integral(value, 1h) FROM temperature WHERE sensorID = 'a' AND "
                   "time >= '2021-10-04T09:00:00Z' AND time < '2021-10-04T12:00:00Z' GROUP BY time(1h) fill(0)"),
            R"("columns":["time","integral"],"values":[["2021-10-04T09:00:00Z",32.683428707677635],)"
            R"(["2021-10-04T11:00:00Z",92.8374046256557]]}]}]})"
            "\n");
  EXPECT_EQ(values("SELECT integral(value, 1h) AS degree_hours, count(value) FROM temperature WHERE sensorID = 'a' "
                   "AND time >= '2021-10-04T09:00:00Z' AND time < '2021-10-04T12:00:00Z' GROUP BY time(1h)"),
            R"("columns":["time","degree_hours","count"],"values":[["2021-10-04T09:00:00Z",32.683428707677635,8],)"
            R"(["2021-10-04T10:00:00Z",null,0],["2021-10-04T11:00:00Z",92.8374046256557,2]]}]}]})"
            "\n");
  HttpResponse refused = QueryOverHttp(client, "SELECT integral(value, 5) FROM temperature");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body,
            R"({"error":"error parsing query: found 5, expected a unit of time such as 1h at line 1, char 24"})");
}

TEST_P(InfluxQueryTest, ParametersComeFromTheUrlOrAFormAndBadOnesAreRefused) {
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  WriteSmallFleet(client);
  // A lone max() is dated by the reading holding it, as InfluxDB dates it.
  std::string expected = R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","max"],)"
                         R"("values":[["2021-10-04T11:00:40Z",124]]}]}]})"
                         "\n";
  std::string q = "SELECT max(value) FROM temperature WHERE sensorID = $s AND time >= $from";
  std::string params = UrlEncode(R"({"s":"c","from":"2021-10-04T09:00:00Z"})");
  EXPECT_EQ(QueryOverHttp(client, q, "&params=" + params).body, expected);
  // As Grafana and the client libraries POST it: a form body (which wins over the URL, as in InfluxDB).
  HttpResponse posted =
      client.Request("POST", "/query?q=SHOW+DATABASES", "db=telemetry&q=" + UrlEncode(q) + "&params=" + params,
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(posted.status, 200);
  EXPECT_EQ(posted.body, expected);

  HttpResponse missing = client.Get("/query?db=telemetry");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, R"({"error":"missing required parameter \"q\""})");
  HttpResponse unsupported = QueryOverHttp(client, "SELECT sample(value, 3) FROM temperature");
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(unsupported.body,
            R"({"error":"error parsing query: function sample() is not supported; telemetryd answers count, sum, )"
            R"(mean, min, max, spread, first, last, median, percentile, stddev, mode, top, bottom, integral and )"
            R"(distinct, and the math functions such as round() and abs() on them at line 1, char 8"})");
  EXPECT_EQ(QueryOverHttp(client, "SELECT value FROM temperature", "&epoch=fortnight").body,
            R"({"error":"invalid epoch; use ns, u, ms, s, m or h"})");
  EXPECT_EQ(
      QueryOverHttp(client, q, "&params=" + UrlEncode("[1]")).body,
      R"({"error":"error parsing query parameters: params must be a JSON object, such as {\"sensor\":\"107\"}"})");
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT count(value) FROM temperature tz('Mars/Olympus')").body,
      R"({"error":"error parsing query: tz: unknown time zone \"Mars/Olympus\"; use an IANA name such as Europe/Berlin"})");
  // A parse error anywhere refuses the whole query: no statement runs.
  EXPECT_EQ(QueryOverHttp(client, "SHOW DATABASES; SELECT").status, 400);
}

TEST_P(InfluxQueryTest, LargeAnswersComeInPartsAndAStatementPastTheLimitsFailsAlone) {
  // 10,001 sensors: one more series than a statement answers. The limit is the API's, the same on either store;
  // DynamoDB Local would take minutes to store that many sensors' aggregates.
  if (GetParam() != "sqlite") GTEST_SKIP() << "the limit is the API layer's; checked on the embedded store";
  std::vector<std::string> args = backend_.Args();
  args.insert(args.end(), {"--max-batch-readings", "20000"});
  ServerProcess server(args);
  HttpClient client(server.port());
  std::string lines;
  for (int i = 0; i <= 10'000; ++i) lines += "temperature,sensorID=s" + std::to_string(i) + " value=1 1633338000\n";
  ASSERT_EQ(client.Request("POST", "/write?db=telemetry&precision=s", lines).status, 204);
  HttpResponse answer = QueryOverHttp(client,
                                      "SELECT count(value) FROM temperature GROUP BY sensorID; "
                                      "SELECT count(value) FROM temperature; "
                                      "SHOW TAG VALUES WITH KEY = sensorID LIMIT 2 OFFSET 1; "
                                      // s1, s10..s19, s100..s199, s1000..s1999 and s10000, found across every page
                                      // of the sensor list: 1,112 series, the first two answered.
                                      "SELECT count(value) FROM temperature WHERE sensorID =~ /^s1/ GROUP BY "
                                      "sensorID SLIMIT 2; "
                                      "SHOW TAG VALUES WITH KEY = sensorID WHERE sensorID =~ /^s999/; "
                                      // 1,112 series of 660 buckets: past the row cap, found before most are made.
                                      "SELECT count(value) FROM temperature WHERE sensorID =~ /^s1/ AND "
                                      "time >= 1633337400s AND time < 1633338060s GROUP BY time(1s), sensorID; "
                                      // Read four sensors at a time, ranked in sensorID order all the same.
                                      "SELECT count(value) FROM temperature WHERE sensorID =~ /^s1/ GROUP BY "
                                      "sensorID SLIMIT 2 SOFFSET 3");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(
      answer.body,
      R"({"results":[{"statement_id":0,"error":"more than 10000 sensors match; narrow the query with a )"
      R"(condition on sensorID"},)"
      R"({"statement_id":1,"series":[{"name":"temperature","columns":["time","count"],)"
      R"("values":[["1970-01-01T00:00:00Z",10001]]}]},)"
      R"({"statement_id":2,"series":[{"name":"temperature","columns":["key","value"],)"
      R"("values":[["sensorID","s1"],["sensorID","s10"]]}]},)"
      R"({"statement_id":3,"series":[)"
      R"({"name":"temperature","tags":{"sensorID":"s1"},"columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1]]},)"
      R"({"name":"temperature","tags":{"sensorID":"s10"},"columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1]]}]},)"
      R"({"statement_id":4,"series":[{"name":"temperature","columns":["key","value"],"values":[["sensorID","s999"],)"
      R"(["sensorID","s9990"],["sensorID","s9991"],["sensorID","s9992"],["sensorID","s9993"],["sensorID","s9994"],)"
      R"(["sensorID","s9995"],["sensorID","s9996"],["sensorID","s9997"],["sensorID","s9998"],["sensorID","s9999"]]}]},)"
      R"({"statement_id":5,"error":"the answer would hold more than 500000 rows; at most 500000 are answered: )"
      R"(narrow the query, use a longer interval or add LIMIT or SLIMIT"},)"
      R"({"statement_id":6,"series":[)"
      R"({"name":"temperature","tags":{"sensorID":"s1000"},"columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1]]},)"
      R"({"name":"temperature","tags":{"sensorID":"s10000"},"columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1]]}]}]})"
      "\n");

  // 10,001 rows in one series, and 1,112 series of 11 rows: each written in parts of at most 10,000 rows (the
  // first ending inside a series both times), which must join into one well-formed answer.
  std::vector<std::string> names;
  for (int i = 0; i <= 10'000; ++i) names.push_back("s" + std::to_string(i));
  std::sort(names.begin(), names.end());  // rows within an instant, and series, come in sensorID order
  std::string all_rows, all_series;
  for (const std::string& name : names) {
    all_rows += std::string(all_rows.empty() ? "" : ",") + R"([1633338000,")" + name + R"(",1])";
    if (!name.starts_with("s1")) continue;
    all_series += std::string(all_series.empty() ? "" : ",") + R"({"name":"temperature","tags":{"sensorID":")" + name +
                  R"("},"columns":["time","count"],"values":[)";
    for (int minute = 10; minute > 0; --minute) all_series += "[" + std::to_string(1633338000 - 60 * minute) + ",0],";
    all_series += "[1633338000,1]]}";
  }
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT sensorID, value FROM temperature; SELECT count(value) FROM temperature WHERE "
                          "sensorID =~ /^s1/ AND time >= 1633337400s AND time < 1633338060s GROUP BY time(1m), *",
                          "&epoch=s")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","sensorID","value"],)"
            R"("values":[)" +
                all_rows + R"(]}]},{"statement_id":1,"series":[)" + all_series + "]}]}\n");
}

// first, last, median, percentile and stddev fold the readings they read into buckets as they come, so a statement
// may read far more of them than an answer holds rows: up to --max-query-readings, past which it fails alone.
TEST_P(InfluxQueryTest, FunctionsOfTheReadingsReadUpToTheConfiguredCap) {
  std::vector<std::string> args = backend_.Args();
  args.insert(args.end(), {"--max-query-readings", "1000"});
  ServerProcess server(args);
  HttpClient client(server.port());
  std::string lines;
  for (int i = 0; i < 1500; ++i) {  // a: 900 readings, b: 600, one a second from 09:00 on 2021-10-04
    lines += std::string("temperature,sensorID=") + (i % 5 < 3 ? "a" : "b") + " value=" + std::to_string(i % 7) + " " +
             std::to_string(1633338000 + i) + "\n";
  }
  ASSERT_EQ(client.Request("POST", "/write?db=telemetry&precision=s", lines).status, 204);
  // a's 900 values in order, for the median and the 90th percentile.
  std::vector<int> values;
  for (int i = 0; i < 1500; ++i) {
    if (i % 5 < 3) values.push_back(i % 7);
  }
  std::sort(values.begin(), values.end());
  ASSERT_EQ(values[449], values[450]);  // the median, an integer
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT count(value), median(value), percentile(value, 90), last(value) FROM temperature "
                          "WHERE sensorID = 'a'; "
                          "SELECT median(value) FROM temperature; "
                          "SELECT count(value), max(value) FROM temperature; "
                          // Reads no reading between the ends: each sensor's latest, its first, and its rollups.
                          "SELECT last(value), count(value), max(value) FROM temperature GROUP BY sensorID",
                          "&epoch=s")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count","median",)"
            R"("percentile","last"],"values":[[0,900,)" +
                std::to_string(values[449]) + "," + std::to_string(values[809]) + "," + std::to_string(1497 % 7) +
                R"(]]}]},)"
                R"({"statement_id":1,"error":"the query reads more than 1000 readings; first(), last(), median(), )"
                R"(percentile(), stddev(), mode(), top(), bottom(), integral() and distinct() read every reading )"
                R"(in the range: narrow the time range or the sensors"},)"
                R"({"statement_id":2,"series":[{"name":"temperature","columns":["time","count","max"],)"
                R"("values":[[0,1500,6]]}]},)"
                R"({"statement_id":3,"series":[)"
                R"({"name":"temperature","tags":{"sensorID":"a"},"columns":["time","last","count","max"],)"
                R"("values":[[0,6,900,6]]},)"
                R"({"name":"temperature","tags":{"sensorID":"b"},"columns":["time","last","count","max"],)"
                R"("values":[[0,1,600,6]]}]}]})"
                "\n");
  // A transformation of the readings reads every one of its range, whatever LIMIT says: the message says so.
  EXPECT_EQ(QueryOverHttp(client, "SELECT difference(value) FROM temperature WHERE value >= 0 LIMIT 1").body,
            R"({"results":[{"statement_id":0,"error":"the query reads more than 1000 readings; transformations of )"
            R"(the readings read every reading in the range: narrow the time range or the sensors"}]})"
            "\n");
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Under a sanitizer the same folding over a tenth (55 s for the full size under ThreadSanitizer); the plain build
// runs the size that passes the row cap.
constexpr int kFoldedReadings = 60'000;
#else
constexpr int kFoldedReadings = 600'000;
#endif

// With the default cap, a statement folds more readings than an answer may hold rows (500,000), in constant memory
// per series: 600,000 readings of one sensor, a day's median, 90th percentile, first, last and count each. And the
// latest few of them (ORDER BY time DESC LIMIT) are read newest first: they failed as a read of every reading before.
TEST_P(InfluxQueryTest, MoreReadingsThanAnAnswerHoldsRowsFoldAndGiveTheirLatestFirst) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "600,000 readings take DynamoDB Local minutes; the folding is the API's";
  std::vector<std::string> args = backend_.Args();
  args.insert(args.end(), {"--max-batch-readings", "200000"});
  ServerProcess server(args);
  HttpClient client(server.port());
  constexpr int kReadings = kFoldedReadings;
  constexpr std::int64_t kStart = 1633305600;  // 2021-10-04T00:00:00Z
  auto value_of = [](int i) { return static_cast<int>(std::int64_t{i} * 7919 % 1000); };  // no int overflow
  for (int batch = 0; batch < kReadings; batch += 200'000) {
    std::string lines;
    for (int i = batch; i < std::min(kReadings, batch + 200'000); ++i) {
      lines += "temperature,sensorID=a value=" + std::to_string(value_of(i)) + " " + std::to_string(kStart + i) + "\n";
    }
    ASSERT_EQ(client.Request("POST", "/write?db=telemetry&precision=s", lines).status, 204);
  }
  std::string expected = R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","count",)"
                         R"("median","percentile","first","last"],"values":[)";
  for (int day = 0; day * 86400 < kReadings; ++day) {
    std::vector<int> values;
    for (int i = day * 86400; i < std::min(kReadings, (day + 1) * 86400); ++i) values.push_back(value_of(i));
    std::vector<int> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    std::size_t n = sorted.size();
    double median = n % 2 ? sorted[n / 2] : sorted[n / 2 - 1] + (sorted[n / 2] - sorted[n / 2 - 1]) / 2.0;
    std::size_t rank = static_cast<std::size_t>(std::floor(static_cast<double>(n) * 90 / 100 + 0.5));
    std::ostringstream row;  // integers print without a fraction, the halves of a median with one
    row << std::setprecision(17) << (day > 0 ? ",[" : "[") << kStart + day * 86400 << "," << n << "," << median << ","
        << sorted[rank - 1] << "," << values.front() << "," << values.back() << "]";
    expected += row.str();
  }
  expected += "]}]}]}\n";
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT count(value), median(value), percentile(value, 90), first(value), last(value) FROM "
                          "temperature WHERE time >= '2021-10-04' AND time < '2021-10-12' GROUP BY time(1d) fill(none)",
                          "&epoch=s")
                .body,
            expected);
  // The i-th reading as a row of the answer, with its sensor when the statement asks for it.
  auto row_of = [&value_of](int i, bool with_sensor) {
    std::string row = "[" + std::to_string(kStart + i) + ",";
    if (with_sensor) row += "\"a\",";
    return row + std::to_string(value_of(i)) + "]";
  };
  std::string latest =
      row_of(kReadings - 1, false) + "," + row_of(kReadings - 2, false) + "," + row_of(kReadings - 3, false);
  EXPECT_EQ(
      QueryOverHttp(client, "SELECT value FROM temperature WHERE sensorID = 'a' ORDER BY time DESC LIMIT 3", "&epoch=s")
          .body,
      R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","value"],"values":[)" +
          latest + "]}]}]}\n");
  // Past a page of the store's (10,000), read newest first page after page.
  EXPECT_EQ(QueryOverHttp(client,
                          "SELECT value FROM temperature WHERE sensorID = 'a' ORDER BY time DESC LIMIT 2 OFFSET 12000",
                          "&epoch=s")
                .body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","value"],"values":[)" +
                row_of(kReadings - 12001, false) + "," + row_of(kReadings - 12002, false) + "]}]}]}\n");
  std::string offset = row_of(kReadings - 2, true) + "," + row_of(kReadings - 3, true);
  EXPECT_EQ(QueryOverHttp(client, "SELECT * FROM temperature ORDER BY time DESC LIMIT 2 OFFSET 1", "&epoch=s").body,
            R"({"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","sensorID","value"],)"
            R"("values":[)" +
                offset + "]}]}]}\n");
}

TEST_P(InfluxQueryTest, ThePythonInfluxdbLibraryReadsWhatItWroteExactly) {
  ServerProcess server(backend_.Args());
  testing::TempDir dir;
  std::string script = dir.path() + "/read.py";
  std::ofstream(script) << R"PY(
import math, random, statistics, sys
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError

client = InfluxDBClient('127.0.0.1', int(sys.argv[1]), database='telemetry')
rng = random.Random(7)
start = 1633338000  # 2021-10-04T09:00:00Z
sensors = ['a', 'b', 'sensor with space']
readings = {}  # (sensor, second) -> value, in halves: every sum is exact
for sensor in sensors:
    for second in rng.sample(range(0, 2 * 86400), 300):
        readings[(sensor, start + second)] = rng.randrange(-80, 120) / 2
points = [{'measurement': 'temperature', 'tags': {'sensorID': s}, 'time': t, 'fields': {'value': v}}
          for (s, t), v in readings.items()]
assert client.write_points(points, time_precision='s', batch_size=500)

def brute(sensor, lo, hi):
    values = [v for (s, t), v in readings.items() if (sensor is None or s == sensor) and lo <= t < hi]
    return values

def stats(values):
    return {'count': len(values), 'sum': sum(values), 'mean': sum(values) / len(values), 'min': min(values),
            'max': max(values), 'spread': max(values) - min(values)}

checked = 0
for interval, lo, hi in [(3600, start + 1234, start + 86400 + 777), (600, start + 30000, start + 40000),
                         (10, start + 5000, start + 6000), (86400, start - 86400, start + 3 * 86400)]:
    q = ('SELECT count(value), sum(value), mean(value), min(value), max(value), spread(value) FROM temperature '
         'WHERE time >= $lo AND time < $hi GROUP BY time(%ds), "sensorID" fill(none)' % interval)
    result = client.query(q, bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s')
    for sensor in sensors:
        got = list(result.get_points(tags={'sensorID': sensor}))
        expected = []
        bucket = lo - lo % interval
        while bucket < hi:
            values = brute(sensor, max(bucket, lo), min(bucket + interval, hi))
            if values:
                row = {'time': bucket}
                row.update(stats(values))
                expected.append(row)
            bucket += interval
        assert got == expected, (interval, sensor, got[:3], expected[:3])
        checked += len(got)

# Arithmetic on the aggregates, as Python does it on the brute force's.
got = list(client.query('SELECT mean(value) * 1.8 + 32, (max(value) - min(value)) / 2 FROM temperature WHERE '
                        "sensorID = 'b' AND time >= $lo AND time < $hi GROUP BY time(1h) fill(none)",
                        bind_params={'lo': start * 10**9, 'hi': (start + 86400) * 10**9}, epoch='s').get_points())
expected = []
for bucket in range(start, start + 86400, 3600):
    values = brute('b', bucket, bucket + 3600)
    if values:
        expected.append({'time': bucket, 'mean': sum(values) / len(values) * 1.8 + 32,
                         'max_min': (max(values) - min(values)) / 2})
assert got == expected and got, (got[:2], expected[:2])

# All sensors in one series, raw readings of one, and fill(previous).
total = list(client.query('SELECT count(value), mean(value), max(value) FROM temperature').get_points())
values = brute(None, -2**62, 2**62)
assert total == [{'time': '1970-01-01T00:00:00Z', 'count': len(values), 'mean': sum(values) / len(values),
                  'max': max(values)}], total
raw = list(client.query("SELECT value FROM temperature WHERE sensorID = 'a' AND time >= %d ORDER BY time DESC LIMIT 5"
                        % ((start + 86400) * 10**9), epoch='s').get_points())
newest = sorted(((t, v) for (s, t), v in readings.items() if s == 'a' and t >= start + 86400), reverse=True)[:5]
assert raw == [{'time': t, 'value': v} for t, v in newest], raw
gaps = list(client.query("SELECT max(value) FROM temperature WHERE sensorID = 'b' AND time >= %d AND time < %d "
                         "GROUP BY time(1m) fill(previous)" % (start * 10**9, (start + 7200) * 10**9),
                         epoch='s').get_points())
assert len(gaps) == 120, len(gaps)
previous = None
for row in gaps:
    values = brute('b', row['time'], row['time'] + 60)
    previous = max(values) if values else previous
    assert row['max'] == previous, (row, previous)
# fill(linear): each empty minute on the line between the filled minutes around it; none before the first or after
# the last; count() stays 0.
lines = list(client.query("SELECT max(value), count(value) FROM temperature WHERE sensorID = 'b' AND time >= %d AND "
                          "time < %d GROUP BY time(1m) fill(linear)" % (start * 10**9, (start + 7200) * 10**9),
                          epoch='s').get_points())
known = [(m, max(brute('b', m, m + 60))) for m in range(start, start + 7200, 60) if brute('b', m, m + 60)]
assert len(lines) == 120 and len(known) >= 2, (len(lines), len(known))
for row in lines:
    values = brute('b', row['time'], row['time'] + 60)
    before = [k for k in known if k[0] <= row['time']]
    after = [k for k in known if k[0] >= row['time']]
    if values:
        expected = max(values)
    elif before and after:
        (t0, a), (t1, b) = before[-1], after[0]
        expected = a + (b - a) * ((row['time'] - t0) / (t1 - t0))
    else:
        expected = None
    assert row == {'time': row['time'], 'max': expected, 'count': len(values)}, (row, expected)

# first() and last(), read from the readings: alone, each sensor's dated by its reading; per 6 hours across sensors
# (sorted by time, then sensor), beside count() from the same readings.
lo, hi = start + 1000, start + 100000
for sensor in sensors:
    points = sorted((t, v) for (s, t), v in readings.items() if s == sensor and lo <= t < hi)
    got = list(client.query('SELECT last(value) FROM temperature WHERE sensorID = $s AND time >= $lo AND time < $hi',
                            bind_params={'s': sensor, 'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
    assert got == [{'time': points[-1][0], 'last': points[-1][1]}], (sensor, got)
# A range open to the present: each sensor's latest reading (from the sensor list), per sensor and across them.
latest = {sensor: max((t, v) for (s, t), v in readings.items() if s == sensor) for sensor in sensors}
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT last(value) FROM temperature WHERE time >= $lo GROUP BY sensorID',
                    bind_params={'lo': lo * 10**9}, epoch='s').items()}
assert got == {s: [{'time': t, 'last': v}] for s, (t, v) in latest.items()}, got
oldest = {sensor: min((t, v) for (s, t), v in readings.items() if s == sensor and t >= lo) for sensor in sensors}
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT first(value), last(value) FROM temperature WHERE time >= $lo GROUP BY sensorID',
                    bind_params={'lo': lo * 10**9}, epoch='s').items()}
assert got == {s: [{'time': lo, 'first': oldest[s][1], 'last': latest[s][1]}] for s in sensors}, got
# Beside rollup aggregates, first() and last() over a range open to the present still read only the ends.
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT last(value), max(value), count(value), mean(value), first(value) FROM temperature WHERE '
                    'time >= $lo GROUP BY sensorID', bind_params={'lo': lo * 10**9}, epoch='s').items()}
wanted = {}
for sensor in sensors:
    values = brute(sensor, lo, 2**62)
    wanted[sensor] = [{'time': lo, 'last': latest[sensor][1], 'max': max(values), 'count': len(values),
                       'mean': sum(values) / len(values), 'first': oldest[sensor][1]}]
assert got == wanted, (got, wanted)
newest = max((t, s, v) for (s, t), v in readings.items())
got = list(client.query("SELECT last(value) FROM temperature WHERE sensorID =~ /./", epoch='s').get_points())
assert got == [{'time': newest[0], 'last': newest[2]}], (got, newest)
every = sorted((t, s, v) for (s, t), v in readings.items() if lo <= t < hi)
# first() and last() as InfluxDB picks them: the earliest, the latest; of readings at one instant the greater value,
# then the first sensor.
def first_of(points):
    return min(points, key=lambda p: (p[0], -p[2], p[1]))
def last_of(points):
    return min(points, key=lambda p: (-p[0], -p[2], p[1]))
got = list(client.query('SELECT first(value), last(value), count(value) FROM temperature WHERE time >= $lo AND '
                        'time < $hi GROUP BY time(6h) fill(none)',
                        bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
expected = []
for bucket in range(lo - lo % 21600, hi, 21600):
    inside = [(t, s, v) for t, s, v in every if bucket <= t < bucket + 21600]
    if inside:
        expected.append({'time': bucket, 'first': first_of(inside)[2], 'last': last_of(inside)[2],
                         'count': len(inside)})
assert got == expected, (got[:2], expected[:2])
checked += len(got)
# Sensors named by a regex are read side by side: their raw readings merged in time order (by sensor within an
# instant), per sensor with LIMIT, and their readings folded into one series for first(), last() and median().
some = ['a', 'sensor with space']
taken = sorted((t, s, v) for (s, t), v in readings.items() if s in some and lo <= t < hi)
got = list(client.query('SELECT value, sensorID FROM temperature WHERE sensorID =~ /^(a|sensor with space)$/ AND '
                        'time >= $lo AND time < $hi', bind_params={'lo': lo * 10**9, 'hi': hi * 10**9},
                        epoch='s').get_points())
assert got == [{'time': t, 'value': v, 'sensorID': s} for t, s, v in taken] and len(got) > 300, (got[:2], len(got))
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT value FROM temperature WHERE sensorID =~ /^(a|sensor with space)$/ AND time >= $lo '
                    'GROUP BY sensorID LIMIT 4', bind_params={'lo': lo * 10**9}, epoch='s').items()}
assert got == {s: [{'time': t, 'value': v} for t, x, v in taken if x == s][:4] for s in some}, got
got = list(client.query('SELECT first(value), last(value), median(value), count(value) FROM temperature WHERE '
                        'sensorID =~ /^(a|sensor with space)$/ AND time >= $lo AND time < $hi GROUP BY time(6h) '
                        'fill(none)', bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
expected = []
for bucket in range(lo - lo % 21600, hi, 21600):
    inside = [(t, s, v) for t, s, v in taken if bucket <= t < bucket + 21600]
    if inside:
        expected.append({'time': bucket, 'first': first_of(inside)[2], 'last': last_of(inside)[2],
                         'median': statistics.median([v for _, _, v in inside]), 'count': len(inside)})
assert got == expected and len(got) > 3, (got[:2], expected[:2])
checked += len(got)
# top() and bottom(): the N greatest or smallest readings (of equal values the earliest, then by sensor), each a row
# dated by its reading, in time order: over every sensor with the sensorID of each, per 6 hours, per sensor.
def ranked(points, n, greatest):
    best = sorted(points, key=lambda p: (-p[2] if greatest else p[2], p[0], p[1]))[:n]
    return sorted(best)
got = list(client.query('SELECT top(value, 5), sensorID FROM temperature WHERE time >= $lo AND time < $hi',
                        bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
assert got == [{'time': t, 'top': v, 'sensorID': s} for t, s, v in ranked(every, 5, True)], got
got = list(client.query('SELECT bottom(value, 3) FROM temperature WHERE time >= $lo AND time < $hi GROUP BY time(6h)',
                        bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
expected = []
for bucket in range(lo - lo % 21600, hi, 21600):
    expected += [{'time': t, 'bottom': v}
                 for t, s, v in ranked([p for p in every if bucket <= p[0] < bucket + 21600], 3, False)]
assert got == expected and len(got) > 10, (got[:3], expected[:3])
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT top(value, 4) FROM temperature WHERE time >= $lo AND time < $hi GROUP BY sensorID',
                    bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').items()}
assert got == {s: [{'time': t, 'top': v} for t, x, v in ranked([p for p in every if p[1] == s], 4, True)]
               for s in sensors}, got
checked += len(expected)
# A lone max() or min(), summed from the rollups, is dated by the reading holding it (of equal values the earliest,
# then by sensor), as InfluxDB dates a lone selector; sensorID beside it, or beside first() or last(), names that
# reading's sensor. Over every sensor, per sensor, and over two sensors named by a regex.
for fn, greatest in (('max', True), ('min', False)):
    t, s, v = ranked(every, 1, greatest)[0]
    got = list(client.query('SELECT %s(value), sensorID FROM temperature WHERE time >= $lo AND time < $hi' % fn,
                            bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
    assert got == [{'time': t, fn: v, 'sensorID': s}], (fn, got)
    got = {series[1]['sensorID']: list(points) for series, points in
           client.query('SELECT %s(value) FROM temperature WHERE time >= $lo AND time < $hi GROUP BY sensorID' % fn,
                        bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').items()}
    assert got == {x: [{'time': t, fn: v} for t, _, v in ranked([p for p in every if p[1] == x], 1, greatest)]
                   for x in sensors}, (fn, got)
    t, s, v = ranked([p for p in every if p[1] in some], 1, greatest)[0]
    got = list(client.query('SELECT %s(value) AS picked, sensorID FROM temperature WHERE '
                            'sensorID =~ /^(a|sensor with space)$/ AND time >= $lo AND time < $hi' % fn,
                            bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
    assert got == [{'time': t, 'picked': v, 'sensorID': s}], (fn, got)
    checked += 3
t, s, v = last_of(every)
got = list(client.query('SELECT last(value), sensorID FROM temperature WHERE time >= $lo AND time < $hi',
                        bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').get_points())
assert got == [{'time': t, 'last': v, 'sensorID': s}], got

# median(), percentile() and stddev(), from the readings: per 3 hours and sensor, against Python's own; percentile as
# InfluxDB picks it (the value of rank round(n × N / 100), none below rank 1); stddev the sample's, to 1e-12.
def percentile(values, n):
    rank = math.floor(len(values) * n / 100 + 0.5)
    return values[rank - 1] if rank >= 1 else None

lo, hi = start + 777, start + 86400
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT median(value), percentile(value, 95), percentile(value, 2.5) AS low, stddev(value), '
                    'percentile(value, 75) - percentile(value, 25) AS iqr FROM temperature '
                    'WHERE time >= $lo AND time < $hi GROUP BY time(3h), sensorID fill(none)',
                    bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').items()}
assert sorted(got) == sensors, got.keys()
for sensor in sensors:
    expected = []
    for bucket in range(start, hi, 10800):
        values = sorted(brute(sensor, max(bucket, lo), bucket + 10800))
        if values:
            expected.append({'time': bucket, 'median': statistics.median(values),
                             'percentile': percentile(values, 95), 'low': percentile(values, 2.5),
                             'stddev': statistics.stdev(values) if len(values) > 1 else None,
                             'iqr': None if len(values) < 2 else percentile(values, 75) - percentile(values, 25)})
    rows = got[sensor]
    assert len(rows) == len(expected) == 8, (sensor, len(rows), len(expected))
    for row, want in zip(rows, expected):
        deviation, wanted = row.pop('stddev'), want.pop('stddev')
        assert row == want, (sensor, row, want)
        assert math.isclose(deviation, wanted, rel_tol=1e-12), (sensor, deviation, wanted)
        checked += 1
# Alone over a range, percentile() is dated by its reading (of equal values, the earliest), as selectors are;
# stddev() of every sensor in one series; a percentile of rank 0 is null.
points = sorted((v, t) for (s, t), v in readings.items() if s == 'a')
def picked(n):
    return points[math.floor(len(points) * n / 100 + 0.5) - 1]
tied = next(n for n in range(1, 101) if sum(1 for v, t in points if v == picked(n)[0]) > 1)
got = list(client.query("SELECT percentile(value, %d) FROM temperature WHERE sensorID = 'a'" % tied,
                        epoch='s').get_points())
value, when = picked(tied)
assert got == [{'time': when, 'percentile': value}], (got, value, when)
every_value = [v for v in readings.values()]
got = list(client.query('SELECT stddev(value), median(value), percentile(value, 0) FROM temperature').get_points())
assert len(got) == 1 and got[0]['time'] == '1970-01-01T00:00:00Z' and got[0]['percentile'] is None, got
assert math.isclose(got[0]['stddev'], statistics.stdev(every_value), rel_tol=1e-12), got
assert got[0]['median'] == statistics.median(every_value), got

# Transformations of hourly means over the non-empty hours: derivative per minute, difference, a moving average of 3,
# the running count; the first rows (without enough earlier values) left out where every column is a transformation.
hours = [(b, brute('a', b, b + 3600)) for b in range(start, start + 2 * 86400, 3600)]
means = [(b, sum(v) / len(v)) for b, v in hours if v]
got = list(client.query("SELECT derivative(mean(value), 1m), difference(mean(value)), moving_average(mean(value), 3), "
                        "cumulative_sum(count(value)) FROM temperature WHERE sensorID = 'a' AND time >= %d AND "
                        "time < %d GROUP BY time(1h) fill(none)" % (start * 10**9, (start + 2 * 86400) * 10**9),
                        epoch='s').get_points())
counts = [len(v) for b, v in hours if v]
expected = []
for i, (t, mean) in enumerate(means):
    row = {'time': t, 'derivative': None, 'difference': None, 'moving_average': None,
           'cumulative_sum': float(sum(counts[:i + 1]))}
    if i > 0:
        row['derivative'] = (mean - means[i - 1][1]) / ((t - means[i - 1][0]) / 60)
        row['difference'] = mean - means[i - 1][1]
    if i >= 2:
        row['moving_average'] = math.fsum(m for _, m in means[i - 2:i + 1]) / 3
    expected.append(row)
assert len(got) == len(expected) and len(got) > 20, (len(got), len(expected))
for row, want in zip(got, expected):
    average, wanted = row.pop('moving_average'), want.pop('moving_average')
    assert row == want, (row, want)
    assert (average is None and wanted is None) or math.isclose(average, wanted, rel_tol=1e-12), (average, wanted)
got = list(client.query("SELECT non_negative_difference(max(value)) FROM temperature WHERE sensorID = 'a' AND "
                        "time >= %d AND time < %d GROUP BY time(1h)" % (start * 10**9, (start + 86400) * 10**9),
                        epoch='s').get_points())
maxima = [(b, max(v)) for b, v in hours[:24] if v]
rises = [{'time': t, 'non_negative_difference': m - maxima[i - 1][1]} for i, (t, m) in enumerate(maxima)
         if i > 0 and m >= maxima[i - 1][1]]
assert got == rises and rises, (got[:3], rises[:3])

# Conditions on the value: aggregates (then from the readings) and raw readings of the readings that pass them.
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT count(value), mean(value), min(value), max(value) FROM temperature WHERE value > 10 AND '
                    'value <= 50 AND time >= $lo AND time < $hi GROUP BY time(1h), sensorID fill(none)',
                    bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').items()}
for sensor in sensors:
    expected = []
    for bucket in range(lo - lo % 3600, hi, 3600):
        values = [v for v in brute(sensor, max(bucket, lo), min(bucket + 3600, hi)) if 10 < v <= 50]
        if values:
            expected.append({'time': bucket, 'count': len(values), 'mean': sum(values) / len(values),
                             'min': min(values), 'max': max(values)})
    assert got[sensor] == expected, (sensor, got[sensor][:2], expected[:2])
    checked += len(expected)
hot = sorted(((t, v) for (s, t), v in readings.items() if s == 'a' and v >= 55), reverse=True)[:3]
got = list(client.query("SELECT value FROM temperature WHERE sensorID = 'a' AND value >= 55 ORDER BY time DESC "
                        "LIMIT 3", epoch='s').get_points())
assert got == [{'time': t, 'value': v} for t, v in hot] and len(hot) == 3, (got, hot)
# Joined by OR: the readings outside a band, per sensor.
got = {series[1]['sensorID']: list(points) for series, points in
       client.query('SELECT count(value), min(value), max(value) FROM temperature WHERE (value < -30 OR value >= 55) '
                    'AND time >= $lo AND time < $hi GROUP BY sensorID',
                    bind_params={'lo': lo * 10**9, 'hi': hi * 10**9}, epoch='s').items()}
for sensor in sensors:
    values = [v for v in brute(sensor, lo, hi) if v < -30 or v >= 55]
    assert values and got[sensor] == [{'time': lo, 'count': len(values), 'min': min(values), 'max': max(values)}], (
        sensor, got[sensor], len(values))
cold = [v for v in readings.values() if v < -30]
got = list(client.query('SELECT count(value), min(value) FROM temperature WHERE value < -30').get_points())
assert got == [{'time': '1970-01-01T00:00:00Z', 'count': len(cold), 'min': min(cold)}], (got, len(cold))

assert client.get_list_measurements() == [{'name': 'temperature'}]
assert [row['value'] for row in client.query('SHOW TAG VALUES WITH KEY = "sensorID"').get_points()] == sensors
assert {'name': 'telemetry'} in client.get_list_database()
try:
    client.query('SELECT sample(value, 3) FROM temperature')
    raise SystemExit('sample() was not refused')
except InfluxDBClientError as error:
    assert 'sample() is not supported' in str(error), error
print('ok', checked)
)PY";
  std::string output;
  // Debian's python3, where python3-influxdb lives.
  int exit_code = testing::RunCommand("/usr/bin/python3 " + script + " " + std::to_string(server.port()), &output);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_EQ(output.substr(0, 3), "ok ") << output;
}

TEST_P(InfluxQueryTest, TheInfluxCliQueries) {
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  WriteSmallFleet(client);
  std::string influx = "influx -host 127.0.0.1 -port " + std::to_string(server.port()) + " -database telemetry ";
  std::string output;
  EXPECT_EQ(testing::RunCommand(influx + "-format csv -execute 'SELECT count(value), min(value) FROM temperature "
                                         "GROUP BY sensorID'",
                                &output),
            0)
      << output;
  // The CLI writes a header before each series.
  EXPECT_EQ(output,
            "name,tags,time,count,min\ntemperature,sensorID=a,0,10,1\n"
            "name,tags,time,count,min\ntemperature,sensorID=b,0,10,1\n"
            "name,tags,time,count,min\ntemperature,sensorID=c,0,10,1\n");
  output.clear();
  EXPECT_EQ(testing::RunCommand(influx + "-format csv -execute 'SHOW FIELD KEYS'", &output), 0) << output;
  EXPECT_EQ(output, "name,fieldKey,fieldType\ntemperature,value,float\n");
  output.clear();
  EXPECT_NE(testing::RunCommand(influx + "-execute 'SELECT sample(value, 3) FROM temperature'", &output), 0);
  EXPECT_NE(output.find("sample() is not supported"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Backends, InfluxQueryTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

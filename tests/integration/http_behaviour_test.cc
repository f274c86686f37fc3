// HTTP that holds up: keep-alive, pipelining, limits, malformed input, and a graceful stop.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::ServerProcess;
using testing::TempDir;

class HttpBehaviourTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{{"--data-dir", dir_.path(), "--max-body-bytes", "4096", "--max-batch-body-bytes", "65536"}};
};

TEST_F(HttpBehaviourTest, KeepsTheConnectionAlive) {
  HttpClient client(server_.port());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(client.Get("/api").status, 200);
}

TEST_F(HttpBehaviourTest, AnswersPipelinedRequestsInOrder) {
  HttpClient client(server_.port());
  std::string body = R"({"sensorID":"p","temperature":"1","time":"2021-10-04 09:00:00"})";
  client.SendRaw("GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n"
                 "PUT /api/temperature HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body +
                 "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /api HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().body, "No data inserted yet!");
  EXPECT_EQ(client.ReadResponse().body, "Ok");
  EXPECT_EQ(client.ReadResponse().status, 404);
  EXPECT_EQ(client.ReadResponse().body, R"({"message":"Hello!"})");
}

TEST_F(HttpBehaviourTest, AnswersExpect100ContinueBeforeTheBody) {
  HttpClient client(server_.port());
  std::string body = R"({"sensorID":"e","temperature":"1","time":"2021-10-04 09:00:00"})";
  client.SendRaw("PUT /api/temperature HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().status, 100);
  client.SendRaw(body);
  HttpResponse response = client.ReadResponse();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "Ok");
}

TEST_F(HttpBehaviourTest, UnknownPathsAndMethodsAreJsonErrors) {
  HttpClient client(server_.port());
  HttpResponse missing = client.Get("/api/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Header("content-type"), "application/json");
  HttpResponse wrong = client.Request("POST", "/api/stats", "{}");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "GET, HEAD, OPTIONS");
  EXPECT_NE(wrong.body.find("method_not_allowed"), std::string::npos);
  HttpResponse head = client.Request("HEAD", "/api");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "20");
  EXPECT_EQ(client.Get("/api").status, 200);  // the HEAD answer carried no body to confuse the next one
}

TEST_F(HttpBehaviourTest, ABodyOverTheLimitIs413) {
  HttpClient client(server_.port());
  std::string big = R"({"sensorID":"1","temperature":"1","pad":")" + std::string(5000, 'x') + "\"}";
  HttpResponse response = client.Put("/api/temperature", big);
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find("body_too_large"), std::string::npos);
  HttpClient other(server_.port());
  EXPECT_EQ(other.Get("/api/stats").body, "No data inserted yet!");
}

// A batch of readings some hundred times a reading's size between the limits: the batch limit applies to batch
// writes alone, whether the body's length is announced or chunked.
TEST_F(HttpBehaviourTest, BatchWritesTakeTheBatchBodyLimitEveryOtherRouteTheRequestLimit) {
  auto batch_of = [](int readings) {
    std::string body = "[";
    for (int i = 0; i < readings; ++i) {
      body += std::string(i ? "," : "") + R"({"sensorID":"b","temperature":1,"time":)" +
              std::to_string(1000000000 + i) + "}";
    }
    return body + "]";
  };
  auto chunked = [](const std::string& method, const std::string& target, const std::string& body) {
    std::string request = method + " " + target +
                          " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 1000) {
      std::string piece = body.substr(at, 1000);
      char size[16];
      std::snprintf(size, sizeof size, "%zx", piece.size());
      request += std::string(size) + "\r\n" + piece + "\r\n";
    }
    return request + "0\r\n\r\n";
  };
  std::string batch = batch_of(200);  // ~10 KB
  ASSERT_GT(batch.size(), 4096u);
  HttpClient client(server_.port());
  EXPECT_EQ(client.Request("POST", "/api/v1/readings", batch).status, 200);
  client.SendRaw(chunked("POST", "/api/v1/readings", batch));
  HttpResponse retried = client.ReadResponse();
  EXPECT_EQ(retried.status, 200);
  EXPECT_NE(retried.body.find(R"("duplicates":200)"), std::string::npos) << retried.body;

  std::string line_protocol;
  for (int i = 0; i < 200; ++i)
    line_protocol += "temperature,sensorID=l value=1 " + std::to_string(1000000000000000000LL + i) + "\n";
  EXPECT_EQ(client.Request("POST", "/write?db=x", line_protocol).status, 204);

  HttpClient over(server_.port());
  HttpResponse too_big = over.Request("POST", "/api/v1/readings", batch_of(1400));  // ~70 KB
  EXPECT_EQ(too_big.status, 413);
  EXPECT_NE(too_big.body.find("65536 bytes"), std::string::npos) << too_big.body;

  // The same 10 KB anywhere else is over the request limit, chunked or not.
  HttpClient put(server_.port());
  HttpResponse put_answer = put.Put("/api/temperature", batch);
  EXPECT_EQ(put_answer.status, 413);
  EXPECT_NE(put_answer.body.find("4096 bytes"), std::string::npos) << put_answer.body;
  HttpClient chunked_put(server_.port());
  chunked_put.SendRaw(chunked("PUT", "/api/temperature", batch));
  EXPECT_EQ(chunked_put.ReadResponse().status, 413);
  HttpClient unknown(server_.port());
  EXPECT_EQ(unknown.Request("POST", "/api/v1/readings/x", batch).status, 413);

  HttpClient stats(server_.port());
  EXPECT_NE(stats.Get("/api/v1/stats").body.find(R"("count":400)"), std::string::npos);
}

// RFC 9112 3.2.2: a server accepts the absolute-form of a target, which clients send through proxies.
TEST_F(HttpBehaviourTest, AnswersTargetsInAbsoluteForm) {
  HttpClient client(server_.port());
  std::string body = R"({"sensorID":"abs","temperature":"3","time":"2021-10-04 09:00:00"})";
  client.SendRaw("PUT HTTP://proxy.example:8080/api/temperature HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(client.ReadResponse().body, "Ok");
  client.SendRaw(
      "GET http://proxy.example/api/v1/stats?sensorID=abs HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET https://proxy.example HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(client.ReadResponse().body.find(R"("count":1,)"), std::string::npos);
  HttpResponse root = client.ReadResponse();
  EXPECT_EQ(root.status, 404);
  EXPECT_NE(root.body.find("no such path: /\""), std::string::npos) << root.body;
}

// RFC 9112 6.1: a transfer coding the server does not undo is a 501, not a body handed on still encoded.
TEST_F(HttpBehaviourTest, ATransferCodingOtherThanChunkedIs501) {
  HttpClient client(server_.port());
  client.SendRaw(
      "POST /api/v1/readings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "5\r\nxxxxx\r\n0\r\n\r\n");
  HttpResponse response = client.ReadResponse();
  EXPECT_EQ(response.status, 501);
  EXPECT_NE(response.body.find("Transfer-Encoding gzip is not supported"), std::string::npos) << response.body;
  EXPECT_TRUE(client.ServerClosed(5000));
  HttpClient chunked(server_.port());
  std::string body = R"({"sensorID":"te","temperature":"1","time":"2021-10-04 09:00:00"})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  chunked.SendRaw("PUT /api/temperature HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n" + std::string(size) +
                  "\r\n" + body + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.ReadResponse().body, "Ok");
}

TEST_F(HttpBehaviourTest, HeadersOverTheLimitAre431) {
  HttpClient client(server_.port());
  client.SendRaw("GET /api HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'y') + "\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().status, 431);
}

TEST_F(HttpBehaviourTest, AMalformedRequestGets400AndOthersAreStillServed) {
  HttpClient bad(server_.port());
  HttpClient good(server_.port());
  bad.SendRaw("THIS IS NOT HTTP\r\n\r\n");
  HttpResponse response = bad.ReadResponse();
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("malformed"), std::string::npos);
  EXPECT_TRUE(bad.ServerClosed(5000));
  EXPECT_EQ(good.Get("/api").status, 200);
  HttpClient bad_length(server_.port());
  bad_length.SendRaw("PUT /api/temperature HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  EXPECT_EQ(bad_length.ReadResponse().status, 400);
  EXPECT_EQ(good.Get("/api").status, 200);
}

TEST_F(HttpBehaviourTest, AnHttp11RequestWithoutOneHostIs400) {
  HttpClient missing(server_.port());
  missing.SendRaw(
      "PUT /api/temperature HTTP/1.1\r\nContent-Length: 37\r\n\r\n{\"sensorID\":\"nohost\",\"temperature\":1}");
  HttpResponse response = missing.ReadResponse();
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find(R"("code":"bad_host")"), std::string::npos) << response.body;
  EXPECT_TRUE(missing.ServerClosed(5000));
  HttpClient twice(server_.port());
  twice.SendRaw("GET /api HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  response = twice.ReadResponse();
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("not 2"), std::string::npos) << response.body;
  // HTTP/1.0 has no Host to require; nothing of the refused PUT was stored.
  HttpClient old(server_.port());
  old.SendRaw("GET /api/v1/stats?sensorID=nohost HTTP/1.0\r\n\r\n");
  response = old.ReadResponse();
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find(R"("count":0)"), std::string::npos) << response.body;
}

TEST_F(HttpBehaviourTest, HealthEndpointsAnswerWhileServing) {
  HttpClient client(server_.port());
  EXPECT_EQ(client.Get("/healthz").status, 200);
  EXPECT_EQ(client.Get("/readyz").status, 200);
}

TEST_F(HttpBehaviourTest, AnHttp10RequestIsAnsweredAndClosed) {
  HttpClient client(server_.port());
  client.SendRaw("GET /api HTTP/1.0\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().status, 200);
  EXPECT_TRUE(client.ServerClosed(5000));
}

TEST(Timeouts, ATrickledRequestIsCutOffAtTheRequestTimeout) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--request-timeout", "1", "--idle-timeout", "30"});
  HttpClient slow(server.port());
  slow.SendRaw("GET /api HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(slow.ServerClosed(10000));
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));  // the idle timeout (30 s) did not apply
  HttpClient other(server.port());
  EXPECT_EQ(other.Get("/api").status, 200);
}

TEST(Timeouts, AnIdleKeepAliveConnectionIsClosedAtTheIdleTimeout) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--idle-timeout", "1"});
  HttpClient idle(server.port());
  EXPECT_EQ(idle.Get("/api").status, 200);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.ServerClosed(10000));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
}

TEST(GracefulStop, ReadinessFailsFirstThenTheServerFinishesAndExitsZero) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--drain-seconds", "2"});
  HttpClient client(server.port());
  ASSERT_EQ(client.Put("/api/temperature", R"({"sensorID":"1","temperature":"1","time":"2021-10-04 09:00:00"})").status,
            200);
  server.Signal(SIGTERM);
  // Readiness turns 503 at once while the rest of the API keeps serving during the drain delay.
  int readiness = 200;
  for (int attempt = 0; attempt < 1000 && readiness == 200; ++attempt) readiness = client.Get("/readyz").status;
  EXPECT_EQ(readiness, 503);
  EXPECT_EQ(client.Get("/api").status, 200);
  EXPECT_EQ(client.Get("/healthz").status, 200);
  EXPECT_EQ(client.Put("/api/temperature", R"({"sensorID":"1","temperature":"2","time":"2021-10-04 09:00:01"})").status,
            200);
  EXPECT_EQ(server.Wait(15000), 0) << server.Stderr();

  ServerProcess again({"--data-dir", dir.path()});
  HttpClient after(again.port());
  EXPECT_EQ(after.Get("/api/v1/stats").body, R"({"count":2,"sum":3,"mean":1.5,"min":1,"max":2})");
}

TEST(GracefulStop, SigintStopsPromptlyWithIdleConnectionsOpen) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path()});
  HttpClient idle(server.port());
  EXPECT_EQ(idle.Get("/api").status, 200);
  server.Signal(SIGINT);
  EXPECT_EQ(server.Wait(5000), 0) << server.Stderr();
  EXPECT_TRUE(idle.ServerClosed(5000));
}

}  // namespace
}  // namespace telemetry

// Abuse limits against the real binary with real sockets: the connection cap, rate limits per client and per
// token (429 with Retry-After), slow clients cut off without holding the only I/O thread, overload answered with
// 503 rather than queued, and memory that stays bounded under a flood of connections.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::HttpResponse;
using testing::ServerProcess;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr const char* kAdminToken = "limits-test-admin-token-0123456789abcdef0123";

// Whether a new connection is served (bounded: 5 s), once clients past a cap have gone.
bool ServedAgain(std::uint16_t port) {
  for (auto deadline = Clock::now() + std::chrono::seconds(5); Clock::now() < deadline;) {
    try {
      HttpClient again(port);
      if (again.Get("/api").status == 200) return true;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return false;
}

TEST(LimitsTest, ConnectionsPastTheCapGet503AndAreClosed) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--max-connections", "20"});
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(std::make_unique<HttpClient>(server.port()));
    ASSERT_EQ(held.back()->Get("/api").status, 200);  // accepted and counted
  }
  HttpClient refused(server.port());
  HttpResponse busy = refused.ReadResponse();
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.Header("retry-after"), "1");
  EXPECT_NE(busy.body.find("too many connections"), std::string::npos) << busy.body;
  EXPECT_TRUE(refused.ServerClosed(2000));

  // Room again once clients leave.
  held.resize(10);
  EXPECT_TRUE(ServedAgain(server.port()));
}

TEST(LimitsTest, ClientsOverTheirRateGet429ButHealthChecksDoNot) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--client-rate", "0.5", "--client-burst", "5"});
  HttpClient client(server.port());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(client.Get("/api/stats").status, 200) << i;
  HttpResponse limited = client.Get("/api/stats");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("retry-after"), "2");  // one request every 2 s
  EXPECT_NE(limited.body.find(R"("code":"too_many_requests")"), std::string::npos) << limited.body;
  EXPECT_EQ(client.Request("POST", "/write?db=x", "temperature,sensorID=1 value=1").body,
            R"({"error":"too many requests from this client; retry later"})");
  EXPECT_EQ(client.Get("/api").status, 200);
  EXPECT_EQ(client.Get("/healthz").status, 200);
  // Without --trust-proxy, X-Forwarded-For is the client's to forge: it changes nothing.
  EXPECT_EQ(client.Request("GET", "/api/stats", "", {{"X-Forwarded-For", "10.9.9.9"}}).status, 429);
}

TEST(LimitsTest, BehindATrustedProxyEachForwardedClientHasItsOwnBucket) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--client-rate", "0.5", "--client-burst", "2", "--trust-proxy"});
  HttpClient client(server.port());  // one connection: the load balancer's
  auto as = [&](const std::string& forwarded) {
    return client.Request("GET", "/api/stats", "", {{"X-Forwarded-For", forwarded}}).status;
  };
  EXPECT_EQ(as("10.0.0.1"), 200);
  EXPECT_EQ(as("10.0.0.1"), 200);
  EXPECT_EQ(as("10.0.0.1"), 429);
  EXPECT_EQ(as("10.0.0.2"), 200);
  // The proxy appends the address it saw; what the client wrote before it does not pick the bucket.
  EXPECT_EQ(as("1.2.3.4, 10.0.0.1"), 429);
}

TEST(LimitsTest, TokensOverTheirRateGet429) {
  TempDir dir;
  std::ofstream(dir.path() + "/admin") << kAdminToken;
  ServerProcess server({"--data-dir", dir.path() + "/data", "--auth", "token", "--admin-token-file",
                        dir.path() + "/admin", "--token-rate", "0.2", "--token-burst", "3"});
  HttpClient client(server.port());
  HttpResponse made = client.Request("POST", "/api/v1/tokens", R"({"role":"device","sensors":["7"]})",
                                     {{"Authorization", std::string("Bearer ") + kAdminToken}});
  ASSERT_EQ(made.status, 201) << made.body;
  std::string device = testing::JsonField(made.body, "token");
  device = device.substr(1, device.size() - 2);
  for (int i = 0; i < 2; ++i) {  // the admin's token spent one of its own 3; the device's bucket is its own
    EXPECT_EQ(client.Request("POST", "/api/v2/write?bucket=b", "temperature,sensorID=7 value=1 " + std::to_string(i),
                             {{"Authorization", "Token " + device}})
                  .status,
              204);
  }
  EXPECT_EQ(client.Request("POST", "/api/v2/write?bucket=b", "temperature,sensorID=7 value=1 2",
                           {{"Authorization", "Token " + device}})
                .status,
            204);
  HttpResponse limited = client.Request("POST", "/api/v2/write?bucket=b", "temperature,sensorID=7 value=1 3",
                                        {{"Authorization", "Token " + device}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("retry-after"), "5");
  EXPECT_EQ(testing::JsonField(limited.body, "code"), R"("too many requests")") << limited.body;
  EXPECT_EQ(client.Request("GET", "/api/v1/stats", "", {{"Authorization", std::string("Bearer ") + kAdminToken}})
                .status,
            200);
}

// One I/O thread: a slow client must not hold it, and must be cut off by --request-timeout.
TEST(LimitsTest, SlowClientsAreCutOffWithoutHoldingTheIoThread) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--threads", "1", "--request-timeout", "1"});
  std::vector<std::unique_ptr<HttpClient>> trickling;
  for (int i = 0; i < 50; ++i) {
    trickling.push_back(std::make_unique<HttpClient>(server.port()));
    trickling.back()->SendRaw(i % 2 ? "GET /api HTTP/1.1\r\nHost: x\r\nX-Slow: " :  // headers trickled
                                   "PUT /api/temperature HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 100\r\n\r\n{\"sensorID\":");  // body trickled
  }
  auto start = Clock::now();
  HttpClient normal(server.port());
  int served = 0;
  while (Clock::now() - start < std::chrono::milliseconds(1500)) {
    for (auto& slow : trickling) {
      try {
        slow->SendRaw("a");
      } catch (const std::exception&) {
      }
    }
    ASSERT_EQ(normal.Get("/api").status, 200);  // answered while 50 connections trickle
    ++served;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(served, 10);
  for (auto& slow : trickling) EXPECT_TRUE(slow->ServerClosed(3000)) << "a trickling client is cut off";
  EXPECT_EQ(normal.Get("/api/stats").body, "No data inserted yet!");
}

TEST(LimitsTest, PastTheInflightCapRequestsGet503NotAQueue) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--max-inflight", "1"});
  HttpClient client(server.port());
  // Sixteen PUTs pipelined on one connection: each waits for its fsync, so the ones read meanwhile find the cap
  // taken.
  std::string pipelined;
  for (int i = 0; i < 16; ++i) {
    std::string body = R"({"sensorID":"p","temperature":)" + std::to_string(i) + R"(,"time":)" + std::to_string(i) + "}";
    pipelined += "PUT /api/temperature HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  client.SendRaw(pipelined);
  int stored = 0, refused = 0;
  for (int i = 0; i < 16; ++i) {
    HttpResponse response = client.ReadResponse();
    if (response.status == 200) ++stored;
    if (response.status == 503) {
      ++refused;
      EXPECT_EQ(response.Header("retry-after"), "1");
    }
  }
  EXPECT_EQ(stored + refused, 16);
  EXPECT_GE(stored, 1);
  EXPECT_GE(refused, 1);
  // What was refused was not stored; what was answered 200 was.
  EXPECT_EQ(testing::JsonField(client.Get("/api/v1/stats").body, "count"), std::to_string(stored));
  EXPECT_EQ(client.Get("/api").status, 200);
}

TEST(LimitsTest, AFloodOfConnectionsKeepsMemoryBounded) {
  TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--max-connections", "1000"});
  {
    HttpClient warm(server.port());
    ASSERT_EQ(warm.Get("/api").status, 200);
  }
  std::int64_t before = server.StatusKiB("VmRSS");
  ASSERT_GT(before, 0);
  std::vector<std::unique_ptr<HttpClient>> flood;
  for (int i = 0; i < 1500; ++i) {
    flood.push_back(std::make_unique<HttpClient>(server.port()));
    flood.back()->SendRaw("GET /api HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(8000, 'x'));  // never ends
  }
  HttpClient probe(server.port());
  HttpResponse answer = probe.ReadResponse();  // past the cap: answered at once
  EXPECT_EQ(answer.status, 503);
  std::int64_t during = server.StatusKiB("VmRSS");
  // 1000 open connections, each with 8 KB of header read: about 14 MiB more than idle in a plain build; the bound
  // leaves room for the sanitizers' shadow memory (ThreadSanitizer: 80 MiB). Unbounded would be gigabytes.
  EXPECT_LT(during - before, 128 * 1024) << before << " KiB before, " << during << " KiB during";
  flood.clear();
  EXPECT_TRUE(ServedAgain(server.port()));
}

}  // namespace
}  // namespace telemetry

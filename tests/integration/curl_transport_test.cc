// CurlTransport against a real HTTP server on loopback (telemetryd's own): how many connections a burst of calls
// opens, and whether they stay open for the next burst.
#include "aws/curl_transport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "http/server.h"

namespace telemetry::aws {
namespace {

constexpr std::size_t kPoolSize = 64;  // CurlTransport's connections

// 200 calls at once against a server that holds its answers until the pool's worth of calls are waiting: never more
// than the pool's connections open, every call answered, and the connections still open after the burst, so the
// next burst needs no new ones (with libcurl's default, a burst opened a connection per call and closed most of
// them as it ended: a handshake per call, and overflowing accept queues).
TEST(CurlTransport, ABurstSharesAFixedPoolOfConnectionsKeptOpenAfterwards) {
  constexpr int kCalls = 200;
  std::mutex mu;
  std::condition_variable changed;
  std::vector<http::Responder> held;
  bool holding = true;
  std::size_t most_open = 0;
  int answered = 0, ok = 0;
  std::unique_ptr<http::Server> server;
  http::Router router;
  router.Add("POST", "/", [&](http::Request&&, http::Responder respond) {
    std::unique_lock lock(mu);
    most_open = std::max(most_open, server->open_connections());
    if (holding) {
      held.push_back(std::move(respond));
      changed.notify_all();
      return;
    }
    lock.unlock();
    respond(http::Response{200, "text/plain", "ok", {}, nullptr});
  });
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  server = std::make_unique<http::Server>(options, router);
  server->Start();
  std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + "/";

  CurlTransport transport;
  auto burst = [&] {
    for (int i = 0; i < kCalls; ++i) {
      transport.Send(HttpCall{"POST", url, {}, "x"}, [&](HttpResult result) {
        std::lock_guard lock(mu);
        ++answered;
        ok += result.status == 200 ? 1 : 0;
        changed.notify_all();
      });
    }
  };
  burst();
  std::vector<http::Responder> releasing;
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return held.size() >= kPoolSize; }));
    holding = false;
    releasing.swap(held);
  }
  for (http::Responder& respond : releasing) respond(http::Response{200, "text/plain", "ok", {}, nullptr});
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return answered == kCalls; }));
    EXPECT_EQ(ok, kCalls);
    EXPECT_EQ(releasing.size(), kPoolSize);  // the rest waited in the transport for a connection
    EXPECT_LE(most_open, kPoolSize);
  }
  EXPECT_EQ(server->open_connections(), kPoolSize);  // kept open for the next burst

  burst();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return answered == 2 * kCalls; }));
    EXPECT_EQ(ok, 2 * kCalls);
    EXPECT_LE(most_open, kPoolSize);
  }
  EXPECT_EQ(server->open_connections(), kPoolSize);
  server->Stop(std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace telemetry::aws

// A fault-injecting HTTP proxy between telemetryd and DynamoDB Local, on a free loopback port. DynamoDB Local never
// throttles and never fails, so this is how the tests make it: each request is, at the configured odds, answered
// with a throttling error or a 500 without reaching DynamoDB Local, or forwarded and its answer dropped (the
// connection closes: the request took effect, but the caller cannot know).
//
//   FaultProxy proxy(SharedDynamoDbLocal().port());
//   proxy.SetFaults({.throttle = 0.2, .server_error = 0.1, .lost_answer = 0.1});
//   ServerProcess server({..., "--dynamodb-endpoint", proxy.endpoint()});
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace telemetry::testing {

struct Faults {
  double throttle = 0;      // answered 400 ProvisionedThroughputExceededException, not forwarded
  double server_error = 0;  // answered 500 InternalServerError, not forwarded
  double lost_answer = 0;   // forwarded, then the connection closes without an answer
};

class FaultProxy {
 public:
  explicit FaultProxy(std::uint16_t upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void SetFaults(Faults faults);

  // Requests received, and of those answered with an injected fault.
  int requests() const { return requests_; }
  int faults_injected() const { return faults_injected_; }

 private:
  void AcceptLoop();
  void Serve(int client);

  std::uint16_t upstream_port_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0}, faults_injected_{0};
  std::mutex mu_;
  Faults faults_;                 // GUARDED_BY(mu_)
  std::vector<int> clients_;      // GUARDED_BY(mu_): open client sockets, shut down on destruction
  std::vector<std::thread> serving_;  // GUARDED_BY(mu_)
  std::thread acceptor_;
};

}  // namespace telemetry::testing

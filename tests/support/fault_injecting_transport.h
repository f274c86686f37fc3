// An HttpTransport in front of a real one that fails chosen calls. DynamoDB Local never throttles, never fails with
// a 5xx and never loses an answer; this small honest fake makes those happen on demand, while every call that goes
// through reaches the real DynamoDB Local.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>
#include <string>

#include "aws/http_transport.h"

namespace telemetry::testing {

class FaultInjectingTransport final : public aws::HttpTransport {
 public:
  enum class Fault {
    kNone,
    kThrottle,      // answered here: 400 ProvisionedThroughputExceededException
    kServerError,   // answered here: 500 InternalServerError
    kNetworkError,  // answered here: no response
    kLoseAnswer,    // sent to the real server, which applies it; its answer is lost (a timeout, as seen by the caller)
  };

  explicit FaultInjectingTransport(aws::HttpTransport& real) : real_(real) {}

  // Faults for the next calls, in order; calls past the script go through untouched.
  void Script(std::deque<Fault> faults) {
    std::lock_guard lock(mu_);
    script_ = std::move(faults);
  }
  int calls() const { return calls_.load(); }

  void Send(aws::HttpCall call, std::function<void(aws::HttpResult)> done) override {
    ++calls_;
    Fault fault = Fault::kNone;
    {
      std::lock_guard lock(mu_);
      if (!script_.empty()) {
        fault = script_.front();
        script_.pop_front();
      }
    }
    switch (fault) {
      case Fault::kNone:
        return real_.Send(std::move(call), std::move(done));
      case Fault::kThrottle:
        return done(aws::HttpResult{400,
                                    R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",)"
                                    R"("message":"Rate of requests exceeds the allowed throughput."})",
                                    ""});
      case Fault::kServerError:
        return done(aws::HttpResult{500, R"({"__type":"com.amazon.coral.service#InternalServerError"})", ""});
      case Fault::kNetworkError:
        return done(aws::HttpResult{0, "", "injected: connection reset"});
      case Fault::kLoseAnswer:
        return real_.Send(std::move(call), [done = std::move(done)](aws::HttpResult) {
          done(aws::HttpResult{0, "", "injected: the answer was lost"});
        });
    }
  }

 private:
  aws::HttpTransport& real_;
  std::mutex mu_;
  std::deque<Fault> script_;  // GUARDED_BY(mu_)
  std::atomic<int> calls_{0};
};

}  // namespace telemetry::testing

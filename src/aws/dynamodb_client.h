// A DynamoDB client for the JSON protocol (POST / with X-Amz-Target), signed with SigV4, over an HttpTransport.
//
// Retries, with capped exponential backoff and full jitter, whatever DynamoDB says to retry: throttling
// (ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded), server errors (5xx,
// InternalServerError, ServiceUnavailable), TransactionConflictException, TransactionInProgressException and
// network failures. A retry resends the same body (so a ClientRequestToken stays the same) under a fresh
// signature. Everything else, and a retryable error past the retry budget, goes back to the caller.
//
//   client.Call("DescribeTable", R"({"TableName":"readings"})", [](DynamoDbResponse r) { ... });
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <functional>
#include <random>
#include <string>

#include "aws/credentials_provider.h"
#include "aws/delay_queue.h"
#include "aws/http_transport.h"
#include "core/clock.h"

namespace telemetry::aws {

struct DynamoDbClientOptions {
  std::string region = "us-east-1";
  // Where requests go; empty: https://dynamodb.<region>.amazonaws.com
  std::string endpoint;
  // Attempts per call, the first included.
  int max_attempts = 10;
  // Backoff before retry n (n = 1, 2, ...): a random delay in [0, min(max_backoff, base_backoff * 2^(n-1))].
  std::chrono::milliseconds base_backoff{25};
  std::chrono::milliseconds max_backoff{2000};
  // One attempt's limit, connecting included.
  std::chrono::milliseconds attempt_timeout{10000};
};

struct DynamoDbResponse {
  int http_status = 0;          // 0 when no answer arrived (see transport_error)
  std::string body;             // DynamoDB's JSON answer, errors included
  std::string error_type;       // e.g. "ConditionalCheckFailedException"; empty on success
  std::string error_message;    // DynamoDB's message, or the transport's
  int attempts = 0;

  bool ok() const { return http_status == 200; }
  // A throttling error: the caller may answer 503 with Retry-After.
  bool throttled() const;
};

// Fills error_type and error_message from an error answer. DynamoDB names the error in "__type" after '#'
// ("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"); DynamoDB Local says "Message" where AWS says
// "message". Pure; exposed for tests.
void ParseDynamoDbError(DynamoDbResponse& response);

// Whether DynamoDB asks to retry this answer. Pure.
bool IsRetryable(const DynamoDbResponse& response);

// The backoff before retry `retry` (1-based), given a uniform random number in [0, 1). Pure.
std::chrono::milliseconds BackoffDelay(const DynamoDbClientOptions& options, int retry, double uniform);

class DynamoDbClient {
 public:
  // REQUIRES: transport and credentials outlive the client.
  DynamoDbClient(HttpTransport& transport, CredentialsProvider& credentials, DynamoDbClientOptions options,
                 Clock clock = SystemNow);
  // Retries no more and waits for the calls under way to finish (at most one attempt_timeout).
  ~DynamoDbClient();

  // Calls `operation` (e.g. "PutItem") with the JSON `body`; `done` runs once with the final answer, on a
  // transport or retry thread. Thread-safe.
  void Call(std::string operation, std::string body, std::function<void(DynamoDbResponse)> done);
  // Call() that waits for the answer. Blocks: for start-up and the stores' own threads, never an I/O thread.
  DynamoDbResponse CallAndWait(std::string operation, std::string body);

  const std::string& endpoint() const { return endpoint_; }

  // HTTP requests sent to DynamoDB so far, retries included; and of those, the retries.
  std::uint64_t requests_sent() const { return requests_sent_.load(std::memory_order_relaxed); }
  std::uint64_t retries_sent() const { return retries_sent_.load(std::memory_order_relaxed); }
  // Answers that said DynamoDB was throttling (each attempt counts).
  std::uint64_t throttles() const { return throttles_.load(std::memory_order_relaxed); }

 private:
  struct Attempt;
  void Send(std::shared_ptr<Attempt> attempt);
  void OnAnswer(std::shared_ptr<Attempt> attempt, HttpResult result);
  void Finish(Attempt& attempt, DynamoDbResponse response);
  bool closing();

  HttpTransport& transport_;
  CredentialsProvider& credentials_;
  const DynamoDbClientOptions options_;
  const Clock clock_;
  const std::string endpoint_;
  const std::string host_;

  std::mutex mu_;
  std::condition_variable idle_;
  int calls_under_way_ = 0;  // GUARDED_BY(mu_)
  bool closing_ = false;     // GUARDED_BY(mu_)
  DelayQueue retries_;
  std::atomic<std::uint64_t> requests_sent_{0}, retries_sent_{0}, throttles_{0};
};

}  // namespace telemetry::aws

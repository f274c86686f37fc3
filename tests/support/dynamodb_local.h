// AWS's DynamoDB Local, the real DynamoDB implementation that AWS ships for development, started once per test
// binary on a free loopback port (scripts/fetch_dynamodb_local.sh puts it in .cache/dynamodb-local).
//
//   DynamoDbLocal& dynamodb = SharedDynamoDbLocal();
//   dynamodb.endpoint()  // "http://127.0.0.1:41234"
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace telemetry::testing {

class DynamoDbLocal {
 public:
  // Starts it in memory and waits until it accepts connections. Throws std::runtime_error when it cannot.
  DynamoDbLocal();
  ~DynamoDbLocal();
  DynamoDbLocal(const DynamoDbLocal&) = delete;
  DynamoDbLocal& operator=(const DynamoDbLocal&) = delete;

  std::uint16_t port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// One instance for the whole test binary, started on first use (it takes seconds to start).
DynamoDbLocal& SharedDynamoDbLocal();

}  // namespace telemetry::testing

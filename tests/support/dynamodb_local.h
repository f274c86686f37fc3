// AWS's DynamoDB Local, the real DynamoDB implementation that AWS ships for development, on a free loopback port
// (scripts/fetch_dynamodb_local.sh puts it in .cache/dynamodb-local). Under ctest one instance serves the whole run
// (tests/support/dynamodb_local_fixture.sh, named by TELEMETRY_DYNAMODB_LOCAL_STATE); a test binary run by hand
// starts its own.
//
//   DynamoDbLocal& dynamodb = SharedDynamoDbLocal();
//   dynamodb.endpoint()  // "http://127.0.0.1:41234"
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "temp_dir.h"

namespace telemetry::testing {

class DynamoDbLocal {
 public:
  // Starts one of its own in memory (tests/support/dynamodb_local_fixture.sh) and waits until it accepts
  // connections; stops it when destroyed. Throws std::runtime_error when it cannot.
  DynamoDbLocal();
  // One already running on `port`, started by someone else (the fixture), who also stops it.
  explicit DynamoDbLocal(std::uint16_t port) : port_(port) {}
  ~DynamoDbLocal();
  DynamoDbLocal(const DynamoDbLocal&) = delete;
  DynamoDbLocal& operator=(const DynamoDbLocal&) = delete;

  std::uint16_t port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string State() const { return own_->path() + "/state"; }

  std::unique_ptr<TempDir> own_;  // holds the state file of one this object started; empty for the fixture's
  std::uint16_t port_ = 0;
};

// One instance for the whole test binary: the fixture's when the environment names one, otherwise started on first
// use (it takes seconds to start).
DynamoDbLocal& SharedDynamoDbLocal();

// A table name no other test of the run uses: tables outlive the test process in a shared DynamoDB Local, and
// process ids come round again within a run.
std::string UniqueTableName(std::string_view prefix);

}  // namespace telemetry::testing

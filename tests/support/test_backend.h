// Where a telemetryd under test keeps its readings, so that one integration suite runs against both stores:
// "sqlite" (a fresh data directory) or "dynamodb" (a fresh table in AWS's DynamoDB Local).
//
//   TestBackend backend(GetParam());
//   ServerProcess server(backend.Args());
#pragma once

#include <string>
#include <vector>

#include "temp_dir.h"

namespace telemetry::testing {

class TestBackend {
 public:
  explicit TestBackend(std::string kind);

  // telemetryd's arguments for this storage; the same for every server of this backend, so a restarted server
  // sees what the previous one stored.
  std::vector<std::string> Args() const;
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  TempDir dir_;
  std::string table_;
};

// Test parameter names: every backend.
inline const std::vector<std::string> kBackends = {"sqlite", "dynamodb"};

}  // namespace telemetry::testing

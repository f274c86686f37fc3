#include "test_backend.h"

#include <stdlib.h>

#include "dynamodb_local.h"

namespace telemetry::testing {

TestBackend::TestBackend(std::string kind) : kind_(std::move(kind)) {
  if (kind_ == "dynamodb") {
    table_ = UniqueTableName("it");
    // DynamoDB Local checks no signature, but telemetryd must find credentials to sign with.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDLOCAL", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "local-secret", 1);
  }
}

std::vector<std::string> TestBackend::Args() const {
  if (kind_ == "sqlite") return {"--data-dir", dir_.path()};
  return {"--storage",          "dynamodb", "--table",  table_, "--create-table", "--dynamodb-endpoint",
          SharedDynamoDbLocal().endpoint(), "--region", "us-east-1"};
}

}  // namespace telemetry::testing

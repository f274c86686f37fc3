// The DynamoDB store's tokens: items of the partition "TOKENS" in the readings' table (sort key: the token id), read
// with strongly consistent queries so that a revoked token is gone for every instance at its next refresh.
#pragma once

#include <memory>
#include <string>

#include "aws/dynamodb_client.h"
#include "storage/token_store.h"

namespace telemetry {

// REQUIRES: client outlives the store; the table exists (EnsureDynamoDbTable).
std::unique_ptr<TokenStore> OpenDynamoDbTokenStore(aws::DynamoDbClient& client, std::string table);

}  // namespace telemetry

// The DynamoDB store's table: key layout and the start-up check (docs/dynamodb.md).
#pragma once

#include <string>
#include <string_view>

#include "aws/dynamodb_client.h"
#include "core/status.h"
#include "core/time.h"

namespace telemetry {

// The table's key attributes: partition key "pk" and sort key "sk", both strings.
inline constexpr std::string_view kPartitionKey = "pk";
inline constexpr std::string_view kSortKey = "sk";

// A time as a sort key: time + 2^63 in 20 decimal digits, so that string order is time order across the whole
// range ("00000000000000000000" is kMinTime).
std::string EncodeSortTime(TimeNs time);
// The inverse; kInvalidArgument for anything EncodeSortTime does not produce.
StatusOr<TimeNs> DecodeSortTime(std::string_view text);

// Checks that `table` exists with the key schema above. When it is missing and `create` is set, creates it
// (on-demand billing) and waits until it is active. Otherwise a missing or mis-shaped table, or a request DynamoDB
// refuses (a bad name, no permission), is kInvalidArgument with a message naming what is wrong; DynamoDB being
// unreachable or throttling is kUnavailable.
// Blocking: for start-up.
Status EnsureDynamoDbTable(aws::DynamoDbClient& client, const std::string& table, bool create);

}  // namespace telemetry

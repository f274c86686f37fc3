// DynamoDbStore: readings and their aggregates in one DynamoDB table, shared by any number of telemetryd instances.
// docs/dynamodb.md is the design: every group of readings is one TransactWriteItems holding the readings' puts and
// the version-checked updates of every aggregate bucket they touch, so a reading counts in the aggregates if and
// only if it is stored, whatever fails or whoever else writes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "aws/dynamodb_client.h"
#include "core/status.h"
#include "storage/store.h"

namespace telemetry {

struct DynamoDbStoreOptions {
  std::string table;
  // Shards of the all-sensors buckets, which every write touches (docs/dynamodb.md, "Hot items are sharded").
  // Every instance on one table must use the same number.
  int all_sensor_shards = 8;
  // Threads committing groups of readings, and threads answering statistics.
  unsigned writer_threads = 4;
  unsigned reader_threads = 4;
  // Readings waiting for a writer beyond which Write() fails fast with kUnavailable.
  std::size_t max_queued_readings = 1 << 16;
  // Times one group is rebuilt after losing a race for a bucket before its writes fail with kUnavailable.
  int max_rebuilds = 50;
  // Told of every committed transaction: the new readings it stored and how long the commit took. Optional.
  CommitObserver on_commit;
};

// Opens the store on an existing, checked table (EnsureDynamoDbTable). REQUIRES: `client` outlives the store.
std::unique_ptr<Store> OpenDynamoDbStore(aws::DynamoDbClient& client, const DynamoDbStoreOptions& options);

}  // namespace telemetry

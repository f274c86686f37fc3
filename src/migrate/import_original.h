// `telemetryd import-original TABLE`: the original service's history, moved into telemetryd's store.
//
// The original (Python/Flask) put each PUT body into its DynamoDB table as an item, keyed by `time` alone:
//   {"time":{"S":"2021-10-04 09:00:00"},"sensorID":{"S":"107"},"temperature":{"S":"12"}}
// Every item is read (a consistent Scan, page after page: all of them, where the original's own statistics read the
// first page only), taken through the rules a PUT is (api/reading_json.h) and written a batch at a time to the
// configured store, or with --into to a running telemetryd (migrate/import_target.h). Items the original kept but a PUT
// refuses (a temperature "abc", which failed its statistics) are counted and named, not imported. Importing again adds
// nothing: the readings are duplicates then.
//
// It lives here, not in storage/ or api/, because it joins both ends: the AWS client that reads the old table, the
// API's reading rules, and where the readings go.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aws/dynamodb_client.h"
#include "core/status.h"
#include "core/time.h"
#include "migrate/batched_import.h"
#include "migrate/import_target.h"

namespace telemetry::migrate {

// Imports every item of `table`, read through `client`, into `target`. `now`: a reading's time when an item has
// none (the original's key makes that impossible, but its items are not ours to trust). Fails, with what was
// imported so far durable, when the table cannot be read (kInvalidArgument: no such table) or the target refuses a
// batch; a rerun picks up the rest.
StatusOr<ImportReport> ImportOriginalTable(aws::DynamoDbClient& client, const std::string& table, ImportTarget& target,
                                           TimeNs now);

}  // namespace telemetry::migrate

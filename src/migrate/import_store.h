// `telemetryd import-store DIR`: every reading of an embedded store (a data directory, or a backup of one) copied
// into the configured store, or with --into into a running telemetryd (migrate/import_target.h): the way from one
// machine to DynamoDB once one machine is not enough, or from one machine to another.
//
// The source is opened as a store, its log replayed (a store left by kill -9 gives every reading it acknowledged),
// and read a page at a time, sensor by sensor as an export of every sensor reads it. Importing again adds nothing:
// the readings are duplicates then; a reading already in the target with another value is a conflict, named, and
// the value there stays.
#pragma once

#include "core/status.h"
#include "migrate/batched_import.h"
#include "migrate/import_target.h"
#include "storage/store.h"

namespace telemetry::migrate {

// Copies every reading of `source` into `target`. Fails, with what was copied so far durable, when the source
// cannot be read or the target refuses a batch; a rerun picks up the rest.
StatusOr<ImportReport> ImportStore(Store& source, ImportTarget& target);

}  // namespace telemetry::migrate

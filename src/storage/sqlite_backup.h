// `telemetryd backup DIR`: a consistent copy of the embedded store, taken while the server runs (or not), that a
// server can be started on as its --data-dir. It holds every reading SQLite had committed when the copy began: all
// acknowledged readings but those of the last commit interval (1 s by default), which are only in the readings log
// then. To have every one, stop the server first: it commits everything as it stops.
//
//   Status done = BackupSqliteStore("./data", "/backups/2026-12-06");
#pragma once

#include <string>

#include "core/status.h"

namespace telemetry {

// Copies the database and the tokens of the store in `data_dir` into `target_dir` (created; it must not exist or
// be empty), each a snapshot made with SQLite's VACUUM INTO from a read-only connection, synced to disk. Needs no
// lock: it reads beside a running server as a statistics read does. kInvalidArgument when there is no store in
// `data_dir` or `target_dir` is in use; kInternal when copying fails (the partial copy is removed).
Status BackupSqliteStore(const std::string& data_dir, const std::string& target_dir);

}  // namespace telemetry

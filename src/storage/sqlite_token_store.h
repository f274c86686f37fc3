// The embedded store's tokens: a SQLite database of their own, tokens.db in the data directory.
//
// Their own file rather than a table beside the readings: the readings' writer holds SQLite's single write lock almost
// without pause under load, so a token written through a second connection to that file could wait for it indefinitely.
// With a file of its own, `telemetryd token create` works while a server runs on the same directory, and the server
// sees the new token at its next refresh.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "storage/token_store.h"

namespace telemetry {

// Opens (creating if missing) the folder and its token database. kInternal with a clear message when it cannot. Calls
// run one at a time on the store's own thread; every change is fsync'd before its callback.
StatusOr<std::unique_ptr<TokenStore>> OpenSqliteTokenStore(const std::string& data_dir);

}  // namespace telemetry

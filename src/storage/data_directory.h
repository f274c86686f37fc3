// The embedded store's data directory (--data-dir), entry by entry; docs/data-model.md says what each holds.
#pragma once

#include <string>
#include <string_view>

namespace telemetry {

inline constexpr std::string_view kReadingsDatabaseFile = "telemetry.db";  // sensors, readings, rollups
inline constexpr std::string_view kTokensDatabaseFile = "tokens.db";       // API tokens' hashes
inline constexpr std::string_view kLogFolder = "log";                      // the readings log's segments
inline constexpr std::string_view kLockFile = "LOCK";                      // held by the server using the directory

// The path of `entry` in the data directory `data_dir`.
inline std::string InDataDirectory(const std::string& data_dir, std::string_view entry) {
  return data_dir + "/" + std::string(entry);
}

}  // namespace telemetry

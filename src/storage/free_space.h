// The embedded store's guard against a full disk: SQLite cannot commit on one, and readings already acknowledged
// would then stop the store until space was freed. So writes are refused while the data directory's filesystem has
// less than a minimum free, with room left for what SQLite may still write (see SqliteStoreOptions::min_free_bytes).
//
//   FreeSpaceGuard guard(data_dir, 256 << 20);
//   if (Status space = guard.Check(); !space.ok()) return space;  // kOutOfSpace
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/status.h"

namespace telemetry {

// Bytes an unprivileged writer may still use on the filesystem holding `path`; empty when it cannot be read.
std::optional<std::uint64_t> FreeBytes(const std::string& path);

// Not thread-safe: one writer thread asks it.
class FreeSpaceGuard {
 public:
  // `min_free_bytes` 0: never refuses.
  FreeSpaceGuard(std::string path, std::uint64_t min_free_bytes)
      : path_(std::move(path)), min_free_bytes_(min_free_bytes) {}

  // kOutOfSpace while the filesystem has less than the minimum free. Looks every 100 ms (the fastest ingest
  // measured here, ~1M readings/s, writes ~30 MB of log and WAL in that time), and at every call once within
  // twice the minimum; logs when writes stop and when they resume.
  Status Check();

 private:
  std::string path_;
  std::uint64_t min_free_bytes_;
  std::uint64_t free_bytes_ = 0;  // when last looked at
  bool low_ = false;
  std::chrono::steady_clock::time_point next_look_{};
};

}  // namespace telemetry

// Connections for statistics reads answered on the thread that asks (an I/O thread): a small read takes less time
// there than the two thread hand-offs to a reader thread and back add to it (~25 µs here). A read too large for
// them, or one that would wait for a lock, is refused: the caller hands it to a reader thread instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "storage/sqlite_stats_reader.h"
#include "storage/store.h"

namespace telemetry {

class QuickReaders {
 public:
  // Most rows a quick read may read (~30 µs here). A random range of the statistics benchmark reads ~100
  // (docs/performance.md).
  static constexpr std::size_t kMaxRows = 256;
  // Most uncommitted readings a quick read may have to look through (~10 µs here); past them, the store hands the
  // read to a reader thread.
  static constexpr std::size_t kMaxUncommittedReadings = 8192;
  // Most spans a quick read may have: a longer series is refused before it is planned (a year of hours is 8,760).
  static constexpr std::size_t kMaxSpans = 64;

  // Opens `count` read-only connections to `database_path`, whose reads add `uncommitted` (see SqliteStatsReader).
  // Throws std::runtime_error when it cannot.
  QuickReaders(const std::string& database_path, unsigned count, const UncommittedReadings* uncommitted = nullptr);

  // The exact aggregates of `query`'s spans as committed at `version` (see SqliteStatsReader::TryQueryAt), read on
  // the calling thread; empty when every connection is busy, the query is too large, or the read failed.
  std::optional<std::vector<Aggregate>> TryQuery(std::uint64_t version, const SeriesQuery& query);

  // Runs `checkpoint` while no connection holds a snapshot: an idle one lets its snapshot go at once, one reading
  // lets go when its read ends. (A held snapshot would keep a checkpoint from restarting the WAL.)
  void WithoutSnapshots(const std::function<void()>& checkpoint);

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteStatsReader>> idle_;  // GUARDED_BY(mu_)
  bool hold_no_snapshot_ = false;                         // GUARDED_BY(mu_)
};

}  // namespace telemetry

#include "storage/quick_readers.h"

#include <exception>

namespace telemetry {

QuickReaders::QuickReaders(const std::string& database_path, unsigned count, const UncommittedReadings* uncommitted) {
  for (unsigned i = 0; i < count; ++i) {
    idle_.push_back(std::make_unique<SqliteStatsReader>(database_path, uncommitted));
  }
}

std::optional<std::vector<Aggregate>> QuickReaders::TryQuery(std::uint64_t version, const SeriesQuery& query) {
  if (query.boundaries.size() > kMaxSpans + 1) return std::nullopt;
  std::unique_ptr<SqliteStatsReader> reader;
  {
    std::lock_guard lock(mu_);
    if (idle_.empty()) return std::nullopt;
    reader = std::move(idle_.back());
    idle_.pop_back();
  }
  std::optional<std::vector<Aggregate>> answer;
  try {
    answer = reader->TryQueryAt(version, query, kMaxRows);
  } catch (const std::exception&) {
    // Busy, or worse: a reader thread reads it again, waiting where it must, and reports what still fails.
  }
  std::lock_guard lock(mu_);
  if (hold_no_snapshot_) reader->ReleaseSnapshot();
  idle_.push_back(std::move(reader));
  return answer;
}

void QuickReaders::WithoutSnapshots(const std::function<void()>& checkpoint) {
  {
    std::lock_guard lock(mu_);
    hold_no_snapshot_ = true;
    for (auto& reader : idle_) reader->ReleaseSnapshot();
  }
  auto resume = [this] {
    std::lock_guard lock(mu_);
    hold_no_snapshot_ = false;
  };
  try {
    checkpoint();
  } catch (...) {
    resume();
    throw;
  }
  resume();
}

}  // namespace telemetry

#include "storage/reading_index.h"

#include <algorithm>

namespace telemetry {
namespace {

// Entries a run's unsorted tail may hold before it is merged: a lookup scans the tail, a merge moves the run.
constexpr std::size_t kMaxTail = 32;

constexpr auto kByTime = [](const auto& a, const auto& b) { return a.time < b.time; };

}  // namespace

void ReadingIndex::Insert(std::int64_t sensor, TimeNs time, double value) {
  auto id = static_cast<std::size_t>(sensor);
  if (id >= run_of_sensor_.size()) run_of_sensor_.resize(id + 1);
  if (run_of_sensor_[id] == 0) {
    runs_.emplace_back();
    run_of_sensor_[id] = static_cast<std::uint32_t>(runs_.size());
  }
  Run& run = runs_[run_of_sensor_[id] - 1];
  bool in_order = run.sorted == run.entries.size() && (run.entries.empty() || time > run.entries.back().time);
  run.entries.push_back({time, value});
  ++size_;
  if (in_order) {
    ++run.sorted;
  } else if (run.entries.size() - run.sorted > kMaxTail) {
    Merge(run);
  }
}

std::optional<double> ReadingIndex::Find(std::int64_t sensor, TimeNs time) const {
  auto id = static_cast<std::size_t>(sensor);
  if (sensor < 0 || id >= run_of_sensor_.size() || run_of_sensor_[id] == 0) return std::nullopt;
  const Run& run = runs_[run_of_sensor_[id] - 1];
  auto sorted_end = run.entries.begin() + static_cast<std::ptrdiff_t>(run.sorted);
  auto found = std::lower_bound(run.entries.begin(), sorted_end, Entry{time, 0}, kByTime);
  if (found != sorted_end && found->time == time) return found->value;
  for (auto tail = sorted_end; tail != run.entries.end(); ++tail) {
    if (tail->time == time) return tail->value;
  }
  return std::nullopt;
}

void ReadingIndex::Merge(Run& run) {
  auto sorted_end = run.entries.begin() + static_cast<std::ptrdiff_t>(run.sorted);
  std::sort(sorted_end, run.entries.end(), kByTime);
  std::inplace_merge(run.entries.begin(), sorted_end, run.entries.end(), kByTime);
  run.sorted = run.entries.size();
}

}  // namespace telemetry

#include "migrate/batched_import.h"

#include <utility>

#include "core/time.h"

namespace telemetry::migrate {
namespace {

constexpr std::size_t kReadingsPerWrite = 1000;
constexpr std::size_t kMostDescribed = 20;

}  // namespace

void ImportReport::Describe(std::string line) {
  if (described.size() < kMostDescribed) described.push_back(std::move(line));
}

Status BatchedImport::Add(Reading reading) {
  batch_.push_back(std::move(reading));
  return batch_.size() >= kReadingsPerWrite ? Flush() : Status::Ok();
}

Status BatchedImport::Flush() {
  if (batch_.empty()) return Status::Ok();
  StatusOr<WrittenBatch> written = target_.Write(batch_);
  if (!written.ok()) return written.status();
  report_.stored += written->stored;
  report_.duplicates += written->duplicates;
  report_.expired += written->expired;
  for (std::size_t i : written->conflicts) {
    ++report_.conflicts;
    report_.Describe("conflict: sensor \"" + batch_[i].sensor_id + "\" at " + FormatRfc3339(batch_[i].time) +
                     " already holds another value, which stays");
  }
  batch_.clear();
  return Status::Ok();
}

}  // namespace telemetry::migrate

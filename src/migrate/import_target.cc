#include "migrate/import_target.h"

#include <future>
#include <utility>

#include "core/time.h"

namespace telemetry::migrate {
namespace {

constexpr std::size_t kReadingsPerWrite = 1000;
constexpr std::size_t kMostDescribed = 20;

}  // namespace

StatusOr<WrittenBatch> StoreTarget::Write(const std::vector<Reading>& readings) {
  std::promise<std::pair<Status, std::vector<WriteOutcome>>> written;
  store_.Write(readings, [&](Status status, std::vector<WriteOutcome> outcomes) {
    written.set_value({std::move(status), std::move(outcomes)});
  });
  auto [status, outcomes] = written.get_future().get();
  if (!status.ok()) return status;
  WrittenBatch batch;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i] == WriteOutcome::kStored) ++batch.stored;
    if (outcomes[i] == WriteOutcome::kDuplicate) ++batch.duplicates;
    if (outcomes[i] == WriteOutcome::kConflict) batch.conflicts.push_back(i);
  }
  return batch;
}

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
  for (std::size_t i : written->conflicts) {
    ++report_.conflicts;
    report_.Describe("conflict: sensor \"" + batch_[i].sensor_id + "\" at " + FormatRfc3339(batch_[i].time) +
                     " already holds another value, which stays");
  }
  batch_.clear();
  return Status::Ok();
}

}  // namespace telemetry::migrate

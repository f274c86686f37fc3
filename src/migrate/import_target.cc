#include "migrate/import_target.h"

#include <future>
#include <utility>

namespace telemetry::migrate {

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
    if (outcomes[i] == WriteOutcome::kExpired) ++batch.expired;
  }
  return batch;
}

}  // namespace telemetry::migrate

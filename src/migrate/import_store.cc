#include "migrate/import_store.h"

#include <future>
#include <optional>
#include <utility>

namespace telemetry::migrate {
namespace {

constexpr std::size_t kReadingsPerPage = 5000;

}  // namespace

StatusOr<ImportReport> ImportStore(Store& source, ImportTarget& target) {
  ImportReport report;
  BatchedImport batches(target, report);
  std::optional<ReadingPosition> after;
  do {
    std::promise<StatusOr<ReadingsPage>> read;
    source.Readings(ReadingsQuery{std::nullopt, kMinTime, kMaxTime, after, kReadingsPerPage},
                    [&](StatusOr<ReadingsPage> page) { read.set_value(std::move(page)); });
    StatusOr<ReadingsPage> page = read.get_future().get();
    if (!page.ok())
      return Status(page.status().code(), "reading the store to import failed: " + page.status().message());
    ReadingsPage got = std::move(page).value();
    for (Reading& reading : got.readings) {
      ++report.items;
      if (Status added = batches.Add(std::move(reading)); !added.ok()) return added;
    }
    after = std::move(got.next);
  } while (after);
  if (Status flushed = batches.Flush(); !flushed.ok()) return flushed;
  return report;
}

}  // namespace telemetry::migrate

// Where `telemetryd import-original` and `import-store` write: the store the command opened itself, or a running
// telemetryd over HTTP (migrate/server_target.h), so that a server on the embedded store, which holds its data
// directory alone, need not stop for an import. And the batching and report both imports share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/reading.h"
#include "core/status.h"
#include "storage/store.h"

namespace telemetry::migrate {

// What became of a batch of readings.
struct WrittenBatch {
  std::int64_t stored = 0;             // new
  std::int64_t duplicates = 0;         // already there, the same value
  std::vector<std::size_t> conflicts;  // positions in the batch of readings whose key holds another value, kept
};

class ImportTarget {
 public:
  virtual ~ImportTarget() = default;
  // Writes `readings` (valid by a PUT's rules) and returns once they are durable.
  virtual StatusOr<WrittenBatch> Write(const std::vector<Reading>& readings) = 0;
};

// Writes into a store.
class StoreTarget final : public ImportTarget {
 public:
  explicit StoreTarget(Store& store) : store_(store) {}
  StatusOr<WrittenBatch> Write(const std::vector<Reading>& readings) override;

 private:
  Store& store_;
};

// What an import did.
struct ImportReport {
  std::int64_t items = 0;              // read from the source
  std::int64_t stored = 0;             // new in the target
  std::int64_t duplicates = 0;         // already there, the same value
  std::int64_t conflicts = 0;          // already there with another value: the one there kept
  std::int64_t refused = 0;            // not readings by a PUT's rules
  std::vector<std::string> described;  // the first refused items and conflicts, one line each

  void Describe(std::string line);
};

// Gathers readings into batches of 1,000 for a target, counting what became of them in a report and naming the
// first conflicts.
class BatchedImport {
 public:
  BatchedImport(ImportTarget& target, ImportReport& report) : target_(target), report_(report) {}

  // Adds a reading; writes the batch once it is full.
  Status Add(Reading reading);
  // Writes what is gathered and waits until it is durable.
  Status Flush();

 private:
  ImportTarget& target_;
  ImportReport& report_;
  std::vector<Reading> batch_;
};

}  // namespace telemetry::migrate

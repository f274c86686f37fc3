// Where `telemetryd import-original` and `import-store` write: the store the command opened itself, or a running
// telemetryd over HTTP (migrate/server_target.h), so that a server on the embedded store, which holds its data
// directory alone, need not stop for an import.
#pragma once

#include <cstddef>
#include <cstdint>
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
  std::int64_t expired = 0;            // older than the target's --retention-days keeps: not stored
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

}  // namespace telemetry::migrate

// BatchedImport: how both imports (`import-original`, `import-store`) write what they read: in batches of 1,000 to an
// ImportTarget (migrate/import_target.h), counting in a report what became of every reading and naming the first
// conflicts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/reading.h"
#include "core/status.h"
#include "migrate/import_target.h"

namespace telemetry::migrate {

// What an import did.
struct ImportReport {
  std::int64_t items = 0;              // read from the source
  std::int64_t stored = 0;             // new in the target
  std::int64_t duplicates = 0;         // already there, the same value
  std::int64_t conflicts = 0;          // already there with another value: the one there kept
  std::int64_t refused = 0;            // not readings by a PUT's rules
  std::int64_t expired = 0;            // older than the target's --retention-days keeps: not stored
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

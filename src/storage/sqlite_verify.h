// `telemetryd verify`: proves the embedded store's statistics against its readings. Every aggregate the store keeps
// (each sensor's minute, hour, day and all-time rollups, and all sensors' instant, second, minute, hour, day and
// all-time ones) is computed afresh from the raw readings and compared with the stored row: the same count, min
// and max, the same sum within its rounding. Reads one snapshot from a read-only connection, beside a running server
// or not (a running server's last commit interval is in its log, not yet in the snapshot, and is not counted).
//
//   StatusOr<StoreVerification> verified = VerifySqliteStore("./data");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace telemetry {

struct StoreVerification {
  std::int64_t readings = 0;
  std::int64_t sensors = 0;
  std::int64_t rollup_rows = 0;        // stored rows compared
  std::int64_t problems = 0;           // disagreements found
  std::vector<std::string> described;  // the first of them, one line each
};

// kInvalidArgument when there is no store in `data_dir`; kInternal when reading it fails.
StatusOr<StoreVerification> VerifySqliteStore(const std::string& data_dir);

}  // namespace telemetry

// A Store that counts what becomes of every reading written through it (for /metrics) and otherwise passes every
// call through to the store it wraps.
#pragma once

#include <memory>

#include "metrics/registry.h"
#include "storage/store.h"

namespace telemetry {

struct WriteCounters {
  metrics::Counter& stored;
  metrics::Counter& duplicates;
  metrics::Counter& conflicts;
  metrics::Counter& expired;  // older than the store's retention: refused
  metrics::Counter& failed;  // readings in writes the store failed (kUnavailable, kInternal)
};

// REQUIRES: `inner` and the counters outlive the returned store.
std::unique_ptr<Store> MeterWrites(Store& inner, WriteCounters counters);

}  // namespace telemetry

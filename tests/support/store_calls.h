// Blocking calls on the asynchronous Store interface, for tests.
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "storage/store.h"

namespace telemetry::testing {

// Writes and waits; the call must succeed.
inline std::vector<WriteOutcome> WriteAll(Store& store, std::vector<Reading> readings) {
  std::promise<std::vector<WriteOutcome>> done;
  store.Write(std::move(readings), [&](Status status, std::vector<WriteOutcome> outcomes) {
    EXPECT_TRUE(status.ok()) << status.message();
    done.set_value(std::move(outcomes));
  });
  return done.get_future().get();
}

// Asks and waits; the call must succeed.
inline Aggregate StatsOf(Store& store, StatsQuery query = {}) {
  std::promise<Aggregate> done;
  store.Stats(std::move(query), [&](StatusOr<Aggregate> stats) {
    EXPECT_TRUE(stats.ok()) << stats.status().message();
    done.set_value(stats.ok() ? *stats : Aggregate{});
  });
  return done.get_future().get();
}

}  // namespace telemetry::testing

// Running an InfluxQL SELECT against the store: aggregates from the rollups (one store call per sensor, or one for
// all); raw readings, and the functions that need them (first, last, median, percentile, stddev), from the readings;
// the rows made of them (api/influxql_rows.h), and the result rendered a part at a time (api/influxql_result.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/influxql_result.h"
#include "core/influxql.h"
#include "storage/store.h"

namespace date {
class time_zone;
}

namespace telemetry::api {

// How times are written: RFC 3339 strings (in UTC, or under tz() in the zone's offset of the time, as InfluxDB
// writes them), or integers in the epoch= unit.
struct TimeFormat {
  std::optional<TimeNs> epoch_unit;
  const date::time_zone* zone = nullptr;
};

// A SELECT ready to run.
struct SelectPlan {
  influxql::Select select;
  int statement_id = 0;
  std::string measurement;
  TimeFormat format;
  std::vector<TimeNs> starts;      // GROUP BY time(): each bucket's start, as the answer names it
  std::vector<TimeNs> boundaries;  // the spans the store is asked for: the buckets cut to [from, to)
  // The most readings read to fold them into buckets (first, last, median, percentile, stddev, top, bottom); past it
  // the statement fails. Reading them costs ~0.1 s per million here, and median, percentile and stddev keep 16 bytes
  // of each until the statement is answered.
  std::size_t max_readings_folded = kDefaultMaxReadingsFolded;
};

// Fills plan.starts and plan.boundaries for GROUP BY time() (in UTC, or a tz() zone's local days), and
// plan.format.zone for tz(); kInvalidArgument for an unknown zone or buckets a zone cannot have.
Status PlanBuckets(SelectPlan& plan);

// Runs the statement; calls `done` once with its result (an error in it when the store fails or a limit is passed).
void RunSelect(Store& store, std::shared_ptr<const SelectPlan> plan, std::function<void(Producer)> done);

}  // namespace telemetry::api

// The storage interface: where readings go and where statistics come from.
//
// Two implementations: SqliteStore (embedded, the default) and a remote one (DynamoDB). Every call is
// asynchronous and never blocks on I/O: it calls its callback exactly once, either before returning (an answer
// known at once, such as a rejection or an in-memory total) or later on a thread owned by the store. Callbacks must
// be quick and must not block; handing the result to another executor is the expected use.
//
// All methods are thread-safe.
//
//   store.Write({reading}, [](Status s, std::vector<WriteOutcome> outcomes) { ... });
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "core/reading.h"
#include "core/status.h"
#include "core/time.h"

namespace telemetry {

enum class WriteOutcome {
  kStored,     // new reading, now durable and counted in every statistic
  kDuplicate,  // the identical reading was already stored: nothing changed (a client's retry)
  kConflict,   // another value is stored under the same (sensor_id, time): nothing changed, the first value kept
  kExpired,    // older than the store's retention keeps (core/retention.h): not stored
};

// On OK, one outcome per reading, in the order given; every kStored reading is durable (on disk, surviving a
// crash of the process or the machine) before the callback runs. On an error, no outcomes, and none of the
// readings is counted in any statistic; the error says how to react:
//   kUnavailable: the store is closing or overloaded; retry later.
//   kOutOfSpace:  the store's disk is (nearly) full; nothing was stored; retry once space is freed.
//   kInternal:    the store failed (e.g. a disk error); the reading may or may not be stored, and a retry of the
//                 same reading is safe (it becomes kStored or kDuplicate).
using WriteCallback = std::function<void(Status, std::vector<WriteOutcome>)>;

struct StatsQuery {
  std::optional<std::string> sensor_id;  // all sensors when empty
  TimeNs from = kMinTime;                // inclusive; kMinTime: no lower bound
  TimeNs to = kMaxTime;                  // exclusive; kMaxTime: no upper bound
};

// On OK, the exact aggregate of the matching readings (count 0 when none match, including an unknown sensor).
// kUnavailable when the store is closing.
using StatsCallback = std::function<void(StatusOr<Aggregate>)>;

// Consecutive spans of one series: span i is [boundaries[i], boundaries[i + 1]). A time series, or any set of
// adjacent ranges asked in one go (one snapshot, one plan: PlanSeries in core/rollup.h).
struct SeriesQuery {
  std::optional<std::string> sensor_id;  // all sensors when empty
  std::vector<TimeNs> boundaries;        // at least two, strictly ascending
};

// On OK, one exact aggregate per span, in order.
using SeriesCallback = std::function<void(StatusOr<std::vector<Aggregate>>)>;

// A page of the sensor list, in sensor id order (bytewise).
struct SensorsQuery {
  std::string after;       // sensors whose id sorts after this one; empty: from the first
  std::size_t limit = 100;
};

struct SensorSummary {
  std::string sensor_id;
  std::int64_t count = 0;  // readings stored
  TimeNs first = 0;        // the earliest and latest reading's time
  TimeNs last = 0;
  double last_value = 0;   // the value of the latest reading
};

// On OK, at most query.limit sensors, in order; fewer means the list ends.
using SensorsCallback = std::function<void(StatusOr<std::vector<SensorSummary>>)>;

// A reading's place in an export: readings are ordered by sensor id (bytewise, as Sensors() lists them), then time.
struct ReadingPosition {
  std::string sensor_id;
  TimeNs time = 0;
};

// Raw readings a page at a time: one sensor's in time order (or newest first), or every sensor's, sensor by sensor
// in the order above, each sensor's in time order (or newest first). Keyset pagination: each page starts after the
// position where the one before ended, in the order read.
struct ReadingsQuery {
  std::optional<std::string> sensor_id;  // every sensor when empty
  TimeNs from = kMinTime;                // inclusive
  TimeNs to = kMaxTime;                  // exclusive
  std::optional<ReadingPosition> after;  // only readings after this one; with sensor_id, a position of that sensor
  std::size_t limit = 1000;              // at least 1
  bool newest_first = false;             // each sensor's latest readings first: the latest N cost N, not the range
};

// The position past every reading of `sensor` in the order `query` reads: a page of every sensor that starts
// after it goes on with the next sensor.
inline ReadingPosition PastEveryReadingOf(const ReadingsQuery& query, std::string sensor) {
  return ReadingPosition{std::move(sensor), query.newest_first ? kMinTime : kMaxTime};
}

struct ReadingsPage {
  std::vector<Reading> readings;        // at most query.limit, in order
  std::optional<ReadingPosition> next;  // the next page's `after`; empty: the range ends with this page
};

// On OK, a page. A page of every sensor may hold fewer than query.limit readings and still have a next one: a store
// looks at a bounded number of sensors per page, however few of them hold readings in the range.
using ReadingsCallback = std::function<void(StatusOr<ReadingsPage>)>;

// Told of every group of writes a store makes durable (an fsync of the log, a DynamoDB transaction): how many new
// readings it held and how long making it durable took. For metrics; called on a store thread, must be quick.
using CommitObserver = std::function<void(std::size_t readings, std::chrono::nanoseconds took)>;

class Store {
 public:
  virtual ~Store() = default;

  // Stores readings. A reading repeated within one call is treated as if sent twice in sequence.
  // REQUIRES: every reading passed validation (ValidateSensorId, a finite value).
  virtual void Write(std::vector<Reading> readings, WriteCallback done) = 0;

  // Statistics over the readings in [query.from, query.to) of one sensor or all. Reflects every write whose
  // callback has run, and may reflect writes still in progress.
  virtual void Stats(StatsQuery query, StatsCallback done) = 0;

  // Statistics of every span of a series, with the same guarantees as Stats().
  virtual void Series(SeriesQuery query, SeriesCallback done) = 0;

  // Every sensor with a reading, a page at a time, with the same guarantees as Stats().
  virtual void Sensors(SensorsQuery query, SensorsCallback done) = 0;

  // Raw readings of one sensor or all, a page at a time, with the same guarantees as Stats().
  virtual void Readings(ReadingsQuery query, ReadingsCallback done) = 0;

  // Finishes all calls already made, makes everything durable and releases the store's threads and files. Calls
  // made after Close() fail with kUnavailable. Blocks; idempotent.
  virtual void Close() = 0;
};

}  // namespace telemetry

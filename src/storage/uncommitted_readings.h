// UncommittedReadings: the readings the embedded store's writer has logged but SQLite has not committed yet, for
// statistics and sensor lists to add to a committed snapshot. A read then sees every write acknowledged before it was
// asked without waiting for a commit: under a saturating ingest that wait was the applier's whole backlog (~100 ms),
// and under PUTs with reads alongside every read forced a commit of its own.
//
// Which readings a snapshot lacks is told by the log: each commit records the log position it reaches
// (log_position), each round here carries the position its log write reached, and a snapshot at position P lacks
// exactly the rounds that end after P. A round is dropped once the applier has committed it; a read whose snapshot
// is older than a commit already dropped here is told to take a new snapshot.
//
// One writer adds, one applier drops, any number of readers read at once. Readers hold the lock only to see which
// rows are there (a few pointers); they read the rows outside it, since rows are never changed once added. A full
// chunk of rows also carries its aggregates per sensor, made by the first read that takes the chunk whole (not by
// the writer: an ingest nobody reads pays nothing for them): a read takes a chunk that lies wholly inside one span
// from those, so that under a saturating ingest (a second of it uncommitted: ~750k readings) a read costs a look-up
// per chunk, not a pass over every reading.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/aggregate.h"
#include "core/time.h"
#include "storage/readings_log.h"
#include "storage/sqlite_applier.h"

namespace telemetry {

class UncommittedReadings {
 public:
  // The series of a sensor that a snapshot does not know yet: AddTo finds it by name among the sensors added here.
  static constexpr std::int64_t kNotInSnapshot = -1;

  // Writer: the readings a round stored, logged up to `log_end`, and the sensors it numbered first (id, name).
  // REQUIRES: log_end grows from one call to the next.
  void Add(LogPosition log_end, std::span<const ReadingRow> rows,
           std::span<const std::pair<std::int64_t, std::string>> new_sensors);

  // Applier: everything logged up to `committed` is in SQLite's committed state now.
  void DropThrough(LogPosition committed);

  // Reader: adds to spans[i] every reading here of `series` (kAllSensors: of every sensor) that lies in
  // [boundaries[i], boundaries[i+1]) and that a snapshot holding the log up to `snapshot` lacks. False, adding
  // nothing, when some of those were dropped already (committed after the snapshot was taken): take a newer one.
  // `sensor_name` names the sensor when series is kNotInSnapshot.
  // REQUIRES: spans.size() + 1 == boundaries.size() >= 2, boundaries ascending.
  [[nodiscard]] bool AddTo(LogPosition snapshot, std::int64_t series, std::string_view sensor_name,
                           const std::vector<TimeNs>& boundaries, std::vector<Aggregate>& spans) const;

  // What a sensor's readings add to its summary in the sensor list.
  struct SensorActivity {
    std::int64_t count = 0;
    TimeNs first = kMaxTime, last = kMinTime;
    double last_value = 0;  // of the reading at `last`
    void Merge(const SensorActivity& other);
  };
  // Reader: for every sensor with readings here that a snapshot holding the log up to `snapshot` lacks, what they
  // add (by sensor id); and the sensors that snapshot does not know at all (id, name). False, giving nothing, when
  // the snapshot is too old (as AddTo).
  [[nodiscard]] bool SensorsSince(LogPosition snapshot, std::unordered_map<std::int64_t, SensorActivity>& activity,
                                  std::vector<std::pair<std::int64_t, std::string>>& unknown) const;

  // Readings held: what a read may have to look through.
  std::size_t size() const;

 private:
  // Rows live in fixed chunks, so that adding never moves a row a reader may be reading.
  static constexpr std::size_t kChunkRows = 4096;
  // The aggregates of a full chunk's rows: of all of them, and per sensor in sensor order.
  struct SensorAggregates {
    std::int64_t sensor;
    Aggregate values;
    SensorActivity activity;
  };
  struct ChunkSummary {
    Aggregate all;
    std::vector<SensorAggregates> by_sensor;
  };
  struct Chunk {
    std::uint64_t first_seq = 0;  // of rows[0]; every row added has the next number
    std::array<ReadingRow, kChunkRows> rows;
    // Made once the chunk is full, by the first read that wants it (SummaryOf).
    mutable std::once_flag summarized;
    mutable ChunkSummary summary;
  };
  // The summary of a full chunk, made now if no read made it before. REQUIRES: the chunk is full.
  static const ChunkSummary& SummaryOf(const Chunk& chunk);
  struct ChunkState {
    std::shared_ptr<Chunk> chunk;
    std::size_t filled = 0;  // rows[0, filled) are written and never change
    TimeNs min_time = kMaxTime, max_time = kMinTime;
  };
  struct Part {
    std::shared_ptr<const Chunk> chunk;
    std::size_t begin, end;
    bool whole;  // the full chunk, inside one span: taken from its summary
  };
  // The rows a snapshot holding the log up to `snapshot` lacks, by chunk, leaving out chunks with no time in
  // [boundaries.front(), boundaries.back()); a full chunk wholly lacking and inside one span is marked whole.
  // REQUIRES: mu_ held, the snapshot not older than dropped_through_.
  std::vector<Part> PartsLacking(LogPosition snapshot, const std::vector<TimeNs>& boundaries) const;

  struct Round {
    LogPosition log_end;
    std::uint64_t end_seq = 0;  // one past its last row
  };
  struct NewSensor {
    std::int64_t id;
    std::string name;
    LogPosition log_end;  // of the round that numbered it
  };

  mutable std::mutex mu_;
  std::deque<ChunkState> chunks_;   // GUARDED_BY(mu_)
  std::deque<Round> rounds_;        // GUARDED_BY(mu_)
  std::vector<NewSensor> sensors_;  // GUARDED_BY(mu_)
  std::uint64_t first_seq_ = 0;     // GUARDED_BY(mu_): rows before it were dropped
  std::uint64_t next_seq_ = 0;      // GUARDED_BY(mu_)
  LogPosition dropped_through_;     // GUARDED_BY(mu_)
};

}  // namespace telemetry

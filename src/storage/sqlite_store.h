// SqliteStore: the embedded store. One data directory holds a SQLite database (readings, sensors, rollups) and the
// readings log (see readings_log.h).
//
// How a write becomes durable (group commit), on three threads:
//   1. Write() queues the readings; the writer thread takes every queued write at once (a "round").
//   2. The writer decides stored / duplicate / conflict from memory: a reading outside the intervals that hold its
//      sensor's times (core/time_cover.h) is new; any other is looked up among the readings found new but not yet
//      committed, then in SQLite's committed state through the writer's own read connection. It appends the stored ones
//      to the readings log with one write() and folds them into in-memory rollup deltas.
//   3. The syncer thread fdatasync()s the log once for all rounds queued meanwhile, then runs the callbacks. A
//      small round (under 1,024 readings) while the syncer is idle is synced and answered by the writer itself:
//      for one-reading PUTs the hand-off cost more than its overlap gained.
//   4. The applier thread inserts the stored readings into SQLite in an open transaction and, every
//      commit_interval, merges the rollup deltas and commits (synchronous=NORMAL: no fsync), recording how far
//      into the log the commit reaches. On start the log is replayed from there, so kill -9 at any moment loses
//      no acknowledged reading and leaves every aggregate exact. After a commit it checkpoints the WAL into the
//      database once the WAL is large or a finished log segment waits, and deletes the segments SQLite now holds.
// The writer (or the syncer) and the applier work on different rounds at once. Aggregates are committed in the same
// transaction as their readings (see core/rollup.h), so statistics never scan readings. Statistics are read from
// committed snapshots (on the asking thread when small, else by reader threads) plus the readings logged since the
// snapshot's commit, which the writer hands to them before acknowledging (storage/uncommitted_readings.h): every
// read sees every write acknowledged before it was asked, without waiting for a commit; sensor lists likewise.
// Exports, which read the readings themselves, wait for a commit instead.
//
// With a retention, the writer deletes the readings it no longer keeps when its cutoff moves (a UTC midnight, and at
// start), in slices of ~20 ms between its rounds: each commits everything written so far, then deletes sensor after
// sensor (then the all-sensors series, day after day) while writes wait. Nothing older is accepted from then on.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/retention.h"
#include "core/status.h"
#include "storage/store.h"

namespace telemetry {

struct SqliteStoreOptions {
  // Folder for the database and the log; created if missing.
  std::string data_dir = "./data";
  // How often readings applied to SQLite are committed there. Longer: fewer commits, a longer replay after a crash.
  // Each commit rewrites the pages it touched into SQLite's WAL: under single-reading PUTs ~190 bytes of WAL per
  // reading at 1 s, three times that at 200 ms. A statistics read does not wait for it: it adds what is not
  // committed yet to what is.
  std::chrono::milliseconds commit_interval{1000};
  // Readings found new since the last commit past which the writer asks for a commit before commit_interval ends.
  // Until committed, memory holds each one twice (the writer's index of them and what statistics add to their
  // snapshots, ~40 bytes): a long interval under a sustained ingest does not grow the process past ~100 MB for it.
  std::size_t max_uncommitted_readings = 1 << 21;
  // Most readings one round takes from the queue (a round is one log write, acknowledged after one fsync).
  std::size_t max_round_readings = 16384;
  // Readings waiting for the writer beyond which Write() fails fast with kUnavailable instead of queueing.
  std::size_t max_queued_readings = 1 << 20;
  // Threads answering statistics queries, each with its own read-only connection.
  unsigned stats_readers = 2;
  // Free space the data directory's filesystem must keep: below it, writes fail with kOutOfSpace (and reads go on)
  // until space is freed (storage/free_space.h). 0: no check; otherwise at least least_min_free_bytes().
  std::uint64_t min_free_bytes = 256 << 20;
  // Log size after which a new log segment begins; a finished segment is deleted after the next checkpoint.
  std::uint64_t log_segment_bytes = 64 << 20;
  // Size of SQLite's write-ahead log past which the applier checkpoints it into the database after a commit. Bounds
  // the disk the WAL takes (its file stays about this size) and the work of one checkpoint; larger means fewer
  // checkpoints.
  std::uint64_t checkpoint_wal_bytes = 64 << 20;
  // How long the writer keeps what it knows of a sensor's times (~0.3 KB: what tells a new reading from a retry
  // without a lookup) after the sensor's last reading. Let go of, it is loaded again with one lookup at the next
  // reading: memory grows with the sensors reporting now, not with every sensor written since the start.
  std::chrono::milliseconds sensor_idle = std::chrono::hours(1);
  // How long readings are kept: those older are deleted at each UTC midnight (and at start) and refused when written
  // (WriteOutcome::kExpired). Forever by default.
  Retention retention;
  // How long the writer deletes past the retention at a time while writes wait, at most (a sensor's old readings go in
  // one piece, however long that takes); it deletes again before each round until done. A day of 1,000 sensors
  // reporting every minute (1.44 million readings) took ~0.6 s in one go, which every write then waited for.
  std::chrono::milliseconds retention_slice{20};
  // The wall clock the retention's cutoff follows; tests set it.
  Clock clock = SystemNow;
  // Told of every fsync of the log: the readings it made durable and how long it took. Optional.
  CommitObserver on_commit;
  // Told, on the writer, each time the retention's cutoff moved and the readings before it were deleted: the cutoff
  // and how many readings went (0 when none was older). Optional.
  std::function<void(TimeNs cutoff, std::int64_t readings)> on_expired;
  // Told how many sensors the writer holds the times of, whenever that changed in a round. Optional; on the writer.
  std::function<void(std::size_t sensors)> on_sensors_held;

  // What SQLite may still write once writes stop, so that no commit of an acknowledged reading fails for space: the
  // readings not yet applied (at most 65,536, ~10 MB with their rollups; 16 MiB), the WAL (up to
  // checkpoint_wal_bytes) and a checkpoint's growth of the database (as much again).
  std::uint64_t least_min_free_bytes() const { return 2 * checkpoint_wal_bytes + (std::uint64_t{16} << 20); }
};

// Opens the store, replaying the log. kInternal with a clear message when the folder, the database or the log
// cannot be used.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options);

}  // namespace telemetry

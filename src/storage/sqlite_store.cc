#include "storage/sqlite_store.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/rollup.h"
#include "core/rollup_deltas.h"
#include "core/time_cover.h"
#include "log/log.h"
#include "storage/data_directory.h"
#include "storage/directory_lock.h"
#include "storage/free_space.h"
#include "storage/quick_readers.h"
#include "storage/reading_index.h"
#include "storage/readings_log.h"
#include "storage/recent_buckets.h"
#include "storage/recently_used.h"
#include "storage/sqlite_applier.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_schema.h"
#include "storage/sqlite_stats_reader.h"
#include "storage/uncommitted_readings.h"

namespace telemetry {
namespace {

// Readings found new that the writer gathers before handing them to the applier, unless a commit comes first. The
// applier inserts them in key order: the more there are, the more of them land on the leaf page the previous one
// touched (100 sensors: sorted jobs of 16,384 instead of unsorted ones of 2,048 ingest ~5-7 % faster).
constexpr std::size_t kReadingsPerApplierJob = 16384;

// Rounds of fewer readings the writer syncs and acknowledges itself when the syncer is idle: handing them over cost
// wake-ups of the syncer and of the writer again and bought no rate (PUT at 64 connections: futex calls 0.55 ->
// 0.09 per request, context switches 0.61 -> 0.34, server CPU per request -10 %, the rate the same; one
// connection's p99 about halved). Larger rounds go to the syncer, so that the writer's work on the next round
// overlaps their fsync (line-protocol batches).
constexpr std::size_t kRoundReadingsSyncedByWriter = 1024;

// Readings the applier may be behind the writer by: enough to keep both busy, little enough that a read waiting for
// a commit does not wait long.
constexpr std::size_t kMaxApplierBacklog = 1 << 16;

// Idle sensors the writer lets go of per round at most (~0.1 us each): a fleet going quiet at once costs a few
// rounds a millisecond or two each, not one round a second.
constexpr std::size_t kMostSensorsForgottenPerRound = 16384;

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteStoreOptions& options)
      : options_(options),
        lock_(options.data_dir),
        database_(InDataDirectory(options.data_dir, kReadingsDatabaseFile)),
        free_space_(options.data_dir, options.min_free_bytes) {}

  ~SqliteStore() override { Close(); }

  // Prepares the database, replays the log and starts the threads. Throws std::runtime_error on failure.
  void Start();

  void Write(std::vector<Reading> readings, WriteCallback done) override;
  void Stats(StatsQuery query, StatsCallback done) override;
  void Series(SeriesQuery query, SeriesCallback done) override;
  void Sensors(SensorsQuery query, SensorsCallback done) override;
  void Readings(ReadingsQuery query, ReadingsCallback done) override;
  void Close() override;

 private:
  struct WriteJob {
    std::vector<Reading> readings;
    WriteCallback done;
  };
  // What the writer knows of a sensor's times, loaded from SQLite when the sensor is first seen (or first again since
  // it was let go of).
  struct SensorTimes {
    TimeCover cover;  // the times of its readings, stored or found new: a reading outside is new without a lookup
    bool any_committed = false;
    TimeNs latest_committed = 0;  // no committed reading is later: a later one is not in SQLite yet
    std::uint64_t batch = 0;      // the last uncommitted batch holding a reading of the sensor
    std::array<RecentBuckets, kSparseSensorLevels> sparse;  // by level - kFinestSensorLevel
  };
  // Readings found new between two commit requests: what the writer must still tell apart from new readings
  // itself until the commit is made, since its read connection sees only committed data.
  struct UncommittedBatch {
    std::uint64_t number = 0;  // the commit that makes it
    ReadingIndex readings;
    std::vector<std::pair<std::int64_t, TimeNs>> latest;  // per sensor in it: its latest time when the batch closed
  };
  // A read for the reader threads: `run` reads with a thread's reader and answers its caller; `fail` answers
  // with an error instead (the store is closing).
  struct StatsJob {
    std::function<void(SqliteStatsReader&)> run;
    std::function<void(Status)> fail;
  };
  // A job that calls read(reader) and hands its result, or the error it throws, to done.
  template <typename Result>
  static StatsJob MakeReadJob(std::function<Result(SqliteStatsReader&)> read,
                              std::function<void(StatusOr<Result>)> done) {
    auto shared_done = std::make_shared<std::function<void(StatusOr<Result>)>>(std::move(done));
    return StatsJob{[read = std::move(read), shared_done](SqliteStatsReader& reader) {
                      StatusOr<Result> result = Status(StatusCode::kInternal, "");
                      try {
                        result = read(reader);
                      } catch (const std::exception& error) {
                        result = Status(StatusCode::kInternal, std::string("reading failed: ") + error.what());
                      }
                      (*shared_done)(std::move(result));
                    },
                    [shared_done](Status status) { (*shared_done)(std::move(status)); }};
  }
  // Runs `job` on a reader thread now: for reads that add the uncommitted readings to their snapshot.
  void ReadNow(StatsJob job);
  // Runs `job` once everything acknowledged before the call is committed (read-your-writes): for reads that cannot
  // add uncommitted readings to what they read (exports).
  void ReadOnceCommitted(StatsJob job);
  // The answer to `query` read on the calling thread, when a quick reader takes it and the uncommitted readings
  // to look through are few; empty otherwise (a reader thread answers then).
  std::optional<std::vector<Aggregate>> TryQuickRead(const SeriesQuery& query);

  // Work for the applier thread, run in order: insert readings, then perhaps commit, then start reads.
  struct ApplyJob {
    std::vector<std::pair<std::int64_t, std::string>> sensors;  // new sensors: id, name
    std::vector<ReadingRow> rows;                               // readings the writer found new
    bool commit = false;
    std::vector<std::pair<RollupKey, Aggregate>> deltas;  // merged into the rollups by the commit
    std::vector<RollupKey> recounts;                      // sparse buckets to recount if their delta made the row
    LogPosition log_end;                                   // recorded by the commit
    std::uint64_t rounds = 0;                              // the applied rounds the commit covers
    std::uint64_t commit_number = 0;
    std::vector<StatsJob> reads;                           // handed to the readers once the job is done
  };

  // Callbacks to run once the log is durable up to the end of `segment` as it was when queued.
  struct SyncJob {
    std::shared_ptr<LogSegment> segment;
    std::vector<std::function<void()>> acks;
    std::size_t new_readings = 0;  // stored by this round
  };

  void WriterLoop();
  void SyncerLoop();
  // Makes the jobs' log records durable, then runs their acknowledgements; empties `jobs`. Aborts when the log
  // cannot be synced.
  void SyncAndAcknowledge(std::vector<SyncJob>& jobs);
  void ApplierLoop();
  // Runs `job` on the applier thread after the jobs before it, or at once while that thread does not run (start-up,
  // recovery). Waits while the applier is too far behind.
  void SubmitToApplier(ApplyJob job);
  // Returns once the applier has run every job: the writer thread may then use the database itself.
  void WaitForApplier();
  // Runs on whichever thread holds the database.
  void RunApplyJob(ApplyJob& job);
  // Hands the sensors and readings found new so far to the applier.
  void SubmitPendingRows();
  // The pending rows in key order, so that the applier's inserts land beside each other in the B-tree.
  std::vector<ReadingRow> TakePendingRows();
  // The value stored, or about to be, under (sensor, time); empty when there is none.
  std::optional<double> StoredValue(SensorTimes& times, std::int64_t sensor, TimeNs time);
  // Forgets uncommitted readings that the applier has committed since.
  void ForgetCommitted();
  // Asks the applier to commit everything applied so far; `reads` run after it.
  void RequestCommit(std::vector<StatsJob> reads);
  void ProcessWrites(std::vector<WriteJob>& jobs);
  // Decides whether a reading is new, a duplicate or a conflict; a new one is added to the unflushed rollups and to
  // the readings the applier will insert.
  WriteOutcome Decide(const Reading& reading);
  // Adds a stored reading to its sensor's rollup deltas. REQUIRES: its time is not yet in times.cover.
  void AddSensorDeltas(SensorTimes& times, std::int64_t sensor, const Reading& reading);
  // The sensor's times, loaded from the committed state when not held. Now its most recently used.
  SensorTimes& TimesOf(std::int64_t sensor);
  // Lets go of what the writer holds of sensors without a reading for options_.sensor_idle whose readings are all
  // committed: the committed state then holds their latest reading, which is all TimesOf() needs to load them again.
  void ForgetIdleSensors();
  // Tells options_.on_sensors_held how many sensors are held, if that changed.
  void ReportSensorsHeld();
  // When the writer should wake to let go of idle sensors; empty while it holds none.
  std::optional<std::chrono::steady_clock::time_point> NextForgetTime() const;
  // Brings SQLite up to date with the log, commits, and reloads what memory caches of SQLite (sensor ids, the
  // total). REQUIRES: the applier thread does not run.
  void CatchUpWithLog();
  // Checkpoints SQLite (its WAL into the database, fsync'd); when that completed, deletes the log segments before
  // `first_needed` (all their readings are then durable in SQLite) and returns true. On the thread that holds the
  // database.
  bool CheckpointAndDeleteSegmentsBefore(std::uint64_t first_needed);
  // Applier thread, after the commit that recorded `committed`: checkpoints when the WAL has grown past
  // options_.checkpoint_wal_bytes or a finished log segment waits to be deleted.
  void CheckpointIfDue(LogPosition committed);
  // Hands reads to the reader threads; REQUIRES: everything applied when they were asked is committed.
  void EnqueueReads(std::vector<StatsJob> reads);
  void ReaderLoop(SqliteStatsReader& reader);
  std::int64_t SensorId(const std::string& name);
  // Writer only: whether rounds were applied after the last commit asked for.
  bool HasUncommitted() const {
    return applied_rounds_.load(std::memory_order_relaxed) > commit_requested_rounds_;
  }
  // Begins a new log segment and checkpoints, deleting the segments before the new one. REQUIRES: the applier thread
  // does not run, everything logged is committed.
  void CheckpointAndRotateLog();
  // Writer, before each round: once the retention's cutoff has moved, refuses readings before it from then on, and
  // deletes the readings before it from SQLite a slice at a time, one slice before each round until done: in each,
  // everything written so far is committed first, then sensors' readings and rollups (then the all-sensors
  // series', a day at a time) are deleted for up to options_.retention_slice, in one transaction, while writes wait.
  void ExpireIfDue();
  // When the writer should next look at the retention's cutoff: now when it has moved (as at start, which leaves the
  // deleting to the writer so that the server listens meanwhile), else when it moves next; empty when it never does.
  std::optional<std::chrono::steady_clock::time_point> NextExpiryTime() const;

  const SqliteStoreOptions options_;
  DirectoryLock lock_;  // before anything opens the directory's files

  // The writing connection, used by one thread at a time: the applier thread while it runs a job, otherwise the
  // writer thread (Start() and Close() before and after both run).
  SqliteApplier database_;

  // Owned by the writer thread.
  std::unique_ptr<ReadingsLog> log_;
  // The writer's own read-only connection: it sees what is committed, never waiting for the applier.
  std::unique_ptr<SqliteDatabase> committed_db_;
  SqliteStatement committed_value_, committed_latest_;
  std::unordered_map<std::string, std::int64_t> sensor_ids_;
  std::int64_t next_sensor_id_ = 1;
  // By sensor id, for the sensors written to in the last options_.sensor_idle (~0.3 KB each).
  RecentlyUsed<SensorTimes> sensor_times_;
  std::chrono::steady_clock::time_point round_time_ = std::chrono::steady_clock::now();  // of the writer's round
  std::chrono::steady_clock::time_point last_forget_{};                // when ForgetIdleSensors() last ran
  std::size_t reported_sensors_held_ = 0;                              // as last told to options_.on_sensors_held
  std::vector<std::pair<std::int64_t, std::string>> pending_sensors_;  // not yet handed to the applier
  std::vector<ReadingRow> pending_rows_;     // readings found new in this round, not yet handed to the applier
  UncommittedBatch uncommitted_;             // readings found new since the last commit asked for
  std::deque<UncommittedBatch> committing_;  // batches of commits asked for, until the applier makes them
  std::uint64_t commits_requested_ = 0;
  RollupDeltas unflushed_;  // of every reading found new since the last commit asked for
  std::vector<RollupKey> recounts_;  // of sparse buckets, since the last commit asked for
  std::chrono::steady_clock::time_point last_commit_ = std::chrono::steady_clock::now();
  std::uint64_t commit_requested_rounds_ = 0;  // applied rounds covered by the commits asked for
  TimeNs expire_before_ = kMinTime;            // readings before it are refused: the retention's cutoff
  // A deletion past the retention under way (ExpireIfDue).
  struct Expiry {
    TimeNs cutoff = 0;
    std::int64_t next_sensor = 1;  // sensors numbered from it to last_sensor are still to do, then all sensors'
    std::int64_t last_sensor = 0;  // the largest id when it began: sensors numbered since hold no older reading
    std::int64_t readings = 0;     // deleted so far
    std::int64_t sensors_emptied = 0;
    std::chrono::steady_clock::time_point began;
    std::chrono::steady_clock::duration longest_slice{};  // what writes waited for at most
  };
  std::optional<Expiry> expiry_;
  bool applier_running_ = false;               // false: jobs run at once, on the writer (start-up, recovery)

  std::mutex apply_mu_;
  std::condition_variable apply_cv_;  // a job was queued, or one finished
  std::deque<ApplyJob> apply_queue_;   // GUARDED_BY(apply_mu_)
  std::size_t apply_queued_rows_ = 0;  // GUARDED_BY(apply_mu_)
  bool applier_busy_ = false;          // GUARDED_BY(apply_mu_): running a job it took from the queue
  bool applier_stopping_ = false;      // GUARDED_BY(apply_mu_)

  // Rounds applied to the open transaction, and how many of them are committed: a read waits until every round
  // applied before it was asked is committed, so it sees every write already acknowledged.
  std::atomic<std::uint64_t> applied_rounds_{0};
  std::atomic<std::uint64_t> committed_rounds_{0};
  std::atomic<std::uint64_t> commits_made_{0};  // by commit number

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<WriteJob> queue_;            // GUARDED_BY(queue_mu_)
  std::vector<StatsJob> awaiting_commit_;  // GUARDED_BY(queue_mu_)
  std::size_t queued_readings_ = 0;       // GUARDED_BY(queue_mu_)
  bool closing_ = false;                  // GUARDED_BY(queue_mu_)

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::deque<SyncJob> sync_queue_;        // GUARDED_BY(sync_mu_)
  bool writer_done_ = false;              // GUARDED_BY(sync_mu_)
  bool syncer_busy_ = false;              // GUARDED_BY(sync_mu_): syncing or acknowledging jobs it took

  std::mutex total_mu_;
  Aggregate total_;                       // GUARDED_BY(total_mu_): every reading applied so far

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::deque<StatsJob> read_queue_;       // GUARDED_BY(read_mu_)
  bool writer_stopped_ = false;           // GUARDED_BY(read_mu_)

  std::once_flag close_once_;
  std::thread writer_, syncer_, applier_;
  std::vector<std::thread> readers_;

  // Readings logged, not yet committed: added by the writer before they are acknowledged, dropped by the applier
  // once committed, added by statistics reads to their snapshots.
  UncommittedReadings uncommitted_readings_;
  std::unique_ptr<QuickReaders> quick_readers_;

  // Held with the database (the applier thread's, or the writer's while that does not run): the oldest log segment
  // SQLite may still need, and when a checkpoint that could not complete (a long read held the WAL) is tried again.
  std::uint64_t first_needed_segment_ = 0;
  std::chrono::steady_clock::time_point next_checkpoint_try_{};

  FreeSpaceGuard free_space_;  // writer only
};

void SqliteStore::Start() {
  database_.KeepWalFileBytes(options_.checkpoint_wal_bytes);
  committed_db_ = std::make_unique<SqliteDatabase>(InDataDirectory(options_.data_dir, kReadingsDatabaseFile),
                                                   SqliteDatabase::Mode::kReadOnly);
  committed_db_->Execute("PRAGMA mmap_size = " + std::to_string(kSqliteMmapBytes));
  committed_db_->SetBusyTimeout(10000);  // a WAL reader is rarely kept waiting, but never fail a round for it
  committed_value_ = committed_db_->Prepare("SELECT value FROM readings WHERE sensor_id = ?1 AND time_ns = ?2");
  committed_latest_ =
      committed_db_->Prepare("SELECT time_ns FROM readings WHERE sensor_id = ?1 ORDER BY time_ns DESC LIMIT 1");

  // Open before catching up with the log, whose checkpoint goes through them (no snapshot is held before a read).
  quick_readers_ = std::make_unique<QuickReaders>(InDataDirectory(options_.data_dir, kReadingsDatabaseFile),
                                                  std::max(1u, options_.stats_readers), &uncommitted_readings_);
  auto log = ReadingsLog::Open(InDataDirectory(options_.data_dir, kLogFolder), options_.log_segment_bytes);
  if (!log.ok()) throw std::runtime_error(log.status().message());
  log_ = std::move(log).value();
  CatchUpWithLog();
  // Open every reader before starting any thread, so that a failure leaves no thread behind.
  std::vector<std::shared_ptr<SqliteStatsReader>> readers;
  for (unsigned i = 0; i < std::max(1u, options_.stats_readers); ++i) {
    readers.push_back(std::make_shared<SqliteStatsReader>(InDataDirectory(options_.data_dir, kReadingsDatabaseFile),
                                                          &uncommitted_readings_));
  }
  // Named threads: `top -H` and profilers tell them apart.
  for (auto& reader : readers) {
    readers_.emplace_back([this, reader] {
      pthread_setname_np(pthread_self(), "store-reader");
      ReaderLoop(*reader);
    });
  }
  applier_running_ = true;
  applier_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-applier");
    ApplierLoop();
  });
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-writer");
    WriterLoop();
  });
  syncer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-syncer");
    SyncerLoop();
  });
}

void SqliteStore::CatchUpWithLog() {
  round_time_ = std::chrono::steady_clock::now();
  sensor_ids_.clear();
  sensor_times_.clear();
  pending_rows_.clear();
  pending_sensors_.clear();
  uncommitted_ = {};
  uncommitted_.number = commits_requested_ + 1;
  committing_.clear();
  // Sized for every sensor at once, and filled row by row: growing it step by step, or reading the names into a
  // list first, would leave the memory of the steps to the allocator (~100 MB with a million sensors).
  std::int64_t largest_id = database_.LargestSensorId();
  sensor_ids_.reserve(static_cast<std::size_t>(largest_id));
  database_.VisitSensors([&](std::int64_t id, std::string_view name) { sensor_ids_.emplace(std::string(name), id); });
  next_sensor_id_ = largest_id + 1;
  LogPosition applied = database_.AppliedPosition();

  unflushed_.Clear();
  recounts_.clear();
  std::int64_t replayed = 0;
  Status replay = log_->Replay(applied, [&](const Reading& reading, LogPosition) {
    Decide(reading);
    ++replayed;
  });
  if (!replay.ok()) throw std::runtime_error(replay.message());
  RequestCommit({});
  if (replayed > 0) {
    log::Info("applied readings from the log", {{"readings", static_cast<std::int64_t>(replayed)}});
  }
  CheckpointAndRotateLog();

  Aggregate total = database_.Rollup({kAllSensors, kTotalLevel, 0}).value_or(Aggregate{});
  std::lock_guard lock(total_mu_);
  total_ = total;
}

void SqliteStore::Write(std::vector<Reading> readings, WriteCallback done) {
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) {
      done(Status(StatusCode::kUnavailable, "the store is shutting down"), {});
      return;
    }
    if (queued_readings_ + readings.size() > options_.max_queued_readings) {
      done(Status(StatusCode::kUnavailable, "too many readings are waiting to be stored; retry shortly"), {});
      return;
    }
    queued_readings_ += readings.size();
    queue_.push_back(WriteJob{std::move(readings), std::move(done)});
  }
  queue_cv_.notify_one();
}

void SqliteStore::Stats(StatsQuery query, StatsCallback done) {
  if (!query.sensor_id && query.from == kMinTime && query.to == kMaxTime) {
    // The grand total is kept in memory: answer at once, without a trip through the writer's queue.
    Aggregate total;
    {
      std::lock_guard lock(total_mu_);
      total = total_;
    }
    done(total);
    return;
  }
  Series(SeriesQuery{std::move(query.sensor_id), {query.from, query.to}},
         [done = std::move(done)](StatusOr<std::vector<Aggregate>> spans) {
           if (!spans.ok()) return done(spans.status());
           done(spans->front());
         });
}

void SqliteStore::Series(SeriesQuery query, SeriesCallback done) {
  // No commit to wait for: the readers add the uncommitted readings to their snapshots.
  if (std::optional<std::vector<Aggregate>> answer = TryQuickRead(query)) return done(std::move(*answer));
  ReadNow(MakeReadJob<std::vector<Aggregate>>(
      [query = std::move(query)](SqliteStatsReader& reader) { return reader.Query(query); }, std::move(done)));
}

void SqliteStore::Sensors(SensorsQuery query, SensorsCallback done) {
  // No commit to wait for, as for statistics.
  ReadNow(MakeReadJob<std::vector<SensorSummary>>(
      [query = std::move(query)](SqliteStatsReader& reader) { return reader.Sensors(query); }, std::move(done)));
}

void SqliteStore::Readings(ReadingsQuery query, ReadingsCallback done) {
  ReadOnceCommitted(MakeReadJob<ReadingsPage>(
      [query = std::move(query)](SqliteStatsReader& reader) { return reader.Readings(query); }, std::move(done)));
}

std::optional<std::vector<Aggregate>> SqliteStore::TryQuickRead(const SeriesQuery& query) {
  if (uncommitted_readings_.size() > QuickReaders::kMaxUncommittedReadings) return std::nullopt;
  // Every commit moves committed_rounds_ on (stored once the commit is made, before the applier drops the readings
  // it covers): a snapshot held from before it is renewed, rather than found too old for what is uncommitted.
  return quick_readers_->TryQuery(committed_rounds_.load(std::memory_order_acquire), query);
}

void SqliteStore::ReadNow(StatsJob job) {
  std::vector<StatsJob> read;
  read.push_back(std::move(job));
  EnqueueReads(std::move(read));
}

void SqliteStore::ReadOnceCommitted(StatsJob job) {
  std::uint64_t asked_after = applied_rounds_.load(std::memory_order_acquire);
  if (committed_rounds_.load(std::memory_order_acquire) >= asked_after) return ReadNow(std::move(job));
  {
    std::lock_guard lock(queue_mu_);
    if (closing_) {
      job.fail(Status(StatusCode::kUnavailable, "the store is shutting down"));
      return;
    }
    awaiting_commit_.push_back(std::move(job));
  }
  queue_cv_.notify_one();
}

void SqliteStore::EnqueueReads(std::vector<StatsJob> reads) {
  if (reads.empty()) return;
  std::size_t queued = 0;
  {
    std::lock_guard lock(read_mu_);
    if (!writer_stopped_) {
      for (StatsJob& read : reads) read_queue_.push_back(std::move(read));
      queued = reads.size();
      reads.clear();
    }
  }
  // As many readers as there are reads: waking every reader for one read costs the others a wake-up for nothing.
  if (queued == 1) {
    read_cv_.notify_one();
  } else if (queued > 1) {
    read_cv_.notify_all();
  }
  for (StatsJob& read : reads) read.fail(Status(StatusCode::kUnavailable, "the store is shutting down"));
}

void SqliteStore::ReaderLoop(SqliteStatsReader& reader) {
  for (;;) {
    StatsJob job;
    {
      std::unique_lock lock(read_mu_);
      read_cv_.wait(lock, [this] { return !read_queue_.empty() || writer_stopped_; });
      if (read_queue_.empty()) return;
      job = std::move(read_queue_.front());
      read_queue_.pop_front();
    }
    job.run(reader);
  }
}

void SqliteStore::Close() {
  std::call_once(close_once_, [this] {
    {
      std::lock_guard lock(queue_mu_);
      closing_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(apply_mu_);
      applier_stopping_ = true;
    }
    apply_cv_.notify_all();
    if (applier_.joinable()) applier_.join();
    {
      std::lock_guard lock(sync_mu_);
      writer_done_ = true;
    }
    sync_cv_.notify_all();
    if (syncer_.joinable()) syncer_.join();
    {
      std::lock_guard lock(read_mu_);
      writer_stopped_ = true;
    }
    read_cv_.notify_all();
    for (auto& reader : readers_) reader.join();
  });
}

void SqliteStore::WriterLoop() {
  std::vector<WriteJob> writes;
  std::vector<StatsJob> reads;
  for (;;) {
    bool closing;
    {
      std::unique_lock lock(queue_mu_);
      auto ready = [this] { return !queue_.empty() || !awaiting_commit_.empty() || closing_; };
      std::optional<std::chrono::steady_clock::time_point> wake = NextForgetTime();
      if (HasUncommitted()) {
        std::chrono::steady_clock::time_point commit = last_commit_ + options_.commit_interval;
        wake = wake ? std::min(*wake, commit) : commit;
      }
      if (std::optional<std::chrono::steady_clock::time_point> expiry = NextExpiryTime()) {
        wake = wake ? std::min(*wake, *expiry) : *expiry;
      }
      if (wake) {
        queue_cv_.wait_until(lock, *wake, ready);
      } else {
        queue_cv_.wait(lock, ready);
      }
      round_time_ = std::chrono::steady_clock::now();
      std::size_t taken = 0;
      while (!queue_.empty() && (taken == 0 || taken < options_.max_round_readings)) {
        taken += queue_.front().readings.size();
        queued_readings_ -= queue_.front().readings.size();
        writes.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      reads.swap(awaiting_commit_);
      closing = closing_ && queue_.empty();
    }
    try {
      ExpireIfDue();  // before the round: none of its readings is taken for kept and deleted afterwards
    } catch (const std::exception& error) {
      log::Error("fatal: cannot delete readings past the retention", {{"error", error.what()}});
      std::abort();
    }
    if (!writes.empty()) ProcessWrites(writes);
    writes.clear();

    try {
      bool commit_due = std::chrono::steady_clock::now() >= last_commit_ + options_.commit_interval ||
                        uncommitted_.readings.size() >= options_.max_uncommitted_readings;
      if (closing || (HasUncommitted() && (commit_due || !reads.empty()))) {
        RequestCommit(std::exchange(reads, {}));
        if (closing) {
          WaitForApplier();
          CheckpointAndRotateLog();
        }
      } else if (!reads.empty()) {
        // All they must see is in a commit already asked for; they start after it.
        ApplyJob after_commit;
        after_commit.reads = std::exchange(reads, {});
        SubmitToApplier(std::move(after_commit));
      }
    } catch (const std::exception& error) {
      // Readings already acknowledged are safe in the log; without SQLite they cannot be applied, so stop loudly
      // and let the next start replay them.
      log::Error("fatal: cannot commit to SQLite", {{"error", error.what()}});
      std::abort();
    }
    if (closing) return;
    ForgetIdleSensors();
    if (log_->end().offset >= options_.log_segment_bytes) {
      // The applier deletes the finished segment after its next commit and checkpoint: the writer does not wait.
      Status rotated = log_->Rotate();
      if (!rotated.ok()) {
        log::Error("fatal: cannot begin a new log segment", {{"error", rotated.message()}});
        std::abort();
      }
    }
  }
}

void SqliteStore::ProcessWrites(std::vector<WriteJob>& jobs) {
  if (Status space = free_space_.Check(); !space.ok()) {
    for (WriteJob& job : jobs) job.done(space, {});
    return;
  }
  ForgetCommitted();
  // Nothing hands pending rows and sensors to the applier while the round is decided: its own are at their ends.
  const std::size_t round_first_row = pending_rows_.size(), round_first_sensor = pending_sensors_.size();
  std::size_t round_readings = 0;
  for (const WriteJob& job : jobs) round_readings += job.readings.size();
  Aggregate round_total;
  std::vector<std::vector<WriteOutcome>> outcomes(jobs.size());
  Status status;
  try {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      outcomes[i].reserve(jobs[i].readings.size());
      for (const Reading& reading : jobs[i].readings) {
        WriteOutcome outcome = Decide(reading);
        if (outcome == WriteOutcome::kStored) {
          log_->Append(reading);
          round_total.Add(reading.value);
        }
        outcomes[i].push_back(outcome);
      }
    }
    ReportSensorsHeld();  // before the round is acknowledged: what a client wrote is counted when it hears back
    status = log_->Write();
    // Visible to reads from now on, before they are acknowledged.
    if (status.ok()) {
      uncommitted_readings_.Add(log_->end(), std::span(pending_rows_).subspan(round_first_row),
                                std::span(pending_sensors_).subspan(round_first_sensor));
    }
    // Small rounds' readings wait for more (or for the next commit): one wake-up of the applier per round would
    // cost more than inserting them.
    if (status.ok() && pending_rows_.size() >= kReadingsPerApplierJob) SubmitPendingRows();
  } catch (const std::exception& error) {
    log_->DiscardBuffered();
    status = Status(StatusCode::kInternal, std::string("storing readings failed: ") + error.what());
  }

  if (status.ok()) {
    if (round_total.count > 0) applied_rounds_.fetch_add(1, std::memory_order_release);
    std::lock_guard lock(total_mu_);
    total_.Merge(round_total);
  } else {
    // Memory and perhaps SQLite's open transaction hold this round's readings, the log does not. The log is the
    // truth: drop the transaction and rebuild from the log, as after a crash. (No per-round savepoint: it would
    // cost a copy of every page each round touches.)
    log::Error("a round of writes failed; rebuilding from the log", {{"error", status.message()}});
    try {
      WaitForApplier();
      database_.Rollback();
      applier_running_ = false;  // the writer holds the database until the log is applied again
      CatchUpWithLog();
      applier_running_ = true;
    } catch (const std::exception& error) {
      log::Error("fatal: cannot recover from the log", {{"error", error.what()}});
      std::abort();
    }
  }

  SyncJob sync{log_->current(), {}, status.ok() ? static_cast<std::size_t>(round_total.count) : 0};
  sync.acks.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (status.ok()) {
      sync.acks.push_back([done = std::move(jobs[i].done), outcome = std::move(outcomes[i])]() mutable {
        done(Status::Ok(), std::move(outcome));
      });
    } else {
      sync.acks.push_back([done = std::move(jobs[i].done), status] { done(status, {}); });
    }
  }
  // The syncer is idle when nothing is queued for it and it is not busy; only this thread queues, so it stays so.
  bool sync_here;
  {
    std::lock_guard lock(sync_mu_);
    sync_here = round_readings < kRoundReadingsSyncedByWriter && sync_queue_.empty() && !syncer_busy_;
    if (!sync_here) sync_queue_.push_back(std::move(sync));
  }
  if (!sync_here) {
    sync_cv_.notify_one();
    return;
  }
  std::vector<SyncJob> here;
  here.push_back(std::move(sync));
  SyncAndAcknowledge(here);
}

WriteOutcome SqliteStore::Decide(const Reading& reading) {
  if (reading.time < expire_before_) return WriteOutcome::kExpired;
  std::int64_t sensor = SensorId(reading.sensor_id);
  SensorTimes& times = TimesOf(sensor);
  if (times.cover.MayHold(reading.time)) {
    if (std::optional<double> stored = StoredValue(times, sensor, reading.time)) {
      return *stored == reading.value ? WriteOutcome::kDuplicate : WriteOutcome::kConflict;
    }
  }
  AddSensorDeltas(times, sensor, reading);
  times.cover.Add(reading.time);
  uncommitted_.readings.Insert(sensor, reading.time, reading.value);
  if (times.batch != uncommitted_.number) {
    times.batch = uncommitted_.number;
    uncommitted_.latest.emplace_back(sensor, 0);  // the time is filled in when the batch closes
  }
  pending_rows_.push_back({sensor, reading.time, reading.value});
  unflushed_.AddReading(kAllSensors, FinestLevel(kAllSensors), reading.time, reading.value);
  unflushed_.Add({kAllSensors, kInstantLevel, reading.time}, reading.value);
  return WriteOutcome::kStored;
}

void SqliteStore::AddSensorDeltas(SensorTimes& times, std::int64_t sensor, const Reading& reading) {
  unsigned alone = 0;  // levels where the reading is alone in its bucket: its own aggregate, no delta
  for (int level = kFinestSensorLevel; level < kFinestSensorLevel + kSparseSensorLevels; ++level) {
    TimeNs width = kRollupWidths[static_cast<std::size_t>(level)];
    TimeNs bucket = FloorTo(reading.time, width);
    RecentBuckets& recent = times.sparse[static_cast<std::size_t>(level - kFinestSensorLevel)];
    // The cover holds every reading of the sensor: when it holds none in the bucket, the bucket is empty.
    if (bucket <= kMaxTime - width && !times.cover.MayHoldAny(bucket, bucket + width)) {
      alone |= 1u << level;
      recent.KeepLone(bucket, reading.value);
      continue;
    }
    RollupKey key{sensor, level, bucket};
    double lone_value = 0;
    switch (recent.Join(bucket, lone_value)) {
      case RecentBuckets::State::kLone:
        unflushed_.Add(key, lone_value);  // the row starts with the reading that was alone
        break;
      case RecentBuckets::State::kHasRow:
        break;
      case RecentBuckets::State::kUnknown:
        // The bucket may hold a reading alone, without a row, whose value is no longer at hand (other buckets came
        // between, or a restart): if this delta makes the row, the applier counts the bucket's readings instead.
        recounts_.push_back(key);
        break;
    }
  }
  unflushed_.AddReading(sensor, FinestLevel(sensor), reading.time, reading.value, alone);
}

std::optional<double> SqliteStore::StoredValue(SensorTimes& times, std::int64_t sensor, TimeNs time) {
  // Uncommitted first: a batch is forgotten only once ForgetCommitted() sees its commit made, so a lookup that
  // misses here finds the reading in the committed state.
  ForgetCommitted();
  if (std::optional<double> found = uncommitted_.readings.Find(sensor, time)) return found;
  for (const UncommittedBatch& batch : committing_) {
    if (std::optional<double> found = batch.readings.Find(sensor, time)) return found;
  }
  if (!times.any_committed || time > times.latest_committed) return std::nullopt;
  committed_value_.Bind(1, sensor).Bind(2, time);
  std::optional<double> stored;
  if (committed_value_.Step()) stored = committed_value_.ColumnDouble(0);
  committed_value_.Reset();
  return stored;
}

void SqliteStore::ForgetCommitted() {
  std::uint64_t made = commits_made_.load(std::memory_order_acquire);
  while (!committing_.empty() && committing_.front().number <= made) {
    for (const auto& [sensor, latest] : committing_.front().latest) {
      // Held: a sensor is let go of only once its readings are committed, and these are committed only now.
      SensorTimes& times = *sensor_times_.Find(sensor);
      times.latest_committed = times.any_committed ? std::max(times.latest_committed, latest) : latest;
      times.any_committed = true;
    }
    committing_.pop_front();
  }
}

SqliteStore::SensorTimes& SqliteStore::TimesOf(std::int64_t sensor) {
  auto [times, made] = sensor_times_.Use(sensor, round_time_);
  if (made) {
    // Loaded when the sensor is first seen since the start (or a recovery), which committed everything before, or
    // first again since ForgetIdleSensors() let go of it once its readings were committed: either way the committed
    // state holds its latest reading.
    committed_latest_.Bind(1, sensor);
    times.any_committed = committed_latest_.Step();
    if (times.any_committed) {
      times.latest_committed = committed_latest_.ColumnInt(0);
      times.cover.AddThrough(times.latest_committed);
    }
    committed_latest_.Reset();
  }
  return times;
}

void SqliteStore::ForgetIdleSensors() {
  last_forget_ = round_time_;
  if (sensor_times_.size() > 0 && *sensor_times_.OldestUse() < round_time_ - options_.sensor_idle) {
    ForgetCommitted();
    // The batches before this one are committed, and ForgetCommitted() has taken their latest times.
    std::uint64_t first_uncommitted = committing_.empty() ? uncommitted_.number : committing_.front().number;
    sensor_times_.ForgetUnusedSince(round_time_ - options_.sensor_idle, kMostSensorsForgottenPerRound,
                                    [&](const SensorTimes& times) { return times.batch < first_uncommitted; });
  }
  ReportSensorsHeld();
}

void SqliteStore::ReportSensorsHeld() {
  if (sensor_times_.size() == reported_sensors_held_ || !options_.on_sensors_held) return;
  reported_sensors_held_ = sensor_times_.size();
  options_.on_sensors_held(reported_sensors_held_);
}

std::optional<std::chrono::steady_clock::time_point> SqliteStore::NextForgetTime() const {
  std::optional<std::chrono::steady_clock::time_point> oldest = sensor_times_.OldestUse();
  if (!oldest) return std::nullopt;
  // Not sooner than a quarter of the idle time after the last try: a sensor idle that long whose readings are not
  // committed yet waits for the commit, and the writer must not spin meanwhile.
  return std::max(*oldest + options_.sensor_idle, last_forget_ + options_.sensor_idle / 4);
}

std::vector<ReadingRow> SqliteStore::TakePendingRows() {
  std::sort(pending_rows_.begin(), pending_rows_.end(), [](const ReadingRow& a, const ReadingRow& b) {
    return std::tie(a.sensor, a.time) < std::tie(b.sensor, b.time);
  });
  return std::exchange(pending_rows_, {});
}

void SqliteStore::SubmitPendingRows() {
  if (pending_rows_.empty() && pending_sensors_.empty()) return;
  ApplyJob job;
  job.sensors = std::exchange(pending_sensors_, {});
  job.rows = TakePendingRows();
  SubmitToApplier(std::move(job));
}

void SqliteStore::RequestCommit(std::vector<StatsJob> reads) {
  ApplyJob job;
  job.sensors = std::exchange(pending_sensors_, {});
  job.rows = TakePendingRows();
  job.commit = true;
  job.commit_number = ++commits_requested_;
  for (auto& [sensor, latest] : uncommitted_.latest) {
    latest = sensor_times_.Find(sensor)->cover.latest();  // held: its readings are not committed
  }
  committing_.push_back(std::exchange(uncommitted_, {}));
  uncommitted_.number = commits_requested_ + 1;
  job.deltas = unflushed_.Take();
  std::sort(recounts_.begin(), recounts_.end());
  recounts_.erase(std::unique(recounts_.begin(), recounts_.end()), recounts_.end());
  job.recounts = std::exchange(recounts_, {});
  job.log_end = log_->end();
  job.rounds = applied_rounds_.load(std::memory_order_relaxed);
  job.reads = std::move(reads);
  commit_requested_rounds_ = job.rounds;
  last_commit_ = std::chrono::steady_clock::now();
  SubmitToApplier(std::move(job));
}

void SqliteStore::SubmitToApplier(ApplyJob job) {
  if (!applier_running_) {
    RunApplyJob(job);
    return;
  }
  {
    std::unique_lock lock(apply_mu_);
    apply_cv_.wait(lock, [this] { return apply_queued_rows_ < kMaxApplierBacklog; });
    apply_queued_rows_ += job.rows.size();
    apply_queue_.push_back(std::move(job));
  }
  apply_cv_.notify_all();
}

void SqliteStore::WaitForApplier() {
  if (!applier_running_) return;
  std::unique_lock lock(apply_mu_);
  apply_cv_.wait(lock, [this] { return apply_queue_.empty() && !applier_busy_; });
}

void SqliteStore::ApplierLoop() {
  for (;;) {
    ApplyJob job;
    {
      std::unique_lock lock(apply_mu_);
      apply_cv_.wait(lock, [this] { return !apply_queue_.empty() || applier_stopping_; });
      if (apply_queue_.empty()) return;
      job = std::move(apply_queue_.front());
      apply_queue_.pop_front();
      applier_busy_ = true;
    }
    try {
      RunApplyJob(job);
      // After the job's reads went to the readers: they need not wait for the checkpoint.
      if (job.commit) CheckpointIfDue(job.log_end);
    } catch (const std::exception& error) {
      // The readings are acknowledged and safe in the log, but SQLite cannot take them: stop loudly and let the
      // next start replay the log.
      log::Error("fatal: cannot apply readings to SQLite", {{"error", error.what()}});
      std::abort();
    }
    {
      std::lock_guard lock(apply_mu_);
      apply_queued_rows_ -= job.rows.size();
      applier_busy_ = false;
    }
    apply_cv_.notify_all();
  }
}

void SqliteStore::RunApplyJob(ApplyJob& job) {
  if (!job.sensors.empty() || !job.rows.empty() || job.commit) database_.Begin();
  for (const auto& [id, name] : job.sensors) database_.InsertSensor(id, name);
  database_.InsertReadings(job.rows);
  if (job.commit) {
    database_.MergeDeltas(job.deltas);
    database_.Recount(job.recounts, job.deltas);
    database_.SavePosition(job.log_end);
    database_.Commit();
    committed_rounds_.store(job.rounds, std::memory_order_release);
    commits_made_.store(job.commit_number, std::memory_order_release);
    uncommitted_readings_.DropThrough(job.log_end);
  }
  EnqueueReads(std::move(job.reads));
}

std::int64_t SqliteStore::SensorId(const std::string& name) {
  auto found = sensor_ids_.find(name);
  if (found != sensor_ids_.end()) return found->second;
  // Numbered here, so that the writer need not wait for SQLite; the applier inserts it with the readings.
  std::int64_t id = next_sensor_id_++;
  pending_sensors_.emplace_back(id, name);
  sensor_times_.Use(id, round_time_);  // new: nothing to load
  sensor_ids_.emplace(name, id);
  return id;
}

void SqliteStore::ExpireIfDue() {
  if (options_.retention.keeps_forever()) return;
  if (!expiry_) {
    TimeNs cutoff = options_.retention.Cutoff(options_.clock());
    if (cutoff <= expire_before_) return;
    expire_before_ = cutoff;  // refused from the next reading decided on
    expiry_ = Expiry{.cutoff = cutoff, .last_sensor = next_sensor_id_ - 1, .began = std::chrono::steady_clock::now()};
  }
  // Committed and applied, everything written so far is SQLite's: the deletes see every reading, each total is
  // rebuilt from every day row left, and the writer may use the database itself (as at start and on closing).
  auto slice_began = std::chrono::steady_clock::now();
  if (HasUncommitted()) RequestCommit({});
  WaitForApplier();
  ForgetCommitted();
  auto deadline = std::chrono::steady_clock::now() + options_.retention_slice;
  Expiry& expiry = *expiry_;
  bool done = false, all_sensors_deleted = false;
  database_.Begin();
  // At least one sensor, or one day of the all-sensors series, per slice.
  bool first = true;
  while (expiry.next_sensor <= expiry.last_sensor && (first || std::chrono::steady_clock::now() < deadline)) {
    first = false;
    DeletedReadings deleted = database_.DeleteSensorReadingsBefore(expiry.next_sensor++, expiry.cutoff);
    expiry.readings += deleted.readings;
    if (deleted.emptied) {
      // Forgotten whole: it is new if it reports again.
      ++expiry.sensors_emptied;
      sensor_times_.Forget(expiry.next_sensor - 1);
      sensor_ids_.erase(*deleted.emptied);
    }
  }
  if (expiry.next_sensor > expiry.last_sensor) {
    // Then the all-sensors series, a day at a time (its seconds and instants are most of its rows).
    do {
      std::optional<TimeNs> oldest = database_.OldestDay();
      if (!oldest || *oldest >= expiry.cutoff) {
        done = true;
        break;
      }
      database_.DeleteAllSensorsBucketsBefore(std::min(*oldest + kNanosPerDay, expiry.cutoff));
      all_sensors_deleted = true;
    } while (std::chrono::steady_clock::now() < deadline);
  }
  database_.Commit();
  if (database_.WalBytes() >= options_.checkpoint_wal_bytes) {
    quick_readers_->WithoutSnapshots([&] { database_.Checkpoint(); });
  }
  if (all_sensors_deleted) {
    // Nothing is uncommitted: the grand total is the committed one.
    Aggregate total = database_.Rollup({kAllSensors, kTotalLevel, 0}).value_or(Aggregate{});
    std::lock_guard lock(total_mu_);
    total_ = total;
  }
  // Counted as a committed round, so that the quick readers renew the snapshots they hold from before the slice.
  commit_requested_rounds_ = applied_rounds_.fetch_add(1, std::memory_order_acq_rel) + 1;
  committed_rounds_.store(commit_requested_rounds_, std::memory_order_release);
  expiry.longest_slice = std::max(expiry.longest_slice, std::chrono::steady_clock::now() - slice_began);
  if (!done) return;
  if (options_.on_expired) options_.on_expired(expiry.cutoff, expiry.readings);
  if (expiry.readings > 0) {
    auto ms = [](std::chrono::steady_clock::duration took) {
      return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
    };
    log::Info("deleted the readings past the retention", {{"before", FormatRfc3339(expiry.cutoff)},
                                                          {"readings", expiry.readings},
                                                          {"sensors_emptied", expiry.sensors_emptied},
                                                          {"ms", ms(std::chrono::steady_clock::now() - expiry.began)},
                                                          {"longest_write_wait_ms", ms(expiry.longest_slice)}});
  }
  expiry_.reset();
}

std::optional<std::chrono::steady_clock::time_point> SqliteStore::NextExpiryTime() const {
  if (options_.retention.keeps_forever()) return std::nullopt;
  TimeNs now = options_.clock();
  if (expiry_ || options_.retention.Cutoff(now) > expire_before_) return std::chrono::steady_clock::now();
  return std::chrono::steady_clock::now() + std::chrono::nanoseconds(options_.retention.NextCutoffChange(now) - now);
}

bool SqliteStore::CheckpointAndDeleteSegmentsBefore(std::uint64_t first_needed) {
  // The checkpoint waits for every read to end, the quick readers' held snapshots too.
  bool complete = false;
  quick_readers_->WithoutSnapshots([&] { complete = database_.Checkpoint(); });
  if (!complete) return false;
  log_->DeleteSegmentsBefore(first_needed);
  first_needed_segment_ = first_needed;
  return true;
}

// REQUIRES: no transaction is open, everything in the log is committed.
void SqliteStore::CheckpointAndRotateLog() {
  std::uint64_t applied_segment = log_->current()->id();
  Status rotated = log_->Rotate();
  if (!rotated.ok()) throw std::runtime_error(rotated.message());
  CheckpointAndDeleteSegmentsBefore(applied_segment + 1);
}

// Under single-reading writes the WAL grows ~20 times faster than the log (each commit rewrites whole pages), so a
// checkpoint only per finished 64 MiB log segment let it reach ~1.3 GB and stopped the writer for over a second
// while it ran (docs/performance.md, session 11). Here the applier checkpoints after a commit, at most
// checkpoint_wal_bytes of WAL at a time, while the writer goes on logging and acknowledging: it only waits if the
// applier falls kMaxApplierBacklog readings behind.
void SqliteStore::CheckpointIfDue(LogPosition committed) {
  bool finished_segment = committed.segment > first_needed_segment_;
  if (!finished_segment && database_.WalBytes() < options_.checkpoint_wal_bytes) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_checkpoint_try_) return;
  // Complete, SQLite holds everything up to `committed` durably: the segments before its segment can go.
  if (!CheckpointAndDeleteSegmentsBefore(committed.segment)) next_checkpoint_try_ = now + std::chrono::seconds(1);
}

void SqliteStore::SyncerLoop() {
  std::vector<SyncJob> jobs;
  for (;;) {
    {
      std::unique_lock lock(sync_mu_);
      sync_cv_.wait(lock, [this] { return !sync_queue_.empty() || writer_done_; });
      if (sync_queue_.empty()) return;
      while (!sync_queue_.empty()) {
        jobs.push_back(std::move(sync_queue_.front()));
        sync_queue_.pop_front();
      }
      syncer_busy_ = true;
    }
    SyncAndAcknowledge(jobs);
    std::lock_guard lock(sync_mu_);
    syncer_busy_ = false;
  }
}

void SqliteStore::SyncAndAcknowledge(std::vector<SyncJob>& jobs) {
  const LogSegment* synced = nullptr;
  auto sync_start = std::chrono::steady_clock::now();
  std::size_t new_readings = 0;
  for (const SyncJob& job : jobs) {
    new_readings += job.new_readings;
    if (job.segment.get() == synced) continue;
    Status status = job.segment->Sync();
    if (!status.ok()) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written since the last good
      // sync can be trusted, so stop now (as PostgreSQL does) and let the next start replay what is on disk.
      log::Error("fatal: the log could not be synced", {{"error", status.message()}});
      std::abort();
    }
    synced = job.segment.get();
  }
  if (options_.on_commit) options_.on_commit(new_readings, std::chrono::steady_clock::now() - sync_start);
  for (SyncJob& job : jobs) {
    for (auto& ack : job.acks) ack();
  }
  jobs.clear();
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options) {
  try {
    std::filesystem::create_directories(options.data_dir);
    auto store = std::make_unique<SqliteStore>(options);
    store->Start();
    return std::unique_ptr<Store>(std::move(store));
  } catch (const std::exception& error) {
    return Status(StatusCode::kInternal, std::string("cannot open the store in ") + options.data_dir + ": " +
                                             error.what());
  }
}

}  // namespace telemetry

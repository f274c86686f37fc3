#include "storage/dynamodb_store.h"

#include <pthread.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/json_writer.h"
#include "core/rollup.h"
#include "storage/dynamodb_schema.h"
#include "storage/readings_page.h"

namespace telemetry {
namespace {

constexpr std::size_t kMaxTransactionActions = 100;  // DynamoDB's limit
constexpr std::size_t kMaxBatchGetKeys = 100;        // DynamoDB's limit
// How far down the queue a writer looks for jobs whose sensors no other writer holds.
constexpr std::size_t kMaxJobsScanned = 1024;
// The sensors a page of every sensor's readings looks at, at most: a query each, one after another (~2–5 ms
// apiece), so that a page over a range few of them report in stays well under a second.
constexpr std::size_t kMostSensorsPerReadingsPage = 64;

// ---- DynamoDB JSON ----

void WriteKey(JsonWriter& json, const ItemKey& key) {
  json.BeginObject();
  json.Key(kPartitionKey).BeginObject().Key("S").String(key.pk).EndObject();
  json.Key(kSortKey).BeginObject().Key("S").String(key.sk).EndObject();
  json.EndObject();
}

void WriteNumber(JsonWriter& json, double value) {
  json.BeginObject().Key("N").String(FormatNumber(value)).EndObject();
}

void WriteNumber(JsonWriter& json, std::int64_t value) {
  json.BeginObject().Key("N").String(std::to_string(value)).EndObject();
}

void WriteString(JsonWriter& json, std::string_view value) { json.BeginObject().Key("S").String(value).EndObject(); }

std::optional<double> NumberOf(simdjson::dom::element item, std::string_view attribute) {
  std::string_view text;
  if (item[attribute]["N"].get(text)) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string StringOf(simdjson::dom::element item, std::string_view attribute) {
  std::string_view text;
  if (item[attribute]["S"].get(text)) return "";
  return std::string(text);
}

std::string RandomToken() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return text;
}

int RandomShard(int shards) {
  thread_local std::mt19937 generator{std::random_device{}()};
  return std::uniform_int_distribution<int>(0, shards - 1)(generator);
}

struct StoredBucket {
  Aggregate aggregate;
  std::int64_t version = 0;  // 0: no item yet
};

Aggregate AggregateOf(simdjson::dom::element item) {
  Aggregate aggregate;
  aggregate.count = static_cast<std::int64_t>(NumberOf(item, "c").value_or(0));
  aggregate.sum = NumberOf(item, "s").value_or(0);
  aggregate.sum_error = NumberOf(item, "e").value_or(0);
  aggregate.min = NumberOf(item, "mn").value_or(aggregate.min);
  aggregate.max = NumberOf(item, "mx").value_or(aggregate.max);
  return aggregate;
}

// Bucket items as this instance last saw them, so that most commits need not read them first. A stale entry
// costs one cancelled transaction, whose cancellation reasons carry the item as it is (ALL_OLD).
class BucketCache {
 public:
  std::optional<StoredBucket> Find(const ItemKey& key) {
    std::lock_guard lock(mu_);
    auto found = buckets_.find(key);
    if (found == buckets_.end()) return std::nullopt;
    return found->second;
  }
  void Set(const ItemKey& key, const StoredBucket& bucket) {
    std::lock_guard lock(mu_);
    // Bounded by forgetting everything now and then: a miss only costs a read.
    if (buckets_.size() >= kMaxEntries) buckets_.clear();
    buckets_[key] = bucket;
  }
  void Erase(const ItemKey& key) {
    std::lock_guard lock(mu_);
    buckets_.erase(key);
  }

 private:
  static constexpr std::size_t kMaxEntries = 1 << 18;
  std::mutex mu_;
  std::map<ItemKey, StoredBucket> buckets_;  // GUARDED_BY(mu_)
};

class DynamoDbStore final : public Store {
 public:
  DynamoDbStore(aws::DynamoDbClient& client, const DynamoDbStoreOptions& options)
      : client_(client), options_(options) {
    // Each writer owns an all-sensors shard, so that this instance's writers never race each other for those
    // buckets; the random offset keeps other instances' writers off the same shards where there are enough.
    int offset = RandomShard(options_.all_sensor_shards);
    for (unsigned i = 0; i < std::max(1u, options_.writer_threads); ++i) {
      int shard = static_cast<int>((offset + i) % options_.all_sensor_shards);
      writers_.emplace_back([this, shard] {
        pthread_setname_np(pthread_self(), "ddb-writer");
        WriterLoop(shard);
      });
    }
    for (unsigned i = 0; i < std::max(1u, options_.reader_threads); ++i) {
      readers_.emplace_back([this] {
        pthread_setname_np(pthread_self(), "ddb-reader");
        ReaderLoop();
      });
    }
  }

  ~DynamoDbStore() override { Close(); }

  void Write(std::vector<Reading> readings, WriteCallback done) override {
    {
      std::lock_guard lock(mu_);
      if (closing_) return done(Status(StatusCode::kUnavailable, "the store is shutting down"), {});
      if (queued_readings_ + readings.size() > options_.max_queued_readings) {
        return done(Status(StatusCode::kUnavailable, "too many readings are waiting to be stored; retry shortly"),
                    {});
      }
      queued_readings_ += readings.size();
      writes_.push_back(WriteJob{std::move(readings), std::move(done)});
    }
    writes_cv_.notify_one();
  }

  void Stats(StatsQuery query, StatsCallback done) override {
    Series(SeriesQuery{std::move(query.sensor_id), {query.from, query.to}},
           [done = std::move(done)](StatusOr<std::vector<Aggregate>> spans) {
             if (!spans.ok()) return done(spans.status());
             done(spans->front());
           });
  }

  void Series(SeriesQuery query, SeriesCallback done) override {
    auto shared_done = std::make_shared<SeriesCallback>(std::move(done));
    Read([this, query = std::move(query), shared_done] { (*shared_done)(Query(query)); },
         [shared_done](Status status) { (*shared_done)(std::move(status)); });
  }

  void Readings(ReadingsQuery query, ReadingsCallback done) override {
    auto shared_done = std::make_shared<ReadingsCallback>(std::move(done));
    Read([this, query = std::move(query), shared_done] { (*shared_done)(ListReadings(query)); },
         [shared_done](Status status) { (*shared_done)(std::move(status)); });
  }

  void Sensors(SensorsQuery query, SensorsCallback done) override {
    auto shared_done = std::make_shared<SensorsCallback>(std::move(done));
    Read([this, query = std::move(query), shared_done] { (*shared_done)(ListSensors(query)); },
         [shared_done](Status status) { (*shared_done)(std::move(status)); });
  }

  void Close() override {
    std::call_once(close_once_, [this] {
      {
        std::lock_guard lock(mu_);
        closing_ = true;
      }
      writes_cv_.notify_all();
      reads_cv_.notify_all();
      for (auto& thread : writers_) thread.join();
      for (auto& thread : readers_) thread.join();
    });
  }

 private:
  struct WriteJob {
    std::vector<Reading> readings;
    WriteCallback done;
  };
  // A read for the reader threads, which answers its caller itself.
  using ReadJob = std::function<void()>;

  // Queues `run` for a reader thread, or calls `fail` when the store is closing.
  void Read(ReadJob run, std::function<void(Status)> fail) {
    {
      std::lock_guard lock(mu_);
      if (closing_) return fail(Status(StatusCode::kUnavailable, "the store is shutting down"));
      reads_.push_back(std::move(run));
    }
    reads_cv_.notify_one();
  }
  // One reading of a group, and where its outcome goes.
  struct Entry {
    const Reading* reading;
    std::optional<WriteOutcome> outcome;
  };

  static Status FailureOf(const aws::DynamoDbResponse& response) {
    std::string what = "DynamoDB " + response.error_type + ": " + response.error_message;
    return Status(response.throttled() || response.http_status == 0 || response.http_status >= 500
                      ? StatusCode::kUnavailable
                      : StatusCode::kInternal,
                  what);
  }

  // ---- Writing ----

  void WriterLoop(int shard) {  // by value: the writer's own, moved on lost races
    for (;;) {
      std::vector<WriteJob> jobs = TakeGroup(shard);
      if (jobs.empty()) return;
      std::vector<Entry> entries;
      for (const WriteJob& job : jobs) {
        for (const Reading& reading : job.readings) entries.push_back({&reading, std::nullopt});
      }
      Status status = StoreGroup(entries, shard);
      ReleaseSensors(jobs);
      std::size_t next = 0;
      for (WriteJob& job : jobs) {
        if (!status.ok()) {
          job.done(status, {});
          continue;
        }
        std::vector<WriteOutcome> outcomes;
        for (std::size_t i = 0; i < job.readings.size(); ++i) outcomes.push_back(*entries[next++].outcome);
        job.done(Status::Ok(), std::move(outcomes));
      }
    }
  }

  // Waits for queued writes and takes a group of them for one transaction: jobs, in queue order, whose sensors no
  // other writer holds (their buckets would race) while their actions fit in one transaction (the first job
  // always: a larger one is split). Marks their sensors as held. Empty when the store is closing and drained.
  std::vector<WriteJob> TakeGroup(int shard) {
    std::vector<WriteJob> jobs;
    std::unique_lock lock(mu_);
    for (;;) {
      std::set<ItemKey> buckets;
      std::set<std::string> sensors;
      std::size_t puts = 0;
      std::size_t scanned = 0;
      for (auto job = writes_.begin(); job != writes_.end() && scanned < kMaxJobsScanned; ++scanned) {
        bool held = false;
        for (const Reading& reading : job->readings) {
          held = held || (sensors_held_.contains(reading.sensor_id) && !sensors.contains(reading.sensor_id));
        }
        if (held) {
          ++job;
          continue;
        }
        std::set<ItemKey> with = buckets;
        for (const Reading& reading : job->readings) AddBuckets(reading, shard, with);
        std::size_t with_puts = puts + 2 * job->readings.size();
        std::set<std::string> with_sensors = sensors;
        for (const Reading& reading : job->readings) with_sensors.insert(reading.sensor_id);
        // Each sensor may need its entry in the sensor list: one more action.
        if (!jobs.empty() && with_puts + with.size() + with_sensors.size() > kMaxTransactionActions) break;
        buckets = std::move(with);
        puts = with_puts;
        for (const Reading& reading : job->readings) sensors.insert(reading.sensor_id);
        queued_readings_ -= job->readings.size();
        jobs.push_back(std::move(*job));
        job = writes_.erase(job);
      }
      sensors_held_.insert(sensors.begin(), sensors.end());
      if (!jobs.empty() || (closing_ && writes_.empty())) return jobs;
      writes_cv_.wait(lock);
    }
  }

  void ReleaseSensors(const std::vector<WriteJob>& jobs) {
    {
      std::lock_guard lock(mu_);
      for (const WriteJob& job : jobs) {
        for (const Reading& reading : job.readings) sensors_held_.erase(reading.sensor_id);
      }
    }
    // Jobs waiting for these sensors may go now, to whichever writer is free.
    writes_cv_.notify_all();
  }

  // Decides every entry's outcome, committing the new readings in as few transactions as fit.
  // `shard`: the writer's all-sensors shard, which CommitChunk may move.
  Status StoreGroup(std::vector<Entry>& entries, int& shard) {
    // A key repeated within the group waits for the next pass, where it meets its twin as an existing reading.
    for (;;) {
      std::vector<Entry*> pass;
      std::set<ItemKey> keys;
      for (Entry& entry : entries) {
        if (entry.outcome) continue;
        if (keys.insert(ReadingKey(entry.reading->sensor_id, entry.reading->time)).second) pass.push_back(&entry);
      }
      if (pass.empty()) return Status::Ok();
      // Split the pass into transactions of at most 100 actions.
      std::size_t start = 0;
      while (start < pass.size()) {
        std::size_t end = start;
        std::set<ItemKey> buckets;
        std::set<std::string> sensors;  // each may need its entry in the sensor list
        while (end < pass.size()) {
          std::set<ItemKey> with = buckets;
          AddBuckets(*pass[end]->reading, shard, with);
          bool new_sensor = !sensors.contains(pass[end]->reading->sensor_id);
          if (end > start &&
              2 * (end - start + 1) + with.size() + sensors.size() + new_sensor > kMaxTransactionActions) {
            break;
          }
          buckets = std::move(with);
          sensors.insert(pass[end]->reading->sensor_id);
          ++end;
        }
        std::vector<Entry*> chunk(pass.begin() + start, pass.begin() + end);
        Status committed = CommitChunk(chunk, shard);
        if (!committed.ok()) return committed;
        start = end;
      }
    }
  }

  // The buckets a reading touches, with the all-sensors ones in `shard`.
  static void AddBuckets(const Reading& reading, int shard, std::set<ItemKey>& out) {
    ForEachBucket(reading.time, kFinestSensorLevel,
                  [&](int level, TimeNs bucket) { out.insert(BucketKey(level, 0, SensorSeries(reading.sensor_id), bucket)); });
    ForEachBucket(reading.time, kFinestAllSensorsLevel,
                  [&](int level, TimeNs bucket) { out.insert(BucketKey(level, shard, kAllSensorsSeries, bucket)); });
  }

  // The buckets as they are before this commit: from the cache, else read. A short-lived bucket (second, minute)
  // this instance has not seen is almost always new: taken as absent without a read (if wrong, the commit is
  // cancelled and its reason carries the item).
  StatusOr<std::map<ItemKey, StoredBucket>> BucketsBefore(const std::map<ItemKey, Aggregate>& deltas) {
    std::map<ItemKey, StoredBucket> before;
    std::vector<ItemKey> to_read;
    for (const auto& [key, unused] : deltas) {
      if (auto cached = cache_.Find(key)) {
        before[key] = *cached;
      } else if (!IsShortLived(key)) {
        to_read.push_back(key);
      }
    }
    if (to_read.empty()) return before;
    StatusOr<std::map<ItemKey, StoredBucket>> read = ReadBuckets(to_read);
    if (!read.ok()) return read.status();
    for (const ItemKey& key : to_read) {
      auto found = read->find(key);
      StoredBucket bucket = found == read->end() ? StoredBucket{} : found->second;
      cache_.Set(key, bucket);
      before[key] = bucket;
    }
    return before;
  }

  static bool IsShortLived(const ItemKey& key) {
    // The partition prefixes of the levels finer than an hour, made once (this runs for every bucket written).
    static const std::vector<std::string> kPrefixes = [] {
      std::vector<std::string> prefixes;
      for (int level = 0; kRollupWidths[level] < kNanosPerHour; ++level) {
        prefixes.push_back(BucketPartition(level, 0, "").substr(0, 2 + std::to_string(level).size() + 1));
      }
      return prefixes;
    }();
    return std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](const std::string& p) { return key.pk.starts_with(p); });
  }

  // Commits the readings of `chunk` that are new and gives every entry its outcome, or fails. Losing a race for
  // an all-sensors bucket means another instance writes the same shard: the writer moves to another, at random,
  // so that instances spread over the shards instead of taking turns on one.
  Status CommitChunk(std::vector<Entry*> chunk, int& shard) {
    for (int rebuild = 0; rebuild < options_.max_rebuilds && !chunk.empty(); ++rebuild) {
      std::map<ItemKey, Aggregate> deltas;
      for (Entry* entry : chunk) {
        const Reading& reading = *entry->reading;
        ForEachBucket(reading.time, kFinestSensorLevel, [&](int level, TimeNs bucket) {
          deltas[BucketKey(level, 0, SensorSeries(reading.sensor_id), bucket)].Add(reading.value);
        });
        ForEachBucket(reading.time, kFinestAllSensorsLevel, [&](int level, TimeNs bucket) {
          deltas[BucketKey(level, shard, kAllSensorsSeries, bucket)].Add(reading.value);
        });
      }
      StatusOr<std::map<ItemKey, StoredBucket>> before = BucketsBefore(deltas);
      if (!before.ok()) return before.status();
      std::map<ItemKey, StoredBucket> after;
      for (const auto& [key, delta] : deltas) {
        auto& bucket = after[key] = before->contains(key) ? before->at(key) : StoredBucket{};
        bucket.aggregate.Merge(delta);
        ++bucket.version;
      }

      auto commit_start = std::chrono::steady_clock::now();
      aws::DynamoDbResponse answer = client_.CallAndWait("TransactWriteItems", TransactionBody(chunk, shard, after));
      if (answer.ok() && options_.on_commit) {
        options_.on_commit(chunk.size(), std::chrono::steady_clock::now() - commit_start);
      }
      if (answer.ok()) {
        for (const auto& [key, bucket] : after) cache_.Set(key, bucket);
        for (Entry* entry : chunk) entry->outcome = WriteOutcome::kStored;
        return Status::Ok();
      }
      if (answer.error_type != "TransactionCanceledException") {
        // Maybe applied, maybe not: what this instance knows of these buckets is no longer sure.
        for (const auto& [key, unused] : after) cache_.Erase(key);
        return FailureOf(answer);
      }
      // One reason per action: the reading puts first (two per reading: the reading, its twin), then the buckets
      // in key order. A failed condition comes with the item as it is.
      std::vector<CancellationReason> reasons = CancellationReasons(answer.body);
      bool raced = false;  // anything but a failed condition (a conflicting transaction, throttling): back off
      std::vector<Entry*> existing, remaining;
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        const CancellationReason* reason = 2 * i < reasons.size() ? &reasons[2 * i] : nullptr;
        if (reason == nullptr || reason->code != "ConditionalCheckFailed") {
          remaining.push_back(chunk[i]);
        } else if (reason->value) {
          chunk[i]->outcome =
              *reason->value == chunk[i]->reading->value ? WriteOutcome::kDuplicate : WriteOutcome::kConflict;
        } else {
          existing.push_back(chunk[i]);
        }
      }
      std::size_t index = 2 * chunk.size();
      bool lost_shard = false;
      for (const auto& [key, unused] : after) {
        const CancellationReason* reason = index < reasons.size() ? &reasons[index] : nullptr;
        ++index;
        if (reason != nullptr && reason->code == "ConditionalCheckFailed" && reason->bucket) {
          cache_.Set(key, *reason->bucket);
          lost_shard = lost_shard || IsAllSensorsBucket(key);
        } else if (reason == nullptr || reason->code != "None") {
          cache_.Erase(key);
        }
      }
      for (const CancellationReason& reason : reasons) {
        raced = raced || (reason.code != "None" && reason.code != "ConditionalCheckFailed");
      }
      if (lost_shard) shard = RandomShard(options_.all_sensor_shards);
      Status resolved = ResolveExisting(existing);
      if (!resolved.ok()) return resolved;
      // The rest goes again, with the buckets as they are now; after a few lost races, not at once (the winner
      // may be writing the same sensor in a loop).
      chunk = std::move(remaining);
      if (raced || rebuild >= 2) BackOff(rebuild);
    }
    if (chunk.empty()) return Status::Ok();
    return Status(StatusCode::kUnavailable, "too many concurrent writers raced for the same aggregates; retry");
  }

  // `after`: every bucket the chunk touches, as the transaction leaves it (its version one past the expected).
  std::string TransactionBody(const std::vector<Entry*>& chunk, int shard,
                              const std::map<ItemKey, StoredBucket>& after) const {
    JsonWriter json;
    json.BeginObject().Key("ClientRequestToken").String(RandomToken()).Key("TransactItems").BeginArray();
    // The reading's put is conditional: if it exists, the whole transaction is cancelled, its twin's put too, and
    // the reason carries the stored value (duplicate or conflict, without another read).
    auto put = [&](const ItemKey& key, double value, bool only_if_new) {
      json.BeginObject().Key("Put").BeginObject().Key("TableName").String(options_.table).Key("Item").BeginObject();
      json.Key(kPartitionKey);
      WriteString(json, key.pk);
      json.Key(kSortKey);
      WriteString(json, key.sk);
      json.Key("v");
      WriteNumber(json, value);
      json.EndObject();
      if (only_if_new) {
        json.Key("ConditionExpression").String("attribute_not_exists(#pk)");
        json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey).EndObject();
        json.Key("ReturnValuesOnConditionCheckFailure").String("ALL_OLD");
      }
      json.EndObject().EndObject();
    };
    for (const Entry* entry : chunk) {
      const Reading& reading = *entry->reading;
      put(ReadingKey(reading.sensor_id, reading.time), reading.value, true);
      put(ReadingByTimeKey(reading.sensor_id, reading.time, shard), reading.value, false);
    }
    for (const auto& [key, bucket] : after) {
      std::int64_t old_version = bucket.version - 1;
      const Aggregate& aggregate = bucket.aggregate;
      json.BeginObject().Key("Update").BeginObject().Key("TableName").String(options_.table).Key("Key");
      WriteKey(json, key);
      json.Key("UpdateExpression").String("SET #c = :c, #s = :s, #e = :e, #mn = :mn, #mx = :mx, #ver = :ver");
      json.Key("ConditionExpression").String(old_version == 0 ? "attribute_not_exists(#pk)" : "#ver = :old");
      // DynamoDB refuses names an expression does not use: #pk only where the condition needs it.
      json.Key("ExpressionAttributeNames").BeginObject();
      for (auto [alias, name] : {std::pair{"#c", "c"}, {"#s", "s"}, {"#e", "e"}, {"#mn", "mn"}, {"#mx", "mx"},
                                 {"#ver", "ver"}}) {
        json.Key(alias).String(name);
      }
      if (old_version == 0) json.Key("#pk").String(kPartitionKey);
      json.EndObject().Key("ExpressionAttributeValues").BeginObject();
      json.Key(":c");
      WriteNumber(json, aggregate.count);
      json.Key(":s");
      WriteNumber(json, aggregate.sum);
      json.Key(":e");
      WriteNumber(json, aggregate.sum_error);
      json.Key(":mn");
      WriteNumber(json, aggregate.min);
      json.Key(":mx");
      WriteNumber(json, aggregate.max);
      json.Key(":ver");
      WriteNumber(json, bucket.version);
      if (old_version != 0) {
        json.Key(":old");
        WriteNumber(json, old_version);
      }
      json.EndObject().Key("ReturnValuesOnConditionCheckFailure").String("ALL_OLD");
      json.EndObject().EndObject();
    }
    // A sensor's first reading registers it in the sensor list, in the transaction that creates its total: an
    // entry exists if and only if the sensor has a stored reading. Last, so that the reasons of the readings and
    // buckets keep their places.
    for (const std::string& sensor : NewSensors(chunk, after)) {
      json.BeginObject().Key("Put").BeginObject().Key("TableName").String(options_.table).Key("Item").BeginObject();
      json.Key(kPartitionKey);
      WriteString(json, kSensorListPartition);
      json.Key(kSortKey);
      WriteString(json, sensor);
      json.EndObject().EndObject().EndObject();
    }
    json.EndArray().EndObject();
    return json.Take();
  }

  // The sensors of `chunk` whose total bucket the transaction creates.
  static std::set<std::string> NewSensors(const std::vector<Entry*>& chunk,
                                          const std::map<ItemKey, StoredBucket>& after) {
    std::set<std::string> sensors;
    for (const Entry* entry : chunk) {
      auto total = after.find(BucketKey(kTotalLevel, 0, SensorSeries(entry->reading->sensor_id), 0));
      if (total != after.end() && total->second.version == 1) sensors.insert(entry->reading->sensor_id);
    }
    return sensors;
  }

  // Full jitter, growing to ~1 s: this is a store thread, not an I/O thread.
  static void BackOff(int rebuild) {
    thread_local std::mt19937 generator{std::random_device{}()};
    int ceiling_ms = 2 << std::min(rebuild, 9);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, ceiling_ms)(generator)));
  }

  struct CancellationReason {
    std::string code;                    // "None" for an action that did not fail
    std::optional<double> value;         // a reading's stored value, when its put's condition failed
    std::optional<StoredBucket> bucket;  // a bucket as it is, when its update's condition failed
  };

  static std::vector<CancellationReason> CancellationReasons(const std::string& body) {
    std::vector<CancellationReason> out;
    simdjson::dom::parser parser;
    simdjson::dom::array reasons;
    if (parser.parse(body)["CancellationReasons"].get(reasons)) return out;
    for (auto reason : reasons) {
      CancellationReason& parsed = out.emplace_back();
      std::string_view code;
      if (!reason["Code"].get(code)) parsed.code = std::string(code);
      simdjson::dom::element item;
      if (reason["Item"].get(item)) continue;
      parsed.value = NumberOf(item, "v");
      if (auto version = NumberOf(item, "ver")) {
        parsed.bucket = StoredBucket{AggregateOf(item), static_cast<std::int64_t>(*version)};
      }
    }
    return out;
  }

  // Entries whose reading exists already: a duplicate when the stored value is the same, else a conflict.
  Status ResolveExisting(const std::vector<Entry*>& existing) {
    if (existing.empty()) return Status::Ok();
    std::vector<ItemKey> keys;
    for (const Entry* entry : existing) keys.push_back(ReadingKey(entry->reading->sensor_id, entry->reading->time));
    StatusOr<std::map<ItemKey, double>> values = ReadValues(keys);
    if (!values.ok()) return values.status();
    for (std::size_t i = 0; i < existing.size(); ++i) {
      auto found = values->find(keys[i]);
      if (found == values->end()) continue;  // gone meanwhile? Impossible (nothing deletes); retried if so.
      existing[i]->outcome =
          found->second == existing[i]->reading->value ? WriteOutcome::kDuplicate : WriteOutcome::kConflict;
    }
    return Status::Ok();
  }

  // Consistent reads of `keys` (any number), calling fn(key, item) for each item found.
  template <typename Fn>
  Status BatchGet(const std::vector<ItemKey>& keys, Fn fn) {
    for (std::size_t start = 0; start < keys.size(); start += kMaxBatchGetKeys) {
      std::vector<ItemKey> pending(keys.begin() + start, keys.begin() + std::min(keys.size(), start + kMaxBatchGetKeys));
      for (int round = 0; !pending.empty(); ++round) {
        JsonWriter json;
        json.BeginObject().Key("RequestItems").BeginObject().Key(options_.table).BeginObject().Key("Keys").BeginArray();
        for (const ItemKey& key : pending) WriteKey(json, key);
        json.EndArray().Key("ConsistentRead").Bool(true).EndObject().EndObject().EndObject();
        aws::DynamoDbResponse answer = client_.CallAndWait("BatchGetItem", json.Take());
        if (!answer.ok()) return FailureOf(answer);
        simdjson::dom::parser parser;
        simdjson::dom::element document;
        if (parser.parse(answer.body).get(document)) return Status(StatusCode::kInternal, "BatchGetItem: bad JSON");
        simdjson::dom::array items;
        if (!document["Responses"][options_.table].get(items)) {
          for (auto item : items) fn(ItemKey{StringOf(item, kPartitionKey), StringOf(item, kSortKey)}, item);
        }
        // Keys DynamoDB did not get to (throttling, size) are asked again.
        std::vector<ItemKey> unprocessed;
        simdjson::dom::array left;
        if (!document["UnprocessedKeys"][options_.table]["Keys"].get(left)) {
          for (auto key : left) unprocessed.push_back({StringOf(key, kPartitionKey), StringOf(key, kSortKey)});
        }
        if (!unprocessed.empty() && round >= 20) {
          return Status(StatusCode::kUnavailable, "DynamoDB keeps leaving keys unprocessed (throttling)");
        }
        if (!unprocessed.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5 << std::min(round, 8)));
        pending = std::move(unprocessed);
      }
    }
    return Status::Ok();
  }

  StatusOr<std::map<ItemKey, StoredBucket>> ReadBuckets(const std::vector<ItemKey>& keys) {
    std::map<ItemKey, StoredBucket> buckets;
    Status status = BatchGet(keys, [&](ItemKey key, simdjson::dom::element item) {
      buckets[std::move(key)] = StoredBucket{AggregateOf(item), static_cast<std::int64_t>(NumberOf(item, "ver").value_or(0))};
    });
    if (!status.ok()) return status;
    return buckets;
  }

  StatusOr<std::map<ItemKey, double>> ReadValues(const std::vector<ItemKey>& keys) {
    std::map<ItemKey, double> values;
    Status status = BatchGet(keys, [&](ItemKey key, simdjson::dom::element item) {
      if (auto value = NumberOf(item, "v")) values[std::move(key)] = *value;
    });
    if (!status.ok()) return status;
    return values;
  }

  // ---- Reading ----

  void ReaderLoop() {
    for (;;) {
      ReadJob job;
      {
        std::unique_lock lock(mu_);
        reads_cv_.wait(lock, [this] { return !reads_.empty() || closing_; });
        if (reads_.empty()) return;
        job = std::move(reads_.front());
        reads_.pop_front();
      }
      job();
    }
  }

  StatusOr<std::vector<Aggregate>> Query(const SeriesQuery& query) {
    std::string series = query.sensor_id ? SensorSeries(*query.sensor_id) : std::string(kAllSensorsSeries);
    int shards = query.sensor_id ? 1 : options_.all_sensor_shards;
    const std::vector<TimeNs>& boundaries = query.boundaries;
    RangePlan plan = PlanSeries(boundaries, query.sensor_id ? kFinestSensorLevel : kFinestAllSensorsLevel);
    if (plan.whole_series) {
      // The total bucket of every shard: one request.
      std::vector<ItemKey> totals;
      for (int shard = 0; shard < shards; ++shard) totals.push_back(BucketKey(kTotalLevel, shard, series, 0));
      Aggregate total;
      Status status = BatchGet(totals, [&](const ItemKey&, simdjson::dom::element item) { total.Merge(AggregateOf(item)); });
      if (!status.ok()) return status;
      return std::vector<Aggregate>{total};
    }
    // Every partition range the answer needs, asked at once: buckets in `buckets`, raw readings in `raw`.
    std::vector<PartitionRange> ranges;
    for (const BucketSpan& span : plan.buckets) {
      for (int shard = 0; shard < shards; ++shard) {
        ranges.push_back({BucketPartition(span.level, shard, series), EncodeSortTime(span.first_start),
                          EncodeSortTime(span.end_start - 1), false});
      }
    }
    for (const TimeSpan& span : plan.raw) {
      if (query.sensor_id) {
        ranges.push_back({ReadingKey(*query.sensor_id, 0).pk, EncodeSortTime(span.from), EncodeSortTime(span.to - 1),
                          true});
        continue;
      }
      // All sensors: the by-time items of every second the span touches, every shard. '$' sorts right after the
      // '#' that follows the time, so the upper bound takes in every sensor at span.to - 1.
      for (TimeNs second = FloorTo(span.from, kNanosPerSecond); second < span.to; second += kNanosPerSecond) {
        for (int shard = 0; shard < shards; ++shard) {
          ranges.push_back({ReadingByTimeKey("", second, shard).pk, EncodeSortTime(std::max(span.from, second)),
                            EncodeSortTime(std::min(span.to, second + kNanosPerSecond) - 1) + "$", true});
        }
      }
    }
    // Each item lands in the span holding its bucket's start or its time: the sort key's first 20 characters.
    std::vector<Aggregate> result(boundaries.size() - 1);
    Status status = QueryAll(ranges, [&](const PartitionRange& range, simdjson::dom::element item) {
      StatusOr<TimeNs> time = DecodeSortTime(std::string_view(StringOf(item, kSortKey)).substr(0, 20));
      if (!time.ok()) return;
      Aggregate& span = result[SpanIndex(boundaries, *time)];
      if (!range.raw_readings) {
        span.Merge(AggregateOf(item));
      } else if (auto value = NumberOf(item, "v")) {
        span.Add(*value);
      }
    });
    if (!status.ok()) return status;
    return result;
  }

  StatusOr<ReadingsPage> ListReadings(const ReadingsQuery& query) {
    ReadingsSource source;
    source.sensors_after = [this](const std::string& after, std::size_t limit) { return SensorIdsAfter(after, limit); };
    source.readings_of = [this](const std::string& sensor, TimeNs from, TimeNs to, std::size_t limit,
                                bool newest_first) { return ReadingsOf(sensor, from, to, limit, newest_first); };
    return GatherReadingsPage(query, kMostSensorsPerReadingsPage, source);
  }

  // Up to `limit` readings of `sensor` in [from, to), in time order or newest first: its partition's items in that
  // range, read forward or backward.
  StatusOr<std::vector<Reading>> ReadingsOf(const std::string& sensor, TimeNs from, TimeNs to, std::size_t limit,
                                            bool newest_first) {
    std::vector<Reading> readings;
    PartitionRange range{ReadingKey(sensor, 0).pk, EncodeSortTime(from), EncodeSortTime(to - 1), true};
    Status status = QueryPages([&] { return QueryBody(range, limit - readings.size(), !newest_first); },
                               [&](simdjson::dom::element item) {
                                 StatusOr<TimeNs> time = DecodeSortTime(StringOf(item, kSortKey));
                                 std::optional<double> value = NumberOf(item, "v");
                                 if (time.ok() && value) readings.push_back(Reading{sensor, *time, *value});
                                 return readings.size() < limit;
                               });
    if (!status.ok()) return status;
    return readings;
  }

  // Up to `limit` sensor ids after `after`, in order, from the sensor list.
  StatusOr<std::vector<std::string>> SensorIdsAfter(const std::string& after, std::size_t limit) {
    std::vector<std::string> ids;
    Status listed = QueryPages(
        [&] {
          JsonWriter json;
          json.BeginObject().Key("TableName").String(options_.table);
          json.Key("KeyConditionExpression").String(after.empty() ? "#pk = :pk" : "#pk = :pk AND #sk > :after");
          json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey);
          if (!after.empty()) json.Key("#sk").String(kSortKey);
          json.EndObject().Key("ExpressionAttributeValues").BeginObject().Key(":pk");
          WriteString(json, kSensorListPartition);
          if (!after.empty()) {
            json.Key(":after");
            WriteString(json, after);
          }
          json.EndObject().Key("Limit").Int(static_cast<std::int64_t>(limit - ids.size()));
          return json.Key("ConsistentRead").Bool(true).EndObject().Take();
        },
        [&](simdjson::dom::element item) {
          ids.push_back(StringOf(item, kSortKey));
          return ids.size() < limit;
        });
    if (!listed.ok()) return listed;
    return ids;
  }

  StatusOr<std::vector<SensorSummary>> ListSensors(const SensorsQuery& query) {
    StatusOr<std::vector<std::string>> listed = SensorIdsAfter(query.after, query.limit);
    if (!listed.ok()) return listed.status();
    const std::vector<std::string>& ids = *listed;

    std::vector<SensorSummary> page;
    std::map<ItemKey, std::size_t> index_of_total;
    std::vector<ItemKey> totals;
    for (const std::string& id : ids) {
      index_of_total[BucketKey(kTotalLevel, 0, SensorSeries(id), 0)] = page.size();
      totals.push_back(BucketKey(kTotalLevel, 0, SensorSeries(id), 0));
      page.push_back(SensorSummary{id, 0, 0, 0, 0});
    }
    Status counted = BatchGet(totals, [&](const ItemKey& key, simdjson::dom::element item) {
      page[index_of_total.at(key)].count = AggregateOf(item).count;
    });
    if (!counted.ok()) return counted;
    // Each sensor's first and last reading: the ends of its partition, all asked at once.
    std::vector<std::string> bodies;
    for (const std::string& id : ids) {
      for (bool forward : {true, false}) {
        JsonWriter json;
        json.BeginObject().Key("TableName").String(options_.table).Key("KeyConditionExpression").String("#pk = :pk");
        json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey).EndObject();
        json.Key("ExpressionAttributeValues").BeginObject().Key(":pk");
        WriteString(json, ReadingKey(id, 0).pk);
        json.EndObject().Key("Limit").Int(1).Key("ScanIndexForward").Bool(forward);
        json.Key("ConsistentRead").Bool(true).EndObject();
        bodies.push_back(json.Take());
      }
    }
    std::vector<aws::DynamoDbResponse> answers = CallAll("Query", std::move(bodies));
    for (std::size_t i = 0; i < answers.size(); ++i) {
      if (!answers[i].ok()) return FailureOf(answers[i]);
      simdjson::dom::parser parser;
      simdjson::dom::element item;
      if (parser.parse(answers[i].body)["Items"].at(0).get(item)) continue;
      StatusOr<TimeNs> time = DecodeSortTime(StringOf(item, kSortKey));
      if (!time.ok()) continue;
      SensorSummary& sensor = page[i / 2];
      if (i % 2 == 0) {
        sensor.first = *time;
      } else {
        sensor.last = *time;
        sensor.last_value = NumberOf(item, "v").value_or(0);
      }
    }
    return page;
  }

  // Runs a Query page by page: body() makes each page's request (without ExclusiveStartKey, which is added),
  // on_item(item) takes each item and says whether to go on.
  template <typename Body, typename OnItem>
  Status QueryPages(Body body, OnItem on_item) {
    std::string start_key;
    bool more = true;
    do {
      std::string request = WithStartKey(body(), start_key);
      aws::DynamoDbResponse answer = client_.CallAndWait("Query", std::move(request));
      if (!answer.ok()) return FailureOf(answer);
      simdjson::dom::parser parser;
      simdjson::dom::element document;
      if (parser.parse(answer.body).get(document)) return Status(StatusCode::kInternal, "Query: bad JSON");
      simdjson::dom::array items;
      if (!document["Items"].get(items)) {
        for (auto item : items) more = more && on_item(item);
      }
      simdjson::dom::element last;
      start_key = document["LastEvaluatedKey"].get(last) ? "" : simdjson::minify(last);
    } while (more && !start_key.empty());
    return Status::Ok();
  }

  // Sends every request at once and waits for all the answers, in order.
  std::vector<aws::DynamoDbResponse> CallAll(const std::string& operation, std::vector<std::string> bodies) {
    std::vector<aws::DynamoDbResponse> answers(bodies.size());
    std::mutex mu;
    std::condition_variable all_done;
    std::size_t pending = bodies.size();
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      client_.Call(operation, std::move(bodies[i]), [&, i](aws::DynamoDbResponse answer) {
        std::lock_guard lock(mu);
        answers[i] = std::move(answer);
        if (--pending == 0) all_done.notify_all();
      });
    }
    std::unique_lock lock(mu);
    all_done.wait(lock, [&] { return pending == 0; });
    return answers;
  }

  struct PartitionRange {
    std::string pk, low, high;  // the items of partition pk with sk in [low, high]
    bool raw_readings;          // readings (attribute v), else aggregate buckets
  };

  // Queries every range concurrently, following each one's pagination, and calls fn(range, item) for every item
  // (one call at a time). One after another, an all-sensors range over 8 shards and 5 levels waited for 40
  // round trips in a row.
  template <typename Fn>
  Status QueryAll(const std::vector<PartitionRange>& ranges, Fn fn) {
    struct Progress {
      std::mutex mu;
      std::condition_variable all_done;
      std::size_t pending = 0;  // GUARDED_BY(mu)
      Status status;            // GUARDED_BY(mu): the first failure
    } progress;
    progress.pending = ranges.size();
    // Asks for one page of ranges[i]; its answer asks for the next page, or counts the range done.
    std::function<void(std::size_t, std::string)> ask = [&](std::size_t i, std::string start_key) {
      client_.Call("Query", WithStartKey(QueryBody(ranges[i]), start_key), [&, i](aws::DynamoDbResponse answer) {
        simdjson::dom::parser parser;
        simdjson::dom::element document;
        std::string next_key;
        Status status;
        if (!answer.ok()) {
          status = FailureOf(answer);
        } else if (parser.parse(answer.body).get(document)) {
          status = Status(StatusCode::kInternal, "Query: bad JSON");
        } else {
          simdjson::dom::array items;
          simdjson::dom::element last;
          std::lock_guard lock(progress.mu);
          if (!document["Items"].get(items)) {
            for (auto item : items) fn(ranges[i], item);
          }
          // LastEvaluatedKey goes back as it came, spliced in as raw JSON.
          if (!document["LastEvaluatedKey"].get(last) && progress.status.ok()) next_key = simdjson::minify(last);
        }
        if (!next_key.empty()) return ask(i, std::move(next_key));
        std::lock_guard lock(progress.mu);
        if (progress.status.ok() && !status.ok()) progress.status = status;
        if (--progress.pending == 0) progress.all_done.notify_all();
      });
    };
    for (std::size_t i = 0; i < ranges.size(); ++i) ask(i, "");
    std::unique_lock lock(progress.mu);
    progress.all_done.wait(lock, [&] { return progress.pending == 0; });
    return progress.status;
  }

  // A Query of one partition range, strongly consistent; at most `limit` items when limit > 0.
  std::string QueryBody(const PartitionRange& range, std::size_t limit = 0, bool forward = true) const {
    JsonWriter json;
    json.BeginObject().Key("TableName").String(options_.table);
    json.Key("KeyConditionExpression").String("#pk = :pk AND #sk BETWEEN :low AND :high");
    json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey).Key("#sk").String(kSortKey);
    json.EndObject().Key("ExpressionAttributeValues").BeginObject();
    json.Key(":pk");
    WriteString(json, range.pk);
    json.Key(":low");
    WriteString(json, range.low);
    json.Key(":high");
    WriteString(json, range.high);
    json.EndObject();
    if (limit > 0) json.Key("Limit").Int(static_cast<std::int64_t>(limit));
    if (!forward) json.Key("ScanIndexForward").Bool(false);
    return json.Key("ConsistentRead").Bool(true).EndObject().Take();
  }

  // A request to go on after the previous page: LastEvaluatedKey goes back as it came, spliced in as raw JSON.
  static std::string WithStartKey(std::string body, const std::string& start_key) {
    if (!start_key.empty()) body.insert(body.size() - 1, ",\"ExclusiveStartKey\":" + start_key);
    return body;
  }

  aws::DynamoDbClient& client_;
  const DynamoDbStoreOptions options_;

  std::mutex mu_;
  // One condition per kind of waiter: a notify_one must wake a thread that can take the work.
  std::condition_variable writes_cv_, reads_cv_;
  std::deque<WriteJob> writes_;      // GUARDED_BY(mu_)
  std::deque<ReadJob> reads_;        // GUARDED_BY(mu_)
  std::size_t queued_readings_ = 0;  // GUARDED_BY(mu_)
  // Sensors in a group a writer is committing: their buckets are that writer's until it is done.
  std::unordered_set<std::string> sensors_held_;  // GUARDED_BY(mu_)
  bool closing_ = false;             // GUARDED_BY(mu_)

  std::once_flag close_once_;
  std::vector<std::thread> writers_, readers_;
  BucketCache cache_;
};

}  // namespace

std::unique_ptr<Store> OpenDynamoDbStore(aws::DynamoDbClient& client, const DynamoDbStoreOptions& options) {
  return std::make_unique<DynamoDbStore>(client, options);
}

}  // namespace telemetry

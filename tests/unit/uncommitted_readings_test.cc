// UncommittedReadings: which readings a snapshot lacks, by the log position its commit recorded; sensors not in a
// snapshot yet; snapshots too old for what was dropped; and a writer, an applier and readers at once.
#include "storage/uncommitted_readings.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/sqlite_schema.h"

namespace telemetry {
namespace {

LogPosition At(std::uint64_t offset) { return {1, offset}; }

void AddRound(UncommittedReadings& uncommitted, std::uint64_t log_end, std::vector<ReadingRow> rows,
              std::vector<std::pair<std::int64_t, std::string>> new_sensors = {}) {
  uncommitted.Add(At(log_end), rows, new_sensors);
}

// What AddTo adds to empty spans; nullopt when it says the snapshot is too old.
std::optional<std::vector<Aggregate>> Read(const UncommittedReadings& uncommitted, LogPosition snapshot,
                                           std::int64_t series, std::vector<TimeNs> boundaries,
                                           std::string_view name = "") {
  std::vector<Aggregate> spans(boundaries.size() - 1);
  if (!uncommitted.AddTo(snapshot, series, name, boundaries, spans)) return std::nullopt;
  return spans;
}

TEST(UncommittedReadings, AddsWhatTheSnapshotLacksInEachSpan) {
  UncommittedReadings uncommitted;
  AddRound(uncommitted, 100, {{1, 10, 1.5}, {2, 20, 2.0}});
  AddRound(uncommitted, 200, {{1, 30, 4.0}, {1, 40, -1.0}});
  AddRound(uncommitted, 300, {{2, 50, 8.0}});
  EXPECT_EQ(uncommitted.size(), 5u);

  // A snapshot before every round lacks them all.
  auto one = Read(uncommitted, At(0), 1, {0, 35, 100});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ((*one)[0].count, 2);
  EXPECT_EQ((*one)[0].Sum(), 5.5);
  EXPECT_EQ((*one)[1].count, 1);
  EXPECT_EQ((*one)[1].min, -1.0);
  auto all = Read(uncommitted, At(0), kAllSensors, {0, 100});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ((*all)[0].count, 5);
  EXPECT_EQ((*all)[0].max, 8.0);
  // [from, to): a reading at `to` is outside.
  EXPECT_EQ(Read(uncommitted, At(0), kAllSensors, {10, 50})->front().count, 4);

  // A snapshot that holds the first round (or part of the log past it) lacks the later two only.
  EXPECT_EQ(Read(uncommitted, At(100), kAllSensors, {0, 100})->front().count, 3);
  EXPECT_EQ(Read(uncommitted, At(150), kAllSensors, {0, 100})->front().count, 3);
  EXPECT_EQ(Read(uncommitted, At(300), kAllSensors, {0, 100})->front().count, 0);
  // A later segment is later than any offset in an earlier one.
  EXPECT_EQ(Read(uncommitted, {2, 0}, kAllSensors, {0, 100})->front().count, 0);
}

TEST(UncommittedReadings, ASnapshotOlderThanADroppedCommitIsToldToRenew) {
  UncommittedReadings uncommitted;
  AddRound(uncommitted, 100, {{1, 10, 1}});
  AddRound(uncommitted, 200, {{1, 20, 2}});
  uncommitted.DropThrough(At(100));
  EXPECT_EQ(uncommitted.size(), 1u);
  EXPECT_FALSE(Read(uncommitted, At(0), 1, {0, 100}).has_value()) << "the first round is gone, the snapshot lacks it";
  auto current = Read(uncommitted, At(100), 1, {0, 100});
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->front().count, 1);
  EXPECT_EQ(current->front().max, 2);
  uncommitted.DropThrough(At(200));
  EXPECT_EQ(uncommitted.size(), 0u);
  EXPECT_EQ(Read(uncommitted, At(200), 1, {0, 100})->front().count, 0);
}

TEST(UncommittedReadings, FindsASensorTheSnapshotDoesNotKnowByName) {
  UncommittedReadings uncommitted;
  AddRound(uncommitted, 100, {{7, 10, 3}}, {{7, "new"}});
  AddRound(uncommitted, 200, {{7, 20, 5}});
  auto seen = Read(uncommitted, At(0), UncommittedReadings::kNotInSnapshot, {0, 100}, "new");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->front().count, 2);
  EXPECT_EQ(Read(uncommitted, At(0), UncommittedReadings::kNotInSnapshot, {0, 100}, "other")->front().count, 0);
  // Once committed, the snapshots that lack the sensor are too old; the newer ones know it.
  uncommitted.DropThrough(At(100));
  EXPECT_FALSE(Read(uncommitted, At(0), UncommittedReadings::kNotInSnapshot, {0, 100}, "new").has_value());
  EXPECT_EQ(Read(uncommitted, At(100), 7, {0, 100})->front().count, 1);
}

// What the sensor list adds: per sensor its count, first and last time and the value at the last, from rows and
// from full chunks' summaries alike; the sensors a snapshot does not know; nothing for a snapshot too old.
TEST(UncommittedReadings, TellsWhatTheSensorListLacks) {
  UncommittedReadings uncommitted;
  AddRound(uncommitted, 100, {{1, 50, 1}}, {{1, "old"}});
  AddRound(uncommitted, 200, {{1, 70, 2}, {1, 60, 3}, {2, 5, 4}}, {{2, "new"}});
  std::vector<ReadingRow> many;  // two full chunks and some
  for (int i = 0; i < 9000; ++i) many.push_back({3 + i % 2, 1000 + i, double(i)});
  AddRound(uncommitted, 300, many, {{3, "three"}, {4, "four"}});

  std::unordered_map<std::int64_t, UncommittedReadings::SensorActivity> activity;
  std::vector<std::pair<std::int64_t, std::string>> unknown;
  ASSERT_TRUE(uncommitted.SensorsSince(At(100), activity, unknown));
  EXPECT_EQ(unknown, (std::vector<std::pair<std::int64_t, std::string>>{{2, "new"}, {3, "three"}, {4, "four"}}));
  ASSERT_EQ(activity.size(), 4u);
  EXPECT_EQ(activity[1].count, 2);
  EXPECT_EQ(activity[1].first, 60);
  EXPECT_EQ(activity[1].last, 70);
  EXPECT_EQ(activity[1].last_value, 2);
  EXPECT_EQ(activity[2].count, 1);
  EXPECT_EQ(activity[3].count, 4500);
  EXPECT_EQ(activity[3].first, 1000);
  EXPECT_EQ(activity[3].last, 9998);
  EXPECT_EQ(activity[4].last_value, 8999);

  uncommitted.DropThrough(At(200));
  activity.clear();
  unknown.clear();
  EXPECT_FALSE(uncommitted.SensorsSince(At(100), activity, unknown));
  EXPECT_TRUE(activity.empty() && unknown.empty());
  ASSERT_TRUE(uncommitted.SensorsSince(At(200), activity, unknown));
  EXPECT_EQ(unknown.size(), 2u);
  EXPECT_EQ(activity.count(1), 0u);
  EXPECT_EQ(activity[4].count, 4500);
}

// Thousands of rows span several chunks; a commit in the middle of one drops the rows before it only, a read of a
// time range skips the chunks outside it without missing a row inside, and a full chunk inside one span is taken
// from its aggregates.
TEST(UncommittedReadings, CountsEveryRowAcrossChunksAndPartlyDroppedOnes) {
  UncommittedReadings uncommitted;
  constexpr int kRounds = 50, kRowsPerRound = 250;  // 12,500 rows: four chunks and part of a fifth
  for (int round = 0; round < kRounds; ++round) {
    std::vector<ReadingRow> rows;
    for (int i = 0; i < kRowsPerRound; ++i) {
      TimeNs time = round * kRowsPerRound + i;
      rows.push_back({1 + i % 3, time, static_cast<double>(time)});
    }
    AddRound(uncommitted, 100 * (round + 1), rows);
  }
  auto brute = [](TimeNs first_time, TimeNs from, TimeNs to, std::int64_t sensor) {
    Aggregate expected;
    for (TimeNs time = std::max(first_time, from); time < std::min<TimeNs>(kRounds * kRowsPerRound, to); ++time) {
      if (sensor == kAllSensors || 1 + time % kRowsPerRound % 3 == sensor) expected.Add(static_cast<double>(time));
    }
    return expected;
  };
  for (std::uint64_t dropped_rounds : {0, 17, 33}) {
    uncommitted.DropThrough(At(100 * dropped_rounds));
    TimeNs first_time = static_cast<TimeNs>(dropped_rounds) * kRowsPerRound;
    for (auto [from, to] : {std::pair<TimeNs, TimeNs>{0, 1'000'000}, {4000, 4200}, {9000, 12'400}, {4095, 4097}}) {
      for (std::int64_t sensor : {kAllSensors, std::int64_t{2}}) {
        auto seen = Read(uncommitted, At(100 * dropped_rounds), sensor, {from, to});
        ASSERT_TRUE(seen.has_value());
        EXPECT_EQ(seen->front(), brute(first_time, from, to, sensor))
            << "dropped " << dropped_rounds << " rounds, [" << from << ", " << to << "), sensor " << sensor;
      }
    }
    // Series: spans on chunk bounds (each full chunk from its aggregates) and across them (its rows).
    for (std::vector<TimeNs> boundaries :
         {std::vector<TimeNs>{0, 4096, 8192, 12288, 1'000'000}, std::vector<TimeNs>{0, 5000, 9000, 1'000'000}}) {
      for (std::int64_t sensor : {kAllSensors, std::int64_t{3}}) {
        auto seen = Read(uncommitted, At(100 * dropped_rounds), sensor, boundaries);
        ASSERT_TRUE(seen.has_value());
        for (std::size_t i = 0; i + 1 < boundaries.size(); ++i) {
          EXPECT_EQ((*seen)[i], brute(first_time, boundaries[i], boundaries[i + 1], sensor))
              << "dropped " << dropped_rounds << " rounds, span " << i << " of " << boundaries.size() - 1 << ", sensor "
              << sensor;
        }
      }
    }
  }
}

// The store's use, at once: a writer adds a reading per round (reading i at time i, value i) and then counts it as
// acknowledged; an applier
// commits (here: a counter standing for SQLite's committed rows) and drops; readers take a "snapshot" of the commit
// and add the rest. Every read sees every reading acknowledged before it began, and none twice. (Run under
// ThreadSanitizer by the test command, too.)
TEST(UncommittedReadings, ReadersSeeEveryAcknowledgedReadingOnceWhileRoundsComeAndGo) {
  UncommittedReadings uncommitted;
  constexpr std::uint64_t kReadings = 20000;
  std::atomic<std::uint64_t> logged{0}, acknowledged{0}, committed{0};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (std::uint64_t i = 1; i <= kReadings; ++i) {
      ReadingRow row{1, static_cast<TimeNs>(i), static_cast<double>(i)};
      uncommitted.Add(At(i), {&row, 1}, {});
      logged.store(i, std::memory_order_release);
      acknowledged.store(i, std::memory_order_release);
    }
  });
  std::thread applier([&] {
    while (committed.load() < kReadings) {
      std::uint64_t through = logged.load(std::memory_order_acquire);
      committed.store(through, std::memory_order_release);  // the commit is visible before its rounds are dropped
      uncommitted.DropThrough(At(through));
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      for (int reads = 0; reads < 20000 && committed.load() < kReadings; ++reads) {
        std::uint64_t before = acknowledged.load(std::memory_order_acquire);
        for (;;) {
          std::uint64_t snapshot = committed.load(std::memory_order_acquire);
          std::vector<Aggregate> spans(1);
          if (!uncommitted.AddTo(At(snapshot), 1, "", {0, kMaxTime}, spans)) continue;
          // Readings 1..snapshot are committed; the rest seen must be snapshot+1..newest, each once.
          const Aggregate& rest = spans[0];
          auto seen = snapshot + static_cast<std::uint64_t>(rest.count);
          bool contiguous = rest.count == 0 ||
                            (rest.min == static_cast<double>(snapshot + 1) && rest.max == static_cast<double>(seen));
          if (seen < before || !contiguous) failed = true;
          break;
        }
      }
    });
  }
  writer.join();
  applier.join();
  for (auto& reader : readers) reader.join();
  EXPECT_FALSE(failed) << "a read missed an acknowledged reading or counted one twice";
  EXPECT_EQ(uncommitted.size(), 0u);
}

}  // namespace
}  // namespace telemetry

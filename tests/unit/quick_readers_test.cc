// QuickReaders on a store's database: the pool's limits and its snapshots, with another connection checkpointing.
#include "storage/quick_readers.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <vector>

#include "storage/sqlite_db.h"
#include "storage/sqlite_store.h"
#include "store_calls.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

// The pool alone: a read of up to kMaxSpans spans is answered and one more is refused; a connection keeps its
// snapshot between reads (a checkpoint cannot truncate the WAL past it) except while WithoutSnapshots runs, and a
// checkpoint that throws does not leave the pool letting every snapshot go.
TEST(QuickReaders, AnswerSmallReadsAndLetTheirSnapshotsGoForACheckpointOnly) {
  testing::TempDir dir;
  {
    SqliteStoreOptions options;
    options.data_dir = dir.path();
    auto store = OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    testing::WriteAll(**store, {{"a", kNanosPerMinute, 1}, {"a", 2 * kNanosPerMinute, 3}});
  }
  QuickReaders quick(dir.path() + "/telemetry.db", 1);
  std::vector<TimeNs> minutes;
  for (std::size_t i = 0; i <= QuickReaders::kMaxSpans; ++i)
    minutes.push_back(static_cast<TimeNs>(i) * kNanosPerMinute);
  std::optional<std::vector<Aggregate>> answer = quick.TryQuery(1, SeriesQuery{"a", minutes});
  ASSERT_TRUE(answer.has_value());
  ASSERT_EQ(answer->size(), QuickReaders::kMaxSpans);
  EXPECT_EQ((*answer)[0].count, 0);
  EXPECT_EQ((*answer)[1].count, 1);
  EXPECT_EQ((*answer)[2].max, 3);
  minutes.push_back(minutes.back() + kNanosPerMinute);
  EXPECT_FALSE(quick.TryQuery(1, SeriesQuery{"a", minutes}).has_value());

  SqliteDatabase writer(dir.path() + "/telemetry.db");
  writer.Execute("CREATE TABLE scratch(x)");
  auto write_and_checkpoint = [&] {
    writer.Execute("INSERT INTO scratch VALUES (1)");
    SqliteStatement checkpoint = writer.Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    EXPECT_TRUE(checkpoint.Step());
    bool complete = checkpoint.ColumnInt(0) == 0;
    checkpoint.Reset();
    return complete;
  };
  auto small_read = [&] { ASSERT_TRUE(quick.TryQuery(1, SeriesQuery{"a", {0, 3 * kNanosPerMinute}}).has_value()); };
  EXPECT_FALSE(write_and_checkpoint()) << "the snapshot of the reads above is held";
  bool complete = false;
  quick.WithoutSnapshots([&] {
    small_read();  // a read while the checkpoint runs lets its snapshot go when it ends
    complete = write_and_checkpoint();
  });
  EXPECT_TRUE(complete);
  EXPECT_THROW(quick.WithoutSnapshots([] { throw std::runtime_error("checkpoint failed"); }), std::runtime_error);
  small_read();
  EXPECT_FALSE(write_and_checkpoint()) << "snapshots are held again after a failed checkpoint";
}

}  // namespace
}  // namespace telemetry

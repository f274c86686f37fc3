// A 200 means durable: restarts keep everything, and kill -9 under concurrent load loses no acknowledged reading.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "http_client.h"
#include "reading_body.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::kExampleEpochSecond;
using testing::ReadingBody;
using testing::ServerProcess;

class Durability : public ::testing::TestWithParam<std::string> {
 protected:
  // Stops `server` and checks, with `telemetryd verify`, that every aggregate of the embedded store agrees with its
  // readings after the kill and the replay (DynamoDB's are written in the transactions of their readings).
  void ExpectStoreVerifies(ServerProcess& server) {
    if (GetParam() != "sqlite") return;
    server.Signal(SIGTERM);
    ASSERT_EQ(server.Wait(), 0);
    std::vector<std::string> args = backend_.Args();
    args.push_back("verify");
    std::string output;
    EXPECT_EQ(testing::RunTelemetryd(args, &output), 0) << output;
  }

  testing::TestBackend backend_{GetParam()};
};

// Sensor `sensor` got readings 0..k-1 acknowledged (value i at kExampleEpochSecond + i), and at most `in_flight`
// more were under way at the kill: every acknowledged one is there, counted once, the aggregates over them exact.
// Returns how many readings the sensor holds.
long long ExpectAcknowledged(HttpClient& client, const std::string& sensor, long long k, long long in_flight) {
  long long sum = k * (k - 1) / 2;
  std::string acked_range =
      client
          .Get("/api/v1/stats?sensorID=" + sensor + "&from=" + std::to_string(kExampleEpochSecond) +
               "&to=" + std::to_string(kExampleEpochSecond + k))
          .body;
  EXPECT_EQ(testing::JsonField(acked_range, "count"), std::to_string(k)) << sensor << ": " << acked_range;
  EXPECT_EQ(testing::JsonField(acked_range, "sum"), std::to_string(sum)) << sensor << ": " << acked_range;
  EXPECT_EQ(testing::JsonField(acked_range, "min"), "0") << sensor << ": " << acked_range;
  EXPECT_EQ(testing::JsonField(acked_range, "max"), std::to_string(k - 1)) << sensor << ": " << acked_range;
  std::string all = client.Get("/api/v1/stats?sensorID=" + sensor).body;
  long long count = std::stoll(testing::JsonField(all, "count"));
  EXPECT_TRUE(count >= k && count <= k + in_flight) << sensor << ": " << all;
  return count;
}

TEST_P(Durability, ReadingsSurviveARestart) {
  {
    ServerProcess server(backend_.Args());
    HttpClient client(server.port());
    for (int i = 0; i < 100; ++i) ASSERT_EQ(client.Put("/api/temperature", ReadingBody("r", i, i)).status, 200);
    server.Signal(SIGTERM);
    ASSERT_EQ(server.Wait(), 0);
  }
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":50,"Maximum":99,"Minimum":0})");  // mean 49.5 -> 50
  EXPECT_EQ(client
                .Get("/api/v1/stats?sensorID=r&from=" + std::to_string(kExampleEpochSecond + 10) +
                     "&to=" + std::to_string(kExampleEpochSecond + 20))
                .body,
            R"({"count":10,"sum":145,"mean":14.5,"min":10,"max":19})");
}

// A batch of `count` readings of `sensor`, values and times first .. first + count - 1.
std::string Batch(const std::string& sensor, long long first, int count) {
  std::string body = "[";
  for (long long i = first; i < first + count; ++i) body += (i > first ? "," : "") + ReadingBody(sensor, i, i);
  return body + "]";
}

testing::HttpResponse PostBatch(HttpClient& client, const std::string& body) {
  return client.Request("POST", "/api/v1/readings", body, {{"Content-Type", "application/json"}});
}

// Starts the server with `args` and `writers` threads, each with a connection of its own, calling
// send(client, writer, step) for step 0, 1, ... up to `max_steps` (bounding the load in count) while it returns
// true; once `kill_after` steps succeeded across all writers, and at least one of every writer, kills the server with
// SIGKILL. Returns how many steps each writer had acknowledged.
std::vector<int> SendUntilKilled(const std::vector<std::string>& args, int writers, int max_steps, int kill_after,
                                 const std::function<bool(HttpClient&, int writer, int step)>& send) {
  std::vector<int> acked(writers, 0);
  ServerProcess server(args);
  std::mutex mu;
  std::condition_variable enough;
  int total_acked = 0, writers_acked = 0;  // writers with an acknowledged step: the kill waits for all of them
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      try {
        HttpClient client(server.port());
        for (int step = 0; step < max_steps; ++step) {
          if (!send(client, w, step)) return;
          std::lock_guard lock(mu);
          acked[w] = step + 1;
          ++total_acked;
          if (step == 0) ++writers_acked;
          if (total_acked >= kill_after && writers_acked == writers) enough.notify_one();
        }
      } catch (const std::runtime_error&) {
        // The connection died with the server: what was acknowledged so far is what counts.
      }
    });
  }
  {
    std::unique_lock lock(mu);
    enough.wait_for(lock, std::chrono::seconds(60),
                    [&] { return total_acked >= kill_after && writers_acked == writers; });
  }
  server.Signal(SIGKILL);
  EXPECT_EQ(server.Wait(), 128 + SIGKILL);
  for (auto& thread : threads) thread.join();
  return acked;
}

TEST_P(Durability, KillNineUnderLoadLosesNoAcknowledgedReading) {
  constexpr int kWriters = 8;
  // Across all writers. DynamoDB Local commits far fewer transactions per second than SQLite: fewer there.
  const int kKillAfterAcks = GetParam() == "dynamodb" ? 400 : 3000;
  std::vector<std::string> args = backend_.Args();
  // Frequent commits and checkpoints (the embedded store's applier checkpoints while the writer goes on): the kill
  // finds them under way.
  args.insert(args.end(), {"--commit-interval-ms", "50", "--checkpoint-wal-mb", "1"});
  std::vector<int> acked =
      SendUntilKilled(args, kWriters, 3000, kKillAfterAcks, [](HttpClient& client, int writer, int step) {
        return client.Put("/api/temperature", ReadingBody("w" + std::to_string(writer), step, step)).status == 200;
      });

  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  long long stored_total = 0;
  for (int w = 0; w < kWriters; ++w) {
    std::string sensor = "w" + std::to_string(w);
    long long k = acked[w];
    ASSERT_GT(k, 0) << sensor;
    stored_total += ExpectAcknowledged(client, sensor, k, 1);  // at most the one reading in flight went further
    for (long long i = 0; i < k; ++i) {
      ASSERT_EQ(client.Put("/api/temperature", ReadingBody(sensor, i, i + 1)).status, 409) << sensor << " #" << i;
    }
  }
  std::string total = client.Get("/api/v1/stats").body;
  EXPECT_EQ(testing::JsonField(total, "count"), std::to_string(stored_total)) << total;
  ExpectStoreVerifies(server);
}

// Large batches take the other path to the disk: the embedded store's writer hands rounds of 1,024 readings or
// more to its syncer thread, and answers smaller ones itself (sqlite_store.cc).
TEST_P(Durability, KillNineUnderBatchLoadLosesNoAcknowledgedReading) {
  if (GetParam() == "dynamodb") GTEST_SKIP() << "the hand-off by round size is the embedded store's";
  constexpr int kWriters = 4;
  constexpr int kBatch = 1500;
  std::vector<std::string> args = backend_.Args();
  args.insert(args.end(), {"--checkpoint-wal-mb", "1"});
  std::vector<int> acked = SendUntilKilled(args, kWriters, 40, 12, [](HttpClient& client, int writer, int step) {
    return PostBatch(client, Batch("b" + std::to_string(writer), step * kBatch, kBatch)).status == 200;
  });

  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  long long stored_total = 0;
  for (int w = 0; w < kWriters; ++w) {
    ASSERT_GT(acked[w], 0) << "writer " << w;
    stored_total +=
        ExpectAcknowledged(client, "b" + std::to_string(w), static_cast<long long>(acked[w]) * kBatch, kBatch);
  }
  EXPECT_EQ(testing::JsonField(client.Get("/api/v1/stats").body, "count"), std::to_string(stored_total));
  ExpectStoreVerifies(server);
}

INSTANTIATE_TEST_SUITE_P(Backends, Durability, ::testing::ValuesIn(testing::kBackends));

// One log, one writer: a second server on the same data directory would append over the first's records (100
// readings acknowledged through two servers left 47 after a restart). It is refused; the first loses nothing.
TEST(DataDirectory, ASecondServerIsRefusedAndTheFirstLosesNothing) {
  testing::TempDir dir;
  std::vector<std::string> args{"--data-dir", dir.path()};
  ServerProcess first(args);
  HttpClient client(first.port());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(client.Put("/api/temperature", ReadingBody("one", i, i)).status, 200);
  try {
    ServerProcess second(args);
    ADD_FAILURE() << "a second server started on the same data directory";
  } catch (const std::runtime_error& refused) {
    EXPECT_NE(std::string(refused.what()).find("uses this data directory; one telemetryd per data directory"),
              std::string::npos)
        << refused.what();
  }
  for (int i = 20; i < 40; ++i) ASSERT_EQ(client.Put("/api/temperature", ReadingBody("one", i, i)).status, 200);
  first.Signal(SIGKILL);  // the lock ends with its process, however it ends
  first.Wait();
  ServerProcess after(args);
  EXPECT_EQ(testing::JsonField(HttpClient(after.port()).Get("/api/v1/stats?sensorID=one").body, "count"), "40");
}

// Below --min-free-mb every write is a 507 naming the free space, and reads go on. (No disk has a pebibyte free.)
TEST(DiskSpace, WritesBelowTheMinimumFreeAre507AndReadsGoOn) {
  testing::TempDir dir;
  ServerProcess server({"--data-dir", dir.path(), "--min-free-mb", "1073741824"});
  HttpClient client(server.port());
  testing::HttpResponse put = client.Put("/api/temperature", ReadingBody("a", 0, 1));
  EXPECT_EQ(put.status, 507);
  EXPECT_NE(put.body.find(R"("code":"insufficient_storage")"), std::string::npos) << put.body;
  EXPECT_NE(put.body.find("MiB free"), std::string::npos) << put.body;
  EXPECT_EQ(PostBatch(client, Batch("a", 0, 3)).status, 507);
  testing::HttpResponse influx = client.Request("POST", "/write?db=x", "temperature,sensorID=a value=1 1");
  EXPECT_EQ(influx.status, 507);
  EXPECT_EQ(influx.body.rfind(R"({"error":")", 0), 0u) << influx.body;
  EXPECT_EQ(client.Get("/api/stats").body, "No data inserted yet!");
  EXPECT_EQ(client.Get("/readyz").status, 200);
}

// On a disk that really fills (a 48 MiB tmpfs), writes stop with 507 before SQLite runs out of room (before the
// guard, SQLite's commit failed and the process stopped, and would not start again until space was freed), every
// acknowledged reading stays, writes resume once space is freed, and kill -9 afterwards loses nothing.
TEST(DiskSpace, AFullDiskRefusesWritesLosesNothingAndRecovers) {
  testing::TempDir dir;
  std::string disk = dir.path() + "/disk";
  std::filesystem::create_directories(disk);
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=48m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{disk};
  {
    std::ofstream filler(disk + "/filler", std::ios::binary);  // 16 MiB to free later
    filler << std::string(16 << 20, 'x');
    ASSERT_TRUE(filler.good());
  }
  std::vector<std::string> args = {
      "--data-dir", disk + "/data", "--min-free-mb", "20", "--checkpoint-wal-mb", "1", "--commit-interval-ms", "50"};
  constexpr int kBatch = 500;
  long long acked = 0;
  {
    ServerProcess server(args);
    HttpClient client(server.port());
    testing::HttpResponse refused;
    for (int batch = 0; batch < 2000; ++batch) {
      testing::HttpResponse response = PostBatch(client, Batch("f", acked, kBatch));
      if (response.status != 200) {
        refused = response;
        break;
      }
      acked += kBatch;
    }
    ASSERT_EQ(refused.status, 507) << "after " << acked << " readings: " << refused.body;
    EXPECT_NE(refused.body.find("insufficient_storage"), std::string::npos) << refused.body;
    EXPECT_EQ(testing::JsonField(client.Get("/api/v1/stats?sensorID=f").body, "count"), std::to_string(acked));

    std::filesystem::remove(disk + "/filler");
    int status = 507;  // the store looks at the disk again within 100 ms
    for (int attempt = 0; attempt < 250 && status == 507; ++attempt) {
      status = PostBatch(client, Batch("f", acked, kBatch)).status;
      if (status == 507) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(status, 200);
    acked += kBatch;
    server.Signal(SIGKILL);
    server.Wait();
  }
  ServerProcess server(args);
  HttpClient client(server.port());
  ExpectAcknowledged(client, "f", acked, 0);
}

}  // namespace
}  // namespace telemetry

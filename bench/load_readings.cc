// telemetry_load: fills a data directory with synthetic readings through the store itself (no HTTP), and reports
// the store's ingest rate. Used to prepare large stores for benchmarks and to measure the storage layer alone.
//
//   telemetry_load --data-dir ./ten-million --readings 10000000 --sensors 1000 --batch 5000
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <future>

#include "storage/sqlite_store.h"

int main(int argc, char** argv) {
  using namespace telemetry;
  std::string data_dir;
  long long readings = 1'000'000, sensors = 1000, batch = 5000, start = 1'600'000'000, step_ms = 1000,
            in_flight = 4;
  CLI::App app("telemetry_load: fill a telemetryd data directory with synthetic readings");
  app.add_option("--data-dir", data_dir, "Folder of the store")->required();
  app.add_option("--readings", readings, "Readings to write")->capture_default_str();
  app.add_option("--sensors", sensors, "Distinct sensors, written round-robin")->capture_default_str();
  app.add_option("--batch", batch, "Readings per Write() call")->capture_default_str();
  app.add_option("--in-flight", in_flight, "Write() calls outstanding at once")->capture_default_str();
  app.add_option("--start", start, "Epoch seconds of the first reading")->capture_default_str();
  app.add_option("--step-ms", step_ms, "Milliseconds between a sensor's readings")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  SqliteStoreOptions options;
  options.data_dir = data_dir;
  auto store = OpenSqliteStore(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 1;
  }
  auto began = std::chrono::steady_clock::now();
  std::deque<std::future<void>> pending;
  for (long long i = 0; i < readings; i += batch) {
    std::vector<Reading> chunk;
    for (long long j = i; j < std::min(readings, i + batch); ++j) {
      TimeNs time = (start * 1000 + (j / sensors) * step_ms) * 1'000'000;
      chunk.push_back({"sensor-" + std::to_string(j % sensors), time, double((j * 7919) % 4000) / 100.0 - 10});
    }
    auto done = std::make_shared<std::promise<void>>();
    pending.push_back(done->get_future());
    (*store)->Write(std::move(chunk), [done](Status status, std::vector<WriteOutcome>) {
      if (!status.ok()) std::fprintf(stderr, "write failed: %s\n", status.message().c_str());
      done->set_value();
    });
    while (static_cast<long long>(pending.size()) >= in_flight) {
      pending.front().wait();
      pending.pop_front();
    }
  }
  for (auto& future : pending) future.wait();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  (*store)->Close();
  std::printf("wrote %lld readings in %.2f s: %.0f readings/s\n", readings, seconds, readings / seconds);
}

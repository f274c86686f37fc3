// telemetry_read_ranges: what a statistics read costs the embedded store alone, without HTTP: random ranges with
// millisecond edges, every other one for one random sensor ("sensor-<n>", as telemetry_load names them) and the
// rest over all sensors, read as the server's I/O threads read small ones: through QuickReaders (a held snapshot,
// at most QuickReaders::kMaxRows rows). Prints the latency percentiles of each kind, and how many needed more rows (the
// server hands those to a reader thread).
//
//   telemetry_read_ranges --data-dir ./ten-million --from 1600000000 --to 1600600000 --sensors 1000
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "storage/quick_readers.h"
#include "storage/uncommitted_readings.h"

namespace {

struct Latencies {
  std::vector<double> micros;
  long long refused = 0;

  void Print(const char* name) {
    if (micros.empty()) return;
    std::sort(micros.begin(), micros.end());
    auto at = [&](double quantile) { return micros[static_cast<std::size_t>(quantile * (micros.size() - 1))]; };
    std::printf("%-12s %zu ranges: p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us; over %zu rows: %lld\n", name,
                micros.size(), at(0.5), at(0.9), at(0.99), at(0.999), telemetry::QuickReaders::kMaxRows, refused);
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace telemetry;
  std::string data_dir;
  double from = 0, to = 0;
  long long sensors = 1000, ranges = 20000, warm_up = 20000;
  CLI::App app("telemetry_read_ranges: the embedded store's cost of random range statistics, without HTTP");
  app.add_option("--data-dir", data_dir, "Folder of the store")->required();
  app.add_option("--from", from, "Epoch seconds: ranges lie in [from, to)")->required();
  app.add_option("--to", to, "Epoch seconds")->required();
  app.add_option("--sensors", sensors, "Sensors sensor-0 .. sensor-<n-1> to pick from")->capture_default_str();
  app.add_option("--ranges", ranges, "Ranges measured")->capture_default_str();
  app.add_option("--warm-up", warm_up, "Ranges read first, unmeasured")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!(from < to) || sensors < 1 || ranges < 1) {
    std::fprintf(stderr, "need --from < --to, --sensors >= 1, --ranges >= 1\n");
    return 2;
  }

  try {
    UncommittedReadings none;  // as the server's readers, which look at them, when nothing is uncommitted
    QuickReaders readers(data_dir + "/telemetry.db", 1, &none);
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> second(from, to);
    std::uniform_int_distribution<long long> sensor(0, sensors - 1);
    Latencies one, all;
    for (long long i = 0; i < warm_up + ranges; ++i) {
      double a = second(random), b = second(random);
      if (a > b) std::swap(a, b);
      SeriesQuery query;
      if (i % 2 == 1) query.sensor_id = "sensor-" + std::to_string(sensor(random));
      auto millis = [](double seconds) { return static_cast<TimeNs>(seconds * 1000) * 1'000'000; };
      query.boundaries = {millis(a), std::max(millis(a) + 1, millis(b))};
      auto began = std::chrono::steady_clock::now();
      // A store nobody writes to: one version, one snapshot held from read to read, as between two commits.
      bool answered = readers.TryQuery(1, query).has_value();
      auto took = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - began).count();
      if (i < warm_up) continue;
      Latencies& kind = query.sensor_id ? one : all;
      kind.micros.push_back(took);
      if (!answered) ++kind.refused;
    }
    all.Print("all sensors");
    one.Print("one sensor");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}

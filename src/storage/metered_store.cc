#include "storage/metered_store.h"

namespace telemetry {
namespace {

class MeteredStore final : public Store {
 public:
  MeteredStore(Store& inner, WriteCounters counters) : inner_(inner), counters_(counters) {}

  void Write(std::vector<Reading> readings, WriteCallback done) override {
    std::size_t count = readings.size();
    inner_.Write(std::move(readings), [this, count, done = std::move(done)](Status status,
                                                                           std::vector<WriteOutcome> outcomes) {
      if (!status.ok()) counters_.failed.Inc(count);
      for (WriteOutcome outcome : outcomes) {
        (outcome == WriteOutcome::kStored      ? counters_.stored
         : outcome == WriteOutcome::kDuplicate ? counters_.duplicates
         : outcome == WriteOutcome::kConflict  ? counters_.conflicts
                                               : counters_.expired)
            .Inc();
      }
      done(std::move(status), std::move(outcomes));
    });
  }
  void Stats(StatsQuery query, StatsCallback done) override { inner_.Stats(std::move(query), std::move(done)); }
  void Series(SeriesQuery query, SeriesCallback done) override { inner_.Series(std::move(query), std::move(done)); }
  void Sensors(SensorsQuery query, SensorsCallback done) override {
    inner_.Sensors(std::move(query), std::move(done));
  }
  void Readings(ReadingsQuery query, ReadingsCallback done) override {
    inner_.Readings(std::move(query), std::move(done));
  }
  void Close() override { inner_.Close(); }

 private:
  Store& inner_;
  WriteCounters counters_;
};

}  // namespace

std::unique_ptr<Store> MeterWrites(Store& inner, WriteCounters counters) {
  return std::make_unique<MeteredStore>(inner, counters);
}

}  // namespace telemetry

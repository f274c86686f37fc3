// The InfluxQL parser (GET|POST /query): never a crash or a hang, the conditions and arithmetic it accepts evaluate
// without either, and every GROUP BY time() statement it accepts has a bounded number of buckets in a range that
// BucketStarts can walk.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/influxql.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telemetry;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  influxql::BoundParams params{
      {"sensor", std::string("107")}, {"t", std::int64_t{1633338000} * 1000000000}, {"x", 1.5}};
  auto statements = influxql::Parse(text, "temperature", params, 1'800'000'000'000'000'000);
  if (!statements.ok()) return 0;
  for (const auto& statement : *statements) {
    const auto* select = std::get_if<influxql::Select>(&statement);
    if (!select) continue;
    // What a run does with a statement: its tag condition asked of a sensor id, its arithmetic evaluated.
    if (select->tags) (void)select->tags->Accepts("sensor-107");
    for (const auto& column : select->columns) {
      if (column.arithmetic) (void)column.arithmetic->Evaluate([](const influxql::Call&) { return 1.5; });
    }
    if (!select->interval || select->from >= select->to) continue;
    if (influxql::BucketStarts(*select).size() > influxql::kMaxBuckets + 1) __builtin_trap();
  }
  return 0;
}

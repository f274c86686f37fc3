// The JSON reading parsers: one reading (PUT /api/temperature), a JSON array and NDJSON (POST /api/v1/readings).
// Whatever the bytes, they must not crash, leak or overflow; a reading they accept must pass validation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/reading_json.h"
#include "core/reading.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telemetry;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto reading = api::ParseReadingJson(body, 1'633'338'000'000'000'000); reading.ok()) {
    if (!ValidateSensorId(reading->sensor_id).ok()) __builtin_trap();
  }
  for (bool ndjson : {false, true}) {
    auto batch = api::ParseReadingBatch(body, ndjson, 0, 1000);
    if (batch.ok() && batch->readings.size() > 1000) __builtin_trap();
  }
  return 0;
}

// The InfluxDB line-protocol parser (POST /write, /api/v2/write), at the finest and the coarsest precision (where
// timestamps are multiplied and could overflow): never a crash, and every point it returns has a measurement and a
// field.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/line_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telemetry;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* precision : {"ns", "h"}) {
    ParsedLines parsed = ParseLineProtocol(text, *PrecisionNanos(precision));
    for (const auto& point : parsed.points) {
      if (point.measurement.empty() || point.fields.empty()) __builtin_trap();
    }
  }
  return 0;
}

// The time parser (the "time" field, from= and to=): never a crash or an overflow, and every time it accepts
// formats as RFC 3339 text that parses back to the same nanosecond.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace telemetry;
  auto time = ParseTime(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!time.ok()) return 0;
  auto again = ParseTime(FormatRfc3339(*time));
  if (!again.ok() || *again != *time) __builtin_trap();
  return 0;
}

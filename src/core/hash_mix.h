// A 64-bit mixer for hash tables keyed by times: times are often whole seconds or minutes, their low bits all zero,
// so every bit of a hash must depend on every bit of the key (MurmurHash3's finalizer).
#pragma once

#include <cstdint>

namespace telemetry {

inline std::uint64_t Mix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 33);
}

}  // namespace telemetry

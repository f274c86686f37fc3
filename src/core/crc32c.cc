#include "core/crc32c.h"

#include <array>
#include <cstring>

namespace telemetry {
namespace {

constexpr std::array<std::uint32_t, 256> MakeTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    table[i] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = MakeTable();

std::uint32_t TableCrc(std::uint32_t crc, const unsigned char* bytes, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) crc = kTable[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
// SSE 4.2's crc32 instruction computes CRC-32C itself, eight bytes at a time: the writer checksums every reading it
// logs, and the table takes one lookup per byte.
__attribute__((target("sse4.2"))) std::uint32_t HardwareCrc(std::uint32_t crc, const unsigned char* bytes,
                                                            std::size_t size) {
  std::uint64_t wide = crc;
  for (; size >= 8; bytes += 8, size -= 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes, sizeof word);
    wide = __builtin_ia32_crc32di(wide, word);
  }
  crc = static_cast<std::uint32_t>(wide);
  for (; size > 0; ++bytes, --size) crc = __builtin_ia32_crc32qi(crc, *bytes);
  return crc;
}

const bool kHardwareCrc = __builtin_cpu_supports("sse4.2");
#endif

}  // namespace

std::uint32_t Crc32c(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
  if (kHardwareCrc) return HardwareCrc(0xFFFFFFFFu, bytes, size) ^ 0xFFFFFFFFu;
#endif
  return TableCrc(0xFFFFFFFFu, bytes, size) ^ 0xFFFFFFFFu;
}

}  // namespace telemetry

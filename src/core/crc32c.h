// CRC-32C (Castagnoli), the checksum that guards each record of the readings log against torn or corrupted writes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace telemetry {

// The CRC-32C of `size` bytes at `data`; Crc32c("123456789", 9) == 0xE3069283.
std::uint32_t Crc32c(const void* data, std::size_t size);

}  // namespace telemetry

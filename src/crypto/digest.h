// Digests over OpenSSL, shared by request signing (aws/sigv4) and token hashing (auth/token).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace telemetry::crypto {

// Lower-case hex of `size` bytes.
std::string LowerHex(const unsigned char* bytes, std::size_t size);
// Lower-case hex of the SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// The raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace telemetry::crypto

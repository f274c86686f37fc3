// API tokens: how they look, how they are made and how a presented one is checked.
//
// A token is "tmd_" + a 16-hex-digit id + "_" + 43 base64url characters holding 256 random bits, e.g.
//   tmd_3f9c2a7d01b44e6a_Qk1x...
// The store keeps only the id, the role, the sensors and the SHA-256 of the whole token: the token is shown once, when
// it is made. The id, which is not secret, finds the record; the hashes are then compared in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/principal.h"
#include "core/status.h"
#include "core/time.h"
#include "storage/token_store.h"

namespace telemetry::auth {

struct IssuedToken {
  TokenRecord record;
  std::string token;  // the secret: give it to the caller once, store only record
};

// A new token with fresh randomness from OpenSSL's generator. Throws std::runtime_error if it has no entropy.
IssuedToken IssueToken(Role role, std::vector<std::string> sensors, TimeNs now);

// SHA-256 of `token` in lowercase hex.
std::string HashToken(std::string_view token);

// The id inside a well-formed token; nullopt for anything IssueToken does not produce.
std::optional<std::string_view> TokenId(std::string_view token);

// Whether two hashes are equal, in time independent of where they differ.
bool SameHash(std::string_view a, std::string_view b);

// Most sensors one device token may name.
inline constexpr std::size_t kMaxTokenSensors = 1000;

// A token request's role and sensors, checked: a device names 1 to kMaxTokenSensors valid sensor ids, the other roles
// none. kInvalidArgument naming the problem otherwise. For the HTTP API and `telemetryd token` alike.
StatusOr<std::pair<Role, std::vector<std::string>>> CheckTokenRequest(std::string_view role,
                                                                      std::vector<std::string> sensors);

// A record as the API shows it (no hash), with `token` when it was just issued.
std::string TokenJson(const TokenRecord& record, std::string_view token = {});

}  // namespace telemetry::auth

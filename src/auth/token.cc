#include "auth/token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "core/json_writer.h"
#include "core/reading.h"
#include "crypto/digest.h"

namespace telemetry::auth {
namespace {

constexpr std::string_view kPrefix = "tmd_";
constexpr std::size_t kIdDigits = 16;
constexpr std::size_t kSecretBytes = 32;  // 256 bits
constexpr std::size_t kSecretChars = 43;  // base64url of 32 bytes, unpadded

std::string Base64Url(const unsigned char* bytes, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string text;
  std::uint32_t bits = 0;
  int held = 0;
  for (std::size_t i = 0; i < size; ++i) {
    bits = (bits << 8) | bytes[i];
    held += 8;
    while (held >= 6) {
      held -= 6;
      text += kAlphabet[(bits >> held) & 63];
    }
  }
  if (held > 0) text += kAlphabet[(bits << (6 - held)) & 63];
  return text;
}

template <std::size_t N>
std::array<unsigned char, N> RandomBytes() {
  std::array<unsigned char, N> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(N)) != 1) throw std::runtime_error("no randomness for a token");
  return bytes;
}

bool IsLowerHex(std::string_view text) { return text.find_first_not_of("0123456789abcdef") == std::string_view::npos; }

bool IsBase64Url(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

IssuedToken IssueToken(Role role, std::vector<std::string> sensors, TimeNs now) {
  auto id = RandomBytes<kIdDigits / 2>();
  auto secret = RandomBytes<kSecretBytes>();
  IssuedToken issued;
  issued.record.id = crypto::LowerHex(id.data(), id.size());
  issued.record.role = role;
  issued.record.sensors = std::move(sensors);
  issued.record.created = now;
  issued.token = std::string(kPrefix) + issued.record.id + "_" + Base64Url(secret.data(), secret.size());
  issued.record.hash = HashToken(issued.token);
  return issued;
}

std::string HashToken(std::string_view token) { return crypto::Sha256Hex(token); }

std::optional<std::string_view> TokenId(std::string_view token) {
  if (token.size() != kPrefix.size() + kIdDigits + 1 + kSecretChars || !token.starts_with(kPrefix)) {
    return std::nullopt;
  }
  std::string_view id = token.substr(kPrefix.size(), kIdDigits);
  std::string_view secret = token.substr(kPrefix.size() + kIdDigits + 1);
  if (token[kPrefix.size() + kIdDigits] != '_' || !IsLowerHex(id) || !IsBase64Url(secret)) return std::nullopt;
  return id;
}

bool SameHash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

StatusOr<std::pair<Role, std::vector<std::string>>> CheckTokenRequest(std::string_view role_name,
                                                                      std::vector<std::string> sensors) {
  auto role = ParseRole(role_name);
  if (!role)
    return Status(StatusCode::kInvalidArgument,
                  "role must be device, reader or admin, not \"" + std::string(role_name.substr(0, 64)) + "\"");
  if (*role != Role::kDevice) {
    if (!sensors.empty())
      return Status(StatusCode::kInvalidArgument,
                    "only a device token names sensors; a token of role " + std::string(role_name) + " has none");
    return std::pair{*role, std::move(sensors)};
  }
  if (sensors.empty())
    return Status(StatusCode::kInvalidArgument, "a device token needs sensors: the sensor ids it may write");
  if (sensors.size() > kMaxTokenSensors) {
    return Status(StatusCode::kInvalidArgument,
                  "a device token names at most " + std::to_string(kMaxTokenSensors) + " sensors");
  }
  for (const auto& sensor : sensors) {
    if (Status valid = ValidateSensorId(sensor); !valid.ok()) return valid;
  }
  return std::pair{*role, std::move(sensors)};
}

std::string TokenJson(const TokenRecord& record, std::string_view token) {
  JsonWriter json;
  json.BeginObject().Key("id").String(record.id);
  if (!token.empty()) json.Key("token").String(token);
  json.Key("role").String(RoleName(record.role)).Key("sensors").BeginArray();
  for (const auto& sensor : record.sensors) json.String(sensor);
  json.EndArray().Key("created").String(FormatRfc3339(record.created)).EndObject();
  return json.Take();
}

}  // namespace telemetry::auth

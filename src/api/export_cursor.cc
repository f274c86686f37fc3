#include "api/export_cursor.h"

#include <charconv>

#include "core/reading.h"
#include "crypto/digest.h"

namespace telemetry::api {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";  // crypto::LowerHex's, which writes the cursors

std::optional<TimeNs> DecodeTime(std::string_view digits) {
  TimeNs time = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), time);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return time;
}

std::optional<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    std::size_t high = kHexDigits.find(hex[i]), low = kHexDigits.find(hex[i + 1]);
    if (high == std::string_view::npos || low == std::string_view::npos) return std::nullopt;
    bytes += static_cast<char>(high * 16 + low);
  }
  return bytes;
}

}  // namespace

std::string EncodeExportCursor(const ReadingPosition& position, bool one_sensor) {
  if (one_sensor) return std::to_string(position.time);
  const auto* bytes = reinterpret_cast<const unsigned char*>(position.sensor_id.data());
  return crypto::LowerHex(bytes, position.sensor_id.size()) + "." + std::to_string(position.time);
}

std::optional<ReadingPosition> DecodeExportCursor(std::string_view cursor,
                                                  const std::optional<std::string>& sensor_id) {
  if (sensor_id) {
    std::optional<TimeNs> time = DecodeTime(cursor);
    // The last reading's time: never kMaxTime, which no reading has.
    if (!time || *time == kMaxTime) return std::nullopt;
    return ReadingPosition{*sensor_id, *time};
  }
  std::size_t dot = cursor.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::optional<std::string> sensor = DecodeHex(cursor.substr(0, dot));
  std::optional<TimeNs> time = DecodeTime(cursor.substr(dot + 1));
  if (!sensor || !time || !ValidateSensorId(*sensor).ok()) return std::nullopt;
  return ReadingPosition{std::move(*sensor), *time};
}

}  // namespace telemetry::api

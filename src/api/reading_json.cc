#include "api/reading_json.h"

#include <simdjson.h>
#include <strings.h>

#include <cmath>
#include <optional>
#include <string>

#include "core/ascii.h"

namespace telemetry::api {
namespace {

StatusOr<std::string> SensorIdFrom(const simdjson::dom::element& value) {
  std::string sensor_id;
  if (value.is_string()) {
    sensor_id = std::string(value.get_string().value_unsafe());
  } else if (value.is_int64()) {
    sensor_id = std::to_string(value.get_int64().value_unsafe());
  } else if (value.is_uint64()) {
    sensor_id = std::to_string(value.get_uint64().value_unsafe());
  } else {
    return InvalidArgument("sensorID must be a string or an integer");
  }
  Status valid = ValidateSensorId(sensor_id);
  if (!valid.ok()) return valid;
  return sensor_id;
}

StatusOr<double> TemperatureFrom(const simdjson::dom::element& value) {
  if (value.is_string()) return ParseTemperature(value.get_string().value_unsafe());
  if (value.is_number()) {
    double number = value.get_double().value_unsafe();
    if (Status valid = ValidateTemperature(number); !valid.ok()) return valid;
    return number;
  }
  return InvalidArgument("temperature must be a number or a string holding one");
}

StatusOr<TimeNs> TimeFrom(const simdjson::dom::element& value) {
  if (value.is_string()) return ParseTime(value.get_string().value_unsafe());
  if (value.is_int64()) return ParseTime(std::to_string(value.get_int64().value_unsafe()));
  if (value.is_number()) {
    // A JSON number with a fraction arrives as a double: exact to about a microsecond for present-day epochs.
    // Clients that need nanoseconds send the time as a string.
    double seconds = value.get_double().value_unsafe();
    if (!(std::fabs(seconds) < 9.2e9)) return InvalidArgument("time is outside the representable range");
    return static_cast<TimeNs>(std::llround(seconds * 1e9));
  }
  return InvalidArgument("time must be a string or a number of epoch seconds");
}

}  // namespace

namespace {

StatusOr<Reading> ReadingFrom(simdjson::dom::element document, TimeNs now) {
  simdjson::dom::object object;
  if (document.get_object().get(object)) return InvalidArgument("a reading must be a JSON object");

  // One pass over the members. A field given twice is refused: JSON leaves its meaning open (the original's
  // Python took the last value, a lookup by name here the first), and a reading stored under the other sensor
  // or value is worse than an error. Other members are ignored, as the original ignored them.
  std::optional<simdjson::dom::element> sensor_field, temperature_field, time_field;
  for (simdjson::dom::key_value_pair member : object) {
    std::optional<simdjson::dom::element>* slot = member.key == "sensorID"      ? &sensor_field
                                                  : member.key == "temperature" ? &temperature_field
                                                  : member.key == "time"        ? &time_field
                                                                                : nullptr;
    if (slot == nullptr) continue;
    if (*slot) return InvalidArgument(std::string(member.key) + " is given more than once");
    *slot = member.value;
  }

  Reading reading;
  if (!sensor_field) return InvalidArgument("sensorID is missing");
  StatusOr<std::string> sensor_id = SensorIdFrom(*sensor_field);
  if (!sensor_id.ok()) return sensor_id.status();
  reading.sensor_id = std::move(sensor_id).value();

  if (!temperature_field || temperature_field->is_null()) return InvalidArgument("temperature is missing");
  StatusOr<double> temperature = TemperatureFrom(*temperature_field);
  if (!temperature.ok()) return temperature.status();
  reading.value = *temperature;

  if (!time_field || time_field->is_null()) {
    reading.time = now;
  } else {
    StatusOr<TimeNs> time = TimeFrom(*time_field);
    if (!time.ok()) return time.status();
    if (Status valid = ValidateReadingTime(*time); !valid.ok()) return valid;
    reading.time = *time;
  }
  return reading;
}

// The body without a leading UTF-8 byte order mark, which some clients' writers put first (.NET's, for one) and the
// original's Flask skipped (Python reads JSON bytes starting with one as "utf-8-sig").
std::string_view WithoutByteOrderMark(std::string_view body) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (body.starts_with(kByteOrderMark)) body.remove_prefix(kByteOrderMark.size());
  return body;
}

void AddItem(ReadingBatch& batch, std::size_t index, StatusOr<Reading> reading) {
  if (!reading.ok()) {
    batch.rejected.emplace_back(index, reading.status());
    return;
  }
  batch.readings.push_back(std::move(reading).value());
  batch.indexes.push_back(index);
}

}  // namespace

void WriteReadingJson(JsonWriter& json, const Reading& reading) {
  json.BeginObject().Key("sensorID").String(reading.sensor_id).Key("time").String(FormatRfc3339(reading.time));
  json.Key("temperature").Number(reading.value).EndObject();
}

StatusOr<Reading> ParseReadingJson(std::string_view body, TimeNs now) {
  body = WithoutByteOrderMark(body);
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (auto error = parser.parse(body.data(), body.size()).get(document)) {
    return InvalidArgument(std::string("the body is not valid JSON: ") + simdjson::error_message(error));
  }
  if (!document.is_object()) return InvalidArgument("the body must be a JSON object");
  return ReadingFrom(document, now);
}

StatusOr<ReadingBatch> ParseReadingBatch(std::string_view body, bool ndjson, TimeNs now, std::size_t max_readings) {
  ReadingBatch batch;
  auto too_many = [&] {
    return Status(StatusCode::kResourceExhausted,
                  "a batch holds at most " + std::to_string(max_readings) + " readings; split it");
  };
  body = WithoutByteOrderMark(body);
  if (!ndjson) {
    simdjson::dom::parser parser;
    simdjson::dom::element document;
    if (auto error = parser.parse(body.data(), body.size()).get(document)) {
      return InvalidArgument(std::string("the body is not valid JSON: ") + simdjson::error_message(error));
    }
    simdjson::dom::array items;
    if (document.get_array().get(items)) {
      return InvalidArgument("the body must be a JSON array of readings (or NDJSON with Content-Type "
                             "application/x-ndjson)");
    }
    if (items.size() > max_readings) return too_many();
    std::size_t index = 0;
    for (simdjson::dom::element item : items) {
      AddItem(batch, index, ReadingFrom(item, now + static_cast<TimeNs>(index)));
      ++index;
    }
    return batch;
  }
  std::size_t index = 0;
  while (!body.empty()) {
    std::size_t end = body.find('\n');
    std::string_view line = TrimAsciiSpace(body.substr(0, end));
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
    if (line.empty()) continue;
    if (index == max_readings) return too_many();
    AddItem(batch, index, ParseReadingJson(line, now + static_cast<TimeNs>(index)));
    ++index;
  }
  return batch;
}

bool IsJsonContentType(std::optional<std::string_view> content_type) {
  if (!content_type) return true;
  std::string_view media_type = TrimAsciiSpace(content_type->substr(0, content_type->find(';')));
  auto starts_with = [&](std::string_view prefix) {
    return media_type.size() >= prefix.size() && strncasecmp(media_type.data(), prefix.data(), prefix.size()) == 0;
  };
  auto ends_with = [&](std::string_view suffix) {
    return media_type.size() >= suffix.size() &&
           strncasecmp(media_type.data() + media_type.size() - suffix.size(), suffix.data(), suffix.size()) == 0;
  };
  constexpr std::string_view kJson = "application/json";
  if (media_type.empty() || (media_type.size() == kJson.size() && starts_with(kJson))) return true;
  // The structured-syntax suffix (application/vnd.acme+json, RFC 6839), which the original's Flask read as JSON too.
  constexpr std::string_view kApplication = "application/", kSuffix = "+json";
  return media_type.size() > kApplication.size() + kSuffix.size() && starts_with(kApplication) && ends_with(kSuffix);
}

}  // namespace telemetry::api

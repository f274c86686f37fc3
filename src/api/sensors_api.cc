#include "api/sensors_api.h"

#include <charconv>

#include "api/error_response.h"
#include "api/query_params.h"
#include "core/json_writer.h"

namespace telemetry::api {
namespace {

constexpr std::size_t kDefaultSensorsPerPage = 100;
constexpr std::size_t kMaxSensorsPerPage = 1000;

// Cursors are the last sensor id of a page, in hex: opaque to clients, safe in a URL.
std::string EncodeCursor(std::string_view sensor_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string cursor;
  for (unsigned char c : sensor_id) {
    cursor += kHex[c >> 4];
    cursor += kHex[c & 15];
  }
  return cursor;
}

StatusOr<std::string> DecodeCursor(std::string_view cursor) {
  std::string sensor_id;
  for (std::size_t i = 0; i + 1 < cursor.size(); i += 2) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, value, 16);
    if (error != std::errc() || end != cursor.data() + i + 2) break;
    sensor_id += static_cast<char>(value);
  }
  if (cursor.size() % 2 != 0 || sensor_id.size() * 2 != cursor.size()) {
    return InvalidArgument("cursor is not one this server gave out");
  }
  return sensor_id;
}

StatusOr<SensorsQuery> ParseSensorsQuery(const http::Request& request) {
  if (Status known = CheckParamNames(request, {"limit", "cursor"}); !known.ok()) return known;
  SensorsQuery query;
  StatusOr<std::size_t> limit = LimitParam(request, kDefaultSensorsPerPage, kMaxSensorsPerPage);
  if (!limit.ok()) return limit.status();
  query.limit = *limit;
  if (auto cursor = request.QueryParam("cursor")) {
    StatusOr<std::string> after = DecodeCursor(*cursor);
    if (!after.ok()) return after.status();
    query.after = std::move(after).value();
  }
  return query;
}

}  // namespace

void AddSensorsApi(http::Router& router, Store& store) {
  router.Add("GET", "/api/v1/sensors", [&store](http::Request&& request, http::Responder respond) {
    StatusOr<SensorsQuery> query = ParseSensorsQuery(request);
    if (!query.ok()) return respond(StatusResponse(query.status()));
    std::size_t limit = query->limit;
    store.Sensors(std::move(query).value(),
                  [limit, respond = std::move(respond)](StatusOr<std::vector<SensorSummary>> page) {
                    if (!page.ok()) return respond(StatusResponse(page.status()));
                    JsonWriter json;
                    json.BeginObject().Key("sensors").BeginArray();
                    for (const SensorSummary& sensor : *page) {
                      json.BeginObject().Key("sensorID").String(sensor.sensor_id).Key("count").Int(sensor.count);
                      json.Key("first").String(FormatRfc3339(sensor.first));
                      json.Key("last").String(FormatRfc3339(sensor.last));
                      json.Key("lastValue").Number(sensor.last_value).EndObject();
                    }
                    json.EndArray().Key("next");
                    if (page->size() == limit) {
                      json.String(EncodeCursor(page->back().sensor_id));
                    } else {
                      json.Null();
                    }
                    json.EndObject();
                    respond(http::JsonResponse(json.Take()));
                  });
  });
}

}  // namespace telemetry::api

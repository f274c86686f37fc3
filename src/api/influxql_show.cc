#include "api/influxql_show.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "api/store_chain.h"

namespace telemetry::api {
namespace {

using influxql::Show;

// A series of one column of names, as SHOW statements answer.
void WriteNameSeries(JsonWriter& json, std::optional<std::string_view> name, std::vector<std::string_view> columns,
                     const std::vector<std::vector<std::string>>& rows) {
  json.BeginObject();
  if (name) json.Key("name").String(*name);
  json.Key("columns").BeginArray();
  for (std::string_view column : columns) json.String(column);
  json.EndArray().Key("values").BeginArray();
  for (const auto& row : rows) {
    json.BeginArray();
    for (const std::string& cell : row) json.String(cell);
    json.EndArray();
  }
  json.EndArray().EndObject();
}

// A series key as InfluxDB writes one: measurement,sensorID=<id>, with line protocol's escapes.
std::string SeriesKey(std::string_view measurement, std::string_view sensor_id) {
  auto escaped = [](std::string_view text, std::string_view special) {
    std::string out;
    for (char c : text) {
      if (special.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    return out;
  };
  return escaped(measurement, ", ") + "," + std::string(influxql::kSensorTag) + "=" + escaped(sensor_id, ",= ");
}

}  // namespace

// SHOW answers from what is stored: a measurement, tag key and field key exist once a reading does (the sensors
// that WHERE accepts, if it is given); tag values and series are the sensors.
void RunShow(Store& store, std::shared_ptr<const Show> show, int statement_id, const std::string& measurement,
             const std::string& database, Retention retention, std::function<void(Producer)> done) {
  using What = Show::What;
  auto answer = [statement_id, done](std::optional<std::string_view> name, std::vector<std::string_view> columns,
                                     std::vector<std::vector<std::string>> rows) {
    if (rows.empty()) return done(WholeResult(StatementResult(statement_id, nullptr)));
    done(WholeResult(
        StatementResult(statement_id, [&](JsonWriter& json) { WriteNameSeries(json, name, columns, rows); })));
  };
  auto page = [show](std::vector<std::vector<std::string>> rows) {
    Page(rows, show->offset, show->limit);
    return rows;
  };
  if (show->what == What::kDatabases) {
    std::vector<std::vector<std::string>> rows{{"telemetry"}};
    if (!database.empty() && database != "telemetry") rows.push_back({database});
    return answer("databases", {"name"}, std::move(rows));
  }
  if (show->what == What::kRetentionPolicies) {
    // One policy: the store's retention, in Go's duration format as InfluxDB shows it ("0s": forever). Readings go
    // a whole day at a time, as InfluxDB drops whole shard groups: a day is the shard group duration.
    std::string duration = retention.keeps_forever() ? "0s" : std::to_string(retention.days * 24) + "h0m0s";
    std::string shard_group = retention.keeps_forever() ? "168h0m0s" : "24h0m0s";
    return done(WholeResult(StatementResult(statement_id, [duration, shard_group](JsonWriter& json) {
      json.BeginObject().Key("columns").BeginArray();
      for (const char* column : {"name", "duration", "shardGroupDuration", "replicaN", "default"}) json.String(column);
      json.EndArray().Key("values").BeginArray().BeginArray();
      json.String("autogen").String(duration).String(shard_group).Int(1).Bool(true);
      json.EndArray().EndArray().EndObject();
    })));
  }
  if (!show->measurement_matches) return answer(std::nullopt, {}, {});
  if (show->what == What::kTagValues && !show->tag_key->Accepts(influxql::kSensorTag)) {
    return answer(std::nullopt, {}, {});
  }
  bool lists_sensors = show->what == What::kTagValues || show->what == What::kSeries;
  auto keep = [show](const SensorSummary& sensor) {
    return (!show->tags || show->tags->Accepts(sensor.sensor_id)) && sensor.first < show->to &&
           sensor.last >= show->from;
  };
  // Tag values and series: as many sensors as the answer shows; the others: whether one sensor matches.
  std::size_t enough = !lists_sensors    ? 1
                       : show->limit > 0 ? show->offset + show->limit
                                         : std::numeric_limits<std::size_t>::max();
  ListSensors(store, keep, enough, kMaxQueryRows, "add LIMIT or a condition on sensorID",
              [show, statement_id, measurement, answer, page, done](StatusOr<std::vector<SensorSummary>> sensors) {
                if (!sensors.ok()) return done(WholeResult(StatementError(statement_id, sensors.status().message())));
                if (sensors->empty()) return answer(std::nullopt, {}, {});
                switch (show->what) {
                  case What::kMeasurements:
                    return answer("measurements", {"name"}, page({{measurement}}));
                  case What::kTagKeys:
                    return answer(measurement, {"tagKey"}, page({{std::string(influxql::kSensorTag)}}));
                  case What::kFieldKeys:
                    return answer(measurement, {"fieldKey", "fieldType"},
                                  page({{std::string(influxql::kValueField), "float"}}));
                  default:
                    break;
                }
                std::vector<std::vector<std::string>> rows;
                for (SensorSummary& sensor : sensors.value()) {
                  if (show->what == What::kSeries) {
                    rows.push_back({SeriesKey(measurement, sensor.sensor_id)});
                  } else {
                    rows.push_back({std::string(influxql::kSensorTag), std::move(sensor.sensor_id)});
                  }
                }
                if (show->what == What::kSeries) return answer(std::nullopt, {"key"}, page(std::move(rows)));
                answer(measurement, {"key", "value"}, page(std::move(rows)));
              });
}

}  // namespace telemetry::api

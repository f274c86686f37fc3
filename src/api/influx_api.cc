#include "api/influx_api.h"

#include <algorithm>
#include <memory>

#include "api/access_guard.h"
#include "api/error_response.h"
#include "api/write_problem.h"
#include "core/json_writer.h"
#include "core/line_protocol.h"
#include "http/content_encoding.h"

namespace telemetry::api {
namespace {

using Dialect = InfluxDialect;

http::Response NoContent() {
  http::Response response{204, "", "", {}, nullptr};
  response.headers.emplace_back("X-Influxdb-Version", kInfluxCompatibleVersion);
  response.headers.emplace_back("X-Influxdb-Build", "OSS");
  return response;
}

// What was not stored, by line, for the partial-write message.
struct Problems {
  std::vector<std::pair<int, std::string>> by_line;
  void Add(int line, std::string what) { by_line.emplace_back(line, std::move(what)); }
  std::string Message(std::size_t points) const {
    std::string message = "partial write: " + std::to_string(by_line.size()) + " problem(s) in " +
                          std::to_string(points) + " point(s); everything else is stored:";
    constexpr std::size_t kShown = 10;
    for (std::size_t i = 0; i < by_line.size() && i < kShown; ++i) {
      message += (i == 0 ? " line " : "; line ") + std::to_string(by_line[i].first) + ": " + by_line[i].second;
    }
    if (by_line.size() > kShown) message += "; and " + std::to_string(by_line.size() - kShown) + " more";
    return message;
  }
};

std::optional<double> NumericValue(const FieldValue& value) {
  if (auto* number = std::get_if<double>(&value)) return *number;
  if (auto* number = std::get_if<std::int64_t>(&value)) return static_cast<double>(*number);
  if (auto* number = std::get_if<std::uint64_t>(&value)) return static_cast<double>(*number);
  return std::nullopt;
}

// The readings among `points`, each with its line; what is not a reading goes to `problems`.
void PointsToReadings(const std::vector<LinePoint>& points, const std::string& measurement, TimeNs now,
                      std::vector<Reading>& readings, std::vector<int>& lines, Problems& problems) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    const LinePoint& point = points[i];
    if (point.measurement != measurement) {
      problems.Add(point.line, "measurement \"" + point.measurement.substr(0, 64) + "\" is not stored (only \"" +
                                   measurement + "\" is)");
      continue;
    }
    // The sensor is the sensorID (or sensor) tag, the reading the value (or temperature) field. Two of either
    // that disagree leave the point's meaning open: it is refused, not stored under one of them.
    const std::string* sensor = nullptr;
    bool sensors_disagree = false;
    for (const auto& [key, value] : point.tags) {
      if (key != "sensorID" && key != "sensor") continue;
      if (sensor && *sensor != value) sensors_disagree = true;
      if (!sensor) sensor = &value;
    }
    if (!sensor) {
      problems.Add(point.line, "no sensorID tag");
      continue;
    }
    if (sensors_disagree) {
      problems.Add(point.line, "the sensorID (or sensor) tag is given more than once, with different values");
      continue;
    }
    if (Status valid = ValidateSensorId(*sensor); !valid.ok()) {
      problems.Add(point.line, valid.message());
      continue;
    }
    const LineField* chosen = nullptr;
    bool values_disagree = false;
    for (const LineField& field : point.fields) {
      if (field.key != "value" && field.key != "temperature") {
        problems.Add(point.line, "field \"" + field.key.substr(0, 64) + "\" is not stored");
        continue;
      }
      if (chosen && NumericValue(chosen->value) != NumericValue(field.value)) values_disagree = true;
      if (!chosen) chosen = &field;
    }
    if (!chosen) {
      problems.Add(point.line, "no value (or temperature) field");
      continue;
    }
    if (values_disagree) {
      problems.Add(point.line, "the value (or temperature) field is given more than once, with different values");
      continue;
    }
    std::optional<double> value = NumericValue(chosen->value);
    if (!value) {
      problems.Add(point.line, "field \"" + chosen->key + "\" must be a number");
      continue;
    }
    if (Status valid = ValidateTemperature(*value); !valid.ok()) {
      problems.Add(point.line, "field \"" + chosen->key + "\": " + valid.message());
      continue;
    }
    // Point i without a timestamp at `now` + i nanoseconds, as batches of JSON readings: one instant would make every
    // point of a sensor after the first a conflict (InfluxDB would keep only the last).
    TimeNs time = point.time.value_or(now + static_cast<TimeNs>(i));
    if (Status valid = ValidateReadingTime(time); !valid.ok()) {
      problems.Add(point.line, valid.message());
      continue;
    }
    readings.push_back(Reading{*sensor, time, *value});
    lines.push_back(point.line);
  }
}

void Write(Store& store, const Clock& clock, const IngestOptions& options, Dialect dialect, http::Request&& request,
           http::Responder respond) {
  const char* target = dialect == Dialect::kV1 ? "db" : "bucket";
  if (!request.QueryParam(target)) {
    return respond(InfluxError(dialect, dialect == Dialect::kV1 ? 400 : 404,
                               dialect == Dialect::kV1 ? "database is required" : "bucket is required"));
  }
  std::optional<TimeNs> precision = PrecisionNanos(request.QueryParam("precision").value_or(""));
  if (!precision) return respond(InfluxError(dialect, 400, "invalid precision; use ns, us, ms, s, m or h"));
  if (auto error = http::DecodeContentEncoding(request, options.max_decoded_bytes)) {
    return respond(InfluxError(dialect, error->status, error->message));
  }
  ParsedLines parsed = ParseLineProtocol(request.body, *precision);
  if (parsed.points.size() > options.max_batch_readings) {
    return respond(InfluxError(dialect, 413,
                               "at most " + std::to_string(options.max_batch_readings) + " points per request"));
  }
  auto problems = std::make_shared<Problems>();
  for (const LineError& error : parsed.errors) problems->Add(error.line, error.message);
  auto lines = std::make_shared<std::vector<int>>();
  std::vector<Reading> readings;
  PointsToReadings(parsed.points, options.influx_measurement, clock(), readings, *lines, *problems);
  if (auto forbidden = ForbiddenSensor(request, readings)) return respond(InfluxError(dialect, 403, *forbidden));
  std::size_t points = parsed.points.size() + parsed.errors.size();
  if (options.on_rejected && readings.size() < points) options.on_rejected(points - readings.size());
  if (readings.empty()) {
    if (problems->by_line.empty()) return respond(NoContent());  // an empty body, or comments only
    return respond(InfluxError(dialect, 400, problems->Message(points)));
  }
  auto written = std::make_shared<std::vector<Reading>>(readings);
  store.Write(std::move(readings), [=, respond = std::move(respond)](Status status,
                                                                     std::vector<WriteOutcome> outcomes) {
    if (!status.ok()) {
      return respond(InfluxError(dialect, HttpStatus(status), status.message()));
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      if (std::optional<WriteProblem> problem = ProblemOf((*written)[i], outcomes[i])) {
        problems->Add((*lines)[i], std::move(problem->message));
      }
    }
    if (problems->by_line.empty()) return respond(NoContent());
    std::sort(problems->by_line.begin(), problems->by_line.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    respond(InfluxError(dialect, 400, problems->Message(points)));
  });
}

}  // namespace

http::Response InfluxError(InfluxDialect dialect, int status, std::string_view message) {
  JsonWriter json;
  if (dialect == InfluxDialect::kV1) {
    json.BeginObject().Key("error").String(message).EndObject();
  } else {
    const char* code = status == 401   ? "unauthorized"
                       : status == 403 ? "forbidden"
                       : status == 413 ? "request too large"
                       : status == 429 ? "too many requests"
                       : status >= 500 ? "unavailable"
                                       : "invalid";
    json.BeginObject().Key("code").String(code).Key("message").String(message).EndObject();
  }
  http::Response response = http::JsonResponse(json.Take(), status);
  response.headers.emplace_back("X-Influxdb-Version", kInfluxCompatibleVersion);
  if (status == 503) response.headers.emplace_back("Retry-After", "1");
  return response;
}

void AddInfluxApi(http::Router& router, Store& store, Clock clock, const IngestOptions& options) {
  router.Add(
      "POST", "/write",
      [&store, clock, &options](http::Request&& request, http::Responder respond) {
        Write(store, clock, options, Dialect::kV1, std::move(request), std::move(respond));
      },
      http::Router::BodyLimit::kBatch);
  router.Add(
      "POST", "/api/v2/write",
      [&store, clock, &options](http::Request&& request, http::Responder respond) {
        Write(store, clock, options, Dialect::kV2, std::move(request), std::move(respond));
      },
      http::Router::BodyLimit::kBatch);
  router.Add("GET", "/ping", [](http::Request&& request, http::Responder respond) {
    if (request.QueryParam("verbose").value_or("") == "true") {
      http::Response response =
          http::JsonResponse(std::string(R"({"version":")") + kInfluxCompatibleVersion + R"("})");
      response.headers.emplace_back("X-Influxdb-Version", kInfluxCompatibleVersion);
      return respond(std::move(response));
    }
    respond(NoContent());
  });
}

}  // namespace telemetry::api

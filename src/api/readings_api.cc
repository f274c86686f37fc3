#include "api/readings_api.h"

#include <charconv>

#include "api/error_response.h"
#include "core/json_writer.h"

namespace telemetry::api {
namespace {

constexpr std::size_t kDefaultLimit = 1000;
constexpr std::size_t kMaxLimit = 10'000;

struct ExportRequest {
  ReadingsQuery query;
  bool csv = false;
};

bool AcceptsCsvFirst(std::optional<std::string_view> accept) {
  return accept && accept->substr(0, accept->find_first_of(",;")) == "text/csv";
}

StatusOr<ExportRequest> ParseExportRequest(const http::Request& request) {
  for (const std::string& name : request.QueryParamNames()) {
    if (name != "sensorID" && name != "from" && name != "to" && name != "limit" && name != "cursor" &&
        name != "format") {
      return InvalidArgument("unknown query parameter \"" + name.substr(0, 64) +
                             "\"; known: sensorID, from, to, limit, cursor, format");
    }
  }
  ExportRequest out;
  std::optional<std::string> sensor_id = request.QueryParam("sensorID");
  if (!sensor_id) return InvalidArgument("sensorID is required (GET /api/v1/sensors lists them)");
  if (Status valid = ValidateSensorId(*sensor_id); !valid.ok()) return valid;
  out.query.sensor_id = std::move(*sensor_id);
  for (auto [name, bound] : {std::pair{"from", &out.query.from}, std::pair{"to", &out.query.to}}) {
    if (auto text = request.QueryParam(name)) {
      StatusOr<TimeNs> time = ParseTime(*text);
      if (!time.ok()) return InvalidArgument(std::string(name) + ": " + time.status().message());
      *bound = *time;
    }
  }
  if (out.query.from > out.query.to) return InvalidArgument("from must not be later than to");
  out.query.limit = kDefaultLimit;
  if (auto text = request.QueryParam("limit")) {
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), out.query.limit);
    if (error != std::errc() || end != text->data() + text->size() || out.query.limit == 0 ||
        out.query.limit > kMaxLimit) {
      return InvalidArgument("limit must be a whole number from 1 to " + std::to_string(kMaxLimit));
    }
  }
  if (auto cursor = request.QueryParam("cursor")) {
    TimeNs after = 0;
    auto [end, error] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), after);
    if (error != std::errc() || end != cursor->data() + cursor->size() || after == kMaxTime) {
      return InvalidArgument("cursor is not one this server gave out");
    }
    out.query.after = after;
  }
  std::string format = request.QueryParam("format").value_or(AcceptsCsvFirst(request.Header("Accept")) ? "csv" : "json");
  if (format != "json" && format != "csv") return InvalidArgument("format must be json or csv");
  out.csv = format == "csv";
  return out;
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

http::Response Render(const std::vector<Reading>& page, bool csv, bool more) {
  std::string next = more ? std::to_string(page.back().time) : "";
  if (csv) {
    std::string body = "sensorID,time,temperature\r\n";
    for (const Reading& reading : page) {
      body += CsvField(reading.sensor_id) + "," + FormatRfc3339(reading.time) + "," + FormatNumber(reading.value) +
              "\r\n";
    }
    http::Response response{200, "text/csv; charset=utf-8", std::move(body), {}};
    if (more) response.headers.emplace_back("X-Next-Cursor", next);
    return response;
  }
  JsonWriter json;
  json.BeginObject().Key("readings").BeginArray();
  for (const Reading& reading : page) {
    json.BeginObject().Key("sensorID").String(reading.sensor_id).Key("time").String(FormatRfc3339(reading.time));
    json.Key("temperature").Number(reading.value).EndObject();
  }
  json.EndArray().Key("next");
  if (more) {
    json.String(next);
  } else {
    json.Null();
  }
  return http::JsonResponse(json.EndObject().Take());
}

}  // namespace

void AddReadingsApi(http::Router& router, Store& store) {
  router.Add("GET", "/api/v1/readings", [&store](http::Request&& request, http::Responder respond) {
    StatusOr<ExportRequest> parsed = ParseExportRequest(request);
    if (!parsed.ok()) return respond(StatusResponse(parsed.status()));
    std::size_t limit = parsed->query.limit;
    bool csv = parsed->csv;
    store.Readings(std::move(parsed->query),
                   [limit, csv, respond = std::move(respond)](StatusOr<std::vector<Reading>> page) {
                     if (!page.ok()) return respond(StatusResponse(page.status()));
                     respond(Render(*page, csv, page->size() == limit));
                   });
  });
}

}  // namespace telemetry::api

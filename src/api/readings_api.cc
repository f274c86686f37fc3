#include "api/readings_api.h"

#include <charconv>

#include "api/error_response.h"
#include "api/query_params.h"
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
  if (Status known = RejectUnknownParams(request, {"sensorID", "from", "to", "limit", "cursor", "format"});
      !known.ok()) {
    return known;
  }
  ExportRequest out;
  StatusOr<std::optional<std::string>> sensor_id = SensorIdParam(request);
  if (!sensor_id.ok()) return sensor_id.status();
  if (!*sensor_id) return InvalidArgument("sensorID is required (GET /api/v1/sensors lists them)");
  out.query.sensor_id = std::move(**sensor_id);
  StatusOr<TimeNs> from = TimeParam(request, "from", kMinTime), to = TimeParam(request, "to", kMaxTime);
  if (!from.ok()) return from.status();
  if (!to.ok()) return to.status();
  out.query.from = *from;
  out.query.to = *to;
  if (out.query.from > out.query.to) return InvalidArgument("from must not be later than to");
  StatusOr<std::size_t> limit = LimitParam(request, kDefaultLimit, kMaxLimit);
  if (!limit.ok()) return limit.status();
  out.query.limit = *limit;
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

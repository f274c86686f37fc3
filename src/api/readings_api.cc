#include "api/readings_api.h"

#include <memory>
#include <optional>

#include "api/error_response.h"
#include "api/export_cursor.h"
#include "api/query_params.h"
#include "api/reading_json.h"
#include "core/json_writer.h"
#include "http/accept.h"

namespace telemetry::api {
namespace {

constexpr std::size_t kDefaultReadingsPerPage = 1000;
constexpr std::size_t kMaxReadingsPerPage = 10'000;

struct ExportRequest {
  ReadingsQuery query;
  bool csv = false;
  bool all = false;  // limit=all: the whole range in one streamed answer
};

// CSV when the Accept header prefers it to JSON; JSON, the default, when it prefers neither.
bool PrefersCsv(std::optional<std::string_view> accept) {
  return http::AcceptQuality(accept, "text/csv") > http::AcceptQuality(accept, "application/json");
}

StatusOr<ExportRequest> ParseExportRequest(const http::Request& request) {
  if (Status known = CheckParamNames(request, {"sensorID", "from", "to", "limit", "cursor", "format", "order"});
      !known.ok()) {
    return known;
  }
  ExportRequest out;
  StatusOr<std::optional<std::string>> sensor_id = SensorIdParam(request);
  if (!sensor_id.ok()) return sensor_id.status();
  out.query.sensor_id = std::move(*sensor_id);
  StatusOr<TimeNs> from = TimeParam(request, "from", kMinTime), to = TimeParam(request, "to", kMaxTime);
  if (!from.ok()) return from.status();
  if (!to.ok()) return to.status();
  out.query.from = *from;
  out.query.to = *to;
  if (out.query.from > out.query.to) return InvalidArgument("from must not be later than to");
  if (request.QueryParam("limit") == "all") {
    out.all = true;
    out.query.limit = kMaxReadingsPerPage;  // the page each piece of the stream reads
  } else {
    StatusOr<std::size_t> limit = LimitParam(request, kDefaultReadingsPerPage, kMaxReadingsPerPage);
    if (!limit.ok()) return limit.status();
    out.query.limit = *limit;
  }
  // order=desc: each sensor's readings newest first, so that the latest N cost N whatever the range.
  std::string order(request.QueryParam("order").value_or("asc"));
  if (order != "asc" && order != "desc") return InvalidArgument("order must be asc or desc");
  out.query.newest_first = order == "desc";
  if (auto cursor = request.QueryParam("cursor")) {
    out.query.after = DecodeExportCursor(*cursor, out.query.sensor_id);
    if (!out.query.after) {
      return InvalidArgument(out.query.sensor_id ? "cursor is not one this server gave out for this sensor"
                                                 : "cursor is not one this server gave out for every sensor");
    }
  }
  std::string format = request.QueryParam("format").value_or(PrefersCsv(request.Header("Accept")) ? "csv" : "json");
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

constexpr std::string_view kCsvHeader = "sensorID,time,temperature\r\n";
constexpr std::string_view kJsonStart = R"({"readings":[)";

// The readings of a page as CSV rows, or as JSON array items (with a leading comma unless `first`).
void AppendReadings(std::string& out, const std::vector<Reading>& page, bool csv, bool first) {
  if (csv) {
    for (const Reading& reading : page) {
      out +=
          CsvField(reading.sensor_id) + "," + FormatRfc3339(reading.time) + "," + FormatNumber(reading.value) + "\r\n";
    }
    return;
  }
  for (const Reading& reading : page) {
    JsonWriter json;
    WriteReadingJson(json, reading);
    if (!first) out += ',';
    out += json.str();
    first = false;
  }
}

// The end of the JSON object: the next page's cursor, or null.
std::string JsonEnd(const std::optional<std::string>& next) {
  JsonWriter json;
  if (next) {
    json.String(*next);
  } else {
    json.Null();
  }
  return R"(],"next":)" + json.Take() + "}";
}

http::Response Render(const ReadingsPage& page, bool csv, bool one_sensor) {
  std::optional<std::string> next;
  if (page.next) next = EncodeExportCursor(*page.next, one_sensor);
  std::string body(csv ? kCsvHeader : kJsonStart);
  AppendReadings(body, page.readings, csv, true);
  if (csv) {
    http::Response response{200, "text/csv; charset=utf-8", std::move(body), {}, nullptr};
    if (next) response.headers.emplace_back("X-Next-Cursor", *next);
    return response;
  }
  return http::JsonResponse(body + JsonEnd(next));
}

// limit=all: the whole range, a page of the store per piece, each read only once the client has taken the one
// before (http::BodyStream), so that memory stays constant however many readings there are. A store failure
// after the first piece cuts the connection: the client sees an incomplete answer, never a short one.
class ExportStream final : public http::BodyStream, public std::enable_shared_from_this<ExportStream> {
 public:
  ExportStream(Store& store, ReadingsQuery query, bool csv) : store_(store), query_(std::move(query)), csv_(csv) {}

  void Next(std::function<void(http::BodyPiece)> deliver) override {
    store_.Readings(query_, [self = shared_from_this(), deliver = std::move(deliver)](StatusOr<ReadingsPage> page) {
      if (!page.ok()) return deliver(http::BodyPiece{"", http::BodyPiece::Then::kAbort});
      http::BodyPiece piece;
      if (self->first_ && self->csv_) piece.data = kCsvHeader;
      if (self->first_ && !self->csv_) piece.data = kJsonStart;
      AppendReadings(piece.data, page->readings, self->csv_, self->first_);
      self->first_ = self->first_ && page->readings.empty();
      self->query_.after = std::move(page->next);
      if (!self->query_.after) {
        if (!self->csv_) piece.data += JsonEnd(std::nullopt);
        piece.then = http::BodyPiece::Then::kEnd;
      }
      deliver(std::move(piece));
    });
  }

 private:
  Store& store_;
  ReadingsQuery query_;  // the next page's
  const bool csv_;
  bool first_ = true;  // nothing sent yet (pieces are asked one at a time: no lock needed)
};

}  // namespace

void AddReadingsApi(http::Router& router, Store& store) {
  router.Add("GET", "/api/v1/readings", [&store](http::Request&& request, http::Responder respond) {
    StatusOr<ExportRequest> parsed = ParseExportRequest(request);
    if (!parsed.ok()) return respond(StatusResponse(parsed.status()));
    if (parsed->all) {
      http::Response response{200, parsed->csv ? "text/csv; charset=utf-8" : "application/json", "", {}, nullptr};
      response.stream = std::make_shared<ExportStream>(store, std::move(parsed->query), parsed->csv);
      return respond(std::move(response));
    }
    bool csv = parsed->csv, one_sensor = parsed->query.sensor_id.has_value();
    store.Readings(std::move(parsed->query),
                   [csv, one_sensor, respond = std::move(respond)](StatusOr<ReadingsPage> page) {
                     if (!page.ok()) return respond(StatusResponse(page.status()));
                     respond(Render(*page, csv, one_sensor));
                   });
  });
}

}  // namespace telemetry::api

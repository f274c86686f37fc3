#include "api/series_api.h"

#include <date/tz.h>

#include <algorithm>
#include <memory>

#include "api/error_response.h"
#include "api/query_params.h"
#include "core/json_writer.h"
#include "core/series_buckets.h"

namespace telemetry::api {
namespace {

StatusOr<SeriesQuery> ParseSeriesRequest(const http::Request& request, TimeNs now) {
  if (Status known = CheckParamNames(request, {"sensorID", "from", "to", "interval", "tz"}); !known.ok()) {
    return known;
  }
  SeriesQuery query;
  StatusOr<std::optional<std::string>> sensor_id = SensorIdParam(request);
  if (!sensor_id.ok()) return sensor_id.status();
  query.sensor_id = std::move(sensor_id).value();
  StatusOr<TimeNs> to_param = TimeParam(request, "to", now);
  if (!to_param.ok()) return to_param.status();
  TimeNs to = *to_param;
  // The day before `to` by default (as far back as time goes).
  StatusOr<TimeNs> from_param = TimeParam(request, "from", std::max(to, kMinTime + kNanosPerDay) - kNanosPerDay);
  if (!from_param.ok()) return from_param.status();
  TimeNs from = *from_param;
  if (from >= to) return InvalidArgument("from must be earlier than to");
  StatusOr<TimeNs> interval = ParseInterval(request.QueryParam("interval").value_or("1h"));
  if (!interval.ok()) return interval.status();
  const date::time_zone* zone = nullptr;
  if (auto tz = request.QueryParam("tz")) {
    try {
      zone = date::locate_zone(*tz);
    } catch (const std::runtime_error&) {
      return InvalidArgument("tz: unknown time zone \"" + tz->substr(0, 64) +
                             "\"; use an IANA name such as Europe/Berlin");
    }
  }
  StatusOr<std::vector<TimeNs>> boundaries = SeriesBoundaries(from, to, *interval, zone, kMaxSeriesBuckets);
  if (!boundaries.ok()) return boundaries.status();
  query.boundaries = std::move(boundaries).value();
  return query;
}

}  // namespace

void AddSeriesApi(http::Router& router, Store& store, Clock clock) {
  router.Add("GET", "/api/v1/series", [&store, clock](http::Request&& request, http::Responder respond) {
    StatusOr<SeriesQuery> query = ParseSeriesRequest(request, clock());
    if (!query.ok()) return respond(StatusResponse(query.status()));
    auto boundaries = std::make_shared<std::vector<TimeNs>>(query->boundaries);
    store.Series(std::move(query).value(),
                 [boundaries, respond = std::move(respond)](StatusOr<std::vector<Aggregate>> spans) {
                   if (!spans.ok()) return respond(StatusResponse(spans.status()));
                   JsonWriter json;
                   json.BeginObject().Key("buckets").BeginArray();
                   for (std::size_t i = 0; i < spans->size(); ++i) {
                     const Aggregate& bucket = (*spans)[i];
                     if (bucket.count == 0) continue;
                     json.BeginObject().Key("time").String(FormatRfc3339((*boundaries)[i]));
                     json.Key("count").Int(bucket.count).Key("mean").Number(bucket.Mean());
                     json.Key("min").Number(bucket.min).Key("max").Number(bucket.max).EndObject();
                   }
                   json.EndArray().EndObject();
                   respond(http::JsonResponse(json.Take()));
                 });
  });
}

}  // namespace telemetry::api

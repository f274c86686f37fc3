#include "api/stats_api.h"

#include "api/error_response.h"
#include "api/query_params.h"
#include "core/json_writer.h"

namespace telemetry::api {

StatusOr<StatsQuery> ParseStatsQuery(const http::Request& request) {
  if (Status known = CheckParamNames(request, {"sensorID", "from", "to"}); !known.ok()) return known;
  StatusOr<std::optional<std::string>> sensor_id = SensorIdParam(request);
  if (!sensor_id.ok()) return sensor_id.status();
  StatusOr<TimeNs> from = TimeParam(request, "from", kMinTime), to = TimeParam(request, "to", kMaxTime);
  if (!from.ok()) return from.status();
  if (!to.ok()) return to.status();
  StatsQuery query{std::move(sensor_id).value(), *from, *to};
  if (query.from > query.to) return InvalidArgument("from must not be later than to");
  return query;
}

void AddStatsApi(http::Router& router, Store& store) {
  router.Add("GET", "/api/v1/stats", [&store](http::Request&& request, http::Responder respond) {
    StatusOr<StatsQuery> query = ParseStatsQuery(request);
    if (!query.ok()) return respond(StatusResponse(query.status()));
    store.Stats(std::move(query).value(), [respond = std::move(respond)](StatusOr<Aggregate> stats) {
      if (!stats.ok()) return respond(StatusResponse(stats.status()));
      bool empty = stats->count == 0;
      JsonWriter json;
      json.BeginObject()
          .Key("count")
          .Int(stats->count)
          .Key("sum")
          .Number(stats->Sum())
          .Key("mean")
          .Number(stats->Mean())
          .Key("min")
          .Number(empty ? std::nullopt : std::optional(stats->min))
          .Key("max")
          .Number(empty ? std::nullopt : std::optional(stats->max))
          .EndObject();
      respond(http::JsonResponse(json.Take()));
    });
  });
}

}  // namespace telemetry::api

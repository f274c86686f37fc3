#include "api/stats_api.h"

#include "api/error_response.h"
#include "core/json_writer.h"

namespace telemetry::api {

StatusOr<StatsQuery> ParseStatsQuery(const http::Request& request) {
  for (const std::string& name : request.QueryParamNames()) {
    if (name != "sensorID" && name != "from" && name != "to") {
      return InvalidArgument("unknown query parameter \"" + name.substr(0, 64) +
                             "\"; known: sensorID, from, to");
    }
  }
  StatsQuery query;
  if (auto sensor_id = request.QueryParam("sensorID")) {
    Status valid = ValidateSensorId(*sensor_id);
    if (!valid.ok()) return valid;
    query.sensor_id = std::move(*sensor_id);
  }
  for (auto [name, bound] : {std::pair{"from", &query.from}, std::pair{"to", &query.to}}) {
    if (auto text = request.QueryParam(name)) {
      StatusOr<TimeNs> time = ParseTime(*text);
      if (!time.ok()) return InvalidArgument(std::string(name) + ": " + time.status().message());
      *bound = *time;
    }
  }
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

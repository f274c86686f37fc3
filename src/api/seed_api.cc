#include "api/seed_api.h"

#include "api/access_guard.h"
#include "api/error_response.h"
#include "api/reading_json.h"
#include "api/write_problem.h"
#include "core/json_writer.h"

namespace telemetry::api {
namespace {

// Flask's default for a handler that returns a string.
constexpr const char* kFlaskText = "text/html; charset=utf-8";

http::Response FlaskText(std::string body) { return http::Response{200, kFlaskText, std::move(body), {}, nullptr}; }

http::Response UnsupportedMediaType(std::string_view content_type) {
  return http::ErrorResponse(415, "unsupported_media_type",
                             "Content-Type \"" + std::string(content_type.substr(0, 100)) +
                                 "\" is not supported; send Content-Type: application/json");
}

void PutTemperature(Store& store, const Clock& clock, const std::function<void(std::size_t)>& on_rejected,
                    http::Request&& request, http::Responder respond) {
  if (auto content_type = request.Header("Content-Type"); !IsJsonContentType(content_type)) {
    return respond(UnsupportedMediaType(*content_type));
  }
  StatusOr<Reading> reading = ParseReadingJson(request.body, clock());
  if (!reading.ok()) {
    if (on_rejected) on_rejected(1);
    return respond(StatusResponse(reading.status()));
  }
  Reading stored = *reading;
  std::vector<Reading> batch;
  batch.push_back(std::move(reading).value());
  if (auto forbidden = ForbiddenSensor(request, batch)) return respond(http::ErrorResponse(403, "forbidden", *forbidden));
  store.Write(std::move(batch), [respond = std::move(respond), stored = std::move(stored)](
                                    Status status, std::vector<WriteOutcome> outcomes) {
    if (!status.ok()) return respond(StatusResponse(status));
    respond(WriteOutcomeResponse(stored, outcomes.front()));
  });
}

void GetStats(Store& store, http::Responder respond) {
  store.Stats(StatsQuery{}, [respond = std::move(respond)](StatusOr<Aggregate> stats) {
    if (!stats.ok()) return respond(StatusResponse(stats.status()));
    if (stats->count == 0) return respond(FlaskText("No data inserted yet!"));
    JsonWriter json;
    json.BeginObject()
        .Key("Average")
        .Number(RoundHalfEven(*stats->Mean()))
        .Key("Maximum")
        .Number(stats->max)
        .Key("Minimum")
        .Number(stats->min)
        .EndObject();
    respond(http::JsonResponse(json.Take()));
  });
}

}  // namespace

http::Response WriteOutcomeResponse(const Reading& reading, WriteOutcome outcome) {
  std::optional<WriteProblem> problem = ProblemOf(reading, outcome);
  if (!problem) return FlaskText("Ok");
  return http::ErrorResponse(problem->http_status, problem->code, problem->message);
}

void AddSeedApi(http::Router& router, Store& store, Clock clock, std::function<void(std::size_t)> on_rejected) {
  router.Add("GET", "/api", [](http::Request&&, http::Responder respond) {
    respond(http::JsonResponse(R"({"message":"Hello!"})"));
  });
  router.Add("PUT", "/api/temperature", [&store, clock, on_rejected](http::Request&& request,
                                                                     http::Responder respond) {
    PutTemperature(store, clock, on_rejected, std::move(request), std::move(respond));
  });
  router.Add("GET", "/api/stats",
             [&store](http::Request&&, http::Responder respond) { GetStats(store, std::move(respond)); });
}

}  // namespace telemetry::api

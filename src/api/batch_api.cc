#include "api/batch_api.h"

#include <algorithm>
#include <memory>

#include "api/access_guard.h"
#include "api/error_response.h"
#include "api/reading_json.h"
#include "api/write_problem.h"
#include "core/ascii.h"
#include "core/json_writer.h"
#include "http/content_encoding.h"

namespace telemetry::api {
namespace {

// NDJSON under any of its registered names; JSON (or none) otherwise; nullopt for anything else.
std::optional<bool> IsNdjson(std::optional<std::string_view> content_type) {
  if (IsJsonContentType(content_type)) return false;
  std::string_view media_type = content_type->substr(0, content_type->find(';'));
  while (!media_type.empty() && media_type.back() == ' ') media_type.remove_suffix(1);
  for (std::string_view name : {"application/x-ndjson", "application/ndjson", "application/jsonlines"}) {
    if (EqualsIgnoringAsciiCase(media_type, name)) return true;
  }
  return std::nullopt;
}

void PostReadings(Store& store, const Clock& clock, const IngestOptions& options, http::Request&& request,
                  http::Responder respond) {
  std::optional<bool> ndjson = IsNdjson(request.Header("Content-Type"));
  if (!ndjson) {
    return respond(http::ErrorResponse(415, "unsupported_media_type",
                                       "send Content-Type: application/json (an array of readings) or "
                                       "application/x-ndjson (one reading per line)"));
  }
  if (auto error = http::DecodeContentEncoding(request, options.max_decoded_bytes)) {
    return respond(http::ErrorResponse(error->status, error->status == 413 ? "too_large" : "bad_encoding",
                                       error->message));
  }
  StatusOr<ReadingBatch> parsed = ParseReadingBatch(request.body, *ndjson, clock(), options.max_batch_readings);
  if (!parsed.ok()) return respond(StatusResponse(parsed.status()));
  if (auto forbidden = ForbiddenSensor(request, parsed->readings)) {
    return respond(http::ErrorResponse(403, "forbidden", *forbidden));
  }
  auto batch = std::make_shared<ReadingBatch>(std::move(parsed).value());
  if (options.on_rejected && !batch->rejected.empty()) options.on_rejected(batch->rejected.size());
  std::vector<Reading> readings = batch->readings;
  store.Write(std::move(readings), [batch, respond = std::move(respond)](Status status,
                                                                          std::vector<WriteOutcome> outcomes) {
    if (!status.ok()) return respond(StatusResponse(status));
    struct Rejected {
      std::size_t index;
      std::string code, message;
    };
    std::vector<Rejected> rejected;
    for (const auto& [index, why] : batch->rejected) rejected.push_back({index, "invalid_argument", why.message()});
    std::size_t stored = 0, duplicates = 0;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      if (outcomes[i] == WriteOutcome::kStored) ++stored;
      if (outcomes[i] == WriteOutcome::kDuplicate) ++duplicates;
      if (std::optional<WriteProblem> problem = ProblemOf(batch->readings[i], outcomes[i])) {
        rejected.push_back({batch->indexes[i], std::move(problem->code), std::move(problem->message)});
      }
    }
    std::sort(rejected.begin(), rejected.end(), [](const Rejected& a, const Rejected& b) { return a.index < b.index; });
    JsonWriter json;
    json.BeginObject().Key("stored").Int(static_cast<std::int64_t>(stored));
    json.Key("duplicates").Int(static_cast<std::int64_t>(duplicates)).Key("rejected").BeginArray();
    for (const Rejected& entry : rejected) {
      json.BeginObject().Key("index").Int(static_cast<std::int64_t>(entry.index));
      json.Key("code").String(entry.code).Key("message").String(entry.message).EndObject();
    }
    json.EndArray().EndObject();
    respond(http::JsonResponse(json.Take(), rejected.empty() ? 200 : 400));
  });
}

}  // namespace

void AddBatchApi(http::Router& router, Store& store, Clock clock, const IngestOptions& options) {
  router.Add(
      "POST", "/api/v1/readings",
      [&store, clock, &options](http::Request&& request, http::Responder respond) {
        PostReadings(store, clock, options, std::move(request), std::move(respond));
      },
      http::Router::BodyLimit::kBatch);
}

}  // namespace telemetry::api

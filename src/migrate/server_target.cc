#include "migrate/server_target.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <limits>
#include <thread>
#include <utility>

#include "api/reading_json.h"
#include "core/json_writer.h"

namespace telemetry::migrate {
namespace {

constexpr int kMostBusyAnswersInARow = 60;
constexpr std::chrono::seconds kWaitWhenBusy{1};

// The readings as the batch API takes them: an array of the objects an export gives.
std::string BatchBody(std::span<const Reading> readings) {
  JsonWriter json;
  json.BeginArray();
  for (const Reading& reading : readings) api::WriteReadingJson(json, reading);
  return json.EndArray().Take();
}

// The error message of one of the server's error answers ({"error":{"code","message"}}), else the body's start.
std::string ErrorMessage(const std::string& body) {
  simdjson::dom::parser parser;
  std::string_view message;
  if (parser.parse(body)["error"]["message"].get_string().get(message) == simdjson::SUCCESS) {
    return std::string(message);
  }
  return body.substr(0, 200);
}

}  // namespace

ServerTarget::ServerTarget(aws::HttpTransport& transport, std::string url, std::string token)
    : transport_(transport),
      url_(std::move(url)),
      token_(std::move(token)),
      per_request_(std::numeric_limits<std::size_t>::max()) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
}

StatusOr<WrittenBatch> ServerTarget::Write(const std::vector<Reading>& readings) {
  WrittenBatch written;
  for (std::size_t first = 0; first < readings.size();) {
    std::size_t count = std::min(per_request_, readings.size() - first);
    Status posted = Post(std::span(readings).subspan(first, count), first, written);
    if (posted.code() == StatusCode::kResourceExhausted && count > 1) {
      per_request_ = count / 2;  // and the same readings again, in smaller requests
      continue;
    }
    if (!posted.ok()) return posted;
    first += count;
  }
  return written;
}

Status ServerTarget::Post(std::span<const Reading> readings, std::size_t first, WrittenBatch& written) {
  aws::HttpCall call;
  call.url = url_ + "/api/v1/readings";
  call.headers.emplace_back("Content-Type", "application/json");
  if (!token_.empty()) call.headers.emplace_back("Authorization", "Bearer " + token_);
  call.body = BatchBody(readings);
  call.timeout = std::chrono::seconds(60);  // a batch waits for its fsync, and for DynamoDB's retries
  for (int busy = 0;; ++busy) {
    std::promise<aws::HttpResult> answered;
    transport_.Send(call, [&](aws::HttpResult result) { answered.set_value(std::move(result)); });
    aws::HttpResult result = answered.get_future().get();
    if (result.status == 0) return Status(StatusCode::kUnavailable, "cannot reach " + url_ + ": " + result.error);
    if ((result.status == 503 || result.status == 429) && busy < kMostBusyAnswersInARow) {
      std::this_thread::sleep_for(kWaitWhenBusy);
      continue;
    }
    if (result.status == 413) {
      return Status(StatusCode::kResourceExhausted, url_ + " refused even one reading: " + ErrorMessage(result.body));
    }
    if (result.status == 401 || result.status == 403) {
      return InvalidArgument(url_ + " refused the import (" + std::to_string(result.status) +
                             "): " + ErrorMessage(result.body) + "; pass a token that may write: --token");
    }
    // 200, or 400 naming the readings it did not store: here only conflicts and readings older than its retention,
    // since every reading passed a PUT's rules before it was sent.
    simdjson::dom::parser parser;
    simdjson::dom::element answer;
    std::int64_t stored = 0, duplicates = 0;
    simdjson::dom::array rejected;
    if ((result.status != 200 && result.status != 400) || parser.parse(result.body).get(answer) ||
        answer["stored"].get_int64().get(stored) || answer["duplicates"].get_int64().get(duplicates) ||
        answer["rejected"].get_array().get(rejected)) {
      return Status(StatusCode::kInternal,
                    url_ + " answered " + std::to_string(result.status) + ": " + ErrorMessage(result.body));
    }
    written.stored += stored;
    written.duplicates += duplicates;
    for (simdjson::dom::element refusal : rejected) {
      std::int64_t index = 0;
      std::string_view code, message;
      if (refusal["index"].get_int64().get(index) || refusal["code"].get_string().get(code) ||
          refusal["message"].get_string().get(message) || index < 0 ||
          static_cast<std::size_t>(index) >= readings.size()) {
        return Status(StatusCode::kInternal, url_ + " answered a batch with a refusal it does not describe");
      }
      if (code == "expired") {
        ++written.expired;
        continue;
      }
      if (code != "conflict") {
        return Status(StatusCode::kInternal, url_ + " refused a reading of sensor \"" +
                                                 readings[static_cast<std::size_t>(index)].sensor_id +
                                                 "\": " + std::string(message));
      }
      written.conflicts.push_back(first + static_cast<std::size_t>(index));
    }
    return Status::Ok();
  }
}

}  // namespace telemetry::migrate

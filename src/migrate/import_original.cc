#include "migrate/import_original.h"

#include <simdjson.h>

#include <utility>

#include "api/reading_json.h"
#include "core/json_writer.h"

namespace telemetry::migrate {
namespace {

constexpr std::int64_t kItemsPerScanPage = 1000;

// The item in the JSON shape a PUT takes: string and number attributes as strings (a PUT takes both as strings,
// as the original sent them), NULL as null. Empty, with `why` set, for an attribute of another DynamoDB type.
std::string ItemAsPutBody(simdjson::dom::object item, std::string& why) {
  JsonWriter json;
  json.BeginObject();
  for (auto [name, typed] : item) {
    simdjson::dom::object value;
    if (typed.get_object().get(value) != simdjson::SUCCESS || value.size() != 1) {
      why = "attribute " + std::string(name) + " is not a DynamoDB value";
      return {};
    }
    auto [type, content] = *value.begin();
    json.Key(name);
    std::string_view text;
    if ((type == "S" || type == "N") && content.get_string().get(text) == simdjson::SUCCESS) {
      json.String(text);
    } else if (type == "NULL") {
      json.Null();
    } else {
      why = "attribute " + std::string(name) + " is of DynamoDB type " + std::string(type);
      return {};
    }
  }
  return json.EndObject().Take();
}

// How an item is named in the report: by its key, the original's `time`.
std::string ItemName(simdjson::dom::object item) {
  std::string_view time;
  if (item["time"]["S"].get_string().get(time) == simdjson::SUCCESS) return "item time=\"" + std::string(time) + "\"";
  if (item["time"]["N"].get_string().get(time) == simdjson::SUCCESS) return "item time=" + std::string(time);
  return "an item without a time";
}

// Takes the old table's items one by one.
class Importer {
 public:
  Importer(ImportTarget& target, ImportReport& report) : batches_(target, report), report_(report) {}

  // Takes one item of the old table.
  Status Take(simdjson::dom::object item, TimeNs now) {
    ++report_.items;
    std::string why;
    std::string body = ItemAsPutBody(item, why);
    // An item without a time is read at `now` plus its place: two of one sensor are then two readings.
    StatusOr<Reading> reading =
        why.empty() ? api::ParseReadingJson(body, now + report_.items) : StatusOr<Reading>(InvalidArgument(why));
    if (!reading.ok()) {
      ++report_.refused;
      report_.Describe("refused " + ItemName(item) + ": " + reading.status().message());
      return Status::Ok();
    }
    return batches_.Add(std::move(*reading));
  }

  Status Flush() { return batches_.Flush(); }

 private:
  BatchedImport batches_;
  ImportReport& report_;
};

}  // namespace

StatusOr<ImportReport> ImportOriginalTable(aws::DynamoDbClient& client, const std::string& table, ImportTarget& target,
                                           TimeNs now) {
  ImportReport report;
  Importer importer(target, report);
  simdjson::dom::parser parser;
  std::string start_key;  // the page's ExclusiveStartKey, as DynamoDB gave it; empty: the first page
  for (;;) {
    JsonWriter json;
    json.BeginObject().Key("TableName").String(table).Key("ConsistentRead").Bool(true);
    json.Key("Limit").Int(kItemsPerScanPage).EndObject();
    std::string body = json.Take();
    if (!start_key.empty()) body.insert(body.size() - 1, R"(,"ExclusiveStartKey":)" + start_key);
    aws::DynamoDbResponse page = client.CallAndWait("Scan", body);
    if (!page.ok()) {
      if (page.error_type == "ResourceNotFoundException") return InvalidArgument("no table " + table + " to import");
      return Status(StatusCode::kUnavailable,
                    "reading " + table + " failed: " + page.error_type + " " + page.error_message);
    }
    simdjson::dom::element answer;
    simdjson::dom::array items;
    if (parser.parse(page.body).get(answer) != simdjson::SUCCESS || answer["Items"].get_array().get(items)) {
      return Status(StatusCode::kInternal, "DynamoDB's Scan answer is not what its API describes");
    }
    for (simdjson::dom::element item : items) {
      simdjson::dom::object fields;
      if (item.get_object().get(fields) != simdjson::SUCCESS) continue;
      if (Status taken = importer.Take(fields, now); !taken.ok()) return taken;
    }
    simdjson::dom::element last_key;
    if (answer["LastEvaluatedKey"].get(last_key) != simdjson::SUCCESS) break;
    start_key = simdjson::to_string(last_key);
  }
  if (Status flushed = importer.Flush(); !flushed.ok()) return flushed;
  return report;
}

}  // namespace telemetry::migrate

#include "storage/dynamodb_schema.h"

#include <simdjson.h>

#include <charconv>
#include <cstdio>
#include <thread>

#include "core/json_writer.h"

namespace telemetry {
namespace {

constexpr std::uint64_t kSignFlip = std::uint64_t{1} << 63;

// DynamoDB refusing the request (a bad table name, no permission) is a configuration problem; no answer, throttling
// or a server error is DynamoDB being unavailable.
Status Unreachable(const std::string& table, const aws::DynamoDbResponse& response) {
  bool refused = response.http_status >= 400 && response.http_status < 500 && !response.throttled();
  std::string answer = response.http_status == 0 ? "no answer" : "HTTP " + std::to_string(response.http_status);
  return Status(refused ? StatusCode::kInvalidArgument : StatusCode::kUnavailable,
                "DynamoDB table " + table + ": " + answer + " after " + std::to_string(response.attempts) +
                    " attempt(s): " + response.error_type + ": " + response.error_message);
}

// "" when the description's key schema is pk (S, HASH) + sk (S, RANGE); otherwise what differs.
std::string KeySchemaProblem(const std::string& description) {
  simdjson::dom::parser parser;
  simdjson::dom::element table;
  if (parser.parse(description).at_key("Table").get(table)) return "DescribeTable returned no table";
  std::string hash, range;
  simdjson::dom::array keys;
  if (!table["KeySchema"].get(keys)) {
    for (auto key : keys) {
      std::string_view name, type;
      if (key["AttributeName"].get(name) || key["KeyType"].get(type)) continue;
      (type == "HASH" ? hash : range) = std::string(name);
    }
  }
  if (hash != kPartitionKey || range != kSortKey) {
    return "its key is (" + hash + ", " + range + "); telemetryd needs partition key \"pk\" and sort key \"sk\"";
  }
  simdjson::dom::array definitions;
  if (!table["AttributeDefinitions"].get(definitions)) {
    for (auto definition : definitions) {
      std::string_view name, type;
      if (definition["AttributeName"].get(name) || definition["AttributeType"].get(type)) continue;
      if ((name == kPartitionKey || name == kSortKey) && type != "S") {
        return "its key attribute " + std::string(name) + " has type " + std::string(type) + "; it must be S";
      }
    }
  }
  return "";
}

std::string TableStatus(const std::string& description) {
  simdjson::dom::parser parser;
  std::string_view status;
  if (parser.parse(description)["Table"]["TableStatus"].get(status)) return "";
  return std::string(status);
}

std::string CreateTableBody(const std::string& table) {
  JsonWriter json;
  json.BeginObject().Key("TableName").String(table).Key("BillingMode").String("PAY_PER_REQUEST");
  json.Key("AttributeDefinitions").BeginArray();
  for (std::string_view name : {kPartitionKey, kSortKey}) {
    json.BeginObject().Key("AttributeName").String(name).Key("AttributeType").String("S").EndObject();
  }
  json.EndArray().Key("KeySchema").BeginArray();
  json.BeginObject().Key("AttributeName").String(kPartitionKey).Key("KeyType").String("HASH").EndObject();
  json.BeginObject().Key("AttributeName").String(kSortKey).Key("KeyType").String("RANGE").EndObject();
  json.EndArray().EndObject();
  return json.Take();
}

}  // namespace

std::string EncodeSortTime(TimeNs time) {
  char text[24];
  std::snprintf(text, sizeof text, "%020llu",
                static_cast<unsigned long long>(static_cast<std::uint64_t>(time) ^ kSignFlip));
  return text;
}

StatusOr<TimeNs> DecodeSortTime(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.size() != 20 || error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("not an encoded time: \"" + std::string(text.substr(0, 40)) + "\"");
  }
  return static_cast<TimeNs>(value ^ kSignFlip);
}

std::string SensorSeries(std::string_view sensor_id) { return "=" + std::string(sensor_id); }

ItemKey ReadingKey(const std::string& sensor, TimeNs time) { return {"R#" + sensor, EncodeSortTime(time)}; }

ItemKey ReadingByTimeKey(const std::string& sensor, TimeNs time, int shard) {
  return {"T#" + EncodeSortTime(FloorTo(time, kNanosPerSecond)) + "#" + std::to_string(shard),
          EncodeSortTime(time) + "#" + sensor};
}

std::string BucketPartition(int level, int shard, std::string_view series) {
  return "A#" + std::to_string(level) + "#" + std::to_string(shard) + "#" + std::string(series);
}

ItemKey BucketKey(int level, int shard, std::string_view series, TimeNs bucket) {
  return {BucketPartition(level, shard, series), EncodeSortTime(bucket)};
}

bool IsAllSensorsBucket(const ItemKey& key) {
  std::size_t level_end = key.pk.find('#', 2);
  std::size_t shard_end = key.pk.find('#', level_end + 1);
  return key.pk.compare(shard_end + 1, std::string::npos, kAllSensorsSeries) == 0;
}

Status EnsureDynamoDbTable(aws::DynamoDbClient& client, const std::string& table, bool create) {
  JsonWriter describe;
  describe.BeginObject().Key("TableName").String(table).EndObject();
  std::string describe_body = describe.Take();
  aws::DynamoDbResponse described = client.CallAndWait("DescribeTable", describe_body);
  if (described.error_type == "ResourceNotFoundException") {
    if (!create) {
      return InvalidArgument("DynamoDB table " + table + " does not exist in " + client.endpoint() +
                             " (create it with deploy/terraform, or start once with --create-table)");
    }
    aws::DynamoDbResponse created = client.CallAndWait("CreateTable", CreateTableBody(table));
    if (!created.ok() && created.error_type != "ResourceInUseException") return Unreachable(table, created);
    // A new table is CREATING for a few seconds on AWS (at once on DynamoDB Local).
    for (int poll = 0; poll < 300; ++poll) {
      described = client.CallAndWait("DescribeTable", describe_body);
      if (!described.ok() || TableStatus(described.body) == "ACTIVE") break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  if (!described.ok()) return Unreachable(table, described);
  std::string problem = KeySchemaProblem(described.body);
  if (!problem.empty()) return InvalidArgument("DynamoDB table " + table + " cannot hold telemetry: " + problem);
  return Status::Ok();
}

}  // namespace telemetry

#include "storage/dynamodb_token_store.h"

#include <simdjson.h>

#include <charconv>

#include "core/json_writer.h"
#include "storage/dynamodb_schema.h"

namespace telemetry {
namespace {

constexpr std::string_view kTokenPartition = "TOKENS";

Status FailureOf(const aws::DynamoDbResponse& answer) {
  bool transient = answer.throttled() || answer.http_status == 0 || answer.http_status >= 500;
  return Status(transient ? StatusCode::kUnavailable : StatusCode::kInternal,
                "DynamoDB " + answer.error_type + ": " + answer.error_message);
}

void WriteKey(JsonWriter& json, std::string_view id) {
  json.Key("Key").BeginObject();
  json.Key(kPartitionKey).BeginObject().Key("S").String(kTokenPartition).EndObject();
  json.Key(kSortKey).BeginObject().Key("S").String(id).EndObject();
  json.EndObject();
}

std::optional<TokenRecord> RecordOf(simdjson::dom::element item) {
  std::string_view id, role, hash, created;
  if (item[kSortKey]["S"].get(id) || item["role"]["S"].get(role) || item["hash"]["S"].get(hash) ||
      item["created"]["N"].get(created)) {
    return std::nullopt;
  }
  auto parsed_role = ParseRole(role);
  if (!parsed_role) return std::nullopt;
  TokenRecord record{std::string(id), *parsed_role, {}, 0, std::string(hash)};
  auto [end, error] = std::from_chars(created.data(), created.data() + created.size(), record.created);
  if (error != std::errc()) return std::nullopt;
  simdjson::dom::array sensors;
  if (!item["sensors"]["L"].get(sensors)) {
    for (auto sensor : sensors) {
      std::string_view text;
      if (sensor["S"].get(text)) return std::nullopt;
      record.sensors.emplace_back(text);
    }
  }
  return record;
}

class DynamoDbTokenStore final : public TokenStore {
 public:
  DynamoDbTokenStore(aws::DynamoDbClient& client, std::string table) : client_(client), table_(std::move(table)) {}

  void Put(TokenRecord record, std::function<void(Status)> done) override {
    JsonWriter json;
    json.BeginObject().Key("TableName").String(table_).Key("Item").BeginObject();
    json.Key(kPartitionKey).BeginObject().Key("S").String(kTokenPartition).EndObject();
    json.Key(kSortKey).BeginObject().Key("S").String(record.id).EndObject();
    json.Key("role").BeginObject().Key("S").String(RoleName(record.role)).EndObject();
    json.Key("sensors").BeginObject().Key("L").BeginArray();
    for (const auto& sensor : record.sensors) json.BeginObject().Key("S").String(sensor).EndObject();
    json.EndArray().EndObject();
    json.Key("created").BeginObject().Key("N").String(std::to_string(record.created)).EndObject();
    json.Key("hash").BeginObject().Key("S").String(record.hash).EndObject();
    json.EndObject().Key("ConditionExpression").String("attribute_not_exists(#pk)");
    json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey).EndObject().EndObject();
    client_.Call("PutItem", json.Take(), [id = record.id, done = std::move(done)](aws::DynamoDbResponse answer) {
      if (answer.ok()) return done(Status::Ok());
      if (answer.error_type == "ConditionalCheckFailedException") {
        return done(Status(StatusCode::kAlreadyExists, "a token with id " + id + " exists"));
      }
      done(FailureOf(answer));
    });
  }

  void Remove(std::string id, std::function<void(Status)> done) override {
    JsonWriter json;
    json.BeginObject().Key("TableName").String(table_);
    WriteKey(json, id);
    json.Key("ConditionExpression").String("attribute_exists(#pk)");
    json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey).EndObject().EndObject();
    client_.Call("DeleteItem", json.Take(), [id, done = std::move(done)](aws::DynamoDbResponse answer) {
      if (answer.ok()) return done(Status::Ok());
      if (answer.error_type == "ConditionalCheckFailedException") {
        return done(Status(StatusCode::kNotFound, "no token with id " + id));
      }
      done(FailureOf(answer));
    });
  }

  void List(std::function<void(StatusOr<std::vector<TokenRecord>>)> done) override {
    auto listing = std::make_shared<Listing>();
    listing->done = std::move(done);
    QueryPage(std::move(listing), "");
  }

 private:
  struct Listing {
    std::vector<TokenRecord> records;
    std::function<void(StatusOr<std::vector<TokenRecord>>)> done;
  };

  // Asks for the page after start_key; its answer asks for the next one or finishes the listing.
  void QueryPage(std::shared_ptr<Listing> listing, const std::string& start_key) {
    JsonWriter json;
    json.BeginObject().Key("TableName").String(table_).Key("ConsistentRead").Bool(true);
    json.Key("KeyConditionExpression").String("#pk = :pk");
    json.Key("ExpressionAttributeNames").BeginObject().Key("#pk").String(kPartitionKey).EndObject();
    json.Key("ExpressionAttributeValues").BeginObject().Key(":pk").BeginObject().Key("S").String(kTokenPartition);
    json.EndObject().EndObject().EndObject();
    std::string body = json.Take();
    if (!start_key.empty()) body.insert(body.size() - 1, ",\"ExclusiveStartKey\":" + start_key);
    client_.Call("Query", std::move(body), [this, listing = std::move(listing)](aws::DynamoDbResponse answer) mutable {
      if (!answer.ok()) return listing->done(FailureOf(answer));
      simdjson::dom::parser parser;
      simdjson::dom::element document;
      simdjson::dom::array items;
      if (parser.parse(answer.body).get(document) || document["Items"].get(items)) {
        return listing->done(Status(StatusCode::kInternal, "DynamoDB Query: an answer without Items"));
      }
      for (auto item : items) {
        auto record = RecordOf(item);
        if (!record) return listing->done(Status(StatusCode::kInternal, "DynamoDB holds a malformed token item"));
        listing->records.push_back(std::move(*record));
      }
      simdjson::dom::element last;
      if (document["LastEvaluatedKey"].get(last)) return listing->done(std::move(listing->records));
      QueryPage(std::move(listing), simdjson::minify(last));
    });
  }

  aws::DynamoDbClient& client_;
  const std::string table_;
};

}  // namespace

std::unique_ptr<TokenStore> OpenDynamoDbTokenStore(aws::DynamoDbClient& client, std::string table) {
  return std::make_unique<DynamoDbTokenStore>(client, std::move(table));
}

}  // namespace telemetry

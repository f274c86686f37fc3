#include "api/influxql_result.h"

namespace telemetry::api {

std::string StatementResult(int statement_id, const std::function<void(JsonWriter&)>& series) {
  JsonWriter json;
  json.BeginObject().Key("statement_id").Int(statement_id);
  if (series) {
    json.Key("series").BeginArray();
    series(json);
    json.EndArray();
  }
  json.EndObject();
  return json.Take();
}

std::string StatementError(int statement_id, std::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("statement_id").Int(statement_id).Key("error").String(message).EndObject();
  return json.Take();
}

Producer WholeResult(std::string result) {
  return [result = std::move(result)](std::string& out) {
    out += result;
    return true;
  };
}

}  // namespace telemetry::api

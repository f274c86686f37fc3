#include "api/influx_query_api.h"

#include <simdjson.h>

#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/influx_api.h"
#include "api/influxql_result.h"
#include "api/influxql_select.h"
#include "api/influxql_show.h"
#include "core/influxql.h"
#include "core/line_protocol.h"

namespace telemetry::api {
namespace {

using influxql::Select;
using influxql::Show;

// The request's parameters: a POST's form body first, then the URL, as InfluxDB reads them. A form body is encoded
// as a query string is, so http::Request's own parameter parsing reads it.
class QueryParams {
 public:
  explicit QueryParams(const http::Request& request) : request_(request) {
    std::string type(request.Header("Content-Type").value_or(""));
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (request.method == "POST" && type.starts_with("application/x-www-form-urlencoded")) form_.query = request.body;
  }

  std::optional<std::string> Get(std::string_view name) const {
    if (auto value = form_.QueryParam(name)) return value;
    return request_.QueryParam(name);
  }

 private:
  const http::Request& request_;
  http::Request form_;  // only its query: the form body
};

// params={"name":"value",...}: what $name stands for.
StatusOr<influxql::BoundParams> ParseBoundParams(const std::optional<std::string>& text) {
  influxql::BoundParams params;
  if (!text || text->empty()) return params;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(*text).get(object)) {
    return InvalidArgument(R"(params must be a JSON object, such as {"sensor":"107"})");
  }
  for (auto [key, value] : object) {
    std::string name(key);
    if (value.is_string()) {
      params[name] = std::string(value.get_string().value_unsafe());
    } else if (value.is_int64()) {
      params[name] = value.get_int64().value_unsafe();
    } else if (value.is_uint64()) {
      params[name] = static_cast<double>(value.get_uint64().value_unsafe());
    } else if (value.is_double()) {
      params[name] = value.get_double().value_unsafe();
    } else if (value.is_bool()) {
      params[name] = value.get_bool().value_unsafe();
    } else {
      return InvalidArgument("params: " + name.substr(0, 64) + " must be a string, a number or a boolean");
    }
  }
  return params;
}

// Runs a statement; calls `done` once with its result.
using StatementRun = std::function<void(std::function<void(Producer)> done)>;

// The answer, {"results":[...]}, a part at a time as the session asks for it (http::BodyStream): the statements run
// one after another, each only once the one before is written, and a large result goes out kRowsPerPart rows at a
// time. So no thread renders a large answer in one go, and it is never whole in memory. Every status is known
// before the first statement runs: a statement that fails reports its error in its result, as InfluxDB does.
class QueryStream final : public http::BodyStream, public std::enable_shared_from_this<QueryStream> {
 public:
  explicit QueryStream(std::vector<StatementRun> runs) : runs_(std::move(runs)) {}

  // Parts are asked for one at a time: no lock needed.
  void Next(std::function<void(http::BodyPiece)> deliver) override {
    http::BodyPiece piece;
    if (!opened_) piece.data = R"({"results":[)";
    opened_ = true;
    if (producer_) return Produce(std::move(piece), deliver);
    if (next_ == runs_.size()) {
      piece.data += "]}\n";
      piece.then = http::BodyPiece::Then::kEnd;
      return deliver(std::move(piece));
    }
    if (next_ > 0) piece.data += ',';
    runs_[next_]([self = shared_from_this(), piece = std::move(piece), deliver](Producer producer) mutable {
      self->producer_ = std::move(producer);
      self->Produce(std::move(piece), deliver);
    });
  }

 private:
  void Produce(http::BodyPiece piece, const std::function<void(http::BodyPiece)>& deliver) {
    if (producer_(piece.data)) {
      producer_ = nullptr;
      ++next_;
    }
    deliver(std::move(piece));
  }

  std::vector<StatementRun> runs_;
  std::size_t next_ = 0;  // the statement whose result comes next
  Producer producer_;     // the result being written, if any
  bool opened_ = false;
};

http::Response QueryError(int status, std::string_view message) {
  return InfluxError(InfluxDialect::kV1, status, message);
}

void Query(Store& store, const Clock& clock, const QueryApiOptions& options, http::Request&& request,
           http::Responder respond) {
  QueryParams params(request);
  std::optional<std::string> text = params.Get("q");
  if (!text || text->empty()) return respond(QueryError(400, "missing required parameter \"q\""));
  TimeFormat format;
  if (auto epoch = params.Get("epoch"); epoch && !epoch->empty()) {
    format.epoch_unit = PrecisionNanos(*epoch);
    if (!format.epoch_unit) return respond(QueryError(400, "invalid epoch; use ns, u, ms, s, m or h"));
  }
  StatusOr<influxql::BoundParams> bound = ParseBoundParams(params.Get("params"));
  if (!bound.ok()) return respond(QueryError(400, "error parsing query parameters: " + bound.status().message()));
  StatusOr<std::vector<influxql::Statement>> statements = influxql::Parse(*text, options.measurement, *bound, clock());
  if (!statements.ok()) return respond(QueryError(400, "error parsing query: " + statements.status().message()));

  // Each statement, ready to run; the plans of SELECTs checked before any runs.
  std::vector<StatementRun> runs;
  std::string database = params.Get("db").value_or("");
  for (std::size_t i = 0; i < statements->size(); ++i) {
    int id = static_cast<int>(i);
    auto& statement = statements.value()[i];
    if (auto* select = std::get_if<Select>(&statement)) {
      auto plan = std::make_shared<SelectPlan>();
      plan->select = std::move(*select);
      plan->statement_id = id;
      plan->measurement = options.measurement;
      plan->format = format;
      plan->max_readings_folded = options.max_readings_folded;
      if (Status planned = PlanBuckets(*plan); !planned.ok()) {
        return respond(QueryError(400, "error parsing query: " + planned.message()));
      }
      runs.push_back([&store, plan = std::shared_ptr<const SelectPlan>(plan)](std::function<void(Producer)> done) {
        RunSelect(store, plan, std::move(done));
      });
    } else if (std::holds_alternative<influxql::CreateDatabase>(statement)) {
      runs.push_back([id](std::function<void(Producer)> done) { done(WholeResult(StatementResult(id, nullptr))); });
    } else {
      auto show = std::make_shared<const Show>(std::move(std::get<Show>(statement)));
      runs.push_back([&store, show, id, measurement = options.measurement, database,
                      retention = options.retention](std::function<void(Producer)> done) {
        RunShow(store, show, id, measurement, database, retention, std::move(done));
      });
    }
  }
  http::Response response{200, "application/json", "", {}, std::make_shared<QueryStream>(std::move(runs))};
  response.headers.emplace_back("X-Influxdb-Version", kInfluxCompatibleVersion);
  respond(std::move(response));
}

}  // namespace

void AddInfluxQueryApi(http::Router& router, Store& store, Clock clock, QueryApiOptions options) {
  for (const char* method : {"GET", "POST"}) {
    router.Add(method, "/query", [&store, clock, options](http::Request&& request, http::Responder respond) {
      Query(store, clock, options, std::move(request), std::move(respond));
    });
  }
}

}  // namespace telemetry::api

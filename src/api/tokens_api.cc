#include "api/tokens_api.h"

#include <simdjson.h>

#include "api/error_response.h"
#include "api/query_params.h"
#include "api/reading_json.h"
#include "auth/token.h"

namespace telemetry::api {
namespace {

Status Invalid(std::string message) { return Status(StatusCode::kInvalidArgument, std::move(message)); }

StatusOr<std::pair<Role, std::vector<std::string>>> ParseTokenRequest(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(body).get(object)) {
    return Invalid(R"(the body must be a JSON object such as {"role":"device","sensors":["107"]})");
  }
  std::string_view role;
  std::vector<std::string> sensors;
  bool has_role = false, has_sensors = false;
  for (auto [key, value] : object) {
    // A field given twice would grant what one of its values says: which one is JSON's open question.
    if ((key == "role" && has_role) || (key == "sensors" && has_sensors)) {
      return Invalid(std::string(key) + " is given more than once");
    }
    if (key == "role") {
      if (value.get(role)) return Invalid("role must be a string: device, reader or admin");
      has_role = true;
    } else if (key == "sensors") {
      has_sensors = true;
      simdjson::dom::array array;
      if (value.get(array)) return Invalid("sensors must be an array of sensor ids");
      for (auto sensor : array) {
        if (sensor.is_string()) {
          sensors.emplace_back(sensor.get_string().value_unsafe());
        } else if (sensor.is_int64()) {
          sensors.push_back(std::to_string(sensor.get_int64().value_unsafe()));
        } else {
          return Invalid("sensors must hold strings or integers");
        }
      }
    } else {
      return Invalid("unknown field \"" + std::string(key.substr(0, 64)) + "\"; expected role and sensors");
    }
  }
  if (!has_role) return Invalid("role is required: device, reader or admin");
  return auth::CheckTokenRequest(role, std::move(sensors));
}

}  // namespace

void AddTokensApi(http::Router& router, TokenStore& store, auth::Authenticator& authenticator, Clock clock) {
  router.Add(
      "POST", "/api/v1/tokens", [&store, &authenticator, clock](http::Request&& request, http::Responder respond) {
        if (Status known = CheckParamNames(request, {}); !known.ok()) return respond(StatusResponse(known));
        if (!IsJsonContentType(request.Header("Content-Type"))) {
          return respond(http::ErrorResponse(415, "unsupported_media_type", "send Content-Type: application/json"));
        }
        auto parsed = ParseTokenRequest(request.body);
        if (!parsed.ok()) return respond(StatusResponse(parsed.status()));
        auto issued = auth::IssueToken(parsed->first, std::move(parsed->second), clock());
        TokenRecord record = issued.record;
        store.Put(std::move(record),
                  [&authenticator, issued = std::move(issued), respond = std::move(respond)](Status status) {
                    if (!status.ok()) return respond(StatusResponse(status));
                    authenticator.Remember(issued.record);
                    http::Response response = http::JsonResponse(auth::TokenJson(issued.record, issued.token), 201);
                    // The secret must not linger in caches.
                    response.headers.emplace_back("Cache-Control", "no-store");
                    respond(std::move(response));
                  });
      });
  router.Add("GET", "/api/v1/tokens", [&store](http::Request&& request, http::Responder respond) {
    if (Status known = CheckParamNames(request, {}); !known.ok()) return respond(StatusResponse(known));
    store.List([respond = std::move(respond)](StatusOr<std::vector<TokenRecord>> records) {
      if (!records.ok()) return respond(StatusResponse(records.status()));
      std::string body = R"({"tokens":[)";
      for (std::size_t i = 0; i < records->size(); ++i) body += (i ? "," : "") + auth::TokenJson((*records)[i]);
      respond(http::JsonResponse(body + "]}"));
    });
  });
  router.Add("DELETE", "/api/v1/tokens", [&store, &authenticator](http::Request&& request, http::Responder respond) {
    if (Status known = CheckParamNames(request, {"id"}); !known.ok()) return respond(StatusResponse(known));
    auto id = request.QueryParam("id");
    if (!id || id->size() != 16 || id->find_first_not_of("0123456789abcdef") != std::string::npos) {
      return respond(http::ErrorResponse(400, "invalid_argument", "id must be a token id: 16 hex digits"));
    }
    store.Remove(*id, [&authenticator, id = *id, respond = std::move(respond)](Status status) {
      if (!status.ok()) return respond(StatusResponse(status));
      authenticator.Forget(id);
      respond(http::Response{204, "", "", {}, nullptr});
    });
  });
}

}  // namespace telemetry::api

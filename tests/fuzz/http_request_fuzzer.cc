// HTTP request handling as the server does it: Beast's parser with the server's limits reads the bytes, the request
// becomes a Request (http/beast_request.h, the session's own code), the Router dispatches it (404, 405, request
// ids) to handlers that take it apart the way the API does — query parameters, headers, gzip bodies, the JSON
// reading parser — and the answer is written as the session would write it.
#include <boost/beast/core/buffers_range.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/reading_json.h"
#include "http/beast_request.h"
#include "http/content_encoding.h"
#include "http/router.h"
#include "http/wire_format.h"

namespace {

using namespace telemetry;

void Inspect(http::Request&& request, http::Responder respond) {
  std::string seen;
  for (const std::string& name : request.QueryParamNames()) seen += request.QueryParam(name).value_or("");
  for (const char* header : {"Content-Type", "Authorization", "X-Forwarded-For", "Accept"}) {
    seen += request.Header(header).value_or("");
  }
  if (auto error = http::DecodeContentEncoding(request, 1 << 20)) {
    return respond(http::ErrorResponse(error->status, "bad_encoding", error->message));
  }
  auto reading = api::ParseReadingJson(request.body, 0);
  respond(reading.ok() ? http::JsonResponse(seen.substr(0, 64))
                       : http::ErrorResponse(400, "invalid_argument", reading.status().message()));
}

const http::Router& FuzzRouter() {
  static const http::Router* router = [] {
    auto* made = new http::Router;
    for (const char* path : {"/api/temperature", "/api/v1/readings", "/write"}) {
      made->Add("PUT", path, Inspect);
      made->Add("POST", path, Inspect);
      made->Add("GET", path, Inspect);
    }
    return made;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::ServerOptions options;
  http::BeastRequestParser parser;
  http::Configure(parser, options);
  parser.body_limit(options.body_limit);  // the session's limit for most routes, set here before the header is read
  parser.eager(true);
  boost::beast::error_code error;
  parser.put(boost::asio::buffer(data, size), error);
  if (error || !parser.is_done()) return 0;
  bool head = parser.get().method() == boost::beast::http::verb::head;
  unsigned version = parser.get().version();
  http::Request request = http::ToRequest(parser.release());
  FuzzRouter().Dispatch(std::move(request), [&](http::Response response) {
    std::string out;
    http::AppendResponseBytes(out, response, http::Framing{version, true, head});
    if (out.size() < 17) __builtin_trap();  // at least a status line
  });
  return 0;
}

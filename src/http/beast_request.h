// From Beast's parsed request to the plain Request handlers see, and the parser settings every request is read
// with. Shared by the session and the HTTP fuzz target (tests/fuzz), so that the fuzzer reads requests exactly as
// the server does. Internal to the http folder (and the fuzzer): it includes Beast.
#pragma once

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <limits>

#include "core/ascii.h"
#include "http/request.h"
#include "http/server.h"

namespace telemetry::http {

using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Applies the options' header limit to a fresh parser. Its body limit depends on the route, known once the header
// is read: the caller sets it then, before reading the body (Session::LimitBody).
inline void Configure(BeastRequestParser& parser, const ServerOptions& options) {
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
}

// A request target without the scheme and host of the absolute-form ("http://host/api?x" -> "/api?x"), which RFC
// 9112 (3.2.2) has servers accept (clients send it through proxies); other targets as they are. What is left may
// have an empty path ("http://host?x" -> "?x"), which means "/".
inline std::string_view WithoutSchemeAndHost(std::string_view target) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() < scheme.size() || !EqualsIgnoringAsciiCase(target.substr(0, scheme.size()), scheme)) continue;
    std::size_t path = target.find_first_of("/?", scheme.size());
    return path == std::string_view::npos ? std::string_view() : target.substr(path);
  }
  return target;
}

// The first coding in a request's Transfer-Encoding that the server does not undo: any but chunked (and identity,
// which changes nothing). RFC 9112 (6.1) has such a request answered with a 501, where reading its body as it is
// would hand a handler bytes it cannot read. Empty when there is none.
inline std::string_view UnsupportedTransferCoding(std::string_view transfer_encoding) {
  while (!transfer_encoding.empty()) {
    std::size_t comma = transfer_encoding.find(',');
    std::string_view coding = TrimAsciiSpace(transfer_encoding.substr(0, comma));
    coding = TrimAsciiSpace(coding.substr(0, coding.find(';')));  // a coding's parameters
    if (!coding.empty() && !EqualsIgnoringAsciiCase(coding, "chunked") &&
        !EqualsIgnoringAsciiCase(coding, "identity")) {
      return coding;
    }
    transfer_encoding.remove_prefix(comma == std::string_view::npos ? transfer_encoding.size() : comma + 1);
  }
  return {};
}

// The path a request target names, in origin-form and without the query: "/api" of "/api?x" and of
// "http://host/api?x"; "/" when the path is empty.
inline std::string_view TargetPath(std::string_view target) {
  std::string_view origin_form = WithoutSchemeAndHost(target);
  std::string_view path = origin_form.substr(0, origin_form.find('?'));
  return path.empty() ? std::string_view("/") : path;
}

// Moves the parsed request's parts into a Request (target split at '?', headers in order).
inline Request ToRequest(BeastRequestParser::value_type&& beast_request) {
  Request request;
  request.method = std::string(beast_request.method_string());
  std::string_view target(beast_request.target().data(), beast_request.target().size());
  request.path = std::string(TargetPath(target));
  if (std::size_t question = target.find('?'); question != std::string_view::npos) {
    request.query = std::string(target.substr(question + 1));
  }
  request.headers.reserve(8);
  for (const auto& field : beast_request) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(beast_request.body());
  return request;
}

}  // namespace telemetry::http

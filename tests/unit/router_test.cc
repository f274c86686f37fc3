#include "http/router.h"

#include <gtest/gtest.h>

namespace telemetry::http {
namespace {

Response Route(const Router& router, std::string method, std::string path) {
  Response answer;
  Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  router.Dispatch(std::move(request), [&](Response response) { answer = std::move(response); });
  return answer;
}

Router MakeRouter() {
  Router router;
  router.Add("GET", "/x", [](Request&&, Responder respond) { respond(Response{200, "text/plain", "got", {}, nullptr}); });
  router.Add("PUT", "/x", [](Request&&, Responder respond) { respond(Response{200, "text/plain", "put", {}, nullptr}); });
  return router;
}

TEST(Router, DispatchesByMethodAndPath) {
  Router router = MakeRouter();
  EXPECT_EQ(Route(router, "GET", "/x").body, "got");
  EXPECT_EQ(Route(router, "PUT", "/x").body, "put");
  EXPECT_EQ(Route(router, "HEAD", "/x").body, "got");
}

TEST(Router, UnknownPathIsAJson404) {
  Response response = Route(MakeRouter(), "GET", "/nope");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find("\"not_found\""), std::string::npos);
}

TEST(Router, WrongMethodIsAJson405WithAllow) {
  Response response = Route(MakeRouter(), "DELETE", "/x");
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 2u);  // Allow, and the X-Request-Id every answer carries
  EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD, PUT, OPTIONS"}));
  EXPECT_EQ(response.headers[1].first, "X-Request-Id");
}

// The headers of `response` named `name`, in order.
std::vector<std::string> HeadersNamed(const Response& response, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : response.headers) {
    if (key == name) values.push_back(value);
  }
  return values;
}

Response RouteFrom(const Router& router, std::string method, std::string origin) {
  Response answer;
  Request request;
  request.method = std::move(method);
  request.path = "/x";
  if (!origin.empty()) request.headers.emplace_back("origin", std::move(origin));
  request.headers.emplace_back("Access-Control-Request-Method", "PUT");
  router.Dispatch(std::move(request), [&](Response response) { answer = std::move(response); });
  return answer;
}

TEST(Router, OptionsIs204WithAllowAndAnAllowedOriginsPreflightGetsCorsHeaders) {
  Router router = MakeRouter();
  Response plain = RouteFrom(router, "OPTIONS", "https://dash.example");  // CORS off: Allow only
  EXPECT_EQ(plain.status, 204);
  EXPECT_EQ(HeadersNamed(plain, "Allow"), std::vector<std::string>{"GET, HEAD, PUT, OPTIONS"});
  EXPECT_TRUE(HeadersNamed(plain, "Access-Control-Allow-Origin").empty());

  router.SetCors(CorsPolicy({"https://dash.example", "http://localhost:3000"}));
  Response preflight = RouteFrom(router, "OPTIONS", "http://localhost:3000");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(HeadersNamed(preflight, "Access-Control-Allow-Origin"), std::vector<std::string>{"http://localhost:3000"});
  EXPECT_EQ(HeadersNamed(preflight, "Vary"), std::vector<std::string>{"Origin"});
  EXPECT_EQ(HeadersNamed(preflight, "Access-Control-Allow-Methods"),
            std::vector<std::string>{"GET, HEAD, PUT, OPTIONS"});
  EXPECT_EQ(HeadersNamed(preflight, "Access-Control-Allow-Headers").size(), 1u);
  // Every answer to an allowed origin, errors too, lets its page read it; other origins' get nothing.
  for (const char* method : {"GET", "DELETE"}) {
    Response answer = RouteFrom(router, method, "https://dash.example");
    EXPECT_EQ(HeadersNamed(answer, "Access-Control-Allow-Origin"), std::vector<std::string>{"https://dash.example"});
    EXPECT_EQ(HeadersNamed(answer, "Access-Control-Expose-Headers").size(), 1u);
  }
  for (const char* origin : {"https://evil.example", "https://dash.example.evil", "https://dash.example/", ""}) {
    Response answer = RouteFrom(router, "OPTIONS", origin);
    EXPECT_EQ(answer.status, 204);
    EXPECT_TRUE(HeadersNamed(answer, "Access-Control-Allow-Origin").empty()) << origin;
    EXPECT_TRUE(HeadersNamed(answer, "Access-Control-Allow-Methods").empty()) << origin;
  }
  router.SetCors(CorsPolicy({"*"}));
  Response any = RouteFrom(router, "GET", "https://anyone.example");
  EXPECT_EQ(HeadersNamed(any, "Access-Control-Allow-Origin"), std::vector<std::string>{"*"});
  EXPECT_TRUE(HeadersNamed(any, "Vary").empty());  // the same answer for every origin
}

TEST(CorsPolicy, ChecksOriginsAsBrowsersSendThem) {
  for (const char* good : {"*", "https://dash.example.com", "http://localhost:3000", "http://[::1]:8080"}) {
    EXPECT_EQ(CorsPolicy::CheckOrigin(good), "") << good;
  }
  for (const char* bad : {"dash.example.com", "https://", "https://dash.example.com/", "https://Dash.example.com",
                          "ftp://x", "https://a b", "https://a/path"}) {
    EXPECT_NE(CorsPolicy::CheckOrigin(bad), "") << bad;
  }
}

TEST(Request, DecodesQueryParameters) {
  Request request;
  request.query = "sensorID=a%20b+c&from=1&empty=&from=2";
  EXPECT_EQ(request.QueryParam("sensorID"), "a b c");
  EXPECT_EQ(request.QueryParam("from"), "1");
  EXPECT_EQ(request.QueryParam("empty"), "");
  EXPECT_FALSE(request.QueryParam("to").has_value());
  EXPECT_EQ(request.QueryParamNames(), (std::vector<std::string>{"sensorID", "from", "empty", "from"}));
}

}  // namespace
}  // namespace telemetry::http

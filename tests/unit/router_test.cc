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
  EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD, PUT"}));
  EXPECT_EQ(response.headers[1].first, "X-Request-Id");
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

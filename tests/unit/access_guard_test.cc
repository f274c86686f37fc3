// The access policy: what every route needs, what every role may, and that unnamed routes fail closed.
#include "api/access_guard.h"

#include <gtest/gtest.h>

namespace telemetry::api {
namespace {

TEST(AccessGuardTest, EveryRouteNeedsWhatTheDocsSay) {
  EXPECT_EQ(AccessFor("GET", "/api", false), Access::kOpen);
  EXPECT_EQ(AccessFor("GET", "/healthz", false), Access::kOpen);
  EXPECT_EQ(AccessFor("GET", "/readyz", false), Access::kOpen);
  EXPECT_EQ(AccessFor("GET", "/ping", false), Access::kOpen);
  EXPECT_EQ(AccessFor("PUT", "/api/temperature", false), Access::kWrite);
  EXPECT_EQ(AccessFor("POST", "/api/v1/readings", false), Access::kWrite);
  EXPECT_EQ(AccessFor("POST", "/write", false), Access::kWrite);
  EXPECT_EQ(AccessFor("POST", "/api/v2/write", false), Access::kWrite);
  EXPECT_EQ(AccessFor("GET", "/api/stats", false), Access::kRead);
  EXPECT_EQ(AccessFor("GET", "/api/v1/readings", false), Access::kRead);
  EXPECT_EQ(AccessFor("GET", "/metrics", false), Access::kRead);
  EXPECT_EQ(AccessFor("GET", "/metrics", true), Access::kOpen);
  EXPECT_EQ(AccessFor("DELETE", "/api/v1/tokens", false), Access::kAdmin);
}

TEST(AccessGuardTest, RoutesNobodyNamedNeedAdmin) {
  EXPECT_EQ(AccessFor("GET", "/api/v2/new-thing", false), Access::kAdmin);
  EXPECT_EQ(AccessFor("DELETE", "/api/temperature", false), Access::kAdmin);
  EXPECT_EQ(AccessFor("GET", "/api/v2/query", false), Access::kAdmin);
  EXPECT_EQ(AccessFor("GET", "/query", false), Access::kRead);
  EXPECT_EQ(AccessFor("POST", "/query", false), Access::kRead);
}

TEST(AccessGuardTest, RolesAllowWhatTheyAreFor) {
  EXPECT_TRUE(Allows(Role::kDevice, Access::kWrite));
  EXPECT_FALSE(Allows(Role::kDevice, Access::kRead));
  EXPECT_FALSE(Allows(Role::kDevice, Access::kAdmin));
  EXPECT_FALSE(Allows(Role::kReader, Access::kWrite));
  EXPECT_TRUE(Allows(Role::kReader, Access::kRead));
  EXPECT_FALSE(Allows(Role::kReader, Access::kAdmin));
  for (Access access : {Access::kOpen, Access::kWrite, Access::kRead, Access::kAdmin}) {
    EXPECT_TRUE(Allows(Role::kAdmin, access));
  }
}

TEST(AccessGuardTest, ADeviceWritesOnlyItsOwnSensors) {
  http::Request request;
  std::vector<Reading> readings = {Reading{"107", 0, 1.0}, Reading{"108", 0, 1.0}};
  EXPECT_FALSE(ForbiddenSensor(request, readings)) << "authentication off";
  request.principal = Principal{"id", Role::kDevice, {"107"}};
  auto forbidden = ForbiddenSensor(request, readings);
  ASSERT_TRUE(forbidden);
  EXPECT_NE(forbidden->find("\"108\""), std::string::npos);
  request.principal->sensors.push_back("108");
  EXPECT_FALSE(ForbiddenSensor(request, readings));
  request.principal = Principal{"id", Role::kAdmin, {}};
  EXPECT_FALSE(ForbiddenSensor(request, readings));
}

}  // namespace
}  // namespace telemetry::api

#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <string>

namespace telemetry::metrics {
namespace {

TEST(Registry, OneChildPerLabelSetWhateverTheValuesAreMadeFrom) {
  Registry registry;
  auto& requests = registry.AddCounter("requests_total", "Requests.", {"route", "code"});
  std::string route = "/api/temperature";  // longer than a short string: the lookup must not depend on how it is held
  requests.With({route, "200"}).Inc();
  requests.With({"/api/temperature", std::string("200")}).Inc(2);
  requests.With({route, "409"}).Inc();
  requests.With({"/api", "200"}).Inc();
  EXPECT_EQ(&requests.With({route, "200"}), &requests.With({"/api/temperature", "200"}));
  EXPECT_EQ(requests.With({route, "200"}).value(), 3u);
  EXPECT_EQ(registry.Render(),
            "# HELP requests_total Requests.\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/api\",code=\"200\"} 1\n"
            "requests_total{route=\"/api/temperature\",code=\"200\"} 3\n"
            "requests_total{route=\"/api/temperature\",code=\"409\"} 1\n");
}

}  // namespace
}  // namespace telemetry::metrics

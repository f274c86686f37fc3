#include "http/accept.h"

#include <gtest/gtest.h>

namespace telemetry::http {
namespace {

TEST(AcceptQuality, NoHeaderAcceptsEverything) {
  EXPECT_EQ(AcceptQuality(std::nullopt, "text/csv"), 1);
  EXPECT_EQ(AcceptQuality(std::nullopt, "application/json"), 1);
}

TEST(AcceptQuality, TheMostSpecificMatchingRangeDecides) {
  constexpr std::string_view kAccept = "text/*;q=0.3, text/csv;q=0.7, */*;q=0.1, application/json;q=0";
  EXPECT_EQ(AcceptQuality(kAccept, "text/csv"), 0.7);
  EXPECT_EQ(AcceptQuality(kAccept, "text/plain"), 0.3);
  EXPECT_EQ(AcceptQuality(kAccept, "image/png"), 0.1);
  EXPECT_EQ(AcceptQuality(kAccept, "application/json"), 0);  // q=0: not acceptable
}

TEST(AcceptQuality, ComparesWithoutRegardToCaseAndSpaces) {
  EXPECT_EQ(AcceptQuality("TEXT/CSV", "text/csv"), 1);
  EXPECT_EQ(AcceptQuality(" application/json ; Q = 0.5 , text/csv", "application/json"), 0.5);
  EXPECT_EQ(AcceptQuality("text/csv; charset=utf-8; q=0.2", "text/csv"), 0.2);
}

TEST(AcceptQuality, WhatMatchesNothingIsZeroAndAnUnreadableQIsOne) {
  EXPECT_EQ(AcceptQuality("image/png", "text/csv"), 0);
  EXPECT_EQ(AcceptQuality("", "text/csv"), 0);
  EXPECT_EQ(AcceptQuality("text/csvx, textcsv, text/", "text/csv"), 0);
  EXPECT_EQ(AcceptQuality("text/csv;q=high", "text/csv"), 1);
  EXPECT_EQ(AcceptQuality("text/csv;q=2", "text/csv"), 1);
}

}  // namespace
}  // namespace telemetry::http

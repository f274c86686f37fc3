// Token buckets: bursts, refill, the wait reported, separate keys, and the bound on memory.
#include "core/rate_limiter.h"

#include <gtest/gtest.h>

namespace telemetry {
namespace {

TEST(RateLimiterTest, AllowsABurstThenTheRate) {
  RateLimiter limiter(2, 4, 1000);  // 2 a second, 4 at once
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limiter.Take("a", 100.0), 0) << i;
  EXPECT_DOUBLE_EQ(limiter.Take("a", 100.0), 0.5);  // one token comes back in half a second
  EXPECT_DOUBLE_EQ(limiter.Take("a", 100.25), 0.25);
  EXPECT_EQ(limiter.Take("a", 100.5), 0);
  EXPECT_GT(limiter.Take("a", 100.5), 0);
  EXPECT_EQ(limiter.Take("a", 110.0), 0);  // refilled, but never past the burst
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", 110.0), 0);
  EXPECT_GT(limiter.Take("a", 110.0), 0);
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1, 1000);
  EXPECT_EQ(limiter.Take("a", 0), 0);
  EXPECT_GT(limiter.Take("a", 0), 0);
  EXPECT_EQ(limiter.Take("b", 0), 0);
}

TEST(RateLimiterTest, ARefusalSpendsNothing) {
  RateLimiter limiter(1, 1, 1000);
  EXPECT_EQ(limiter.Take("a", 0), 0);
  for (int i = 0; i < 100; ++i) EXPECT_GT(limiter.Take("a", 0.5), 0);
  EXPECT_EQ(limiter.Take("a", 1.0), 0);
}

TEST(RateLimiterTest, MemoryStaysBounded) {
  RateLimiter limiter(1, 10, 1600);
  for (int i = 0; i < 100000; ++i) limiter.Take("client-" + std::to_string(i), 0);
  EXPECT_LE(limiter.size(), 1600u);
}

}  // namespace
}  // namespace telemetry

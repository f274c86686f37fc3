// Token buckets by key (a client address, a token id): each key may make `rate` requests a second on average,
// `burst` at once. Time comes in as an argument, so the logic is testable without waiting.
//
// Memory is bounded: at most `max_keys` buckets are kept. A bucket that has refilled completely is the same as no
// bucket, so those are dropped first; if the table is still full, an arbitrary bucket goes (which at worst lets that
// key burst again: a flood from more keys than the table holds is for the network edge to stop, not this).
//
//   RateLimiter limiter(10, 20, 100000);
//   if (double wait = limiter.Take("10.0.0.7", now_seconds); wait > 0) { /* 429, Retry-After: ceil(wait) */ }
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace telemetry {

class RateLimiter {
 public:
  // REQUIRES: rate > 0, burst >= 1.
  RateLimiter(double rate, double burst, std::size_t max_keys);

  // Spends one request of `key` at `now` (seconds on a steady clock). Returns 0 when allowed; otherwise nothing is
  // spent and the result is how many seconds until the key may ask again. Thread-safe.
  double Take(std::string_view key, double now);

  // Buckets held now (for tests and metrics). Thread-safe.
  std::size_t size();

 private:
  struct Bucket {
    double tokens;
    double updated;  // when tokens was right
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;  // GUARDED_BY(mu)
  };
  static constexpr std::size_t kShards = 16;  // fewer threads wait on one lock

  void MakeRoom(Shard& shard, double now);  // REQUIRES: shard.mu held

  const double rate_;
  const double burst_;
  const std::size_t max_keys_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace telemetry

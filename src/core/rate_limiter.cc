#include "core/rate_limiter.h"

#include <algorithm>
#include <functional>

namespace telemetry {

RateLimiter::RateLimiter(double rate, double burst, std::size_t max_keys)
    : rate_(rate), burst_(burst), max_keys_per_shard_(std::max<std::size_t>(1, max_keys / kShards)) {}

double RateLimiter::Take(std::string_view key, double now) {
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mu);
  auto found = shard.buckets.find(std::string(key));
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= max_keys_per_shard_) MakeRoom(shard, now);
    shard.buckets.emplace(std::string(key), Bucket{burst_ - 1, now});
    return 0;
  }
  Bucket& bucket = found->second;
  bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, now - bucket.updated) * rate_);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return (1 - bucket.tokens) / rate_;
}

void RateLimiter::MakeRoom(Shard& shard, double now) {
  std::erase_if(shard.buckets, [&](const auto& entry) {
    return entry.second.tokens + (now - entry.second.updated) * rate_ >= burst_;
  });
  if (shard.buckets.size() >= max_keys_per_shard_) shard.buckets.erase(shard.buckets.begin());
}

std::size_t RateLimiter::size() {
  std::size_t total = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace telemetry

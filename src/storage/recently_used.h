// RecentlyUsed: values by integer key, kept in the order they were last used, so that those left unused for a while
// can be let go from the least recently used end without looking at any other. The embedded store's writer holds
// what it knows of each sensor's times in one: memory for the sensors reporting now, not for every sensor ever
// written since the start.
//
//   RecentlyUsed<SensorTimes> held;
//   auto [times, made] = held.Use(sensor, now);   // made: a new, value-initialised entry, now the most recent
//   held.ForgetUnusedSince(now - idle, 1000, [](const SensorTimes& t) { return t.committed; });
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace telemetry {

template <typename Value>
class RecentlyUsed {
 public:
  using Clock = std::chrono::steady_clock;

  // The value of `key`, made value-initialised when missing, and whether this call made it. Either way it is now the
  // most recently used, at `now`. The reference stays valid until the value is forgotten.
  std::pair<Value&, bool> Use(std::int64_t key, Clock::time_point now) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      found->second->used = now;
      order_.splice(order_.begin(), order_, found->second);
      return {found->second->value, false};
    }
    order_.push_front(Entry{key, now, Value{}});
    try {
      index_.emplace(key, order_.begin());
    } catch (...) {
      order_.pop_front();
      throw;
    }
    return {order_.front().value, true};
  }

  // The value of `key` without using it; nullptr when it is not held.
  Value* Find(std::int64_t key) {
    auto found = index_.find(key);
    return found == index_.end() ? nullptr : &found->second->value;
  }

  // Lets go of the values last used before `cutoff`, the least recently used first, at most `most` of them; stops at
  // the first that `may_forget(value)` keeps. Returns how many it let go of.
  template <typename MayForget>
  std::size_t ForgetUnusedSince(Clock::time_point cutoff, std::size_t most, MayForget may_forget) {
    std::size_t forgotten = 0;
    while (forgotten < most && !order_.empty() && order_.back().used < cutoff && may_forget(order_.back().value)) {
      index_.erase(order_.back().key);
      order_.pop_back();
      ++forgotten;
    }
    return forgotten;
  }

  // Lets go of the value of `key`, if held.
  void Forget(std::int64_t key) {
    auto found = index_.find(key);
    if (found == index_.end()) return;
    order_.erase(found->second);
    index_.erase(found);
  }

  // When the least recently used value was last used; empty when none is held.
  std::optional<Clock::time_point> OldestUse() const {
    if (order_.empty()) return std::nullopt;
    return order_.back().used;
  }

  std::size_t size() const { return index_.size(); }
  void clear() {
    index_.clear();
    order_.clear();
  }

 private:
  struct Entry {
    std::int64_t key;
    Clock::time_point used;
    Value value;
  };
  std::list<Entry> order_;  // the most recently used first
  std::unordered_map<std::int64_t, typename std::list<Entry>::iterator> index_;
};

}  // namespace telemetry

// The set of open sessions, shared by all I/O threads, so that the server can shut them down and wait for them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace telemetry::http {

class Session;

class SessionRegistry {
 public:
  void Add(Session* session, std::weak_ptr<Session> handle) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, std::move(handle));
  }

  void Remove(Session* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
    if (sessions_.empty()) empty_cv_.notify_all();
  }

  // The sessions still open.
  std::vector<std::shared_ptr<Session>> Live() {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Session>> live;
    for (auto& [unused, handle] : sessions_) {
      if (auto session = handle.lock()) live.push_back(std::move(session));
    }
    return live;
  }

  // True when every session has closed before `deadline`.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return empty_cv_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
  }

 private:
  std::mutex mu_;
  std::condition_variable empty_cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // GUARDED_BY(mu_)
};

}  // namespace telemetry::http

// Bookkeeping of open sessions. Each I/O loop has a SessionSet of its own sessions, touched only on that loop's
// thread (no lock); the server has one SessionCounter for all, so that Stop() can wait for them to close.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace telemetry::http {

class SessionBase;

// Not thread-safe: use on the owning loop's thread only.
class SessionSet {
 public:
  void Add(SessionBase* session) { sessions_.insert(session); }
  void Remove(SessionBase* session) { sessions_.erase(session); }
  // Calls fn(Session&) for each session. fn may close sessions (which removes them from the set): it runs over a
  // copy. Closing destroys no session synchronously (its pending operations hold it), so the pointers stay valid.
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::vector<SessionBase*> copy(sessions_.begin(), sessions_.end());
    for (SessionBase* session : copy) fn(*session);
  }

 private:
  std::unordered_set<SessionBase*> sessions_;
};

// Thread-safe.
class SessionCounter {
 public:
  void Opened() {
    std::lock_guard lock(mu_);
    ++open_;
  }
  void Closed() {
    std::lock_guard lock(mu_);
    if (--open_ == 0) none_open_.notify_all();
  }
  std::size_t open() {
    std::lock_guard lock(mu_);
    return open_;
  }
  // True when no session is open, waiting until `deadline` for the last ones to close.
  bool WaitUntilNone(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return none_open_.wait_until(lock, deadline, [this] { return open_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable none_open_;
  std::size_t open_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace telemetry::http

// Runs functions after a delay on one thread of its own: how the AWS clients wait out a backoff without blocking
// any other thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace telemetry::aws {

class DelayQueue {
 public:
  // fn(true) when it ran after its delay; fn(false) when the queue closed first.
  using Task = std::function<void(bool ran)>;

  DelayQueue();
  // Calls every pending task with false, then joins the thread.
  ~DelayQueue();
  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;

  // Thread-safe. After destruction has begun, runs fn(false) at once.
  void RunAfter(std::chrono::steady_clock::duration delay, Task fn);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, Task> tasks_;  // GUARDED_BY(mu_)
  bool closing_ = false;                                              // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace telemetry::aws

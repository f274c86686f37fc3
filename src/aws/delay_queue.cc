#include "aws/delay_queue.h"

#include <vector>

namespace telemetry::aws {

DelayQueue::DelayQueue() : thread_([this] { Loop(); }) {}

DelayQueue::~DelayQueue() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void DelayQueue::RunAfter(std::chrono::steady_clock::duration delay, Task fn) {
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      tasks_.emplace(std::chrono::steady_clock::now() + delay, std::move(fn));
      cv_.notify_all();
      return;
    }
  }
  fn(false);
}

void DelayQueue::Loop() {
  std::unique_lock lock(mu_);
  while (!closing_) {
    if (tasks_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = tasks_.begin();
    if (std::chrono::steady_clock::now() < first->first) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    Task task = std::move(first->second);
    tasks_.erase(first);
    lock.unlock();
    task(true);
    lock.lock();
  }
  auto abandoned = std::move(tasks_);
  lock.unlock();
  for (auto& [unused, task] : abandoned) task(false);
}

}  // namespace telemetry::aws

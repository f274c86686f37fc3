#include "api/store_chain.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace telemetry::api {
namespace {

TEST(RunConcurrently, NothingToRunFinishesAtOnce) {
  int calls = 0, finished = 0;
  RunConcurrently(
      0, 4, [&](std::size_t, std::function<void()>) { ++calls; }, [&] { ++finished; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(finished, 1);
}

// Answers on other threads, as a store's do: every index once, never more than in_flight waiting (answers are held
// until that many are, so the most is reached whatever the machine's pace), and finished once, after the last answer.
TEST(RunConcurrently, CallsAnsweredOnOtherThreadsRunAFewAtATime) {
  constexpr std::size_t kCalls = 200;
  std::vector<std::atomic<int>> seen(kCalls);
  std::atomic<int> waiting = 0, most_waiting = 0, answered = 0, finished = 0;
  std::atomic<bool> released = false;
  std::promise<int> answered_when_finished;
  std::vector<std::thread> answerers;
  std::mutex answerers_mutex;
  RunConcurrently(
      kCalls, 4,
      [&](std::size_t i, std::function<void()> next) {
        ++seen[i];
        int now = ++waiting;
        for (int most = most_waiting; now > most && !most_waiting.compare_exchange_weak(most, now);) {
        }
        if (now == 4) {
          released = true;
          released.notify_all();
        }
        std::lock_guard lock(answerers_mutex);
        answerers.emplace_back([&, next] {
          released.wait(false);
          --waiting;
          ++answered;
          next();
        });
      },
      [&] {
        if (++finished == 1) answered_when_finished.set_value(answered);
      });
  auto result = answered_when_finished.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(result.get(), static_cast<int>(kCalls));
  for (;;) {  // join every answerer; the last ones may still be returning from next()
    std::vector<std::thread> joining;
    {
      std::lock_guard lock(answerers_mutex);
      joining.swap(answerers);
    }
    if (joining.empty()) break;
    for (std::thread& answerer : joining) answerer.join();
  }
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(most_waiting, 4);
  for (std::size_t i = 0; i < kCalls; ++i) EXPECT_EQ(seen[i], 1) << i;
}

// A store that answers before its call returns: no stack grows with the number of calls.
TEST(RunConcurrently, CallsAnsweredAtOnceRunInConstantStack) {
  constexpr std::size_t kCalls = 1'000'000;
  std::size_t calls = 0;
  int finished = 0;
  RunConcurrently(
      kCalls, 3,
      [&](std::size_t, std::function<void()> next) {
        ++calls;
        next();
      },
      [&] { ++finished; });
  EXPECT_EQ(calls, kCalls);
  EXPECT_EQ(finished, 1);
}

}  // namespace
}  // namespace telemetry::api

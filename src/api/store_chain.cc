#include "api/store_chain.h"

#include <algorithm>
#include <atomic>

namespace telemetry::api {
namespace {

constexpr std::size_t kSensorsPage = 1'000;

}  // namespace

// A `next` called before its step has returned (a store answering at once) does not nest another step inside it:
// the loop below runs the step again instead.
void RunSteps(std::shared_ptr<Step> step) {
  while (true) {
    auto arrived = std::make_shared<std::atomic<bool>>(false);
    (*step)([step, arrived] {
      if (arrived->exchange(true)) RunSteps(step);  // the step had returned: carry on from here
    });
    if (!arrived->exchange(true)) return;  // next() comes later (and carries on), or never: the chain has ended
  }
}

// Each of `in_flight` chains takes the next index until none is left; the last chain to end calls `finished`. A
// chain ends only after its last call has answered, so every call has answered by then.
void RunConcurrently(std::size_t count, std::size_t in_flight,
                     std::function<void(std::size_t i, std::function<void()> next)> call,
                     std::function<void()> finished) {
  struct Shared {
    std::atomic<std::size_t> next_index{0};
    std::atomic<std::size_t> chains{0};
    std::function<void(std::size_t, std::function<void()>)> call;
    std::function<void()> finished;
  };
  auto shared = std::make_shared<Shared>();
  shared->call = std::move(call);
  shared->finished = std::move(finished);
  std::size_t chains = std::max<std::size_t>(1, std::min(in_flight, count));
  shared->chains = chains;
  for (std::size_t c = 0; c < chains; ++c) {
    RunSteps(std::make_shared<Step>([shared, count](std::function<void()> next) {
      std::size_t i = shared->next_index.fetch_add(1);
      if (i < count) return shared->call(i, std::move(next));
      if (shared->chains.fetch_sub(1) == 1) shared->finished();
    }));
  }
}

void ListSensors(Store& store, std::function<bool(const SensorSummary&)> keep, std::size_t enough, std::size_t cap,
                 std::string how_to_narrow, std::function<void(StatusOr<std::vector<SensorSummary>>)> done) {
  struct State {
    SensorsQuery query{"", kSensorsPage};
    std::vector<SensorSummary> kept;
  };
  auto state = std::make_shared<State>();
  RunSteps(std::make_shared<Step>([&store, state, keep = std::move(keep), enough, cap, how_to_narrow,
                                   done = std::move(done)](std::function<void()> next) {
    store.Sensors(state->query, [&, state, next](StatusOr<std::vector<SensorSummary>> page) {
      if (!page.ok()) return done(page.status());
      bool last_page = page->size() < state->query.limit;
      if (!last_page) state->query.after = page->back().sensor_id;  // before the kept ones are moved away
      for (SensorSummary& sensor : page.value()) {
        if (!keep(sensor)) continue;
        if (state->kept.size() == cap) {
          return done(Status(StatusCode::kResourceExhausted,
                             "more than " + std::to_string(cap) + " sensors match; " + how_to_narrow));
        }
        state->kept.push_back(std::move(sensor));
        if (state->kept.size() == enough) return done(std::move(state->kept));
      }
      if (last_page) return done(std::move(state->kept));
      next();
    });
  }));
}

}  // namespace telemetry::api

// Chains of store calls, one after another: each call made once the one before has answered, in constant stack
// however many there are and whichever thread each answer comes on (a store may answer before its call returns);
// and a few such chains side by side, for calls that do not depend on each other.
//
//   auto step = std::make_shared<Step>([&](std::function<void()> next) { store.Stats(q, [=](auto) { next(); }); });
//   RunSteps(step);  // runs the step again at each next(), until a step does not call it
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"

namespace telemetry::api {

using Step = std::function<void(std::function<void()> next)>;

// Runs `step` again each time it calls the `next` it was given, until a step returns without (ever) calling it.
void RunSteps(std::shared_ptr<Step> step);

// Runs `call(i, next)` for each i in [0, count), at most `in_flight` of them answering at a time, then `finished`
// once, after every call has called its `next`. Calls answer on any thread, concurrently when in_flight > 1: what
// they write must be theirs alone (slot i of a vector) or guarded.
void RunConcurrently(std::size_t count, std::size_t in_flight,
                     std::function<void(std::size_t i, std::function<void()> next)> call,
                     std::function<void()> finished);

// Every sensor whose summary `keep` accepts, in id order, a page of the store's list at a time, until `enough` are
// kept; past `cap` kept, kResourceExhausted with a message that ends with `how_to_narrow`.
void ListSensors(Store& store, std::function<bool(const SensorSummary&)> keep, std::size_t enough, std::size_t cap,
                 std::string how_to_narrow, std::function<void(StatusOr<std::vector<SensorSummary>>)> done);

}  // namespace telemetry::api

// The original service's contract, kept exactly so that its clients do not notice the switch:
//   GET /api               -> 200 {"message":"Hello!"}            (the load balancer's health check)
//   PUT /api/temperature   -> 200 Ok                               (text, as Flask answered)
//   GET /api/stats         -> 200 {"Average":A,"Maximum":M,"Minimum":m}, or the text "No data inserted yet!"
// with the original's bugs fixed: validation (400/415), (sensorID, time) identity (409 on conflicting retries),
// server time when none is sent, exact statistics at any size.
#pragma once

#include <cstddef>
#include <functional>

#include "core/clock.h"
#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

// REQUIRES: store outlives the router's use.
// `on_rejected` is told of every reading refused as invalid (for metrics); optional.
void AddSeedApi(http::Router& router, Store& store, Clock clock, std::function<void(std::size_t)> on_rejected = {});

// The body of a reading write's answer for one outcome: 200 "Ok" for stored or duplicate, otherwise its
// WriteProblem (409 for a conflict, 400 for a reading older than the retention).
http::Response WriteOutcomeResponse(const Reading& reading, WriteOutcome outcome);

}  // namespace telemetry::api

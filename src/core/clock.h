// The source of "now", injected wherever the current time matters, so tests can fix it.
#pragma once

#include <chrono>
#include <functional>

#include "core/time.h"

namespace telemetry {

using Clock = std::function<TimeNs()>;

inline TimeNs SystemNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace telemetry

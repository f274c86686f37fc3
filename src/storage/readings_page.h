// A page of raw readings (Store::Readings) gathered from the two lookups every store has: its sensor list in order
// and one sensor's readings in a time range. Both stores page through every sensor's readings this way, so that
// they agree on the order and on where a page ends.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/reading.h"
#include "core/status.h"
#include "core/time.h"
#include "storage/store.h"

namespace telemetry {

struct ReadingsSource {
  // Up to `limit` sensor ids that sort after `after` (all from the first when it is empty), in order.
  std::function<StatusOr<std::vector<std::string>>(const std::string& after, std::size_t limit)> sensors_after;
  // Up to `limit` readings of `sensor` in [from, to), in time order or newest first (the latest `limit` then);
  // none for an unknown sensor.
  std::function<StatusOr<std::vector<Reading>>(const std::string& sensor, TimeNs from, TimeNs to, std::size_t limit,
                                               bool newest_first)>
      readings_of;
};

// The page `query` asks for. A page of every sensor looks at no more than `most_sensors` sensors (a store's bound
// on one page's work, however sparse the range is): it then ends early, with a next position after the last
// sensor looked at.
StatusOr<ReadingsPage> GatherReadingsPage(const ReadingsQuery& query, std::size_t most_sensors,
                                          const ReadingsSource& source);

}  // namespace telemetry

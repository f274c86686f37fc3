#include "storage/readings_page.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace telemetry {
namespace {

// The sensor ids asked for at a time while paging through every sensor.
constexpr std::size_t kSensorsPerListing = 256;

// What is left of a sensor's readings in [query.from, query.to) after `after` (its last time sent), in the order
// read: the later ones, or the earlier ones when newest first. Empty past either end (and no overflow there).
std::pair<TimeNs, TimeNs> RangeAfter(const ReadingsQuery& query, TimeNs after) {
  if (query.newest_first) return {query.from, std::max(query.from, std::min(query.to, after))};
  if (after >= query.to) return {query.to, query.to};
  return {std::max(query.from, after + 1), query.to};
}

}  // namespace

StatusOr<ReadingsPage> GatherReadingsPage(const ReadingsQuery& query, std::size_t most_sensors,
                                          const ReadingsSource& source) {
  ReadingsPage page;
  auto full = [&] { return page.readings.size() >= query.limit; };
  // Appends `sensor`'s readings in [from, to), as many as the page has room for.
  auto take = [&](const std::string& sensor, std::pair<TimeNs, TimeNs> range) -> Status {
    auto [from, to] = range;
    if (from >= to) return Status::Ok();
    StatusOr<std::vector<Reading>> readings =
        source.readings_of(sensor, from, to, query.limit - page.readings.size(), query.newest_first);
    if (!readings.ok()) return readings.status();
    std::move(readings->begin(), readings->end(), std::back_inserter(page.readings));
    return Status::Ok();
  };
  auto ending_here = [&]() -> StatusOr<ReadingsPage> {
    if (full() && !page.readings.empty()) {
      page.next = ReadingPosition{page.readings.back().sensor_id, page.readings.back().time};
    }
    return std::move(page);
  };

  if (query.sensor_id) {
    Status taken =
        take(*query.sensor_id, query.after ? RangeAfter(query, query.after->time) : std::pair{query.from, query.to});
    if (!taken.ok()) return taken;
    return ending_here();
  }

  std::string last_sensor;  // the last sensor whose readings were taken; the list goes on after it
  if (query.after) {
    // The rest of the sensor the page before ended in.
    Status taken = take(query.after->sensor_id, RangeAfter(query, query.after->time));
    if (!taken.ok()) return taken;
    last_sensor = query.after->sensor_id;
  }
  std::size_t looked_at = 0;
  while (!full()) {
    if (looked_at >= most_sensors) {
      page.next = PastEveryReadingOf(query, last_sensor);
      return page;
    }
    std::size_t asked = std::min(kSensorsPerListing, most_sensors - looked_at);
    StatusOr<std::vector<std::string>> sensors = source.sensors_after(last_sensor, asked);
    if (!sensors.ok()) return sensors.status();
    for (const std::string& sensor : *sensors) {
      Status taken = take(sensor, {query.from, query.to});
      if (!taken.ok()) return taken;
      ++looked_at;
      last_sensor = sensor;
      if (full()) break;
    }
    if (sensors->size() < asked) break;  // the list ends
  }
  return ending_here();
}

}  // namespace telemetry

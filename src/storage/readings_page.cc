#include "storage/readings_page.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace telemetry {
namespace {

// The sensor ids asked for at a time while paging through every sensor.
constexpr std::size_t kSensorsPerListing = 256;

// Where a sensor's readings resume after `after` (its last time sent), within [query.from, query.to).
TimeNs ResumeAfter(const ReadingsQuery& query, TimeNs after) {
  if (after >= query.to) return query.to;  // nothing left of that sensor (and no overflow at kMaxTime)
  return std::max(query.from, after + 1);
}

}  // namespace

StatusOr<ReadingsPage> GatherReadingsPage(const ReadingsQuery& query, std::size_t most_sensors,
                                          const ReadingsSource& source) {
  ReadingsPage page;
  auto full = [&] { return page.readings.size() >= query.limit; };
  // Appends `sensor`'s readings from `from` on, as many as the page has room for.
  auto take = [&](const std::string& sensor, TimeNs from) -> Status {
    if (from >= query.to) return Status::Ok();
    StatusOr<std::vector<Reading>> readings =
        source.readings_of(sensor, from, query.to, query.limit - page.readings.size());
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
    Status taken = take(*query.sensor_id, query.after ? ResumeAfter(query, query.after->time) : query.from);
    if (!taken.ok()) return taken;
    return ending_here();
  }

  std::string last_sensor;  // the last sensor whose readings were taken; the list goes on after it
  if (query.after) {
    // The rest of the sensor the page before ended in.
    Status taken = take(query.after->sensor_id, ResumeAfter(query, query.after->time));
    if (!taken.ok()) return taken;
    last_sensor = query.after->sensor_id;
  }
  std::size_t looked_at = 0;
  while (!full()) {
    if (looked_at >= most_sensors) {
      page.next = ReadingPosition{last_sensor, kMaxTime};  // after every reading of last_sensor
      return page;
    }
    std::size_t asked = std::min(kSensorsPerListing, most_sensors - looked_at);
    StatusOr<std::vector<std::string>> sensors = source.sensors_after(last_sensor, asked);
    if (!sensors.ok()) return sensors.status();
    for (const std::string& sensor : *sensors) {
      Status taken = take(sensor, query.from);
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

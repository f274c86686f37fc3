// GatherReadingsPage: the paging both stores share, over a source of sensors and readings held in a map.
#include "storage/readings_page.h"

#include <gtest/gtest.h>

#include <map>

namespace telemetry {
namespace {

// Sensors with readings at given times (value = time), and a count of the sensors looked at.
struct MapSource {
  std::map<std::string, std::vector<TimeNs>> times;
  int sensors_read = 0;

  ReadingsSource Source() {
    ReadingsSource source;
    source.sensors_after = [this](const std::string& after, std::size_t limit) {
      std::vector<std::string> sensors;
      for (auto it = times.upper_bound(after); it != times.end() && sensors.size() < limit; ++it) {
        sensors.push_back(it->first);
      }
      return StatusOr<std::vector<std::string>>(sensors);
    };
    source.readings_of = [this](const std::string& sensor, TimeNs from, TimeNs to, std::size_t limit,
                                bool newest_first) {
      ++sensors_read;
      std::vector<TimeNs> ordered = times[sensor];
      if (newest_first) std::reverse(ordered.begin(), ordered.end());
      std::vector<Reading> readings;
      for (TimeNs time : ordered) {
        if (time >= from && time < to && readings.size() < limit) readings.push_back({sensor, time, double(time)});
      }
      return StatusOr<std::vector<Reading>>(readings);
    };
    return source;
  }
};

// Every page from the first on; returns the readings as "sensor@time" and counts the pages.
std::vector<std::string> AllPages(MapSource& map, ReadingsQuery query, std::size_t most_sensors, int* pages) {
  std::vector<std::string> seen;
  ReadingsSource source = map.Source();
  for (*pages = 1;; ++*pages) {
    StatusOr<ReadingsPage> page = GatherReadingsPage(query, most_sensors, source);
    EXPECT_TRUE(page.ok());
    EXPECT_LE(page->readings.size(), query.limit);
    for (const Reading& reading : page->readings)
      seen.push_back(reading.sensor_id + "@" + std::to_string(reading.time));
    if (!page->next) return seen;
    query.after = page->next;
    if (*pages > 100) return seen;
  }
}

TEST(GatherReadingsPage, EverySensorSensorBySensorEachInTimeOrder) {
  MapSource map;
  map.times = {{"b", {1, 5, 9}}, {"a", {2, 3}}, {"c", {}}, {"d", {4, 8}}};
  int pages = 0;
  ReadingsQuery query;
  query.limit = 2;
  EXPECT_EQ(AllPages(map, query, 100, &pages),
            (std::vector<std::string>{"a@2", "a@3", "b@1", "b@5", "b@9", "d@4", "d@8"}));
  EXPECT_EQ(pages, 4);  // the last full page has a next one, which is empty
  query.from = 3;
  query.to = 9;
  query.limit = 10;
  EXPECT_EQ(AllPages(map, query, 100, &pages), (std::vector<std::string>{"a@3", "b@5", "d@4", "d@8"}));
  EXPECT_EQ(pages, 1);
}

TEST(GatherReadingsPage, OneSensorResumesAfterTheLastTime) {
  MapSource map;
  map.times = {{"a", {1, 2, 3, 4, 5}}, {"b", {1}}};
  int pages = 0;
  ReadingsQuery query;
  query.sensor_id = "a";
  query.limit = 2;
  query.to = 5;
  EXPECT_EQ(AllPages(map, query, 1, &pages), (std::vector<std::string>{"a@1", "a@2", "a@3", "a@4"}));
  EXPECT_EQ(pages, 3);
}

TEST(GatherReadingsPage, NewestFirstSensorBySensorEachResumingBeforeTheLastTime) {
  MapSource map;
  map.times = {{"b", {1, 5, 9}}, {"a", {2, 3}}, {"c", {}}, {"d", {4, 8}}};
  int pages = 0;
  ReadingsQuery query;
  query.newest_first = true;
  query.limit = 2;
  EXPECT_EQ(AllPages(map, query, 100, &pages),
            (std::vector<std::string>{"a@3", "a@2", "b@9", "b@5", "b@1", "d@8", "d@4"}));
  query.sensor_id = "b";
  query.from = 2;
  query.to = 9;
  query.limit = 1;
  EXPECT_EQ(AllPages(map, query, 100, &pages), (std::vector<std::string>{"b@5"}));
  EXPECT_EQ(pages, 2);  // the full first page has a next one, which is empty
  // Past every reading of a sensor, newest first, is its earliest possible time: the pass goes on with the next.
  query.sensor_id.reset();
  query.from = kMinTime;
  query.to = kMaxTime;
  query.limit = 10;
  query.after = PastEveryReadingOf(query, "a");
  EXPECT_EQ(query.after->time, kMinTime);
  EXPECT_EQ(AllPages(map, query, 100, &pages), (std::vector<std::string>{"b@9", "b@5", "b@1", "d@8", "d@4"}));
}

TEST(GatherReadingsPage, LooksAtABoundedNumberOfSensorsPerPage) {
  MapSource map;
  for (int i = 0; i < 1000; ++i) map.times["s" + std::to_string(1000 + i)] = {i};
  ReadingsQuery query;
  query.from = 995;  // only the last five sensors have a reading in range
  StatusOr<ReadingsPage> page = GatherReadingsPage(query, 300, map.Source());
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->readings.empty());
  ASSERT_TRUE(page->next);
  EXPECT_EQ(page->next->sensor_id, "s1299");
  EXPECT_EQ(page->next->time, kMaxTime);
  EXPECT_EQ(map.sensors_read, 300);
  int pages = 0;
  EXPECT_EQ(AllPages(map, query, 300, &pages),
            (std::vector<std::string>{"s1995@995", "s1996@996", "s1997@997", "s1998@998", "s1999@999"}));
  EXPECT_EQ(pages, 4);
}

TEST(GatherReadingsPage, AFailingLookupFailsThePage) {
  MapSource map;
  map.times = {{"a", {1}}};
  ReadingsSource source = map.Source();
  source.readings_of = [](const std::string&, TimeNs, TimeNs, std::size_t, bool) {
    return StatusOr<std::vector<Reading>>(Status(StatusCode::kUnavailable, "throttled"));
  };
  StatusOr<ReadingsPage> page = GatherReadingsPage(ReadingsQuery{}, 10, source);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().message(), "throttled");
}

}  // namespace
}  // namespace telemetry

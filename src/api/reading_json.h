// Readings in the original service's JSON shape:
//   {"sensorID":"107","temperature":"12","time":"2021-10-04 09:00:00"}
// sensorID: a string or an integer; temperature: a number or a string holding one; time: optional (the receive
// time when missing or null), a string in any form ParseTime() accepts or a number of epoch seconds.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_writer.h"
#include "core/reading.h"
#include "core/status.h"
#include "core/time.h"

namespace telemetry::api {

// Writes `reading` as such an object, as exports give it and batches take it: the time in RFC 3339 to the
// nanosecond, the temperature a number.
void WriteReadingJson(JsonWriter& json, const Reading& reading);

// Parses and validates one reading. `now` is used when the reading has no time. kInvalidArgument with a message
// naming the field for anything that is not a valid reading, including a body that is not a JSON object.
StatusOr<Reading> ParseReadingJson(std::string_view body, TimeNs now);

// A batch of readings: a JSON array of reading objects, or NDJSON (one object per line; blank lines skipped).
struct ReadingBatch {
  std::vector<Reading> readings;                    // the valid ones, in order
  std::vector<std::size_t> indexes;                 // each valid reading's index in the batch (0-based)
  std::vector<std::pair<std::size_t, Status>> rejected;  // index and why, for the invalid ones
};

// kInvalidArgument when a JSON body is not an array of items (in NDJSON, a line that does not parse is one rejected
// item); kResourceExhausted past `max_readings` items. Item i without a time is read at `now` + i nanoseconds: the
// readings of one sensor in one batch are all kept, in their order, where one instant would make the second a
// conflict with the first.
StatusOr<ReadingBatch> ParseReadingBatch(std::string_view body, bool ndjson, TimeNs now, std::size_t max_readings);

// True when a Content-Type header value (or its absence) announces JSON: absent, "application/json" or an
// "application/...+json" type, with any parameters.
bool IsJsonContentType(std::optional<std::string_view> content_type);

}  // namespace telemetry::api

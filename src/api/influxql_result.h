// The result of one InfluxQL statement in an answer ({"statement_id":n,"series":[...]} or {...,"error":"..."}),
// written a part at a time, and the limits on what one statement answers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"

namespace telemetry::api {

// The most series, and the most rows in all, one statement answers; past either its result is an error that says so.
inline constexpr std::size_t kMaxQuerySeries = 10'000;
inline constexpr std::size_t kMaxQueryRows = 500'000;
// The most readings a statement reads for first, last, median, percentile, stddev, top, bottom and integral, unless
// configured otherwise (--max-query-readings).
inline constexpr std::size_t kDefaultMaxReadingsFolded = 5'000'000;

// OFFSET and LIMIT (or SOFFSET and SLIMIT) on rows or series: the first `offset` dropped, then at most `limit` kept
// (0: no limit).
template <typename T>
void Page(std::vector<T>& items, std::size_t offset, std::size_t limit) {
  items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(std::min(offset, items.size())));
  if (limit > 0 && items.size() > limit) items.resize(limit);
}

// A statement's result, written a part at a time: each call appends the next part to `out` and says whether the
// result is complete. A large answer is so rendered in bounded parts, on whichever thread asks for the next one.
using Producer = std::function<bool(std::string& out)>;

// A result already rendered whole (SHOW answers, errors: all small).
Producer WholeResult(std::string result);

// {"statement_id":n} with "series":[...] written by `series` when it is given.
std::string StatementResult(int statement_id, const std::function<void(JsonWriter&)>& series);

// {"statement_id":n,"error":"..."}: a statement that failed while running, as InfluxDB reports it.
std::string StatementError(int statement_id, std::string_view message);

}  // namespace telemetry::api

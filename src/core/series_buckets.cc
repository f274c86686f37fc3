#include "core/series_buckets.h"

#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace telemetry {
namespace {

using Nanos = std::chrono::duration<TimeNs, std::nano>;

Status TooMany(std::size_t max_buckets) {
  return InvalidArgument("the range holds more than " + std::to_string(max_buckets) +
                         " buckets of this interval; use a longer interval or a shorter range");
}

// t + step, or kMaxTime where that would pass it: a range may end at the last representable instant, and the
// boundary after it must end the walk there instead of wrapping around to 1677.
TimeNs SaturatingAdd(TimeNs t, TimeNs step) {
  TimeNs sum;
  return __builtin_add_overflow(t, step, &sum) ? kMaxTime : sum;
}

// The UTC instant of the local midnight that starts `day` in `zone` (the earliest instant of it, should a DST
// change make that local time occur twice; the change itself, should it make it not exist), saturating at the
// ends of the representable range. Computed in seconds (every zone's offset is whole seconds), where the days
// around 1677 and 2262 do not overflow as they would in nanoseconds.
TimeNs LocalMidnight(const date::time_zone* zone, date::local_days day) {
  date::zoned_time<std::chrono::seconds> midnight(zone, date::local_seconds(day), date::choose::earliest);
  std::int64_t seconds = midnight.get_sys_time().time_since_epoch().count();
  TimeNs nanos;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &nanos)) return seconds < 0 ? kMinTime : kMaxTime;
  return nanos;
}

date::local_days LocalDayOf(const date::time_zone* zone, TimeNs time) {
  auto seconds = date::floor<std::chrono::seconds>(date::sys_time<Nanos>(Nanos(time)));
  return date::floor<date::days>(date::zoned_time<std::chrono::seconds>(zone, seconds).get_local_time());
}

}  // namespace

StatusOr<TimeNs> ParseInterval(std::string_view text) {
  auto invalid = [&] {
    return InvalidArgument("interval must be a whole number of minutes, hours or days (1m, 5m, 15m, 1h, 6h, 1d), "
                           "got \"" + std::string(text.substr(0, 32)) + "\"");
  };
  if (text.size() < 2) return invalid();
  TimeNs unit = text.back() == 'm'   ? kNanosPerMinute
                : text.back() == 'h' ? kNanosPerHour
                : text.back() == 'd' ? kNanosPerDay
                                     : 0;
  std::int64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size() - 1, count);
  if (unit == 0 || error != std::errc() || end != text.data() + text.size() - 1 || count <= 0 ||
      count > 3650 * kNanosPerDay / unit) {
    return invalid();
  }
  return count * unit;
}

StatusOr<std::vector<TimeNs>> SeriesBoundaries(TimeNs from, TimeNs to, TimeNs interval, const date::time_zone* zone,
                                               std::size_t max_buckets) {
  if (interval <= 0 || interval % kNanosPerMinute != 0) {
    return InvalidArgument("interval must be a whole number of minutes");
  }
  std::vector<TimeNs> boundaries;
  if (zone == nullptr) {
    TimeNs first = FloorTo(from, interval), last = CeilTo(to, interval);  // both saturate
    // In unsigned arithmetic: the distance from near kMinTime to near kMaxTime does not fit a TimeNs.
    std::uint64_t span = static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(first);
    if (span / static_cast<std::uint64_t>(interval) > max_buckets) return TooMany(max_buckets);
    // The next multiple of `interval` after t, not t + interval: a first boundary that saturated at kMinTime is
    // not one.
    for (TimeNs t = first;; t = CeilTo(SaturatingAdd(t, 1), interval)) {
      boundaries.push_back(t);
      if (t >= last) break;
    }
    return boundaries;
  }
  if (interval % kNanosPerDay != 0 && kNanosPerDay % interval != 0) {
    return InvalidArgument("with tz, interval must divide a day or be a whole number of days");
  }
  // Local days, from the one holding `from` to the one holding `to - 1`, one past.
  date::local_days first_day = LocalDayOf(zone, from), last_day = LocalDayOf(zone, to - 1) + date::days(1);
  if (interval >= kNanosPerDay) {
    auto days = date::days(interval / kNanosPerDay);
    // Every n-th day, counted from 1970-01-01 local.
    auto since_epoch = first_day.time_since_epoch();
    first_day -= ((since_epoch % days) + days) % days;
    if ((last_day - first_day) / days > static_cast<std::int64_t>(max_buckets)) return TooMany(max_buckets);
    for (date::local_days day = first_day;; day += days) {
      boundaries.push_back(LocalMidnight(zone, day));
      if (boundaries.back() >= to) break;
    }
    return boundaries;
  }
  std::int64_t steps_per_day = kNanosPerDay / interval;
  if ((last_day - first_day).count() > static_cast<std::int64_t>(max_buckets) / steps_per_day + 2) {
    return TooMany(max_buckets);
  }
  // Every step of every local day in range, then the part that covers [from, to).
  std::vector<TimeNs> steps;
  for (date::local_days day = first_day; day < last_day; day += date::days(1)) {
    TimeNs end = LocalMidnight(zone, day + date::days(1));
    for (TimeNs t = LocalMidnight(zone, day); t < end; t = SaturatingAdd(t, interval)) steps.push_back(t);
  }
  steps.push_back(LocalMidnight(zone, last_day));
  auto first = std::upper_bound(steps.begin(), steps.end(), from) - 1;
  auto last = std::lower_bound(steps.begin(), steps.end(), to);
  boundaries.assign(first, last + 1);
  if (boundaries.size() - 1 > max_buckets) return TooMany(max_buckets);
  return boundaries;
}

}  // namespace telemetry

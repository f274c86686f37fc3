#include "core/rollup.h"

#include <algorithm>

namespace telemetry {

RangePlan PlanRange(TimeNs from, TimeNs to, int finest_level) {
  RangePlan plan;
  if (from == kMinTime && to == kMaxTime) {
    plan.whole_series = true;
    return plan;
  }
  // An open end is an edge of every level: the buckets from it are all there are on that side (a reading's bucket
  // saturates at kMinTime, see FloorTo), so no finer piece is read there.
  auto ceil_from = [&](TimeNs width) { return from == kMinTime ? kMinTime : CeilTo(from, width); };
  auto floor_to = [&](TimeNs width) { return to == kMaxTime ? kMaxTime : FloorTo(to, width); };
  TimeNs inner_from = ceil_from(kRollupWidths[finest_level]);
  TimeNs inner_to = floor_to(kRollupWidths[finest_level]);
  if (inner_from >= inner_to) {
    if (from < to) plan.raw.push_back({from, to});
    return plan;
  }
  if (from < inner_from) plan.raw.push_back({from, inner_from});
  if (inner_to < to) plan.raw.push_back({inner_to, to});

  // Peel off the finer buckets at both edges, moving inwards to coarser levels while whole coarser buckets fit.
  for (int level = finest_level; level < kRollupLevels; ++level) {
    bool coarsest = level + 1 == kRollupLevels;
    TimeNs next_from = coarsest ? inner_from : ceil_from(kRollupWidths[level + 1]);
    TimeNs next_to = coarsest ? inner_from : floor_to(kRollupWidths[level + 1]);
    if (coarsest || next_from >= next_to) {
      plan.buckets.push_back({level, inner_from, inner_to});
      break;
    }
    if (inner_from < next_from) plan.buckets.push_back({level, inner_from, next_from});
    if (next_to < inner_to) plan.buckets.push_back({level, next_to, inner_to});
    inner_from = next_from;
    inner_to = next_to;
  }
  return plan;
}

RangePlan PlanSeries(const std::vector<TimeNs>& boundaries, int finest_level) {
  if (boundaries.size() == 2) return PlanRange(boundaries[0], boundaries[1], finest_level);
  RangePlan plan;
  for (std::size_t i = 0; i + 1 < boundaries.size(); ++i) {
    RangePlan span = PlanRange(boundaries[i], boundaries[i + 1], finest_level);
    plan.buckets.insert(plan.buckets.end(), span.buckets.begin(), span.buckets.end());
    plan.raw.insert(plan.raw.end(), span.raw.begin(), span.raw.end());
  }
  std::sort(plan.buckets.begin(), plan.buckets.end(), [](const BucketSpan& a, const BucketSpan& b) {
    return a.level != b.level ? a.level < b.level : a.first_start < b.first_start;
  });
  std::vector<BucketSpan> merged;
  for (const BucketSpan& span : plan.buckets) {
    if (!merged.empty() && merged.back().level == span.level && merged.back().end_start == span.first_start) {
      merged.back().end_start = span.end_start;
    } else {
      merged.push_back(span);
    }
  }
  plan.buckets = std::move(merged);
  std::sort(plan.raw.begin(), plan.raw.end(), [](const TimeSpan& a, const TimeSpan& b) { return a.from < b.from; });
  std::vector<TimeSpan> raw;
  for (const TimeSpan& span : plan.raw) {
    if (!raw.empty() && raw.back().to == span.from) {
      raw.back().to = span.to;
    } else {
      raw.push_back(span);
    }
  }
  plan.raw = std::move(raw);
  return plan;
}

std::uint64_t MostBucketRows(const RangePlan& plan) {
  if (plan.whole_series) return 1;
  std::uint64_t rows = 0;
  for (const BucketSpan& span : plan.buckets) {
    // Unsigned: a span with an open end is wider than TimeNs holds.
    auto width = static_cast<std::uint64_t>(kRollupWidths[static_cast<std::size_t>(span.level)]);
    rows += (static_cast<std::uint64_t>(span.end_start) - static_cast<std::uint64_t>(span.first_start)) / width;
  }
  return rows;
}

std::size_t SpanIndex(const std::vector<TimeNs>& boundaries, TimeNs time) {
  return static_cast<std::size_t>(std::upper_bound(boundaries.begin(), boundaries.end(), time) - boundaries.begin()) -
         1;
}

}  // namespace telemetry

#include "core/rollup.h"

namespace telemetry {

RangePlan PlanRange(TimeNs from, TimeNs to, int finest_level) {
  RangePlan plan;
  if (from == kMinTime && to == kMaxTime) {
    plan.whole_series = true;
    return plan;
  }
  TimeNs inner_from = CeilTo(from, kRollupWidths[finest_level]);
  TimeNs inner_to = FloorTo(to, kRollupWidths[finest_level]);
  if (inner_from >= inner_to) {
    if (from < to) plan.raw.push_back({from, to});
    return plan;
  }
  if (from < inner_from) plan.raw.push_back({from, inner_from});
  if (inner_to < to) plan.raw.push_back({inner_to, to});

  // Peel off the finer buckets at both edges, moving inwards to coarser levels while whole coarser buckets fit.
  for (int level = finest_level; level < kRollupLevels; ++level) {
    bool coarsest = level + 1 == kRollupLevels;
    TimeNs next_from = coarsest ? inner_from : CeilTo(inner_from, kRollupWidths[level + 1]);
    TimeNs next_to = coarsest ? inner_from : FloorTo(inner_to, kRollupWidths[level + 1]);
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

}  // namespace telemetry

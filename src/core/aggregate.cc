#include "core/aggregate.h"

#include <algorithm>
#include <cmath>

namespace telemetry {

void CompensatedAdd(double& sum, double& error, double value) {
  double total = sum + value;
  error += std::fabs(sum) >= std::fabs(value) ? (sum - total) + value : (value - total) + sum;
  sum = total;
}

void Aggregate::Add(double value) {
  ++count;
  CompensatedAdd(sum, sum_error, value);
  min = std::min(min, value);
  max = std::max(max, value);
}

void Aggregate::Merge(const Aggregate& other) {
  if (other.count == 0) return;
  count += other.count;
  CompensatedAdd(sum, sum_error, other.sum);
  sum_error += other.sum_error;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
}

std::optional<double> Aggregate::Mean() const {
  if (count == 0) return std::nullopt;
  return Sum() / static_cast<double>(count);
}

double RoundHalfEven(double value) {
  // nearbyint honours the current rounding mode, which is round-to-nearest-even unless someone changed it.
  return std::nearbyint(value);
}

}  // namespace telemetry

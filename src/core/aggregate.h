// Exact summary statistics of a set of readings, mergeable in any order.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace telemetry {

// count, sum, min and max of a set of values. The sum is kept as a Neumaier-compensated pair, so adding millions
// of readings loses no more precision than a single rounding; Merge combines two disjoint sets exactly as if their
// values had been added one by one.
struct Aggregate {
  std::int64_t count = 0;
  double sum = 0;
  double sum_error = 0;  // the compensation term: the exact sum is sum + sum_error
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void Add(double value);
  void Merge(const Aggregate& other);

  double Sum() const { return sum + sum_error; }
  // Empty when count == 0.
  std::optional<double> Mean() const;

  friend bool operator==(const Aggregate&, const Aggregate&) = default;
};

// Adds `value` to the compensated pair (sum, error).
void CompensatedAdd(double& sum, double& error, double value);

// Rounds to the nearest integer, ties to even (2.5 -> 2, 3.5 -> 4), as the original service's Python round() did.
double RoundHalfEven(double value);

}  // namespace telemetry

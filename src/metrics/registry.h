// Metrics in the Prometheus text format: counters, gauges and histograms, with labels, cheap to update from any
// thread (relaxed atomics; a family's lock only when a label set is first seen), rendered on each scrape.
//
//   Registry registry;
//   auto& requests = registry.AddCounter("telemetry_http_requests_total", "HTTP requests answered",
//                                        {"route", "code"});
//   requests.With({"/api", "200"}).Inc();
//   std::string text = registry.Render();   // for GET /metrics
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace telemetry::metrics {

class Counter {
 public:
  void Inc(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void Add(std::int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  void Set(std::int64_t to) { value_.store(to, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations counted into buckets with fixed upper bounds (ascending), plus their count and sum.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative count per bound, then the count of all (+Inf), and the sum, as one consistent-enough snapshot.
  std::vector<std::uint64_t> CumulativeCounts() const;
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, then +Inf
  std::atomic<std::uint64_t> sum_bits_{0};                 // a double's bits, added to by compare-and-swap
};

// One metric name with its children, one per set of label values.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values (as many as label names), created on first use. The reference stays valid.
  // Finding a child allocates nothing: every answer counts itself here.
  Metric& With(std::initializer_list<std::string_view> label_values) {
    std::lock_guard lock(mu_);
    auto found = children_.find(label_values);
    if (found == children_.end()) {
      found = children_.emplace(std::vector<std::string>(label_values.begin(), label_values.end()), make_()).first;
    }
    return *found->second;
  }

  template <typename Fn>
  void ForEach(Fn fn) const {
    std::lock_guard lock(mu_);
    for (const auto& [values, child] : children_) fn(values, *child);
  }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mu_;
  // Label values in order, compared with those of a lookup without copying them.
  struct LabelsLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };
  std::map<std::vector<std::string>, std::unique_ptr<Metric>, LabelsLess> children_;  // GUARDED_BY(mu_)
};

class Registry {
 public:
  // Adds a metric; the returned family lives as long as the registry. Not thread-safe: add before serving.
  Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                                  std::vector<double> bounds);
  // A value read at each scrape from elsewhere (a counter or gauge kept by another part).
  void AddCallback(std::string name, std::string help, bool is_counter, std::function<double()> read);

  // Every metric in the Prometheus text exposition format 0.0.4. Thread-safe.
  std::string Render() const;

 private:
  struct Entry {
    std::string name, help, type;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
    std::function<double()> read;
  };
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace telemetry::metrics

#include "metrics/registry.h"

#include <algorithm>
#include <bit>

#include "core/json_writer.h"

namespace telemetry::metrics {
namespace {

// Label values escaped as the text format asks: backslash, double quote and line feed.
std::string Escaped(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extra = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + Escaped(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

std::string Number(double value) {
  if (value == static_cast<double>(static_cast<std::int64_t>(value))) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  return FormatNumber(value);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  std::size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  std::uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
  while (!sum_bits_.compare_exchange_weak(old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + value),
                                          std::memory_order_relaxed)) {
  }
}

std::vector<std::uint64_t> Histogram::CumulativeCounts() const {
  std::vector<std::uint64_t> cumulative;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    cumulative.push_back(running);
  }
  return cumulative;
}

double Histogram::sum() const { return std::bit_cast<double>(sum_bits_.load(std::memory_order_relaxed)); }

Family<Counter>& Registry::AddCounter(std::string name, std::string help, std::vector<std::string> label_names) {
  auto& entry = *entries_.emplace_back(new Entry{std::move(name), std::move(help), "counter", {}, {}, {}, {}});
  entry.counters = std::make_unique<Family<Counter>>(std::move(label_names), [] { return std::make_unique<Counter>(); });
  return *entry.counters;
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> label_names) {
  auto& entry = *entries_.emplace_back(new Entry{std::move(name), std::move(help), "gauge", {}, {}, {}, {}});
  entry.gauges = std::make_unique<Family<Gauge>>(std::move(label_names), [] { return std::make_unique<Gauge>(); });
  return *entry.gauges;
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  auto& entry = *entries_.emplace_back(new Entry{std::move(name), std::move(help), "histogram", {}, {}, {}, {}});
  entry.histograms = std::make_unique<Family<Histogram>>(
      std::move(label_names), [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); });
  return *entry.histograms;
}

void Registry::AddCallback(std::string name, std::string help, bool is_counter, std::function<double()> read) {
  entries_.emplace_back(
      new Entry{std::move(name), std::move(help), is_counter ? "counter" : "gauge", {}, {}, {}, std::move(read)});
}

std::string Registry::Render() const {
  std::string out;
  for (const auto& entry : entries_) {
    out += "# HELP " + entry->name + " " + entry->help + "\n# TYPE " + entry->name + " " + entry->type + "\n";
    if (entry->read) {
      out += entry->name + " " + Number(entry->read()) + "\n";
    } else if (entry->counters) {
      entry->counters->ForEach([&](const std::vector<std::string>& values, const Counter& counter) {
        out += entry->name + Labels(entry->counters->label_names(), values) + " " +
               std::to_string(counter.value()) + "\n";
      });
    } else if (entry->gauges) {
      entry->gauges->ForEach([&](const std::vector<std::string>& values, const Gauge& gauge) {
        out += entry->name + Labels(entry->gauges->label_names(), values) + " " + std::to_string(gauge.value()) + "\n";
      });
    } else if (entry->histograms) {
      entry->histograms->ForEach([&](const std::vector<std::string>& values, const Histogram& histogram) {
        const auto& names = entry->histograms->label_names();
        std::vector<std::uint64_t> counts = histogram.CumulativeCounts();
        for (std::size_t i = 0; i < histogram.bounds().size(); ++i) {
          out += entry->name + "_bucket" + Labels(names, values, "le=\"" + Number(histogram.bounds()[i]) + "\"") +
                 " " + std::to_string(counts[i]) + "\n";
        }
        out += entry->name + "_bucket" + Labels(names, values, "le=\"+Inf\"") + " " + std::to_string(counts.back()) +
               "\n";
        out += entry->name + "_sum" + Labels(names, values) + " " + Number(histogram.sum()) + "\n";
        out += entry->name + "_count" + Labels(names, values) + " " + std::to_string(counts.back()) + "\n";
      });
    }
  }
  return out;
}

}  // namespace telemetry::metrics

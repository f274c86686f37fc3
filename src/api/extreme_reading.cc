#include "api/extreme_reading.h"

#include <array>
#include <cstdint>
#include <memory>

#include "api/influxql_rows.h"
#include "api/store_chain.h"

namespace telemetry::api {
namespace {

class ExtremeSearch : public std::enable_shared_from_this<ExtremeSearch> {
 public:
  ExtremeSearch(Store& store, ExtremeQuery query, ExtremeCallback done)
      : store_(store),
        query_(std::move(query)),
        done_(std::move(done)),
        value_(ExtremeOf(query_.total, query_.greatest)),
        from_(query_.from),
        to_(query_.to),
        count_(query_.total.count) {}

  void Start() {
    auto self = shared_from_this();
    RunSteps(std::make_shared<Step>([self](std::function<void()> next) {
      bool one_instant = static_cast<std::uint64_t>(self->to_) - static_cast<std::uint64_t>(self->from_) <= 1;
      if (self->count_ <= self->query_.read_below || one_instant) return self->ReadSpan(std::move(next));
      self->NarrowSpan(std::move(next));
    }));
  }

 private:
  // One round of spans: the search goes on in the first that holds the value.
  void NarrowSpan(std::function<void()> next) {
    std::vector<TimeNs> boundaries = SearchBoundaries(from_, to_);
    auto self = shared_from_this();
    store_.Series(SeriesQuery{query_.sensor_id, boundaries},
                  [self, boundaries, next](StatusOr<std::vector<Aggregate>> spans) {
                    if (!spans.ok()) return self->done_(spans.status());
                    for (std::size_t i = 0; i < spans->size(); ++i) {
                      const Aggregate& span = (*spans)[i];
                      if (span.count == 0 || ExtremeOf(span, self->query_.greatest) != self->value_) continue;
                      self->from_ = boundaries[i];
                      self->to_ = boundaries[i + 1];
                      self->count_ = span.count;
                      return next();
                    }
                    self->done_(std::optional<Reading>());
                  });
  }

  // The span's readings, a page at a time: one sensor's come in time order, so the first holding the value is the
  // one; every sensor's come sensor by sensor, so each sensor's first is a candidate and the rest of it is skipped.
  void ReadSpan(std::function<void()> next) {
    if (!page_) {
      page_ = std::make_shared<ReadingsQuery>();
      page_->sensor_id = query_.sensor_id;
      page_->from = from_;
      page_->to = to_;
    }
    auto self = shared_from_this();
    store_.Readings(*page_, [self, next](StatusOr<ReadingsPage> page) {
      if (!page.ok()) return self->done_(page.status());
      std::optional<std::string> found_in;  // the last sensor of the page found holding the value
      for (const Reading& reading : page->readings) {
        if (reading.value != self->value_ || (found_in && reading.sensor_id == *found_in)) continue;
        if (!self->found_ || EarlierReading(reading, *self->found_)) self->found_ = reading;
        found_in = reading.sensor_id;
      }
      self->page_->after = std::move(page->next);
      if (found_in && self->query_.sensor_id) self->page_->after.reset();  // the earliest of the one sensor
      if (found_in && self->page_->after && self->page_->after->sensor_id == *found_in) {
        self->page_->after = PastEveryReadingOf(*self->page_, *found_in);  // the rest of it is later
      }
      if (self->page_->after) return next();
      self->done_(std::move(self->found_));
    });
  }

  Store& store_;
  ExtremeQuery query_;
  ExtremeCallback done_;
  double value_;
  TimeNs from_, to_;    // the span searched
  std::int64_t count_;  // readings in it
  std::shared_ptr<ReadingsQuery> page_;
  std::optional<Reading> found_;
};

}  // namespace

std::vector<TimeNs> SearchBoundaries(TimeNs from, TimeNs to) {
  // In unsigned arithmetic: the span may exceed what a signed 64-bit difference holds.
  std::uint64_t length = static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
  std::uint64_t step = length / kSearchSpans + (length % kSearchSpans != 0 ? 1 : 0);
  constexpr std::array<std::uint64_t, 7> kUnits = {
      kNanosPerDay, kNanosPerHour, kNanosPerMinute, kNanosPerSecond, 1'000'000, 1'000, 1};
  for (std::uint64_t unit : kUnits) {
    if (unit <= step) {
      step = (step + unit - 1) / unit * unit;
      break;
    }
  }
  // The first multiple of the step after `from`, as an offset from it; the remainder taken towards −∞.
  auto signed_step = static_cast<TimeNs>(step);
  TimeNs remainder = ((from % signed_step) + signed_step) % signed_step;
  std::vector<TimeNs> boundaries{from};
  for (std::uint64_t offset = step - static_cast<std::uint64_t>(remainder); offset < length; offset += step) {
    boundaries.push_back(static_cast<TimeNs>(static_cast<std::uint64_t>(from) + offset));
    if (length - offset <= step) break;  // the next would pass `to`, or wrap around
  }
  boundaries.push_back(to);
  return boundaries;
}

void FindExtremeReading(Store& store, ExtremeQuery query, ExtremeCallback done) {
  std::make_shared<ExtremeSearch>(store, std::move(query), std::move(done))->Start();
}

}  // namespace telemetry::api

#include "storage/uncommitted_readings.h"

#include <algorithm>

#include "core/rollup.h"
#include "storage/sqlite_schema.h"

namespace telemetry {

void UncommittedReadings::Add(LogPosition log_end, std::span<const ReadingRow> rows,
                              std::span<const std::pair<std::int64_t, std::string>> new_sensors) {
  if (rows.empty() && new_sensors.empty()) return;
  std::lock_guard lock(mu_);
  for (const auto& [id, name] : new_sensors) sensors_.push_back({id, name, log_end});
  for (const ReadingRow& row : rows) {
    if (chunks_.empty() || chunks_.back().filled == kChunkRows) {
      ChunkState fresh;
      fresh.chunk = std::make_shared<Chunk>();
      fresh.chunk->first_seq = next_seq_;
      chunks_.push_back(std::move(fresh));
    }
    // Past `filled`: no reader looks at this row until the lock is let go.
    ChunkState& state = chunks_.back();
    state.chunk->rows[state.filled++] = row;
    state.min_time = std::min(state.min_time, row.time);
    state.max_time = std::max(state.max_time, row.time);
    ++next_seq_;
  }
  rounds_.push_back({log_end, next_seq_});
}

const UncommittedReadings::ChunkSummary& UncommittedReadings::SummaryOf(const Chunk& chunk) {
  // A full chunk's rows never change: any reader may summarise them, once.
  std::call_once(chunk.summarized, [&chunk] {
    std::vector<const ReadingRow*> by_sensor;
    by_sensor.reserve(kChunkRows);
    for (const ReadingRow& row : chunk.rows) by_sensor.push_back(&row);
    std::stable_sort(by_sensor.begin(), by_sensor.end(),
                     [](const ReadingRow* a, const ReadingRow* b) { return a->sensor < b->sensor; });
    ChunkSummary& summary = chunk.summary;
    for (const ReadingRow* row : by_sensor) {
      if (summary.by_sensor.empty() || summary.by_sensor.back().sensor != row->sensor) {
        summary.by_sensor.push_back({row->sensor, {}, {}});
      }
      summary.by_sensor.back().values.Add(row->value);
      summary.by_sensor.back().activity.Merge({1, row->time, row->time, row->value});
    }
    for (const SensorAggregates& sensor : summary.by_sensor) summary.all.Merge(sensor.values);
  });
  return chunk.summary;
}

void UncommittedReadings::DropThrough(LogPosition committed) {
  std::lock_guard lock(mu_);
  while (!rounds_.empty() && rounds_.front().log_end <= committed) {
    first_seq_ = rounds_.front().end_seq;
    rounds_.pop_front();
  }
  // A chunk still being filled stays, even if all it holds so far is dropped.
  while (!chunks_.empty() && chunks_.front().filled == kChunkRows &&
         chunks_.front().chunk->first_seq + kChunkRows <= first_seq_) {
    chunks_.pop_front();
  }
  std::erase_if(sensors_, [&](const NewSensor& sensor) { return sensor.log_end <= committed; });
  dropped_through_ = std::max(dropped_through_, committed);
}

bool UncommittedReadings::AddTo(LogPosition snapshot, std::int64_t series, std::string_view sensor_name,
                                const std::vector<TimeNs>& boundaries, std::vector<Aggregate>& spans) const {
  const TimeNs from = boundaries.front(), to = boundaries.back();
  std::vector<Part> parts;
  {
    std::lock_guard lock(mu_);
    if (dropped_through_ > snapshot) return false;
    if (series == kNotInSnapshot) {
      auto found = std::find_if(sensors_.begin(), sensors_.end(),
                                [&](const NewSensor& sensor) { return sensor.name == sensor_name; });
      if (found == sensors_.end()) return true;  // no reading of it anywhere yet
      series = found->id;
    }
    parts = PartsLacking(snapshot, boundaries);
  }
  const bool every_sensor = series == kAllSensors;
  for (const Part& part : parts) {
    if (part.whole) {
      const ChunkSummary& summary = SummaryOf(*part.chunk);
      Aggregate& span = spans[SpanIndex(boundaries, part.chunk->rows[0].time)];
      if (every_sensor) {
        span.Merge(summary.all);
        continue;
      }
      const auto& by_sensor = summary.by_sensor;
      auto found =
          std::lower_bound(by_sensor.begin(), by_sensor.end(), series,
                           [](const SensorAggregates& entry, std::int64_t sensor) { return entry.sensor < sensor; });
      if (found != by_sensor.end() && found->sensor == series) span.Merge(found->values);
      continue;
    }
    for (std::size_t i = part.begin; i < part.end; ++i) {
      const ReadingRow& row = part.chunk->rows[i];
      if ((every_sensor || row.sensor == series) && row.time >= from && row.time < to) {
        spans[SpanIndex(boundaries, row.time)].Add(row.value);
      }
    }
  }
  return true;
}

std::vector<UncommittedReadings::Part> UncommittedReadings::PartsLacking(LogPosition snapshot,
                                                                         const std::vector<TimeNs>& boundaries) const {
  const TimeNs from = boundaries.front(), to = boundaries.back();
  // The first row the snapshot lacks: that of the first round ending after it.
  auto lacking = std::upper_bound(rounds_.begin(), rounds_.end(), snapshot,
                                  [](LogPosition position, const Round& round) { return position < round.log_end; });
  std::uint64_t first = lacking == rounds_.begin() ? first_seq_ : std::prev(lacking)->end_seq;
  std::vector<Part> parts;
  for (const ChunkState& state : chunks_) {
    if (state.chunk->first_seq + state.filled <= first || state.max_time < from || state.min_time >= to) continue;
    std::size_t begin = first > state.chunk->first_seq ? first - state.chunk->first_seq : 0;
    bool in_one_span = state.min_time >= from && state.max_time < to &&
                       SpanIndex(boundaries, state.min_time) == SpanIndex(boundaries, state.max_time);
    parts.push_back({state.chunk, begin, state.filled, begin == 0 && state.filled == kChunkRows && in_one_span});
  }
  return parts;
}

void UncommittedReadings::SensorActivity::Merge(const SensorActivity& other) {
  if (other.count == 0) return;
  count += other.count;
  first = std::min(first, other.first);
  if (other.last > last) {
    last = other.last;
    last_value = other.last_value;
  }
}

bool UncommittedReadings::SensorsSince(LogPosition snapshot, std::unordered_map<std::int64_t, SensorActivity>& activity,
                                       std::vector<std::pair<std::int64_t, std::string>>& unknown) const {
  std::vector<Part> parts;
  {
    std::lock_guard lock(mu_);
    if (dropped_through_ > snapshot) return false;
    for (const NewSensor& sensor : sensors_) {
      if (sensor.log_end > snapshot) unknown.emplace_back(sensor.id, sensor.name);
    }
    parts = PartsLacking(snapshot, {kMinTime, kMaxTime});  // reading times end before kMaxTime (year 2262)
  }
  for (const Part& part : parts) {
    if (part.whole) {
      for (const SensorAggregates& sensor : SummaryOf(*part.chunk).by_sensor) {
        activity[sensor.sensor].Merge(sensor.activity);
      }
      continue;
    }
    for (std::size_t i = part.begin; i < part.end; ++i) {
      const ReadingRow& row = part.chunk->rows[i];
      activity[row.sensor].Merge({1, row.time, row.time, row.value});
    }
  }
  return true;
}

std::size_t UncommittedReadings::size() const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(next_seq_ - first_seq_);
}

}  // namespace telemetry

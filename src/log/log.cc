#include "log/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "core/json_writer.h"
#include "core/time.h"

namespace telemetry::log {
namespace {

std::atomic<Level> min_level{Level::kInfo};

const char* Name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void Emit(Level level, std::string_view message, Fields fields) {
  TimeNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  JsonWriter json;
  json.BeginObject().Key("time").String(FormatRfc3339(now - now % 1'000'000)).Key("level").String(Name(level));
  json.Key("message").String(message);
  for (const auto& [key, value] : fields) {
    json.Key(key);
    if (auto* text = std::get_if<std::string_view>(&value)) {
      json.String(*text);
    } else if (auto* number = std::get_if<std::int64_t>(&value)) {
      json.Int(*number);
    } else {
      json.Number(std::get<double>(value));
    }
  }
  std::string line = json.EndObject().Take();
  line += '\n';
  // One write: a line is never split between threads. Nothing to do if stderr is gone.
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

void SetLevel(Level level) { min_level.store(level, std::memory_order_relaxed); }

bool ParseLevel(std::string_view name, Level* level) {
  for (Level candidate : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == Name(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

void Write(Level level, std::string_view message, Fields fields) {
  if (level < min_level.load(std::memory_order_relaxed)) return;
  Emit(level, message, fields);
}

void Always(std::string_view message, Fields fields) { Emit(Level::kInfo, message, fields); }

}  // namespace telemetry::log

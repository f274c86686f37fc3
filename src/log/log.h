// Logs: one JSON object per line on stderr, so that log pipelines (CloudWatch, Loki, jq) need no parsing rules:
//   {"time":"2021-10-04T09:00:00.123Z","level":"info","message":"listening","address":"0.0.0.0:8080"}
// Thread-safe: each line is one write(2), so lines of several threads never interleave.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <variant>

namespace telemetry::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Lines below `level` are dropped (default info). Set before the threads start.
void SetLevel(Level level);
// "debug", "info", "warn" or "error".
bool ParseLevel(std::string_view name, Level* level);

using Value = std::variant<std::string_view, std::int64_t, double>;
using Fields = std::initializer_list<std::pair<std::string_view, Value>>;

void Write(Level level, std::string_view message, Fields fields = {});
// Written whatever the level: the start-up line that says where the server listens (scripts wait for it).
void Always(std::string_view message, Fields fields = {});

inline void Debug(std::string_view message, Fields fields = {}) { Write(Level::kDebug, message, fields); }
inline void Info(std::string_view message, Fields fields = {}) { Write(Level::kInfo, message, fields); }
inline void Warn(std::string_view message, Fields fields = {}) { Write(Level::kWarn, message, fields); }
inline void Error(std::string_view message, Fields fields = {}) { Write(Level::kError, message, fields); }

}  // namespace telemetry::log

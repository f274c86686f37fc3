// The service's configuration: every flag, its environment fallback and its default, in one place.
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "http/server.h"
#include "storage/sqlite_store.h"

namespace telemetry {

struct Options {
  http::ServerOptions server;  // --listen, --threads and the HTTP limits
  std::string storage = "sqlite";  // --storage
  SqliteStoreOptions sqlite;       // --data-dir and the group commit settings
  // After SIGTERM/SIGINT, how long /readyz answers 503 while requests are still served, so a load balancer
  // notices and stops sending traffic before the listener closes.
  std::chrono::milliseconds drain_delay{0};
  // After the drain delay, how long requests under way may take before their connections are cut.
  std::chrono::milliseconds shutdown_grace{10000};
};

// What the command line asks for: options to run with, or an immediate exit (--help, --version, or an invalid
// configuration: exit code 2 with one line for stderr).
struct ExitNow {
  int code = 0;
  std::string message;  // for stdout when code is 0, stderr otherwise
};

// Parses flags; each flag falls back to its TELEMETRY_* environment variable, then to its default.
std::variant<Options, ExitNow> ParseOptions(int argc, const char* const* argv);

}  // namespace telemetry

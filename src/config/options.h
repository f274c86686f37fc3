// The service's configuration: every flag, its environment fallback and its default, in one place.
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "aws/dynamodb_client.h"
#include "api/ingest_options.h"
#include "http/server.h"
#include "log/log.h"
#include "storage/dynamodb_store.h"
#include "storage/sqlite_store.h"

namespace telemetry {

struct Options {
  http::ServerOptions server;  // --listen, --threads and the HTTP limits
  api::IngestOptions ingest;   // batch and line-protocol limits, the InfluxDB measurement
  std::string storage = "sqlite";  // --storage
  SqliteStoreOptions sqlite;       // --data-dir and the group commit settings
  // --storage dynamodb: --table (TABLE_NAME), --region (AWS_REGION, AWS_DEFAULT_REGION), --dynamodb-endpoint
  // (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL); credentials come from the standard AWS chain.
  aws::DynamoDbClientOptions dynamodb;
  DynamoDbStoreOptions dynamodb_store;
  // Create the table (on-demand billing) when it is missing, for local development.
  bool create_table = false;
  // After SIGTERM/SIGINT, how long /readyz answers 503 while requests are still served, so a load balancer
  // notices and stops sending traffic before the listener closes.
  std::chrono::milliseconds drain_delay{0};
  // --log-level: lines below it are dropped. --access-log: one line per request.
  log::Level log_level = log::Level::kInfo;
  bool access_log = false;
  // After the drain delay, how long requests under way may take before their connections are cut.
  std::chrono::milliseconds shutdown_grace{10000};
};

// What the command line asks for: options to run with, or an immediate exit (--help, --version, or an invalid
// configuration: exit code 2 with one line for stderr).
struct ExitNow {
  int code = 0;
  std::string message;  // for stdout when code is 0, stderr otherwise
};

// Parses flags; each flag falls back to its environment variable (TELEMETRY_*, or the AWS SDKs' names for the
// AWS settings), then to its default.
std::variant<Options, ExitNow> ParseOptions(int argc, const char* const* argv);

}  // namespace telemetry

// The service's configuration: every flag, its environment fallback and its default, in one place.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/influxql_result.h"
#include "api/ingest_options.h"
#include "aws/dynamodb_client.h"
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
  // --auth: "none" (anyone may call anything; a warning at start) or "token" (api/access_guard.h).
  std::string auth = "none";
  // The bootstrap admin token, from TELEMETRY_ADMIN_TOKEN or the file --admin-token-file names; empty: none.
  std::string admin_token;
  // --metrics-public: /metrics needs no token even with --auth token.
  bool metrics_public = false;
  // How old the in-memory copy of the tokens may get before a request waits for a fresh one: how soon a token
  // created or revoked elsewhere (another instance, `telemetryd token`) takes effect here.
  std::chrono::milliseconds token_refresh{5000};

  // Rate limits (token buckets): requests a second on average and at once, per client address and per token;
  // a rate of 0 turns the limit off. Off by default: behind a load balancer every client shares a few addresses
  // (see --trust-proxy), and a fleet's right rate is the operator's to know.
  double client_rate = 0, client_burst = 0;
  double token_rate = 0, token_burst = 0;
  // --trust-proxy: the client address is X-Forwarded-For's last entry (set by the load balancer in front).
  bool trust_proxy = false;
  // --cors-origins: the web origins whose pages may call the API from a browser (http/cors.h); "*": any. Empty: none.
  std::vector<std::string> cors_origins;
  // Requests being handled at once (waiting for the store) past which new ones get 503 with Retry-After.
  std::size_t max_inflight = 4096;
  // --max-query-readings: the most readings one InfluxQL statement reads for first, last, median, percentile and
  // stddev (api/influxql_select.h).
  std::size_t max_query_readings = api::kDefaultMaxReadingsFolded;
  // Most clients and tokens the rate limits track at once (memory stays bounded under a flood of addresses).
  std::size_t rate_limit_keys = 100000;

  // `telemetryd token create|list|revoke`: manage tokens in the configured store instead of serving.
  struct TokenCommand {
    std::string action;                // create, list or revoke
    std::string role;                  // create
    std::vector<std::string> sensors;  // create
    std::string id;                    // revoke
  };
  std::optional<TokenCommand> token_command;
  // `telemetryd backup DIR`: copy the embedded store into DIR instead of serving (storage/sqlite_backup.h).
  std::optional<std::string> backup_to;
  // `telemetryd verify`: check the embedded store's aggregates against its readings instead of serving
  // (storage/sqlite_verify.h).
  bool verify = false;
  // `telemetryd import-original TABLE`: copy the original service's DynamoDB table into the configured store instead
  // of serving (migrate/import_original.h).
  std::optional<std::string> import_original_table;
  // `telemetryd import-store DIR`: copy an embedded store's readings into the configured store instead of serving
  // (migrate/import_store.h).
  std::optional<std::string> import_store_dir;
  // With either import: a running telemetryd it writes into instead (migrate/server_target.h), and the token it
  // writes with.
  std::optional<std::string> import_into;
  std::string import_token;

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

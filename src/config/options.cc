#include "config/options.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "http/cors.h"

namespace telemetry {
namespace {

// "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces).
bool ParseListen(const std::string& text, http::ServerOptions& server) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  unsigned long number = std::stoul(port);
  if (number > 65535) return false;
  server.host = host.empty() ? "0.0.0.0" : host;
  server.port = static_cast<std::uint16_t>(number);
  return true;
}

// A bootstrap admin token shorter than this is refused: it guards everything.
constexpr std::size_t kMinAdminTokenChars = 32;

}  // namespace

std::variant<Options, ExitNow> ParseOptions(int argc, const char* const* argv) {
  Options options;
  options.server.threads = std::max(1u, std::thread::hardware_concurrency());

  CLI::App app("telemetryd: a telemetry service for temperature readings", "telemetryd");
  app.set_version_flag("--version", std::string("telemetryd ") + TELEMETRY_VERSION);
  app.get_formatter()->column_width(34);

  std::string listen = "0.0.0.0:8080";
  app.add_option("--listen", listen, "Address and port to serve HTTP on, HOST:PORT (port 0: any free port)")
      ->envname("TELEMETRY_LISTEN")
      ->capture_default_str();
  app.add_option("--storage", options.storage, "Where readings are stored: sqlite (embedded) or dynamodb")
      ->envname("TELEMETRY_STORAGE")
      ->check(CLI::IsMember({"sqlite", "dynamodb"}))
      ->capture_default_str();
  app.add_option("--table", options.dynamodb_store.table, "DynamoDB table (--storage dynamodb)")
      ->envname("TABLE_NAME");
  std::string region;
  app.add_option("--region", region, "AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION)");
  std::string endpoint;
  app.add_option("--dynamodb-endpoint", endpoint,
                 "DynamoDB endpoint URL, e.g. for DynamoDB Local (default: AWS_ENDPOINT_URL_DYNAMODB, then "
                 "AWS_ENDPOINT_URL, then the region's)");
  app.add_option("--dynamodb-max-attempts", options.dynamodb.max_attempts,
                 "Attempts per DynamoDB request while it throttles or fails, the first included; past them the "
                 "client gets 503 with Retry-After")
      ->envname("TELEMETRY_DYNAMODB_MAX_ATTEMPTS")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_flag("--create-table", options.create_table, "Create the DynamoDB table when it is missing")
      ->envname("TELEMETRY_CREATE_TABLE");
  app.add_option("--data-dir", options.sqlite.data_dir, "Folder of the embedded store, created if missing")
      ->envname("TELEMETRY_DATA_DIR")
      ->capture_default_str();
  app.add_option("--threads", options.server.threads, "HTTP I/O threads (default: one per core)")
      ->envname("TELEMETRY_THREADS")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  app.add_option("--max-batch-readings", options.ingest.max_batch_readings,
                 "Most readings (or line-protocol points) in one batch write (413 beyond)")
      ->envname("TELEMETRY_MAX_BATCH_READINGS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--max-decoded-body-bytes", options.ingest.max_decoded_bytes,
                 "Largest batch body once gzip is undone (413 beyond)")
      ->envname("TELEMETRY_MAX_DECODED_BODY_BYTES")
      ->capture_default_str();
  app.add_option(
         "--max-query-readings", options.max_query_readings,
         "Most readings one InfluxQL statement reads for first, last, median, percentile, stddev, top, bottom and "
         "integral")
      ->envname("TELEMETRY_MAX_QUERY_READINGS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000'000}))
      ->capture_default_str();
  app.add_option("--influx-measurement", options.ingest.influx_measurement,
                 "The InfluxDB line-protocol measurement that holds readings")
      ->envname("TELEMETRY_INFLUX_MEASUREMENT")
      ->capture_default_str();
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Least important log lines written: debug, info, warn or error")
      ->envname("TELEMETRY_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_flag("--access-log", options.access_log, "Log every request (one JSON line: request id, route, status, "
                                                   "duration)")
      ->envname("TELEMETRY_ACCESS_LOG");
  app.add_option("--max-body-bytes", options.server.body_limit,
                 "Largest request body accepted but for batch writes (413 beyond)")
      ->envname("TELEMETRY_MAX_BODY_BYTES")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  app.add_option(
         "--max-batch-body-bytes", options.server.batch_body_limit,
         "Largest batch write body accepted, as sent (POST /api/v1/readings, /write, /api/v2/write; 413 beyond)")
      ->envname("TELEMETRY_MAX_BATCH_BODY_BYTES")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  std::int64_t idle_seconds = options.server.idle_timeout.count();
  app.add_option("--idle-timeout", idle_seconds, "Seconds a keep-alive connection may stay idle")
      ->envname("TELEMETRY_IDLE_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  std::int64_t request_seconds = options.server.request_timeout.count();
  app.add_option("--request-timeout", request_seconds, "Seconds a request may take to arrive whole")
      ->envname("TELEMETRY_REQUEST_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  double drain_seconds = 0;
  app.add_option("--drain-seconds", drain_seconds,
                 "On SIGTERM, seconds to keep serving with /readyz at 503 before closing the listener")
      ->envname("TELEMETRY_DRAIN_SECONDS")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  double grace_seconds = 10;
  app.add_option("--shutdown-grace", grace_seconds, "On SIGTERM, seconds requests under way may take to finish")
      ->envname("TELEMETRY_SHUTDOWN_GRACE")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  std::int64_t commit_ms = options.sqlite.commit_interval.count();
  app.add_option("--commit-interval-ms", commit_ms,
                 "Milliseconds between commits of the log into SQLite (durability never waits for it)")
      ->envname("TELEMETRY_COMMIT_INTERVAL_MS")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  std::uint64_t min_free_mb = options.sqlite.min_free_bytes >> 20;
  app.add_option("--min-free-mb", min_free_mb,
                 "MiB the data directory's disk must keep free, at least twice --checkpoint-wal-mb plus 16: below it "
                 "writes get 507 (reads go on); 0: no check")
      ->envname("TELEMETRY_MIN_FREE_MB")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 30))
      ->capture_default_str();
  double sensor_idle_seconds = std::chrono::duration<double>(options.sqlite.sensor_idle).count();
  app.add_option("--sensor-idle-seconds", sensor_idle_seconds,
                 "Seconds after a sensor's last reading that the embedded store keeps its recent times in memory "
                 "(~0.3 KB; loaded again with one lookup at its next reading)")
      ->envname("TELEMETRY_SENSOR_IDLE_SECONDS")
      ->check(CLI::Range(0.001, 1e7))
      ->capture_default_str();
  app.add_option("--retention-days", options.sqlite.retention.days,
                 "Whole UTC days of readings the embedded store keeps: older ones are deleted at midnight UTC (and at "
                 "start) and refused when written; 0: forever")
      ->envname("TELEMETRY_RETENTION_DAYS")
      ->check(CLI::Range(std::int64_t{0}, kMostRetentionDays))
      ->capture_default_str();
  std::uint64_t checkpoint_wal_mb = options.sqlite.checkpoint_wal_bytes >> 20;
  app.add_option("--checkpoint-wal-mb", checkpoint_wal_mb,
                 "MiB SQLite's write-ahead log may reach before it is checkpointed into the database")
      ->envname("TELEMETRY_CHECKPOINT_WAL_MB")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  app.add_option("--auth", options.auth,
                 "none: anyone may call anything; token: every call but the health checks needs a token")
      ->envname("TELEMETRY_AUTH")
      ->check(CLI::IsMember({"none", "token"}))
      ->capture_default_str();
  std::string admin_token_file;
  app.add_option("--admin-token-file", admin_token_file,
                 "File holding a bootstrap admin token (or set TELEMETRY_ADMIN_TOKEN); it is not stored")
      ->envname("TELEMETRY_ADMIN_TOKEN_FILE");
  app.add_flag("--metrics-public", options.metrics_public, "Serve /metrics without a token under --auth token")
      ->envname("TELEMETRY_METRICS_PUBLIC");
  double token_refresh_seconds = 5;
  app.add_option("--token-refresh", token_refresh_seconds,
                 "Seconds within which a token created or revoked elsewhere takes effect here")
      ->envname("TELEMETRY_TOKEN_REFRESH")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();

  app.add_option("--max-connections", options.server.max_connections,
                 "Connections open at once; more get 503 and are closed")
      ->envname("TELEMETRY_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  app.add_option("--max-inflight", options.max_inflight,
                 "Requests handled at once (waiting for the store); more get 503 with Retry-After")
      ->envname("TELEMETRY_MAX_INFLIGHT")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  app.add_option("--client-rate", options.client_rate,
                 "Requests a second one client address may make on average (0: no limit); more get 429")
      ->envname("TELEMETRY_CLIENT_RATE")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  app.add_option("--client-burst", options.client_burst, "Requests one client address may make at once (default: "
                                                         "twice --client-rate, at least 1)")
      ->envname("TELEMETRY_CLIENT_BURST")
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--token-rate", options.token_rate,
                 "Requests a second one token may make on average (0: no limit); more get 429")
      ->envname("TELEMETRY_TOKEN_RATE")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  app.add_option("--token-burst", options.token_burst,
                 "Requests one token may make at once (default: twice --token-rate, at least 1)")
      ->envname("TELEMETRY_TOKEN_BURST")
      ->check(CLI::Range(0.0, 1e9));
  app.add_flag("--trust-proxy", options.trust_proxy,
               "Take the client address for rate limits from X-Forwarded-For (only behind a proxy that sets it)")
      ->envname("TELEMETRY_TRUST_PROXY");
  app.add_option("--cors-origins", options.cors_origins,
                 "Web origins (e.g. https://dash.example.com, comma-separated, or *) whose pages may call the API from "
                 "a browser; none by default")
      ->envname("TELEMETRY_CORS_ORIGINS")
      ->delimiter(',');

  app.add_option("--tls-cert", options.server.tls_cert,
                 "PEM certificate (chain) to serve HTTPS with, for deployments without a load balancer")
      ->envname("TELEMETRY_TLS_CERT");
  app.add_option("--tls-key", options.server.tls_key, "PEM private key of --tls-cert")->envname("TELEMETRY_TLS_KEY");

  Options::TokenCommand token_command;
  CLI::App* token = app.add_subcommand("token", "Manage API tokens in the configured store, then exit");
  token->fallthrough();
  token->require_subcommand(1);
  CLI::App* create = token->add_subcommand("create", "Make a token and print it (shown only this once)");
  create->add_option("--role", token_command.role, "device, reader or admin")->required();
  create->add_option("--sensor", token_command.sensors, "A sensor id a device token may write (repeatable)");
  CLI::App* list = token->add_subcommand("list", "Print every token's id, role and sensors (never the secrets)");
  CLI::App* revoke = token->add_subcommand("revoke", "Delete a token");
  revoke->add_option("id", token_command.id, "The token's id")->required();

  std::string backup_to;
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy the embedded store (--data-dir) into a new folder a server can start on, while it serves; exit");
  backup->fallthrough();
  backup->add_option("dir", backup_to, "The new folder")->required();
  CLI::App* verify = app.add_subcommand(
      "verify", "Check every statistic of the embedded store (--data-dir) against its readings, while it serves; exit");
  verify->fallthrough();
  std::string import_table;
  CLI::App* import_original = app.add_subcommand(
      "import-original",
      "Copy every reading of the original service's DynamoDB table (--region, --dynamodb-endpoint) into the "
      "configured store; exit");
  import_original->fallthrough();
  import_original->add_option("table", import_table, "The original's table")->required();
  std::string import_store_dir;
  CLI::App* import_store = app.add_subcommand(
      "import-store",
      "Copy every reading of an embedded store (a data directory not in use, or a backup) into the configured "
      "store; exit");
  import_store->fallthrough();
  import_store->add_option("dir", import_store_dir, "The embedded store's folder")->required();
  std::string import_into;
  for (CLI::App* import : {import_original, import_store}) {
    import->add_option("--into", import_into,
                       "A running telemetryd to write into (http://HOST:PORT) instead of the configured store");
    import->add_option("--token", options.import_token, "The bearer token --into writes with")
        ->envname("TELEMETRY_TOKEN");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& version) {
    return ExitNow{0, version.what()};
  } catch (const CLI::Success&) {  // --help
    return ExitNow{0, app.help()};
  } catch (const CLI::ParseError& error) {
    return ExitNow{2, std::string("telemetryd: ") + error.what() + " (see --help)"};
  }
  if (!ParseListen(listen, options.server)) {
    return ExitNow{2, "telemetryd: --listen must be HOST:PORT with a port from 0 to 65535, got \"" + listen + "\""};
  }
  log::ParseLevel(log_level, &options.log_level);  // CLI11 has checked the name
  options.server.idle_timeout = std::chrono::seconds(idle_seconds);
  options.server.request_timeout = std::chrono::seconds(request_seconds);
  options.drain_delay = std::chrono::milliseconds(static_cast<std::int64_t>(drain_seconds * 1000));
  options.shutdown_grace = std::chrono::milliseconds(static_cast<std::int64_t>(grace_seconds * 1000));
  options.sqlite.commit_interval = std::chrono::milliseconds(commit_ms);
  options.sqlite.sensor_idle = std::chrono::milliseconds(static_cast<std::int64_t>(sensor_idle_seconds * 1000));
  options.sqlite.checkpoint_wal_bytes = checkpoint_wal_mb << 20;
  options.sqlite.min_free_bytes = min_free_mb << 20;
  if (std::uint64_t least_mb = options.sqlite.least_min_free_bytes() >> 20;
      min_free_mb != 0 && min_free_mb < least_mb) {
    return ExitNow{2, "telemetryd: --min-free-mb must be 0 or at least twice --checkpoint-wal-mb plus 16 (" +
                          std::to_string(least_mb) + "), got " + std::to_string(min_free_mb)};
  }
  // "a,,b" or an empty TELEMETRY_CORS_ORIGINS (how a deployment says "none") name no origin "".
  std::erase(options.cors_origins, "");
  for (const std::string& origin : options.cors_origins) {
    if (std::string problem = http::CorsPolicy::CheckOrigin(origin); !problem.empty()) {
      return ExitNow{2, "telemetryd: --cors-origins: \"" + origin + "\": " + problem};
    }
  }
  if (options.client_burst == 0) options.client_burst = std::max(1.0, 2 * options.client_rate);
  if (options.token_burst == 0) options.token_burst = std::max(1.0, 2 * options.token_rate);
  options.token_refresh = std::chrono::milliseconds(static_cast<std::int64_t>(token_refresh_seconds * 1000));
  if (token->parsed()) {
    for (CLI::App* action : {create, list, revoke}) {
      if (action->parsed()) token_command.action = action->get_name();
    }
    options.token_command = std::move(token_command);
  }
  if (backup->parsed()) {
    if (options.storage != "sqlite") {
      return ExitNow{2,
                     "telemetryd: backup copies the embedded store; a DynamoDB table has its own backups "
                     "(point-in-time recovery, which deploy/terraform turns on)"};
    }
    options.backup_to = backup_to;
  }
  if (verify->parsed()) {
    if (options.storage != "sqlite") {
      return ExitNow{2,
                     "telemetryd: verify checks the embedded store; a DynamoDB table's aggregates are written in "
                     "the same transactions as its readings"};
    }
    options.verify = true;
  }
  if (import_original->parsed()) options.import_original_table = import_table;
  if (import_store->parsed()) options.import_store_dir = import_store_dir;
  if (!import_into.empty()) {
    if (import_into.rfind("http://", 0) != 0 && import_into.rfind("https://", 0) != 0) {
      return ExitNow{2, "telemetryd: --into takes a server's address, http://HOST:PORT or https://HOST:PORT"};
    }
    options.import_into = import_into;
  }

  if (!admin_token_file.empty()) {
    std::ifstream file(admin_token_file);
    if (!file) return ExitNow{2, "telemetryd: cannot read --admin-token-file " + admin_token_file};
    std::getline(file, options.admin_token);
  } else if (const char* admin_token = std::getenv("TELEMETRY_ADMIN_TOKEN")) {
    options.admin_token = admin_token;
  }
  while (!options.admin_token.empty() && std::isspace(static_cast<unsigned char>(options.admin_token.back()))) {
    options.admin_token.pop_back();
  }
  if (!options.admin_token.empty() && options.admin_token.size() < kMinAdminTokenChars) {
    return ExitNow{2, "telemetryd: the bootstrap admin token must have at least " +
                          std::to_string(kMinAdminTokenChars) + " characters (e.g. openssl rand -hex 32)"};
  }

  // The AWS settings fall back as the AWS SDKs do: the most specific variable first.
  auto first_set = [](std::initializer_list<const char*> names) -> std::string {
    for (const char* name : names) {
      if (const char* value = std::getenv(name); value && *value) return value;
    }
    return "";
  };
  if (region.empty()) region = first_set({"AWS_REGION", "AWS_DEFAULT_REGION"});
  if (endpoint.empty()) endpoint = first_set({"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"});
  if (options.import_original_table && region.empty() && endpoint.empty()) {
    return ExitNow{2, "telemetryd: import-original reads DynamoDB and needs a region: set AWS_REGION or --region"};
  }
  if (options.storage == "dynamodb") {
    if (options.dynamodb_store.table.empty()) {
      return ExitNow{2, "telemetryd: --storage dynamodb needs a table: set TABLE_NAME or --table"};
    }
    if (region.empty() && endpoint.empty()) {
      return ExitNow{2, "telemetryd: --storage dynamodb needs a region: set AWS_REGION or --region"};
    }
    if (!options.sqlite.retention.keeps_forever()) {
      return ExitNow{2,
                     "telemetryd: --retention-days is kept by the embedded store only; with --storage dynamodb "
                     "the table keeps every reading"};
    }
  }
  options.dynamodb.region = region.empty() ? "us-east-1" : region;
  options.dynamodb.endpoint = endpoint;
  return options;
}

}  // namespace telemetry

// telemetryd: wiring only. Parse options, open the store, start the server, wait for SIGTERM/SIGINT, stop cleanly.
#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/access_guard.h"
#include "api/batch_api.h"
#include "api/health_api.h"
#include "api/influx_api.h"
#include "api/influx_query_api.h"
#include "api/metrics_api.h"
#include "api/openapi_api.h"
#include "api/readings_api.h"
#include "api/seed_api.h"
#include "api/sensors_api.h"
#include "api/series_api.h"
#include "api/stats_api.h"
#include "api/tokens_api.h"
#include "auth/authenticator.h"
#include "auth/token_command.h"
#include "aws/credentials_chain.h"
#include "aws/curl_transport.h"
#include "aws/dynamodb_client.h"
#include "config/options.h"
#include "core/clock.h"
#include "http/router.h"
#include "http/server.h"
#include "log/log.h"
#include "migrate/import_original.h"
#include "migrate/import_store.h"
#include "migrate/server_target.h"
#include "storage/data_directory.h"
#include "storage/dynamodb_schema.h"
#include "storage/dynamodb_store.h"
#include "storage/dynamodb_token_store.h"
#include "storage/metered_store.h"
#include "storage/sqlite_backup.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_token_store.h"
#include "storage/sqlite_verify.h"

namespace {

// Blocks SIGTERM and SIGINT in this thread and every thread started after it, so that only sigwait() sees them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// The configured store with whatever it stands on; members are destroyed in reverse: the stores first.
struct OpenedStore {
  std::unique_ptr<telemetry::aws::CurlTransport> transport;
  std::unique_ptr<telemetry::aws::CredentialsProvider> credentials;
  std::unique_ptr<telemetry::aws::DynamoDbClient> client;
  std::unique_ptr<telemetry::TokenStore> tokens;
  std::unique_ptr<telemetry::Store> store;  // null when only the tokens were asked for
};

// A DynamoDB client with what it stands on, in `opened`; or the one line that says why there is none.
std::optional<telemetry::ExitNow> OpenDynamoDbClient(const telemetry::Options& options, OpenedStore& opened) {
  using namespace telemetry;
  opened.transport = std::make_unique<aws::CurlTransport>();
  auto credentials = aws::MakeDefaultCredentialsProvider(*opened.transport, aws::ProcessEnvironment);
  if (!credentials.ok()) return ExitNow{2, "telemetryd: " + credentials.status().message()};
  opened.credentials = std::move(credentials).value();
  opened.client = std::make_unique<aws::DynamoDbClient>(*opened.transport, *opened.credentials, options.dynamodb);
  return std::nullopt;
}

// The stores --storage names, or the one line that says why they cannot be had (and the exit code).
// `readings`: open the readings' store too, not only the tokens'.
std::variant<OpenedStore, telemetry::ExitNow> OpenStore(const telemetry::Options& options, bool readings) {
  using namespace telemetry;
  OpenedStore opened;
  if (options.storage == "sqlite") {
    // Checked first, in the flag's words: each file in it would otherwise report the folder's fault as its own.
    std::error_code unusable;
    std::filesystem::create_directories(options.sqlite.data_dir, unusable);
    if (unusable) {
      return ExitNow{2, "telemetryd: --data-dir " + options.sqlite.data_dir + " cannot be used: " + unusable.message()};
    }
    auto tokens = OpenSqliteTokenStore(options.sqlite.data_dir);
    if (!tokens.ok()) return ExitNow{1, "telemetryd: " + tokens.status().message()};
    opened.tokens = std::move(tokens).value();
    if (!readings) return opened;
    auto store = OpenSqliteStore(options.sqlite);
    if (!store.ok()) return ExitNow{1, "telemetryd: " + store.status().message()};
    opened.store = std::move(store).value();
    return opened;
  }
  if (std::optional<ExitNow> failed = OpenDynamoDbClient(options, opened)) return *failed;
  Status table = EnsureDynamoDbTable(*opened.client, options.dynamodb_store.table, options.create_table);
  if (!table.ok()) {
    return ExitNow{table.code() == StatusCode::kInvalidArgument ? 2 : 1, "telemetryd: " + table.message()};
  }
  opened.tokens = OpenDynamoDbTokenStore(*opened.client, options.dynamodb_store.table);
  if (readings) opened.store = OpenDynamoDbStore(*opened.client, options.dynamodb_store);
  return opened;
}

// A command's failure on stderr; its exit code: 2 for what the operator asked wrongly, 1 for what failed.
int CommandFailed(const telemetry::Status& status) {
  std::fprintf(stderr, "telemetryd: %s\n", status.message().c_str());
  return status.code() == telemetry::StatusCode::kInvalidArgument ? 2 : 1;
}

// `telemetryd backup DIR` (storage/sqlite_backup.h); the exit code.
int Backup(const telemetry::Options& options) {
  telemetry::Status done = telemetry::BackupSqliteStore(options.sqlite.data_dir, *options.backup_to);
  if (!done.ok()) return CommandFailed(done);
  std::printf("backed up %s into %s\n", options.sqlite.data_dir.c_str(), options.backup_to->c_str());
  return 0;
}

// `telemetryd verify` (storage/sqlite_verify.h); the exit code: 0 when everything agrees, 1 when not.
int Verify(const telemetry::Options& options) {
  using namespace telemetry;
  StatusOr<StoreVerification> verified = VerifySqliteStore(options.sqlite.data_dir);
  if (!verified.ok()) return CommandFailed(verified.status());
  for (const std::string& problem : verified->described) std::printf("%s\n", problem.c_str());
  if (verified->problems > static_cast<std::int64_t>(verified->described.size())) {
    std::printf("... %lld more\n", static_cast<long long>(verified->problems - verified->described.size()));
  }
  std::printf("%s: %lld readings of %lld sensors, %lld stored aggregates compared, %lld disagreements\n",
              verified->problems == 0 ? "verified" : "NOT VERIFIED", static_cast<long long>(verified->readings),
              static_cast<long long>(verified->sensors), static_cast<long long>(verified->rollup_rows),
              static_cast<long long>(verified->problems));
  return verified->problems == 0 ? 0 : 1;
}

// The one line that says why a command cannot go on, on stderr; its exit code.
int Exit(const telemetry::ExitNow& exit_now) {
  std::fprintf(stderr, "%s\n", exit_now.message.c_str());
  return exit_now.code;
}

// Where an import writes (migrate/import_target.h): with --into the running server it names, over `opened`'s
// transport (made here when there is none); else the configured store, opened into `opened`.
std::variant<std::unique_ptr<telemetry::migrate::ImportTarget>, telemetry::ExitNow> OpenImportTarget(
    const telemetry::Options& options, OpenedStore& opened) {
  using namespace telemetry;
  if (options.import_into) {
    if (!opened.transport) opened.transport = std::make_unique<aws::CurlTransport>();
    return std::make_unique<migrate::ServerTarget>(*opened.transport, *options.import_into, options.import_token);
  }
  auto store = OpenStore(options, /*readings=*/true);
  if (auto* exit_now = std::get_if<ExitNow>(&store)) return *exit_now;
  opened = std::move(std::get<OpenedStore>(store));
  return std::make_unique<migrate::StoreTarget>(*opened.store);
}

// What an import did, on stdout; the exit code.
int ImportDone(const std::string& source, const telemetry::StatusOr<telemetry::migrate::ImportReport>& imported) {
  if (!imported.ok()) return CommandFailed(imported.status());
  for (const std::string& line : imported->described) std::printf("%s\n", line.c_str());
  std::printf(
      "imported %s: %lld items, %lld readings stored, %lld already there, %lld conflicting (kept as they "
      "were), %lld refused",
      source.c_str(), static_cast<long long>(imported->items), static_cast<long long>(imported->stored),
      static_cast<long long>(imported->duplicates), static_cast<long long>(imported->conflicts),
      static_cast<long long>(imported->refused));
  if (imported->expired > 0) {
    std::printf(", %lld older than the retention (not stored)", static_cast<long long>(imported->expired));
  }
  std::printf("\n");
  return 0;
}

// The original service's table copied into the configured store, or with --into into a running telemetryd
// (migrate/import_original.h); the exit code.
int ImportOriginal(const telemetry::Options& options) {
  using namespace telemetry;
  OpenedStore opened;
  // With --into, the client first: the server's calls go over its transport.
  if (options.import_into) {
    if (std::optional<ExitNow> failed = OpenDynamoDbClient(options, opened)) return Exit(*failed);
  }
  auto target = OpenImportTarget(options, opened);
  if (auto* exit_now = std::get_if<ExitNow>(&target)) return Exit(*exit_now);
  if (!opened.client) {  // the embedded store: a client for the old table alone
    if (std::optional<ExitNow> failed = OpenDynamoDbClient(options, opened)) return Exit(*failed);
  }
  auto imported =
      migrate::ImportOriginalTable(*opened.client, *options.import_original_table, *std::get<0>(target), SystemNow());
  if (opened.store) opened.store->Close();
  return ImportDone(*options.import_original_table, imported);
}

// An embedded store's readings copied into the configured store, or with --into into a running telemetryd
// (migrate/import_store.h); the exit code.
int ImportStore(const telemetry::Options& options) {
  using namespace telemetry;
  const std::string& dir = *options.import_store_dir;
  std::error_code ignored;
  if (!std::filesystem::exists(InDataDirectory(dir, kReadingsDatabaseFile), ignored)) {
    return Exit(ExitNow{2, "telemetryd: no store in " + dir + " to import"});
  }
  SqliteStoreOptions source_options;
  source_options.data_dir = dir;
  source_options.min_free_bytes = 0;  // read, not written: only a replay of its log writes
  auto source = OpenSqliteStore(source_options);
  if (!source.ok()) {
    return Exit(ExitNow{1, "telemetryd: " + source.status().message() +
                               " (if a server is using it: import a backup of it, telemetryd backup)"});
  }
  OpenedStore opened;
  auto target = OpenImportTarget(options, opened);
  if (auto* exit_now = std::get_if<ExitNow>(&target)) return Exit(*exit_now);
  auto imported = migrate::ImportStore(**source, *std::get<0>(target));
  (*source)->Close();
  if (opened.store) opened.store->Close();
  return ImportDone(dir, imported);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace telemetry;
  auto parsed = ParseOptions(argc, argv);
  if (auto* exit_now = std::get_if<ExitNow>(&parsed)) {
    std::fprintf(exit_now->code == 0 ? stdout : stderr, "%s\n", exit_now->message.c_str());
    return exit_now->code;
  }
  Options& options = std::get<Options>(parsed);
  log::SetLevel(options.log_level);
  if (options.backup_to) return Backup(options);
  if (options.verify) return Verify(options);
  if (options.import_original_table) return ImportOriginal(options);
  if (options.import_store_dir) return ImportStore(options);
  if (options.token_command) {
    auto opened = OpenStore(options, /*readings=*/false);
    if (auto* exit_now = std::get_if<ExitNow>(&opened)) return Exit(*exit_now);
    return auth::RunTokenCommand(*options.token_command, *std::get<OpenedStore>(opened).tokens, SystemNow);
  }
  sigset_t stop_signals = BlockStopSignals();
  // A log line written to a pipe nobody reads any more (a log collector that died) raises SIGPIPE, whose default
  // ends the process without draining or committing: ignored, such a line is dropped (log.cc) and serving goes on.
  std::signal(SIGPIPE, SIG_IGN);

  // Declared first: the store and the server report to it until they are gone.
  api::ServiceMetrics service_metrics;
  options.sqlite.on_commit = options.dynamodb_store.on_commit = service_metrics.OnCommit();
  options.ingest.on_rejected = service_metrics.OnRejected();
  if (options.storage == "sqlite") options.sqlite.on_sensors_held = service_metrics.OnSensorsHeld();
  if (options.storage == "sqlite" && !options.sqlite.retention.keeps_forever()) {
    options.sqlite.on_expired = service_metrics.OnExpired();
  }

  auto opened = OpenStore(options, /*readings=*/true);
  if (auto* exit_now = std::get_if<ExitNow>(&opened)) return Exit(*exit_now);
  if (auto& client = std::get<OpenedStore>(opened).client) service_metrics.Watch(*client);
  if (options.storage == "sqlite") service_metrics.WatchDisk(options.sqlite.data_dir, options.sqlite.min_free_bytes);
  std::unique_ptr<Store> metered = MeterWrites(*std::get<OpenedStore>(opened).store, service_metrics.Writes());
  Store& store = *metered;

  std::atomic<bool> ready{true};
  http::Router router;
  router.SetCors(http::CorsPolicy(options.cors_origins));
  // Metrics see every answer; the access log too when asked for, and errors of the server always.
  router.SetObserver([metrics_observer = service_metrics.HttpObserver(),
                      access_log = options.access_log](const http::Router::Answered& answered) {
    metrics_observer(answered);
    if (!access_log && answered.status < 500) return;
    log::Write(answered.status >= 500 ? log::Level::kError : log::Level::kInfo, "request",
               {{"request_id", answered.request_id},
                {"method", answered.method},
                {"path", answered.path},
                {"route", answered.route},
                {"status", std::int64_t{answered.status}},
                {"duration_ms", std::chrono::duration<double, std::milli>(answered.took).count()}});
  });
  service_metrics.AddRoute(router);
  api::AddSeedApi(router, store, SystemNow, options.ingest.on_rejected);
  api::AddStatsApi(router, store);
  api::AddSeriesApi(router, store, SystemNow);
  api::AddSensorsApi(router, store);
  api::AddReadingsApi(router, store);
  api::AddOpenApi(router);
  api::AddBatchApi(router, store, SystemNow, options.ingest);
  api::AddInfluxApi(router, store, SystemNow, options.ingest);
  api::AddInfluxQueryApi(router, store, SystemNow,
                         {options.ingest.influx_measurement, options.max_query_readings, options.sqlite.retention});
  api::AddHealthApi(router, ready);

  std::unique_ptr<auth::Authenticator> authenticator;
  if (options.auth == "token") {
    TokenStore& tokens = *std::get<OpenedStore>(opened).tokens;
    authenticator = std::make_unique<auth::Authenticator>(tokens, options.admin_token, options.token_refresh);
    if (Status loaded = authenticator->Load(); !loaded.ok()) {
      std::fprintf(stderr, "telemetryd: cannot load tokens: %s\n", loaded.message().c_str());
      return 1;
    }
    api::AddTokensApi(router, tokens, *authenticator, SystemNow);
  } else {
    log::Warn("authentication is off (--auth none): whoever reaches this port may write and read everything");
  }
  std::optional<RateLimiter> client_limits, token_limits;
  if (options.client_rate > 0) client_limits.emplace(options.client_rate, options.client_burst, options.rate_limit_keys);
  if (options.token_rate > 0) token_limits.emplace(options.token_rate, options.token_burst, options.rate_limit_keys);
  api::GuardRoutes(router, {authenticator.get(), options.metrics_public, client_limits ? &*client_limits : nullptr,
                            token_limits ? &*token_limits : nullptr, options.trust_proxy, options.max_inflight});

  std::unique_ptr<http::Server> server;
  try {
    server = std::make_unique<http::Server>(options.server, router);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "telemetryd: %s\n", error.what());  // one plain line, as for any bad configuration
    return 2;
  }
  service_metrics.Watch(*server);
  server->Start();
  std::string where = options.storage == "sqlite" ? options.sqlite.data_dir
                                                  : "table " + options.dynamodb_store.table + " at " +
                                                        std::get<OpenedStore>(opened).client->endpoint();
  // An IPv6 address in brackets, as in a URL: "[::1]:8080", not "::1:8080".
  const std::string& host = options.server.host;
  std::string address = host.find(':') == std::string::npos ? host : "[" + host + "]";
  log::Always("listening on " + address + ":" + std::to_string(server->port()),
              {{"scheme", options.server.tls_cert.empty() ? "http" : "https"},
               {"storage", options.storage},
               {"where", where},
               {"version", TELEMETRY_VERSION}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::Info("stopping: draining", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  ready = false;
  std::this_thread::sleep_for(options.drain_delay);  // the load balancer's time to see /readyz fail
  server->Stop(options.shutdown_grace);
  store.Close();
  server.reset();
  std::get<OpenedStore>(opened).tokens.reset();  // its thread may be calling into the authenticator
  if (auto& client = std::get<OpenedStore>(opened).client) {
    log::Info("DynamoDB requests sent", {{"requests", static_cast<std::int64_t>(client->requests_sent())},
                                         {"retries", static_cast<std::int64_t>(client->retries_sent())}});
  }
  log::Info("stopped");
  return 0;
}

// telemetryd: wiring only. Parse options, open the store, start the server, wait for SIGTERM/SIGINT, stop cleanly.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "api/health_api.h"
#include "api/seed_api.h"
#include "api/stats_api.h"
#include "config/options.h"
#include "core/clock.h"
#include "http/router.h"
#include "http/server.h"
#include "storage/sqlite_store.h"

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

}  // namespace

int main(int argc, char** argv) {
  using namespace telemetry;
  auto parsed = ParseOptions(argc, argv);
  if (auto* exit_now = std::get_if<ExitNow>(&parsed)) {
    std::fprintf(exit_now->code == 0 ? stdout : stderr, "%s\n", exit_now->message.c_str());
    return exit_now->code;
  }
  const Options& options = std::get<Options>(parsed);
  sigset_t stop_signals = BlockStopSignals();

  auto store = OpenSqliteStore(options.sqlite);
  if (!store.ok()) {
    std::fprintf(stderr, "telemetryd: %s\n", store.status().message().c_str());
    return 1;
  }

  std::atomic<bool> ready{true};
  http::Router router;
  api::AddSeedApi(router, **store, SystemNow);
  api::AddStatsApi(router, **store);
  api::AddHealthApi(router, ready);

  std::unique_ptr<http::Server> server;
  try {
    server = std::make_unique<http::Server>(options.server, router);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "telemetryd: %s\n", error.what());
    return 2;
  }
  server->Start();
  std::fprintf(stderr, "telemetryd: listening on %s:%u (storage: %s in %s)\n", options.server.host.c_str(),
               static_cast<unsigned>(server->port()), options.storage.c_str(), options.sqlite.data_dir.c_str());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "telemetryd: %s received, draining\n", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  ready = false;
  std::this_thread::sleep_for(options.drain_delay);  // the load balancer's time to see /readyz fail
  server->Stop(options.shutdown_grace);
  (*store)->Close();
  server.reset();
  std::fprintf(stderr, "telemetryd: stopped\n");
  return 0;
}

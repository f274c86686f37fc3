// The HTTP/1.1 server: a listener and a pool of I/O threads, each with its own event loop, serving keep-alive and
// pipelined connections and handing every request to a Router.
//
//   Server server(options, router);   // binds, or throws std::runtime_error naming the address
//   server.Start();
//   ...
//   server.Stop(std::chrono::seconds(10));
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/router.h"

namespace telemetry::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0: any free port, see Server::port()
  unsigned threads = 1;       // I/O threads
  // Largest request body accepted (as sent); larger ones get a 413. A reading or a query takes a few hundred bytes.
  std::size_t body_limit = 1 << 20;
  // The same for the routes registered with Router::BodyLimit::kBatch (batch writes).
  std::size_t batch_body_limit = 16 << 20;
  // Largest request line plus headers accepted; larger ones get a 431.
  std::size_t header_limit = 16 << 10;
  // A keep-alive connection with no request under way is closed after this long.
  std::chrono::seconds idle_timeout{60};
  // A request must arrive whole (headers and body) within this long of its first byte; a response must be
  // taken by the client within this long.
  std::chrono::seconds request_timeout{30};
  // Connections open at once; past it a new connection gets a 503 with Retry-After and is closed. Raised to
  // fit the process' file limit (soft, raised to the hard limit when needed) if that is lower.
  std::size_t max_connections = 10000;
  // HTTPS: PEM files of the certificate (chain) and its private key; both empty: plain HTTP.
  std::string tls_cert;
  std::string tls_key;
  // Requests of one connection read ahead of their responses (HTTP pipelining) before reading pauses.
  std::size_t pipeline_limit = 16;
};

class Server {
 public:
  // Binds the listening socket (and loads the TLS certificate and key when given). Throws std::runtime_error
  // when it cannot.
  Server(const ServerOptions& options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful when options.port was 0).
  std::uint16_t port() const;

  // Connections open now. Thread-safe.
  std::size_t open_connections() const;

  // Starts accepting and serving on the I/O threads.
  void Start();

  // Stops accepting, closes idle connections, lets requests under way finish and answers them with
  // "Connection: close", then joins the threads. Connections still busy after `grace` are cut. Idempotent.
  void Stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemetry::http

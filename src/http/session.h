// One HTTP connection. Internal to the http folder: with server.cc, the only place that includes Beast.
//
// A session lives on one I/O loop and is touched only on that loop's thread, except through responders, which hop
// back to it. It reads requests ahead of their responses up to the pipeline limit, and writes responses strictly
// in request order, as many as are ready in one write.
//
// Timeouts are deadlines checked by the loop's once-a-second sweep (CloseIfExpired), not a timer per operation:
// re-arming a kernel timer for every read and write would cost system calls on the hot path.
#pragma once

#include <utility>  // before Asio: Boost 1.74 with g++ 12 needs it

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "http/router.h"
#include "http/server.h"
#include "http/session_registry.h"
#include "http/wire_format.h"

namespace telemetry::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const Router& router, const ServerOptions& options,
          SessionSet& loop_sessions, SessionCounter& counter);
  ~Session();

  // The rest run on the session's loop thread only.
  void Start();
  // Stops reading new requests, answers those under way (the last with "Connection: close"), then closes.
  void Shutdown();
  // Closes the connection if the client has kept it waiting past its deadline.
  void CloseIfExpired(std::chrono::steady_clock::time_point now);

 private:
  using Clock = std::chrono::steady_clock;
  using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  struct Exchange {
    std::optional<Response> response;  // empty while the handler works
    Framing framing;
  };

  void ReadNext();
  void ReadBody();
  void OnRequest();
  void OnReadError(boost::beast::error_code error);
  // Queues a response the session makes itself (e.g. 400 for a malformed request) and reads no further.
  void RespondAndClose(Response response);
  void Complete(std::uint64_t sequence, Response response);
  void WriteReady();
  void CloseIfDone();
  void Close();

  boost::asio::ip::tcp::socket socket_;
  std::string remote_address_;  // the peer's, looked up once per connection
  boost::beast::flat_buffer buffer_;
  std::optional<BeastRequestParser> parser_;
  const Router& router_;
  const ServerOptions& options_;
  SessionSet& loop_sessions_;
  SessionCounter& counter_;

  std::deque<Exchange> exchanges_;    // requests read and not yet answered on the wire, oldest first
  std::uint64_t first_sequence_ = 0;  // sequence number of exchanges_.front()
  std::string out_;                   // the bytes being written
  std::size_t writing_count_ = 0;     // exchanges whose bytes are in out_
  bool reading_ = false;
  bool request_started_ = false;  // bytes of the request being read have arrived
  bool read_closed_ = false;      // no more requests will be read
  bool closed_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
};

}  // namespace telemetry::http

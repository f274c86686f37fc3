// One HTTP connection. Internal to the http folder: the only header besides server.cc that includes Beast.
//
// A session lives on one I/O thread's event loop and is never touched from another thread, except through
// responders, which hop back to that loop. It reads requests ahead of their responses up to the pipeline limit
// and writes responses strictly in request order.
#pragma once

#include <utility>  // before Asio: Boost 1.74 with g++ 12 needs it

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "http/router.h"
#include "http/server.h"

namespace telemetry::http {

// Tracks the open sessions of the server, so that Stop() can reach them and wait for them.
class SessionRegistry;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, const Router& router, const ServerOptions& options,
          SessionRegistry& registry);
  ~Session();

  void Start();
  // From any thread: stop reading new requests, answer those under way (the last with "Connection: close"),
  // then close.
  void PostShutdown();

 private:
  using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

  struct Exchange {
    std::optional<Response> response;  // empty while the handler works
    unsigned version = 11;
    bool keep_alive = true;
    bool head = false;
  };

  void Shutdown();
  void ReadNext();
  void ReadHeader();
  void ReadBody();
  void OnRequest();
  void OnReadError(boost::beast::error_code error);
  // Queues a response the session makes itself (e.g. 400 for a malformed request) and stops reading.
  void RespondAndClose(Response response);
  void Complete(std::uint64_t sequence, Response response);
  void WriteNext();
  void Close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<BeastRequestParser> parser_;
  const Router& router_;
  const ServerOptions& options_;
  SessionRegistry& registry_;

  std::deque<Exchange> exchanges_;  // requests read and not yet answered on the wire, oldest first
  std::uint64_t first_sequence_ = 0;  // sequence number of exchanges_.front()
  std::optional<BeastResponse> out_;  // the response being written
  bool reading_ = false;
  bool writing_ = false;
  bool read_closed_ = false;  // no more requests will be read
};

}  // namespace telemetry::http

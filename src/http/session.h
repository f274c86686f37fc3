// One HTTP connection, plain or over TLS. Internal to the http folder: with server.cc, the only place that includes
// Beast.
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
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "http/beast_request.h"
#include "http/router.h"
#include "http/server.h"
#include "http/session_registry.h"
#include "http/wire_format.h"

namespace telemetry::http {

// What a loop knows of its sessions, whatever their stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Both run on the session's loop thread only.
  // Stops reading new requests, answers those under way (the last with "Connection: close"), then closes.
  virtual void Shutdown() = 0;
  // Closes the connection if the client has kept it waiting past its deadline.
  virtual void CloseIfExpired(std::chrono::steady_clock::time_point now) = 0;
};

// Stream: boost::asio::ip::tcp::socket (plain HTTP) or PlainOrTls's TLS stream (HTTPS).
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `tls`: the server's TLS context, for a TLS session; ignored for a plain one.
  Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls, const Router& router,
          const ServerOptions& options, SessionSet& loop_sessions, SessionCounter& counter);
  ~Session() override;

  // The rest run on the session's loop thread only.
  // Starts serving: over TLS, the handshake first (within the request timeout).
  void Start();
  void Shutdown() override;
  void CloseIfExpired(std::chrono::steady_clock::time_point now) override;

 private:
  using Clock = std::chrono::steady_clock;

  struct Exchange {
    std::optional<Response> response;  // empty while the handler works
    Framing framing;
  };

  // Over TLS, when the client's first byte is no TLS handshake: a plain-HTTP 400 saying so, then the close.
  void AnswerPlainHttp();
  void ReadNext();
  // Sets the parsed header's body limit: the batch limit on batch routes, else the request limit. False when the
  // announced length is over it.
  bool LimitBody();
  void ReadBody();
  void OnRequest();
  void OnReadError(boost::beast::error_code error);
  // Answers the request being read with a refusal the session makes itself (e.g. 400 for a malformed request)
  // through the router (request id, CORS, observer), and reads no further. `request`: what was read of it; the
  // header being parsed when empty.
  void Refuse(Response refusal, std::optional<Request> request = std::nullopt);
  void Complete(std::uint64_t sequence, Response response);
  void WriteReady();
  // After answers are on the wire: drops them, then writes what is ready next or closes.
  void FinishWritten();
  // A streamed body: asks the front answer's stream for a piece, then writes it.
  void PullPiece();
  void WritePiece(BodyPiece piece);
  void CloseIfDone();
  // Ends a wait for a next request that has not begun (shutting down). REQUIRES: nothing being written.
  void CancelIdleRead();
  void Close();

  Stream stream_;
  std::string remote_address_;  // the peer's, looked up once per connection
  boost::beast::flat_buffer buffer_;
  std::optional<BeastRequestParser> parser_;
  std::size_t body_limit_ = 0;  // of the request being read (LimitBody)
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
  bool handshaking_ = false;      // TLS: the handshake is under way
  bool streaming_ = false;        // the front answer's body is being streamed (writing_count_ is 1 meanwhile)
  Clock::time_point deadline_ = Clock::time_point::max();
};

using PlainSession = Session<boost::asio::ip::tcp::socket>;
using TlsSession = Session<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>;

}  // namespace telemetry::http

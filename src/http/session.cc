#include "http/session.h"

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

namespace telemetry::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

// The first byte of every TLS connection a client opens: the record type of its handshake (RFC 8446, 5.1).
constexpr unsigned char kTlsHandshakeRecord = 22;

// The TCP socket under a stream.
net::ip::tcp::socket& Socket(net::ip::tcp::socket& socket) { return socket; }
net::ip::tcp::socket& Socket(net::ssl::stream<net::ip::tcp::socket>& stream) { return stream.next_layer(); }

template <class Stream>
Stream MakeStream(net::ip::tcp::socket socket, net::ssl::context* tls) {
  if constexpr (std::is_same_v<Stream, net::ip::tcp::socket>) {
    return socket;
  } else {
    return Stream(std::move(socket), *tls);
  }
}

}  // namespace

template <class Stream>
Session<Stream>::Session(net::ip::tcp::socket socket, net::ssl::context* tls, const Router& router,
                         const ServerOptions& options, SessionSet& loop_sessions, SessionCounter& counter)
    : stream_(MakeStream<Stream>(std::move(socket), tls)), router_(router), options_(options), loop_sessions_(loop_sessions),
      counter_(counter) {
  counter_.Opened();
  beast::error_code ignored;
  remote_address_ = Socket(stream_).remote_endpoint(ignored).address().to_string();
}

template <class Stream>
Session<Stream>::~Session() {
  // Normally Close() already did this on the loop's thread; here only when the server is torn down with the
  // connection still open (the loops have stopped by then).
  if (!closed_) {
    loop_sessions_.Remove(this);
    counter_.Closed();
  }
}

template <class Stream>
void Session<Stream>::Start() {
  loop_sessions_.Add(this);
  if constexpr (std::is_same_v<Stream, net::ip::tcp::socket>) {
    ReadNext();
  } else {
    handshaking_ = true;
    deadline_ = Clock::now() + options_.request_timeout;
    // The first byte tells a TLS handshake (a record of type 22) from a client speaking plain HTTP to this port,
    // which is told so in plain HTTP instead of a handshake failure its user would see as an empty reply.
    Socket(stream_).async_wait(net::socket_base::wait_read, [self = this->shared_from_this()](beast::error_code error) {
      unsigned char first = 0;
      if (error || ::recv(Socket(self->stream_).native_handle(), &first, 1, MSG_PEEK) != 1) {
        self->read_closed_ = true;
        return self->Close();
      }
      if (first != kTlsHandshakeRecord) return self->AnswerPlainHttp();
      self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code handshake_error) {
        self->handshaking_ = false;
        if (handshake_error) {
          self->read_closed_ = true;
          return self->Close();
        }
        self->ReadNext();
      });
    });
  }
}

template <class Stream>
void Session<Stream>::AnswerPlainHttp() {
  read_closed_ = true;
  AppendResponseBytes(out_,
                      ErrorResponse(400, "https_required", "this port speaks HTTPS: send the request to https://"),
                      Framing{11, false, false});
  net::async_write(Socket(stream_), net::buffer(out_),
                   [self = this->shared_from_this()](beast::error_code, std::size_t) { self->Close(); });
}

template <class Stream>
void Session<Stream>::Shutdown() {
  if (read_closed_) return;
  read_closed_ = true;
  if (handshaking_) return Close();
  if (writing_count_ > 0 || streaming_) return;  // the write's end stops an idle read (FinishWritten)
  CancelIdleRead();
  CloseIfDone();
}

template <class Stream>
void Session<Stream>::CancelIdleRead() {
  if (reading_ && !request_started_ && buffer_.size() == 0 && !(parser_ && parser_->got_some())) {
    // Cancels every operation on the socket: only when nothing is being written.
    Socket(stream_).cancel();  // the idle wait for the next request ends with operation_aborted
  }
}

template <class Stream>
void Session<Stream>::CloseIfExpired(Clock::time_point now) {
  if (reading_ && !request_started_ && (buffer_.size() > 0 || (parser_ && parser_->got_some()))) {
    // The first bytes of a request arrived since the last sweep: from now on the request timeout applies.
    request_started_ = true;
    deadline_ = now + options_.request_timeout;
  }
  if (now >= deadline_) Close();
}

template <class Stream>
void Session<Stream>::ReadNext() {
  if (read_closed_ || reading_ || exchanges_.size() >= options_.pipeline_limit) return;
  reading_ = true;
  request_started_ = buffer_.size() > 0;
  deadline_ = Clock::now() + (request_started_ ? options_.request_timeout : options_.idle_timeout);
  parser_.emplace();
  Configure(*parser_, options_);
  bhttp::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->OnReadError(error);
    const auto& transfer_encoding = self->parser_->get()[bhttp::field::transfer_encoding];
    if (std::string_view coding = UnsupportedTransferCoding({transfer_encoding.data(), transfer_encoding.size()});
        !coding.empty()) {
      self->reading_ = false;
      return self->Refuse(ErrorResponse(
          501, "unsupported_transfer_coding",
          "Transfer-Encoding " + std::string(coding).substr(0, 100) +
              " is not supported: send the body as it is or chunked (batch writes take Content-Encoding: gzip)"));
    }
    if (!self->LimitBody()) return self->OnReadError(bhttp::error::body_limit);
    const auto& header = self->parser_->get();
    auto expect = header.find(bhttp::field::expect);
    // "100 Continue" only when nothing else is owed or being written: an interim answer must not overtake the
    // final answers to earlier pipelined requests, nor interleave with a write. Otherwise the client sends the
    // body after its own short wait, which RFC 9110 allows.
    bool nothing_owed = self->exchanges_.empty() && self->writing_count_ == 0;
    if (nothing_owed && expect != header.end() && beast::iequals(expect->value(), "100-continue") &&
        !self->parser_->is_done()) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(self->stream_, net::buffer(kContinue), [self](beast::error_code write_error, std::size_t) {
        if (write_error) return self->OnReadError(write_error);
        self->ReadBody();
      });
      return;
    }
    self->ReadBody();
  });
}

template <class Stream>
bool Session<Stream>::LimitBody() {
  body_limit_ = options_.body_limit;
  if (parser_->is_done()) return true;  // no body
  auto length = parser_->content_length();
  if (length && *length <= body_limit_) return true;  // most requests: the route need not be looked up
  const auto& header = parser_->get();
  std::string_view method(header.method_string().data(), header.method_string().size());
  if (router_.BodyLimitOf(method, TargetPath({header.target().data(), header.target().size()})) ==
      Router::BodyLimit::kBatch) {
    body_limit_ = options_.batch_body_limit;
  }
  if (length && *length > body_limit_) return false;
  parser_->body_limit(body_limit_);  // a chunked body is counted as it arrives
  return true;
}

template <class Stream>
void Session<Stream>::ReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->OnReadError(error);
    self->OnRequest();
  });
}

template <class Stream>
void Session<Stream>::OnReadError(beast::error_code error) {
  reading_ = false;
  if (error == bhttp::error::body_limit) {
    return Refuse(ErrorResponse(413, "body_too_large",
                                "the request body is larger than " + std::to_string(body_limit_) + " bytes"));
  }
  if (error == bhttp::error::header_limit) {
    return Refuse(
        ErrorResponse(431, "headers_too_large",
                      "the request headers are larger than " + std::to_string(options_.header_limit) + " bytes"));
  }
  if (error.category() == beast::error_code(bhttp::error::end_of_stream).category() &&
      error != bhttp::error::end_of_stream && error != bhttp::error::partial_message) {
    return Refuse(ErrorResponse(400, "malformed_request", "malformed HTTP request: " + error.message()));
  }
  // End of stream, reset, timeout or shutdown: nothing more to read. Answers under way are still written.
  read_closed_ = true;
  CloseIfDone();
}

template <class Stream>
void Session<Stream>::Refuse(Response refusal, std::optional<Request> request) {
  if (!request) {
    // What was read of the request: its header, when that was read whole. The connection closes after this answer.
    request.emplace();
    if (parser_ && parser_->is_header_done()) request = ToRequest(parser_->release());
  }
  request->remote_address = remote_address_;
  read_closed_ = true;
  router_.Refuse(*request, std::move(refusal), [this](Response answer) {
    exchanges_.push_back(Exchange{std::move(answer), Framing{11, false, false}});
    WriteReady();
  });
}

template <class Stream>
void Session<Stream>::OnRequest() {
  reading_ = false;
  BeastRequestParser::value_type beast_request = parser_->release();
  parser_.reset();
  // RFC 9112 3.2: an HTTP/1.1 request without a Host, or with two, is a 400 (two are how a request is smuggled past
  // a proxy that routes by one of them). HTTP/1.0 had none.
  if (std::size_t hosts = beast_request.count(bhttp::field::host); beast_request.version() >= 11 && hosts != 1) {
    return Refuse(ErrorResponse(400, "bad_host",
                                hosts == 0 ? "an HTTP/1.1 request needs a Host header"
                                           : "a request must have one Host header, not " + std::to_string(hosts)),
                  ToRequest(std::move(beast_request)));
  }

  bool keep_alive = beast_request.keep_alive();
  Framing framing{beast_request.version(), keep_alive, beast_request.method() == bhttp::verb::head};
  Request request = ToRequest(std::move(beast_request));
  request.remote_address = remote_address_;

  std::uint64_t sequence = first_sequence_ + exchanges_.size();
  exchanges_.push_back(Exchange{std::nullopt, framing});
  if (!keep_alive) read_closed_ = true;

  Responder respond = [self = this->shared_from_this(), sequence](Response response) {
    auto executor = self->stream_.get_executor();
    net::dispatch(executor, [self = std::move(self), sequence, response = std::move(response)]() mutable {
      self->Complete(sequence, std::move(response));
    });
  };
  router_.Dispatch(std::move(request), std::move(respond));
  ReadNext();
}

template <class Stream>
void Session<Stream>::Complete(std::uint64_t sequence, Response response) {
  if (closed_) return;
  exchanges_[sequence - first_sequence_].response = std::move(response);
  WriteReady();
}

template <class Stream>
void Session<Stream>::WriteReady() {
  if (writing_count_ > 0 || streaming_ || closed_) return;
  out_.clear();
  for (Exchange& exchange : exchanges_) {
    if (!exchange.response) break;
    bool streamed = exchange.response->stream != nullptr;
    if (streamed && writing_count_ > 0) break;  // the answers before a stream go out first
    ++writing_count_;
    // The last answer before the connection closes says so.
    bool last = read_closed_ && !reading_ && writing_count_ == exchanges_.size();
    if (last) exchange.framing.keep_alive = false;
    if (!streamed) {
      AppendResponseBytes(out_, *exchange.response, exchange.framing);
      if (!exchange.framing.keep_alive) break;
      continue;
    }
    if (exchange.framing.version == 10) exchange.framing.keep_alive = false;  // the close ends an HTTP/1.0 stream
    AppendStreamHead(out_, *exchange.response, exchange.framing);
    streaming_ = !exchange.framing.head;  // HEAD: the head is the whole answer
    break;
  }
  if (writing_count_ == 0) return;
  if (!reading_) deadline_ = Clock::now() + options_.request_timeout;  // the client must take its answers
  net::async_write(stream_, net::buffer(out_), [self = this->shared_from_this()](beast::error_code error, std::size_t) {
    if (error) {
      self->read_closed_ = true;
      return self->Close();
    }
    if (self->streaming_) return self->PullPiece();
    self->FinishWritten();
  });
}

template <class Stream>
void Session<Stream>::FinishWritten() {
  bool keep_alive = exchanges_[writing_count_ - 1].framing.keep_alive;
  for (; writing_count_ > 0; --writing_count_) {
    exchanges_.pop_front();
    ++first_sequence_;
  }
  if (!keep_alive) {
    read_closed_ = true;
    return Close();
  }
  WriteReady();
  ReadNext();
  if (read_closed_ && writing_count_ == 0 && !streaming_) CancelIdleRead();  // shutting down: nothing more to read
  CloseIfDone();
}

template <class Stream>
void Session<Stream>::PullPiece() {
  // Waiting for the producer (the store) is not the client's delay.
  if (!reading_) deadline_ = Clock::time_point::max();
  exchanges_.front().response->stream->Next([self = this->shared_from_this()](BodyPiece piece) {
    auto executor = self->stream_.get_executor();
    net::dispatch(executor, [self = std::move(self), piece = std::move(piece)]() mutable {
      self->WritePiece(std::move(piece));
    });
  });
}

template <class Stream>
void Session<Stream>::WritePiece(BodyPiece piece) {
  if (closed_) return;
  if (piece.then == BodyPiece::Then::kAbort) {
    read_closed_ = true;
    return Close();
  }
  bool last = piece.then == BodyPiece::Then::kEnd;
  out_.clear();
  AppendStreamPiece(out_, piece.data, last, exchanges_.front().framing);
  if (!reading_) deadline_ = Clock::now() + options_.request_timeout;
  net::async_write(stream_, net::buffer(out_),
                   [self = this->shared_from_this(), last](beast::error_code error, std::size_t) {
                     if (error) {
                       self->read_closed_ = true;
                       return self->Close();
                     }
                     if (!last) return self->PullPiece();
                     self->streaming_ = false;
                     self->FinishWritten();
                   });
}

template <class Stream>
void Session<Stream>::CloseIfDone() {
  if (read_closed_ && !reading_ && exchanges_.empty() && writing_count_ == 0) Close();
}

template <class Stream>
void Session<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  // Over TLS too, without a close_notify: every answer is delimited by its length, so the client loses nothing.
  Socket(stream_).shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  Socket(stream_).close(ignored);
  // Unregister here, on the loop's thread: the last reference to the session may go on a storage thread.
  loop_sessions_.Remove(this);
  counter_.Closed();
}

template class Session<net::ip::tcp::socket>;
template class Session<net::ssl::stream<net::ip::tcp::socket>>;

}  // namespace telemetry::http

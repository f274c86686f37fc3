#include "http/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/session_registry.h"

namespace telemetry::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

Session::Session(net::ip::tcp::socket socket, const Router& router, const ServerOptions& options,
                 SessionRegistry& registry)
    : stream_(std::move(socket)), router_(router), options_(options), registry_(registry) {}

Session::~Session() { registry_.Remove(this); }

void Session::Start() {
  registry_.Add(this, weak_from_this());
  ReadNext();
}

void Session::PostShutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Shutdown(); });
}

void Session::Shutdown() {
  if (read_closed_) return;
  read_closed_ = true;
  bool idle = buffer_.size() == 0 && (!parser_ || !parser_->got_some());
  if (reading_ && idle) {
    stream_.socket().cancel();  // the pending read ends with operation_aborted
  } else if (!reading_ && exchanges_.empty()) {
    Close();
  }
}

void Session::ReadNext() {
  if (read_closed_ || reading_ || exchanges_.size() >= options_.pipeline_limit) return;
  reading_ = true;
  parser_.emplace();
  parser_->body_limit(options_.body_limit);
  parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
  if (buffer_.size() > 0) {
    ReadHeader();
    return;
  }
  // Between requests the idle timeout applies; from a request's first byte on, the request timeout.
  stream_.expires_after(options_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code error, std::size_t n) {
    self->buffer_.commit(n);
    if (error) return self->OnReadError(error);
    self->ReadHeader();
  });
}

void Session::ReadHeader() {
  stream_.expires_after(options_.request_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->OnReadError(error);
    const auto& header = self->parser_->get();
    auto expect = header.find(bhttp::field::expect);
    if (expect != header.end() && beast::iequals(expect->value(), "100-continue") && !self->parser_->is_done()) {
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

void Session::ReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->OnReadError(error);
    self->OnRequest();
  });
}

void Session::OnReadError(beast::error_code error) {
  reading_ = false;
  if (error == bhttp::error::body_limit) {
    return RespondAndClose(ErrorResponse(413, "body_too_large", "the request body is larger than " +
                                                                    std::to_string(options_.body_limit) + " bytes"));
  }
  if (error == bhttp::error::header_limit) {
    return RespondAndClose(ErrorResponse(431, "headers_too_large", "the request headers are larger than " +
                                                                       std::to_string(options_.header_limit) + " bytes"));
  }
  if (error.category() == beast::error_code(bhttp::error::end_of_stream).category() &&
      error != bhttp::error::end_of_stream &&
      error != bhttp::error::partial_message) {
    return RespondAndClose(ErrorResponse(400, "malformed_request", "malformed HTTP request: " + error.message()));
  }
  // End of stream, timeout, reset or shutdown: nothing more to read. Answers under way are still written.
  read_closed_ = true;
  if (exchanges_.empty() && !writing_) Close();
}

void Session::RespondAndClose(Response response) {
  read_closed_ = true;
  exchanges_.push_back(Exchange{std::move(response), 11, false, false});
  WriteNext();
}

void Session::OnRequest() {
  reading_ = false;
  BeastRequestParser::value_type beast_request = parser_->release();
  parser_.reset();

  Request request;
  request.method = std::string(beast_request.method_string());
  std::string_view target(beast_request.target().data(), beast_request.target().size());
  std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.reserve(8);
  for (const auto& field : beast_request) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(beast_request.body());

  std::uint64_t sequence = first_sequence_ + exchanges_.size();
  exchanges_.push_back(Exchange{std::nullopt, beast_request.version(), beast_request.keep_alive(),
                                beast_request.method() == bhttp::verb::head});
  if (!beast_request.keep_alive()) read_closed_ = true;

  Responder respond = [self = shared_from_this(), sequence](Response response) {
    auto executor = self->stream_.get_executor();
    net::dispatch(executor, [self = std::move(self), sequence, response = std::move(response)]() mutable {
      self->Complete(sequence, std::move(response));
    });
  };
  router_.Dispatch(std::move(request), std::move(respond));
  ReadNext();
}

void Session::Complete(std::uint64_t sequence, Response response) {
  exchanges_[sequence - first_sequence_].response = std::move(response);
  WriteNext();
}

void Session::WriteNext() {
  if (writing_ || exchanges_.empty() || !exchanges_.front().response) return;
  Exchange& exchange = exchanges_.front();
  Response& response = *exchange.response;
  bool keep_alive = exchange.keep_alive && !(read_closed_ && exchanges_.size() == 1 && !reading_);

  out_.emplace(static_cast<bhttp::status>(response.status), exchange.version);
  out_->set(bhttp::field::server, "telemetryd");
  out_->set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out_->set(name, value);
  out_->keep_alive(keep_alive);
  out_->body() = std::move(response.body);
  out_->prepare_payload();
  if (exchange.head) out_->body().clear();  // Content-Length still tells the size a GET would have

  writing_ = true;
  if (!reading_) stream_.expires_after(options_.request_timeout);
  bhttp::async_write(stream_, *out_, [self = shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
    self->writing_ = false;
    self->out_.reset();
    self->exchanges_.pop_front();
    ++self->first_sequence_;
    if (error || !keep_alive) {
      self->read_closed_ = true;
      return self->Close();
    }
    self->WriteNext();
    self->ReadNext();
    if (self->read_closed_ && !self->reading_ && self->exchanges_.empty()) self->Close();
  });
}

void Session::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

}  // namespace telemetry::http

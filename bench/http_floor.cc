// telemetry_http_floor: the HTTP stack's own floor on this machine. A bare Boost.Beast server, built the way
// telemetryd's server is (one single-threaded io_context per thread, connections spread over them, HTTP/1.1
// keep-alive, the request read whole with a string body), that answers every request 200 with an empty body and
// does nothing else: no routing, no JSON, no storage, no logs or metrics. bench/put_vs_nginx.sh runs it beside nginx
// and telemetryd, so that what telemetryd costs above nginx splits into what the library costs and what telemetryd
// adds.
//
//   telemetry_http_floor [--threads N]   listens on a free loopback port and prints "listening on 127.0.0.1:PORT"
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>  // before Asio (Boost 1.74 with g++ 12)
#include <vector>

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(tcp::socket socket) : socket_(std::move(socket)) {}

  void ReadRequest() {
    request_.emplace();
    bhttp::async_read(socket_, buffer_, *request_,
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        if (!error) self->WriteResponse();
                      });
  }

 private:
  void WriteResponse() {
    response_ = {};
    response_.result(bhttp::status::ok);
    response_.version(request_->version());
    response_.keep_alive(request_->keep_alive());
    response_.set(bhttp::field::server, "floor");
    response_.prepare_payload();
    bhttp::async_write(socket_, response_, [self = shared_from_this()](boost::system::error_code error, std::size_t) {
      if (!error && self->response_.keep_alive()) self->ReadRequest();
    });
  }

  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<bhttp::request<bhttp::string_body>> request_;
  bhttp::response<bhttp::empty_body> response_;
};

class Server {
 public:
  explicit Server(unsigned threads) : loops_(MakeLoops(threads)), acceptor_(*loops_.front()) {
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    std::cerr << "listening on 127.0.0.1:" << acceptor_.local_endpoint().port() << std::endl;
  }

  void Run() {
    Accept();
    std::vector<std::thread> threads;
    for (auto& loop : loops_) {
      threads.emplace_back([&loop] {
        auto guard = net::make_work_guard(*loop);
        loop->run();
      });
    }
    for (auto& thread : threads) thread.join();
  }

 private:
  void Accept() {
    // Each connection lives on the next loop in turn, as telemetryd spreads them.
    net::io_context& loop = *loops_[next_loop_++ % loops_.size()];
    acceptor_.async_accept(loop, [this](boost::system::error_code error, tcp::socket socket) {
      if (!error) {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Connection>(std::move(socket))->ReadRequest();
      }
      Accept();
    });
  }

  static std::vector<std::unique_ptr<net::io_context>> MakeLoops(unsigned threads) {
    std::vector<std::unique_ptr<net::io_context>> loops;
    for (unsigned i = 0; i < threads; ++i) loops.push_back(std::make_unique<net::io_context>(1));
    return loops;
  }

  std::vector<std::unique_ptr<net::io_context>> loops_;
  tcp::acceptor acceptor_;
  std::size_t next_loop_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else {
      std::cerr << "usage: telemetry_http_floor [--threads N]\n";
      return 2;
    }
  }
  Server(threads).Run();
}

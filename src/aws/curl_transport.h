// HttpTransport over libcurl's multi interface: one thread drives every transfer over a fixed pool of 64
// connections, kept alive and reused (TLS sessions too; calls past the pool wait for a free one), and callbacks run
// on that thread.
#pragma once

#include <memory>

#include "aws/http_transport.h"

namespace telemetry::aws {

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport();
  // Fails the calls still under way ("transport closed") and joins the thread.
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void Send(HttpCall call, std::function<void(HttpResult)> done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemetry::aws

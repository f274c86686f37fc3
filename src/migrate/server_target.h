// ServerTarget: `telemetryd import-original TABLE --into URL` writes into a running telemetryd through its batch API
// (POST /api/v1/readings, JSON), with a bearer token when given (--auth token: a device token of its sensors, or an
// admin token).
//
// The server's answer says what became of each batch: the readings stored and found already there, and each
// conflict by its position. A 413 (the server takes fewer readings per request, --max-batch-readings) halves the
// readings per request from then on; a 503 or 429 (the server is busy, or DynamoDB throttles) is retried after a
// second, for up to a minute in a row. Anything else ends the import with what the server said; what was written
// before is durable, and a rerun finds it there.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "aws/http_transport.h"
#include "migrate/import_target.h"

namespace telemetry::migrate {

class ServerTarget final : public ImportTarget {
 public:
  // `url`: the server's base, "http://HOST:PORT" (or https). `token`: empty for none.
  ServerTarget(aws::HttpTransport& transport, std::string url, std::string token);

  StatusOr<WrittenBatch> Write(const std::vector<Reading>& readings) override;

 private:
  // One request of `readings`, whose positions in the batch start at `first`; retried while the server is busy.
  // kResourceExhausted: the server takes fewer readings per request.
  Status Post(std::span<const Reading> readings, std::size_t first, WrittenBatch& written);

  aws::HttpTransport& transport_;
  std::string url_;
  std::string token_;
  std::size_t per_request_;  // readings per request: halved at each 413
};

}  // namespace telemetry::migrate

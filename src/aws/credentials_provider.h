// Where the AWS clients get the credentials they sign with. Current() never blocks on the network: providers that
// fetch credentials (the ECS task role, EC2 instance metadata) refresh them in the background before they expire.
#pragma once

#include "aws/sigv4.h"
#include "core/status.h"

namespace telemetry::aws {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // The credentials to sign with now; kUnavailable (retry later) when none could be had yet. Thread-safe.
  virtual StatusOr<Credentials> Current() = 0;
};

// Fixed credentials, e.g. from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials) : credentials_(std::move(credentials)) {}
  StatusOr<Credentials> Current() override { return credentials_; }

 private:
  const Credentials credentials_;
};

}  // namespace telemetry::aws

// The standard AWS credentials chain, as the AWS SDKs resolve it, first match wins:
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)
//   2. the ECS task role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2), or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE
//      (how the Fargate deployment gets credentials)
//   3. EC2 instance metadata, IMDSv2 (session token first), unless AWS_EC2_METADATA_DISABLED=true;
//      AWS_EC2_METADATA_SERVICE_ENDPOINT overrides http://169.254.169.254
// Fetched credentials are refreshed in the background well before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aws/credentials_provider.h"
#include "aws/http_transport.h"
#include "core/clock.h"
#include "core/status.h"

namespace telemetry::aws {

// Reads an environment variable; injected so tests need not change the process environment.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> ProcessEnvironment(const std::string& name);

// Credentials with the instant they stop working (kMaxTime: never).
struct ExpiringCredentials {
  Credentials credentials;
  TimeNs expiration = kMaxTime;
};

// Parses the JSON both the ECS endpoint and IMDS answer with:
//   {"AccessKeyId":"…","SecretAccessKey":"…","Token":"…","Expiration":"2026-11-29T10:00:00Z"}
// kInvalidArgument naming what is missing or malformed (IMDS's "Code" other than "Success" included).
StatusOr<ExpiringCredentials> ParseCredentialsJson(std::string_view json);

struct CredentialsRefresh {
  // Fetched credentials are refreshed this long before they expire (the AWS SDKs use 5 to 15 minutes).
  std::chrono::nanoseconds margin = std::chrono::minutes(10);
  // A failed fetch is tried again after this long; also the shortest wait between two refreshes.
  std::chrono::nanoseconds retry_delay = std::chrono::seconds(30);
  // One fetch's limit.
  std::chrono::milliseconds timeout{5000};
};

// Resolves the chain. Fetches the first credentials before returning (blocking: call at start-up, not on an I/O
// thread). kUnavailable when no source yields credentials, saying which source was tried and what it answered.
// REQUIRES: `transport` outlives the provider.
StatusOr<std::unique_ptr<CredentialsProvider>> MakeDefaultCredentialsProvider(HttpTransport& transport,
                                                                              const Environment& environment,
                                                                              Clock clock = SystemNow,
                                                                              CredentialsRefresh refresh = {});

}  // namespace telemetry::aws

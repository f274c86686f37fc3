// AWS Signature Version 4 for requests with headers (not presigned URLs), as DynamoDB's JSON protocol needs.
//
//   SignableRequest request{"POST", "/", "", {{"Host", "dynamodb.eu-west-1.amazonaws.com"}, ...}, body};
//   Sign(request, credentials, {"eu-west-1", "dynamodb"}, now);   // adds X-Amz-Date, the token, Authorization
//
// Every header of the request is signed. Paths are normalised (dot segments removed, repeated slashes merged) and
// each byte outside RFC 3986's unreserved set is percent-encoded, as for every service but S3; query parameters
// are decoded, re-encoded and sorted. Verified against AWS's test suite (tests/unit/sigv4_test.cc).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace telemetry::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term credentials
};

struct SigningScope {
  std::string region;   // e.g. "eu-west-1"
  std::string service;  // e.g. "dynamodb"
};

// A request as it will go on the wire.
struct SignableRequest {
  std::string method;
  std::string path;   // before '?', as sent
  std::string query;  // after '?', as sent; empty when none
  std::vector<std::pair<std::string, std::string>> headers;  // in order; a name may repeat
  std::string body;
};

// Task 1: the canonical request.
std::string CanonicalRequest(const SignableRequest& request);
// The signed header names: lower-case, sorted, ';'-separated ("host;x-amz-date").
std::string SignedHeaders(const SignableRequest& request);
// Task 2: the string to sign. `amz_date` is the X-Amz-Date value ("20150830T123600Z").
std::string StringToSign(std::string_view amz_date, const SigningScope& scope, std::string_view canonical_request);
// Task 3: the hex signature of a string to sign.
std::string Signature(const Credentials& credentials, std::string_view amz_date, const SigningScope& scope,
                      std::string_view string_to_sign);
// Task 4: the Authorization header's value for the request as it is.
std::string Authorization(const Credentials& credentials, std::string_view amz_date, const SigningScope& scope,
                          const SignableRequest& request);

// Sets X-Amz-Date to `now` and, when the credentials carry a session token, X-Amz-Security-Token (both signed,
// replacing any already there), then adds the Authorization header.
void Sign(SignableRequest& request, const Credentials& credentials, const SigningScope& scope, TimeNs now);

// "20150830T123600Z"
std::string AmzDate(TimeNs time);

}  // namespace telemetry::aws

#include "aws/dynamodb_client.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <future>

#include "core/ascii.h"

namespace telemetry::aws {
namespace {

constexpr std::array<std::string_view, 3> kThrottlingErrors = {"ProvisionedThroughputExceededException",
                                                               "ThrottlingException", "RequestLimitExceeded"};
constexpr std::array<std::string_view, 4> kTransientErrors = {"InternalServerError", "ServiceUnavailable",
                                                              "TransactionConflictException",
                                                              "TransactionInProgressException"};

std::string DefaultEndpoint(const DynamoDbClientOptions& options) {
  if (!options.endpoint.empty()) {
    std::string endpoint = options.endpoint;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    return endpoint;
  }
  return "https://dynamodb." + options.region + ".amazonaws.com";
}

std::string HostOf(const std::string& endpoint) {
  std::size_t start = endpoint.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return endpoint.substr(start, endpoint.find('/', start) - start);
}

double UniformRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

bool DynamoDbResponse::throttled() const {
  return std::any_of(kThrottlingErrors.begin(), kThrottlingErrors.end(),
                     [&](std::string_view name) { return EqualsIgnoringAsciiCase(error_type, name); });
}

void ParseDynamoDbError(DynamoDbResponse& response) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (parser.parse(response.body).get(document)) {
    response.error_type = response.http_status >= 500 ? "InternalServerError" : "UnknownError";
    response.error_message = response.body.substr(0, 200);
    return;
  }
  std::string_view type;
  if (!document["__type"].get(type)) {
    std::size_t hash = type.rfind('#');
    response.error_type = std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
  }
  simdjson::dom::object object;
  if (!document.get_object().get(object)) {
    for (auto field : object) {
      std::string_view message;
      if (EqualsIgnoringAsciiCase(field.key, "message") && !field.value.get(message))
        response.error_message = std::string(message);
    }
  }
  // JSON that names no error (a proxy's or a stub's answer): keep enough of it to diagnose.
  if (response.error_type.empty()) {
    response.error_type = response.http_status >= 500 ? "InternalServerError" : "UnknownError";
  }
  if (response.error_message.empty()) response.error_message = response.body.substr(0, 200);
}

bool IsRetryable(const DynamoDbResponse& response) {
  if (response.http_status == 0 || response.http_status >= 500) return true;
  if (response.throttled()) return true;
  return std::any_of(kTransientErrors.begin(), kTransientErrors.end(),
                     [&](std::string_view name) { return EqualsIgnoringAsciiCase(response.error_type, name); });
}

std::chrono::milliseconds BackoffDelay(const DynamoDbClientOptions& options, int retry, double uniform) {
  double ceiling = static_cast<double>(options.base_backoff.count()) * std::ldexp(1.0, std::min(retry - 1, 30));
  ceiling = std::min(ceiling, static_cast<double>(options.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(uniform * ceiling));
}

struct DynamoDbClient::Attempt {
  std::string operation;
  std::string body;
  std::function<void(DynamoDbResponse)> done;
  int attempts = 0;
};

DynamoDbClient::DynamoDbClient(HttpTransport& transport, CredentialsProvider& credentials,
                               DynamoDbClientOptions options, Clock clock)
    : transport_(transport),
      credentials_(credentials),
      options_(std::move(options)),
      clock_(std::move(clock)),
      endpoint_(DefaultEndpoint(options_)),
      host_(HostOf(endpoint_)) {}

DynamoDbClient::~DynamoDbClient() {
  std::unique_lock lock(mu_);
  closing_ = true;
  idle_.wait(lock, [this] { return calls_under_way_ == 0; });
}

bool DynamoDbClient::closing() {
  std::lock_guard lock(mu_);
  return closing_;
}

void DynamoDbClient::Finish(Attempt& attempt, DynamoDbResponse response) {
  attempt.done(std::move(response));
  std::lock_guard lock(mu_);
  if (--calls_under_way_ == 0) idle_.notify_all();
}

void DynamoDbClient::Call(std::string operation, std::string body, std::function<void(DynamoDbResponse)> done) {
  {
    std::lock_guard lock(mu_);
    ++calls_under_way_;
  }
  auto attempt = std::make_shared<Attempt>();
  attempt->operation = std::move(operation);
  attempt->body = std::move(body);
  attempt->done = std::move(done);
  Send(std::move(attempt));
}

DynamoDbResponse DynamoDbClient::CallAndWait(std::string operation, std::string body) {
  std::promise<DynamoDbResponse> answer;
  Call(std::move(operation), std::move(body), [&](DynamoDbResponse response) { answer.set_value(std::move(response)); });
  return answer.get_future().get();
}

void DynamoDbClient::Send(std::shared_ptr<Attempt> attempt) {
  if (closing()) {
    DynamoDbResponse response;
    response.error_type = "ClientClosing";
    response.error_message = "the DynamoDB client is shutting down";
    response.attempts = attempt->attempts;
    return Finish(*attempt, std::move(response));
  }
  ++attempt->attempts;
  StatusOr<Credentials> credentials = credentials_.Current();
  if (!credentials.ok()) {
    // Treated like a network failure: retried within the budget, then reported.
    return OnAnswer(std::move(attempt), HttpResult{0, "", "no AWS credentials: " + credentials.status().message()});
  }
  SignableRequest request{"POST", "/", "",
                          {{"Host", host_},
                           {"Content-Type", "application/x-amz-json-1.0"},
                           {"X-Amz-Target", "DynamoDB_20120810." + attempt->operation}},
                          attempt->body};
  Sign(request, *credentials, SigningScope{options_.region, "dynamodb"}, clock_());
  requests_sent_.fetch_add(1, std::memory_order_relaxed);
  if (attempt->attempts > 1) retries_sent_.fetch_add(1, std::memory_order_relaxed);
  HttpCall call{"POST", endpoint_ + "/", std::move(request.headers), attempt->body, options_.attempt_timeout};
  transport_.Send(std::move(call), [this, attempt](HttpResult result) { OnAnswer(attempt, std::move(result)); });
}

void DynamoDbClient::OnAnswer(std::shared_ptr<Attempt> attempt, HttpResult result) {
  DynamoDbResponse response;
  response.http_status = result.status;
  response.body = std::move(result.body);
  response.attempts = attempt->attempts;
  if (result.status == 0) {
    response.error_type = "NetworkError";
    response.error_message = result.error;
  } else if (result.status != 200) {
    ParseDynamoDbError(response);
  }
  if (response.throttled()) throttles_.fetch_add(1, std::memory_order_relaxed);
  if (response.ok() || !IsRetryable(response) || attempt->attempts >= options_.max_attempts || closing()) {
    return Finish(*attempt, std::move(response));
  }
  auto delay = BackoffDelay(options_, attempt->attempts, UniformRandom());
  retries_.RunAfter(delay, [this, attempt, response = std::move(response)](bool ran) mutable {
    if (ran) return Send(std::move(attempt));
    response.error_message = "the client closed while waiting to retry: " + response.error_message;
    Finish(*attempt, std::move(response));
  });
}

}  // namespace telemetry::aws

#include "aws/credentials_chain.h"

#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>

#include "aws/delay_queue.h"

namespace telemetry::aws {
namespace {

using FetchDone = std::function<void(StatusOr<ExpiringCredentials>)>;
using Fetcher = std::function<void(FetchDone)>;

// Credentials from a Fetcher, cached and refreshed before they expire. A fetch under way when the provider goes
// holds only the shared state, which then schedules nothing more.
class FetchedCredentialsProvider final : public CredentialsProvider {
 public:
  FetchedCredentialsProvider(Fetcher fetch, Clock clock, CredentialsRefresh refresh)
      : shared_(std::make_shared<Shared>()) {
    shared_->fetch = std::move(fetch);
    shared_->clock = std::move(clock);
    shared_->refresh = refresh;
    shared_->refreshes = &refreshes_;
  }

  ~FetchedCredentialsProvider() override {
    std::lock_guard lock(shared_->mu);
    shared_->alive = false;
  }

  // The first fetch, waited for.
  Status Start() {
    std::promise<Status> first;
    shared_->fetch([shared = shared_, &first](StatusOr<ExpiringCredentials> fetched) {
      first.set_value(Keep(shared, std::move(fetched)));
    });
    return first.get_future().get();
  }

  StatusOr<Credentials> Current() override {
    std::lock_guard lock(shared_->mu);
    if (!shared_->current || shared_->clock() >= shared_->current->expiration) {
      return Status(StatusCode::kUnavailable,
                    "the AWS credentials expired and could not be refreshed: " + shared_->last_error);
    }
    return shared_->current->credentials;
  }

 private:
  struct Shared {
    Fetcher fetch;
    Clock clock;
    CredentialsRefresh refresh;
    std::mutex mu;
    std::optional<ExpiringCredentials> current;  // GUARDED_BY(mu)
    std::string last_error;                      // GUARDED_BY(mu)
    bool alive = true;                           // GUARDED_BY(mu): false once the provider is going
    DelayQueue* refreshes = nullptr;             // usable while alive
  };

  // Keeps fetched credentials (or the error) and schedules the next refresh.
  static Status Keep(const std::shared_ptr<Shared>& shared, StatusOr<ExpiringCredentials> fetched) {
    std::lock_guard lock(shared->mu);
    std::chrono::nanoseconds next_refresh = shared->refresh.retry_delay;
    if (fetched.ok()) {
      shared->current = *fetched;
      if (fetched->expiration == kMaxTime) return Status::Ok();  // never expires: nothing to refresh
      auto until_refresh = std::chrono::nanoseconds(fetched->expiration - shared->clock()) - shared->refresh.margin;
      next_refresh = std::max(until_refresh, shared->refresh.retry_delay);
    } else {
      shared->last_error = fetched.status().message();
    }
    if (shared->alive) {
      shared->refreshes->RunAfter(next_refresh, [shared](bool ran) {
        if (ran) shared->fetch([shared](StatusOr<ExpiringCredentials> again) { (void)Keep(shared, std::move(again)); });
      });
    }
    return fetched.status();
  }

  std::shared_ptr<Shared> shared_;
  DelayQueue refreshes_;
};

std::string ReadWholeFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  std::string text = contents.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The ECS container credentials endpoint.
Fetcher EcsFetcher(HttpTransport& transport, std::string url, std::string authorization,
                   std::chrono::milliseconds timeout) {
  return [&transport, url, authorization, timeout](FetchDone done) {
    HttpCall call{"GET", url, {}, "", timeout};
    if (!authorization.empty()) call.headers.emplace_back("Authorization", authorization);
    transport.Send(std::move(call), [done, url](HttpResult result) {
      if (result.status != 200) {
        return done(Status(StatusCode::kUnavailable, "the ECS credentials endpoint " + url + " answered " +
                                                         (result.status ? std::to_string(result.status)
                                                                        : result.error)));
      }
      done(ParseCredentialsJson(result.body));
    });
  };
}

// EC2 instance metadata, IMDSv2: a session token, then the role's name, then its credentials.
Fetcher ImdsFetcher(HttpTransport& transport, std::string endpoint, std::chrono::milliseconds timeout) {
  return [&transport, endpoint, timeout](FetchDone done) {
    auto fail = [done](std::string step, const HttpResult& result) {
      done(Status(StatusCode::kUnavailable, "instance metadata (" + step + ") answered " +
                                                (result.status ? std::to_string(result.status) : result.error)));
    };
    HttpCall token_call{"PUT", endpoint + "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                        "", timeout};
    transport.Send(std::move(token_call), [&transport, endpoint, timeout, done, fail](HttpResult token) {
      if (token.status != 200) return fail("token", token);
      std::string base = endpoint + "/latest/meta-data/iam/security-credentials/";
      std::vector<std::pair<std::string, std::string>> headers{{"X-aws-ec2-metadata-token", token.body}};
      transport.Send(HttpCall{"GET", base, headers, "", timeout},
                     [&transport, base, headers, timeout, done, fail](HttpResult role) {
                       if (role.status != 200) return fail("role", role);
                       std::string name = role.body.substr(0, role.body.find('\n'));
                       transport.Send(HttpCall{"GET", base + name, headers, "", timeout},
                                      [done, fail](HttpResult credentials) {
                                        if (credentials.status != 200) return fail("credentials", credentials);
                                        done(ParseCredentialsJson(credentials.body));
                                      });
                     });
    });
  };
}

}  // namespace

std::optional<std::string> ProcessEnvironment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

StatusOr<ExpiringCredentials> ParseCredentialsJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (parser.parse(json.data(), json.size()).get(document)) {
    return InvalidArgument("the credentials answer is not JSON");
  }
  std::string_view code;
  if (!document["Code"].get(code) && code != "Success") {
    return InvalidArgument("the credentials answer says " + std::string(code));
  }
  ExpiringCredentials result;
  std::string_view text;
  if (document["AccessKeyId"].get(text)) return InvalidArgument("the credentials answer has no AccessKeyId");
  result.credentials.access_key_id = std::string(text);
  if (document["SecretAccessKey"].get(text)) {
    return InvalidArgument("the credentials answer has no SecretAccessKey");
  }
  result.credentials.secret_access_key = std::string(text);
  if (!document["Token"].get(text)) result.credentials.session_token = std::string(text);
  if (!document["Expiration"].get(text)) {
    StatusOr<TimeNs> expiration = ParseTime(text);
    if (!expiration.ok()) return InvalidArgument("the credentials' Expiration: " + expiration.status().message());
    result.expiration = *expiration;
  }
  return result;
}

StatusOr<std::unique_ptr<CredentialsProvider>> MakeDefaultCredentialsProvider(HttpTransport& transport,
                                                                              const Environment& environment,
                                                                              Clock clock, CredentialsRefresh refresh) {
  auto key = environment("AWS_ACCESS_KEY_ID");
  auto secret = environment("AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    Credentials credentials{*key, *secret, environment("AWS_SESSION_TOKEN").value_or("")};
    return std::unique_ptr<CredentialsProvider>(std::make_unique<StaticCredentialsProvider>(credentials));
  }

  Fetcher fetcher;
  std::string source;
  if (auto relative = environment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    source = "the ECS task role";
    fetcher = EcsFetcher(transport, "http://169.254.170.2" + *relative, "", refresh.timeout);
  } else if (auto full = environment("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    source = "the container credentials endpoint";
    std::string authorization = environment("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
    if (auto token_file = environment("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      authorization = ReadWholeFile(*token_file);
    }
    fetcher = EcsFetcher(transport, *full, authorization, refresh.timeout);
  } else if (environment("AWS_EC2_METADATA_DISABLED").value_or("") != "true") {
    source = "EC2 instance metadata";
    std::string endpoint = environment("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    fetcher = ImdsFetcher(transport, endpoint, refresh.timeout);
  } else {
    return Status(StatusCode::kUnavailable,
                  "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a task role or "
                  "an instance profile");
  }
  auto provider = std::make_unique<FetchedCredentialsProvider>(std::move(fetcher), std::move(clock), refresh);
  Status started = provider->Start();
  if (!started.ok()) {
    return Status(StatusCode::kUnavailable, "no AWS credentials from " + source + ": " + started.message());
  }
  return std::unique_ptr<CredentialsProvider>(std::move(provider));
}

}  // namespace telemetry::aws

// The credentials chain against metadata endpoints served on loopback by a real HTTP server (telemetryd's own):
// the ECS and EC2 metadata services exist only inside AWS, so a small server that answers as they do stands in.
#include "aws/credentials_chain.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>

#include "aws/curl_transport.h"
#include "http/server.h"
#include "temp_dir.h"

namespace telemetry::aws {
namespace {

constexpr TimeNs kNow = 1'800'000'000LL * kNanosPerSecond;

std::string CredentialsJson(const std::string& key, const std::string& expiration) {
  return R"({"Code":"Success","AccessKeyId":")" + key + R"(","SecretAccessKey":"secret","Token":"token",)"
         R"("Expiration":")" + expiration + R"("})";
}

class MetadataServer {
 public:
  explicit MetadataServer(std::function<void(http::Router&)> routes) {
    routes(router_);
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<http::Server>(options, router_);
    server_->Start();
  }
  ~MetadataServer() { server_->Stop(std::chrono::milliseconds(100)); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

 private:
  http::Router router_;
  std::unique_ptr<http::Server> server_;
};

Environment EnvironmentOf(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

TEST(CredentialsChain, EnvironmentVariablesComeFirst) {
  CurlTransport transport;
  auto provider = MakeDefaultCredentialsProvider(
      transport, EnvironmentOf({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "secret"},
                                {"AWS_SESSION_TOKEN", "session"},
                                {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/never-asked"}}));
  ASSERT_TRUE(provider.ok()) << provider.status().message();
  auto credentials = (*provider)->Current();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKID");
  EXPECT_EQ(credentials->session_token, "session");
}

TEST(CredentialsChain, EcsFullUriWithAuthorizationTokenFromAFile) {
  std::atomic<int> fetches{0};
  MetadataServer ecs([&](http::Router& router) {
    router.Add("GET", "/creds", [&](http::Request&& request, http::Responder respond) {
      ++fetches;
      if (request.Header("Authorization") != "secret-token") {
        return respond(http::Response{401, "text/plain", "no", {}, nullptr});
      }
      respond(http::JsonResponse(CredentialsJson("ASIAECS", "2027-06-01T00:00:00Z")));
    });
  });
  testing::TempDir dir;
  std::ofstream(dir.path() + "/token") << "secret-token\n";
  CurlTransport transport;
  auto provider = MakeDefaultCredentialsProvider(
      transport, EnvironmentOf({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url("/creds")},
                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir.path() + "/token"}}),
      [] { return kNow; });
  ASSERT_TRUE(provider.ok()) << provider.status().message();
  auto credentials = (*provider)->Current();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "ASIAECS");
  EXPECT_EQ(credentials->secret_access_key, "secret");
  EXPECT_EQ(credentials->session_token, "token");
  EXPECT_EQ(fetches.load(), 1);
}

TEST(CredentialsChain, AWrongAuthorizationTokenIsAClearStartupError) {
  MetadataServer ecs([&](http::Router& router) {
    router.Add("GET", "/creds", [](http::Request&&, http::Responder respond) {
      respond(http::Response{401, "text/plain", "no", {}, nullptr});
    });
  });
  CurlTransport transport;
  auto provider = MakeDefaultCredentialsProvider(
      transport, EnvironmentOf({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url("/creds")},
                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong"}}));
  ASSERT_FALSE(provider.ok());
  EXPECT_EQ(provider.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(provider.status().message().find("401"), std::string::npos) << provider.status().message();
  EXPECT_NE(provider.status().message().find("container credentials"), std::string::npos);
}

TEST(CredentialsChain, Imdsv2TokenThenRoleThenCredentials) {
  MetadataServer imds([&](http::Router& router) {
    router.Add("PUT", "/latest/api/token", [](http::Request&& request, http::Responder respond) {
      if (!request.Header("X-aws-ec2-metadata-token-ttl-seconds")) {
        return respond(http::Response{400, "text/plain", "", {}, nullptr});
      }
      respond(http::Response{200, "text/plain", "imds-token", {}, nullptr});
    });
    auto authorized = [](const http::Request& request) {
      return request.Header("X-aws-ec2-metadata-token") == "imds-token";
    };
    router.Add("GET", "/latest/meta-data/iam/security-credentials/",
               [authorized](http::Request&& request, http::Responder respond) {
                 if (!authorized(request)) return respond(http::Response{401, "text/plain", "", {}, nullptr});
                 respond(http::Response{200, "text/plain", "telemetryd-role", {}, nullptr});
               });
    router.Add("GET", "/latest/meta-data/iam/security-credentials/telemetryd-role",
               [authorized](http::Request&& request, http::Responder respond) {
                 if (!authorized(request)) return respond(http::Response{401, "text/plain", "", {}, nullptr});
                 respond(http::JsonResponse(CredentialsJson("ASIAIMDS", "2027-06-01T00:00:00Z")));
               });
  });
  CurlTransport transport;
  auto provider = MakeDefaultCredentialsProvider(
      transport, EnvironmentOf({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url("/")}}), [] { return kNow; });
  ASSERT_TRUE(provider.ok()) << provider.status().message();
  EXPECT_EQ((*provider)->Current()->access_key_id, "ASIAIMDS");
}

TEST(CredentialsChain, RefreshesBeforeExpiryAndRefusesExpiredCredentials) {
  std::atomic<int> fetches{0};
  std::atomic<TimeNs> now{kNow};
  MetadataServer ecs([&](http::Router& router) {
    router.Add("GET", "/creds", [&](http::Request&&, http::Responder respond) {
      int n = ++fetches;
      // Each answer expires in 20 minutes of the injected clock.
      std::string expiration = FormatRfc3339(now.load() + 20 * 60 * kNanosPerSecond);
      respond(http::JsonResponse(CredentialsJson("KEY" + std::to_string(n), expiration)));
    });
  });
  CurlTransport transport;
  CredentialsRefresh refresh;
  refresh.margin = std::chrono::minutes(30);  // always inside the margin: refresh after retry_delay
  refresh.retry_delay = std::chrono::milliseconds(20);
  auto provider = MakeDefaultCredentialsProvider(
      transport, EnvironmentOf({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url("/creds")}}),
      [&] { return now.load(); }, refresh);
  ASSERT_TRUE(provider.ok()) << provider.status().message();
  EXPECT_EQ((*provider)->Current()->access_key_id, "KEY1");
  // The background refresh replaces them; wait for it (bounded) by watching what the provider hands out.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*provider)->Current()->access_key_id == "KEY1" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_NE((*provider)->Current()->access_key_id, "KEY1");
  // Past every expiry the provider says so instead of signing with dead credentials.
  now = kNow + 365LL * 86400 * kNanosPerSecond;
  auto expired = (*provider)->Current();
  EXPECT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), StatusCode::kUnavailable);
}

TEST(CredentialsChain, NothingConfiguredIsAClearError) {
  CurlTransport transport;
  auto provider = MakeDefaultCredentialsProvider(transport, EnvironmentOf({{"AWS_EC2_METADATA_DISABLED", "true"}}));
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

TEST(CredentialsJson, RejectsIncompleteAnswers) {
  EXPECT_FALSE(ParseCredentialsJson(R"({"AccessKeyId":"a"})").ok());
  EXPECT_FALSE(ParseCredentialsJson(R"({"Code":"Failure","AccessKeyId":"a","SecretAccessKey":"b"})").ok());
  EXPECT_FALSE(ParseCredentialsJson(R"({"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"soon"})").ok());
  auto ok = ParseCredentialsJson(R"({"AccessKeyId":"a","SecretAccessKey":"b"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->expiration, kMaxTime);
}

}  // namespace
}  // namespace telemetry::aws

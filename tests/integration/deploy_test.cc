// deploy/ checked offline (tests/deploy/check_deploy.mjs: the Terraform through a real HCL parser, the Dockerfile
// through a linter, both against the code), and the part only the real binary can answer: the load balancer's
// health-check path is answered 200 by telemetryd on the container's port configuration.
#include <gtest/gtest.h>

#include <string>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

TEST(DeployTest, TerraformAndDockerfileAgreeWithTheCode) {
  std::string source = TELEMETRY_SOURCE_DIR;
  std::string output;
  int exit_code = testing::RunCommand("cd " + source + "/tests/deploy && node check_deploy.mjs " + source, &output);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find(" checks, 0 problems"), std::string::npos) << output;

  // The facts line: the health-check path the target group and the image ask.
  std::string facts = output.substr(0, output.find('\n'));
  std::string path = testing::JsonField(facts, "healthPath");
  ASSERT_GT(path.size(), 2u) << facts;
  path = path.substr(1, path.size() - 2);
  testing::TempDir dir;
  // As the task runs it (TELEMETRY_TRUST_PROXY, --auth token: the health check must stay open), on the embedded store.
  testing::ServerProcess server({"--data-dir", dir.path(), "--auth", "token", "--trust-proxy"});
  testing::HttpClient client(server.port());
  testing::HttpResponse health = client.Get(path);
  EXPECT_EQ(health.status, 200) << path;
  EXPECT_EQ(health.body, R"({"message":"Hello!"})");
}

}  // namespace
}  // namespace telemetry

// docs/openapi.yaml against the real binary, on both stores: every operation exercised and every answer's status,
// media type and body checked against the description (tests/openapi/check_responses.mjs, with Ajv), with
// --auth token so that the 401s, 403s and token operations are checked too; on the embedded store a second server
// whose disk is below --min-free-mb answers the writes with 507.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>

#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

class OpenApiTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OpenApiTest, EveryAnswerMatchesTheDescription) {
  testing::TestBackend backend(GetParam());
  testing::TempDir dir;
  const std::string admin_token = "openapi-check-admin-token-0123456789abcdef";
  std::ofstream(dir.path() + "/admin-token") << admin_token;
  std::vector<std::string> args = backend.Args();
  args.insert(args.end(), {"--auth", "token", "--admin-token-file", dir.path() + "/admin-token"});
  testing::ServerProcess server(args);
  std::string command = std::string("node ") + TELEMETRY_SOURCE_DIR +
                        "/tests/openapi/check_responses.mjs http://127.0.0.1:" + std::to_string(server.port()) + " " +
                        TELEMETRY_SOURCE_DIR + "/docs/openapi.yaml " + admin_token;
  testing::TempDir full_disk_dir;  // outlives its server
  std::optional<testing::ServerProcess> full_disk;
  if (GetParam() == "sqlite") {
    full_disk.emplace(std::vector<std::string>{"--data-dir", full_disk_dir.path(), "--min-free-mb", "1073741824",
                                               "--auth", "token", "--admin-token-file", dir.path() + "/admin-token"});
    command += " http://127.0.0.1:" + std::to_string(full_disk->port());
  }
  std::string output;
  int exit_code = testing::RunCommand(command, &output);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find("20 operations checked, 0 problems"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenApiTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

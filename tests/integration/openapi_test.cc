// docs/openapi.yaml against the real binary, on both stores: every operation exercised and every answer's status,
// media type and body checked against the description (tests/openapi/check_responses.mjs, with Ajv), with
// --auth token so that the 401s, 403s and token operations are checked too.
#include <gtest/gtest.h>

#include <fstream>

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
  std::string source = TELEMETRY_SOURCE_DIR;
  std::string output;
  int exit_code = testing::RunCommand("node " + source + "/tests/openapi/check_responses.mjs http://127.0.0.1:" +
                                          std::to_string(server.port()) + " " + source + "/docs/openapi.yaml " + admin_token,
                                      &output);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find("18 operations checked, 0 problems"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenApiTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

// Tokens: their shape, their hashes, constant-time comparison, and the checks on a token request.
#include "auth/token.h"

#include <gtest/gtest.h>

#include <set>

namespace telemetry::auth {
namespace {

TEST(TokenTest, AnIssuedTokenCarriesItsIdAnd256RandomBits) {
  IssuedToken issued = IssueToken(Role::kDevice, {"107"}, 1'000'000'000);
  EXPECT_EQ(issued.token.size(), 4u + 16 + 1 + 43);
  EXPECT_EQ(issued.token.substr(0, 4), "tmd_");
  EXPECT_EQ(TokenId(issued.token), issued.record.id);
  EXPECT_EQ(issued.record.hash, HashToken(issued.token));
  EXPECT_EQ(issued.record.role, Role::kDevice);
  EXPECT_EQ(issued.record.sensors, std::vector<std::string>{"107"});
  EXPECT_EQ(issued.record.created, 1'000'000'000);
  EXPECT_EQ(issued.token.find(issued.record.hash), std::string::npos);

  std::set<std::string> tokens, ids;
  for (int i = 0; i < 1000; ++i) {
    IssuedToken another = IssueToken(Role::kReader, {}, 0);
    tokens.insert(another.token);
    ids.insert(another.record.id);
  }
  EXPECT_EQ(tokens.size(), 1000u);
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(TokenTest, HashIsSha256InHex) {
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenTest, OnlyWellFormedTokensHaveAnId) {
  std::string good = "tmd_0123456789abcdef_" + std::string(43, 'A');
  EXPECT_EQ(TokenId(good), "0123456789abcdef");
  EXPECT_FALSE(TokenId(""));
  EXPECT_FALSE(TokenId(good + "A"));
  EXPECT_FALSE(TokenId("tmd_0123456789ABCDEF_" + std::string(43, 'A')));  // upper-case id
  EXPECT_FALSE(TokenId("tmd_0123456789abcdef-" + std::string(43, 'A')));
  EXPECT_FALSE(TokenId("tmd_0123456789abcdef_" + std::string(42, 'A') + "="));
  EXPECT_FALSE(TokenId("xyz_0123456789abcdef_" + std::string(43, 'A')));
}

TEST(TokenTest, SameHashComparesWholeValues) {
  EXPECT_TRUE(SameHash(HashToken("a"), HashToken("a")));
  EXPECT_FALSE(SameHash(HashToken("a"), HashToken("b")));
  EXPECT_FALSE(SameHash("abc", "abcd"));
  EXPECT_FALSE(SameHash("", "a"));
}

TEST(TokenTest, RequestsAreChecked) {
  auto device = CheckTokenRequest("device", {"107", "108"});
  ASSERT_TRUE(device.ok());
  EXPECT_EQ(device->first, Role::kDevice);
  EXPECT_TRUE(CheckTokenRequest("reader", {}).ok());
  EXPECT_TRUE(CheckTokenRequest("admin", {}).ok());
  for (auto [role, sensors] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"root", {}}, {"device", {}}, {"reader", {"1"}}, {"device", {""}}, {"device", {"a\nb"}},
           {"device", std::vector<std::string>(kMaxTokenSensors + 1, "x")}}) {
    auto checked = CheckTokenRequest(role, sensors);
    EXPECT_EQ(checked.status().code(), StatusCode::kInvalidArgument) << role;
  }
}

TEST(TokenTest, JsonShowsNoHash) {
  TokenRecord record{"0123456789abcdef", Role::kDevice, {"107"}, 0, "ff"};
  EXPECT_EQ(TokenJson(record),
            R"({"id":"0123456789abcdef","role":"device","sensors":["107"],"created":"1970-01-01T00:00:00Z"})");
  EXPECT_EQ(TokenJson(record, "tmd_x"),
            R"({"id":"0123456789abcdef","token":"tmd_x","role":"device","sensors":["107"],)"
            R"("created":"1970-01-01T00:00:00Z"})");
}

}  // namespace
}  // namespace telemetry::auth

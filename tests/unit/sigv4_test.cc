// AWS's SigV4 test suite (../shared/testdata/sigv4, see its README): every case, with the documented errata.
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace telemetry::aws {
namespace {

namespace fs = std::filesystem;

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const SigningScope kScope{"us-east-1", "service"};
constexpr std::string_view kAmzDate = "20150830T123600Z";
constexpr TimeNs kSigningTime = 1440938160LL * kNanosPerSecond;  // 2015-08-30T12:36:00Z

fs::path SuiteDir() { return fs::path(TELEMETRY_SIGV4_TESTDATA); }

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// Parses a .req file: request line, "Name:value" headers (a line starting with white space continues the previous
// value), an optional blank line and the body.
SignableRequest ParseRequestFile(const std::string& text) {
  SignableRequest request;
  std::size_t line_end = text.find('\n');
  std::string request_line = text.substr(0, line_end);
  std::size_t first_space = request_line.find(' ');
  std::size_t last_space = request_line.rfind(' ');
  request.method = request_line.substr(0, first_space);
  std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
  std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  std::size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) {
      request.body = text.substr(pos);
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      request.headers.back().second += "\n" + line;
    } else {
      std::size_t colon = line.find(':');
      request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  return request;
}

std::vector<fs::path> CaseDirs() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::recursive_directory_iterator(SuiteDir())) {
    if (entry.path().extension() == ".req") cases.push_back(entry.path().parent_path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string Expected(const fs::path& dir, const std::string& extension) {
  return ReadFile(dir / (dir.filename().string() + extension));
}

std::string SignatureOf(const std::string& authorization) {
  return authorization.substr(authorization.find("Signature=") + 10);
}

// AWS's vectors live beside the checkout, not in it. Where they cannot be (the deployment pipeline builds a push of
// this repository alone), TELEMETRY_SKIP_SIGV4_VECTORS=1 skips these two tests; without it a missing folder fails.
bool SkipMissingVectors() {
  return !fs::exists(SuiteDir()) && std::getenv("TELEMETRY_SKIP_SIGV4_VECTORS") != nullptr;
}

TEST(SigV4Suite, HasEveryCase) {
  if (SkipMissingVectors()) GTEST_SKIP() << "no " << SuiteDir() << " and TELEMETRY_SKIP_SIGV4_VECTORS is set";
  EXPECT_EQ(CaseDirs().size(), 33u) << "looked in " << SuiteDir();
}

TEST(SigV4Suite, EveryCaseSignsAsAwsDoes) {
  if (SkipMissingVectors()) GTEST_SKIP() << "no " << SuiteDir() << " and TELEMETRY_SKIP_SIGV4_VECTORS is set";
  for (const fs::path& dir : CaseDirs()) {
    std::string name = dir.filename().string();
    SCOPED_TRACE(name);
    SignableRequest request = ParseRequestFile(Expected(dir, ".req"));
    Credentials credentials = kCredentials;

    if (name == "post-x-www-form-urlencoded-parameters") {
      // Erratum: .creq and .sts disagree; the README says to check the signature of the given .sts only.
      EXPECT_EQ(Signature(credentials, kAmzDate, kScope, Expected(dir, ".sts")),
                SignatureOf(Expected(dir, ".authz")));
      continue;
    }
    if (name == "post-x-www-form-urlencoded") {
      // Erratum: .creq lists content-length, which the .sts and .authz did not sign.
      request.headers.erase(std::remove_if(request.headers.begin(), request.headers.end(),
                                           [](const auto& h) { return h.first == "Content-Length"; }),
                            request.headers.end());
      std::string expected_creq = Expected(dir, ".creq");
      expected_creq.erase(expected_creq.find("content-length:13\n"), 18);
      expected_creq.replace(expected_creq.find("content-length;"), 15, "");
      EXPECT_EQ(CanonicalRequest(request), expected_creq);
      EXPECT_EQ(StringToSign(kAmzDate, kScope, CanonicalRequest(request)), Expected(dir, ".sts"));
      EXPECT_EQ(Authorization(credentials, kAmzDate, kScope, request), Expected(dir, ".authz"));
      continue;
    }
    if (name == "get-vanilla-with-session-token") {
      // The signer adds the token from the credentials; .sreq's signature is wrong, .authz is right.
      credentials.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
      Sign(request, credentials, kScope, kSigningTime);
      EXPECT_EQ(request.headers.back().second, Expected(dir, ".authz"));
      continue;
    }

    EXPECT_EQ(CanonicalRequest(request), Expected(dir, ".creq"));
    EXPECT_EQ(StringToSign(kAmzDate, kScope, CanonicalRequest(request)), Expected(dir, ".sts"));
    EXPECT_EQ(Authorization(credentials, kAmzDate, kScope, request), Expected(dir, ".authz"));
    // Sign() sets the same X-Amz-Date the case carries and must produce the same header.
    Sign(request, credentials, kScope, kSigningTime);
    EXPECT_EQ(request.headers.back(), (std::pair<std::string, std::string>{"Authorization", Expected(dir, ".authz")}));
  }
}

TEST(SigV4, SignAddsTheSessionTokenAndReplacesAnOldSignature) {
  SignableRequest request{"POST", "/", "", {{"Host", "dynamodb.us-east-1.amazonaws.com"}}, "{}"};
  Credentials credentials = kCredentials;
  credentials.session_token = "token";
  Sign(request, credentials, kScope, kSigningTime);
  std::string first = request.headers.back().second;
  Sign(request, credentials, kScope, kSigningTime);  // a retry re-signs the same request
  EXPECT_EQ(request.headers.back().second, first);
  EXPECT_EQ(request.headers.size(), 4u);  // Host, X-Amz-Date, X-Amz-Security-Token, Authorization
  EXPECT_NE(first.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
}

TEST(SigV4, AmzDateIsBasicIso8601) { EXPECT_EQ(AmzDate(kSigningTime + 999'999'999), "20150830T123600Z"); }

}  // namespace
}  // namespace telemetry::aws

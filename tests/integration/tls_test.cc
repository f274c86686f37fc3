// HTTPS with --tls-cert/--tls-key against the real binary, checked with curl: HTTP/1.1 over TLS with a verified
// certificate, kept-alive connections, old protocol versions refused, a silent handshake cut off, bad key files
// refused at start.
#include <gtest/gtest.h>

#include <string>

#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::RunCommand;
using testing::ServerProcess;
using testing::TempDir;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string output;
    // A self-signed certificate for 127.0.0.1, made fresh: nothing secret is committed.
    ASSERT_EQ(RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
                         " -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 -keyout " +
                             key_ + " -out " + cert_,
                         &output),
              0)
        << output;
  }

  std::vector<std::string> Args() const {
    return {"--data-dir", dir_.path() + "/data", "--tls-cert", cert_, "--tls-key", key_, "--request-timeout", "1"};
  }

  // Runs curl with `arguments` (URLs included, "URL" standing for https://127.0.0.1:port); fills exit_code_.
  std::string Curl(std::uint16_t port, std::string arguments) {
    std::string base = "https://127.0.0.1:" + std::to_string(port);
    for (std::size_t at = arguments.find("URL"); at != std::string::npos; at = arguments.find("URL", at)) {
      arguments.replace(at, 3, base);
    }
    std::string output;
    exit_code_ = RunCommand("curl -sS --max-time 10 --cacert " + cert_ + " " + arguments, &output);
    return output;
  }

  TempDir dir_;
  std::string cert_ = dir_.path() + "/cert.pem";
  std::string key_ = dir_.path() + "/key.pem";
  int exit_code_ = -1;
};

TEST_F(TlsTest, CurlTalksHttp11OverVerifiedTls) {
  ServerProcess server(Args());
  EXPECT_NE(server.Stderr().find(R"("scheme":"https")"), std::string::npos) << server.Stderr();
  EXPECT_EQ(Curl(server.port(), "-w ' %{http_version} %{ssl_verify_result}' URL/api"), R"({"message":"Hello!"} 1.1 0)");
  EXPECT_EQ(exit_code_, 0);
  EXPECT_EQ(Curl(server.port(), R"(-X PUT -H 'Content-Type: application/json' -d '{"sensorID":"107","temperature":"12"}' )"
                                "URL/api/temperature"),
            "Ok");
  EXPECT_EQ(Curl(server.port(), "URL/api/stats"), R"({"Average":12,"Maximum":12,"Minimum":12})");
}

TEST_F(TlsTest, OneConnectionServesManyRequests) {
  ServerProcess server(Args());
  std::string output = Curl(server.port(), "-v URL/api URL/healthz URL/api/stats");
  EXPECT_EQ(exit_code_, 0) << output;
  EXPECT_NE(output.find("Re-using existing connection"), std::string::npos) << output;
  EXPECT_NE(output.find("No data inserted yet!"), std::string::npos) << output;
}

TEST_F(TlsTest, OldProtocolsAndPlainHttpAreRefused) {
  ServerProcess server(Args());
  Curl(server.port(), "--tlsv1.1 --tls-max 1.1 URL/api");
  EXPECT_EQ(exit_code_, 35) << "TLS 1.1: handshake refused";
  // Plain HTTP is told, in plain HTTP, to use HTTPS, and served nothing else.
  std::string output;
  EXPECT_EQ(
      RunCommand("curl -sS --max-time 5 -w ' %{http_code}' http://127.0.0.1:" + std::to_string(server.port()) + "/api",
                 &output),
      0);
  EXPECT_EQ(output.find("Hello"), std::string::npos) << output;
  EXPECT_NE(output.find(R"("code":"https_required")"), std::string::npos) << output;
  EXPECT_NE(output.find("https://"), std::string::npos) << output;
  EXPECT_NE(output.find(" 400"), std::string::npos) << output;
  Curl(server.port(), "URL/api");
  EXPECT_EQ(exit_code_, 0) << "still serving";
}

TEST_F(TlsTest, ASilentHandshakeIsCutOff) {
  ServerProcess server(Args());
  testing::HttpClient silent(server.port());  // connects and never says hello
  EXPECT_TRUE(silent.ServerClosed(5000));
}

TEST_F(TlsTest, BadCertificatesOrKeysStopTheStart) {
  std::string output;
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir_.path(), "--tls-cert", cert_}, &output), 2) << output;
  EXPECT_NE(output.find("both --tls-cert and --tls-key"), std::string::npos) << output;
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir_.path(), "--tls-cert", dir_.path() + "/none.pem", "--tls-key",
                                    key_},
                                   &output),
            2);
  EXPECT_NE(output.find("cannot use --tls-cert"), std::string::npos) << output;
  std::string other_key = dir_.path() + "/other.pem";
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 -out " + other_key, &output),
            0);
  EXPECT_EQ(testing::RunTelemetryd({"--data-dir", dir_.path(), "--tls-cert", cert_, "--tls-key", other_key}, &output),
            2);
  EXPECT_NE(output.find("cannot use --tls-key " + other_key + ": key values mismatch"), std::string::npos) << output;
}

}  // namespace
}  // namespace telemetry

// The AWS edge against AWS's DynamoDB Local: SigV4-signed JSON-protocol calls over the libcurl transport.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>

#include "aws/curl_transport.h"
#include "aws/sigv4.h"
#include "core/clock.h"
#include "dynamodb_local.h"

namespace telemetry::aws {
namespace {

HttpResult Call(HttpTransport& transport, const std::string& endpoint, const std::string& operation,
                const std::string& body) {
  std::string host = endpoint.substr(endpoint.find("//") + 2);
  SignableRequest request{"POST", "/", "",
                          {{"Host", host},
                           {"Content-Type", "application/x-amz-json-1.0"},
                           {"X-Amz-Target", "DynamoDB_20120810." + operation}},
                          body};
  Sign(request, Credentials{"AKIDLOCAL", "local-secret", ""}, SigningScope{"us-east-1", "dynamodb"}, SystemNow());
  HttpCall call{"POST", endpoint + "/", request.headers, request.body, std::chrono::seconds(10)};
  std::promise<HttpResult> result;
  transport.Send(std::move(call), [&](HttpResult r) { result.set_value(std::move(r)); });
  return result.get_future().get();
}

TEST(DynamoDbLocal, AnswersSignedCallsOverTheCurlTransport) {
  auto& dynamodb = testing::SharedDynamoDbLocal();
  CurlTransport transport;
  std::string table = "transport_test";
  HttpResult created = Call(transport, dynamodb.endpoint(), "CreateTable",
                            R"({"TableName":")" + table + R"(","BillingMode":"PAY_PER_REQUEST",)"
                            R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                            R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})");
  ASSERT_EQ(created.status, 200) << created.error << created.body;
  HttpResult listed = Call(transport, dynamodb.endpoint(), "ListTables", "{}");
  EXPECT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find("\"" + table + "\""), std::string::npos) << listed.body;
  HttpResult again = Call(transport, dynamodb.endpoint(), "CreateTable",
                          R"({"TableName":")" + table + R"(","BillingMode":"PAY_PER_REQUEST",)"
                          R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                          R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})");
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("ResourceInUseException"), std::string::npos) << again.body;
}

TEST(CurlTransport, ReportsAConnectionThatFails) {
  CurlTransport transport;
  std::promise<HttpResult> result;
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  transport.Send(HttpCall{"POST", "http://127.0.0.1:1/", {}, "{}", std::chrono::seconds(5)},
                 [&](HttpResult r) { result.set_value(std::move(r)); });
  HttpResult failed = result.get_future().get();
  EXPECT_EQ(failed.status, 0);
  EXPECT_FALSE(failed.error.empty());
}

TEST(CurlTransport, FailsCallsStillUnderWayWhenClosed) {
  // A loopback listener that never answers: the kernel completes the connection, nobody responds.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";

  std::promise<HttpResult> result;
  {
    CurlTransport transport;
    transport.Send(HttpCall{"POST", url, {}, "{}", std::chrono::seconds(60)},
                   [&](HttpResult r) { result.set_value(std::move(r)); });
  }  // closing must not wait for the minute-long timeout
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  HttpResult failed = future.get();
  EXPECT_EQ(failed.status, 0);
  EXPECT_FALSE(failed.error.empty());
  ::close(listener);
}

}  // namespace
}  // namespace telemetry::aws

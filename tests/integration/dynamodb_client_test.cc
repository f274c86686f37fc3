// The DynamoDB client against DynamoDB Local, with faults injected between them.
#include "aws/dynamodb_client.h"

#include <gtest/gtest.h>

#include <future>

#include "aws/curl_transport.h"
#include "dynamodb_local.h"
#include "fault_injecting_transport.h"

namespace telemetry::aws {
namespace {

using Fault = testing::FaultInjectingTransport::Fault;

class DynamoDbClientTest : public ::testing::Test {
 protected:
  DynamoDbClientOptions Options() {
    DynamoDbClientOptions options;
    options.endpoint = testing::SharedDynamoDbLocal().endpoint();
    options.base_backoff = std::chrono::milliseconds(1);
    options.max_backoff = std::chrono::milliseconds(5);
    options.max_attempts = 4;
    return options;
  }

  DynamoDbResponse Call(DynamoDbClient& client, const std::string& operation, const std::string& body) {
    std::promise<DynamoDbResponse> result;
    client.Call(operation, body, [&](DynamoDbResponse r) { result.set_value(std::move(r)); });
    return result.get_future().get();
  }

  CurlTransport curl_;
  testing::FaultInjectingTransport faults_{curl_};
  StaticCredentialsProvider credentials_{Credentials{"AKIDLOCAL", "local-secret", ""}};
};

TEST_F(DynamoDbClientTest, RetriesThrottlingServerAndNetworkErrors) {
  DynamoDbClient client(faults_, credentials_, Options());
  faults_.Script({Fault::kThrottle, Fault::kServerError, Fault::kNetworkError});
  DynamoDbResponse response = Call(client, "ListTables", "{}");
  EXPECT_TRUE(response.ok()) << response.error_type << ": " << response.error_message;
  EXPECT_EQ(response.attempts, 4);
  EXPECT_EQ(faults_.calls(), 4);
  EXPECT_NE(response.body.find("TableNames"), std::string::npos);
}

TEST_F(DynamoDbClientTest, GivesUpAfterTheRetryBudgetAndSaysItWasThrottled) {
  DynamoDbClient client(faults_, credentials_, Options());
  faults_.Script({Fault::kThrottle, Fault::kThrottle, Fault::kThrottle, Fault::kThrottle, Fault::kThrottle});
  DynamoDbResponse response = Call(client, "ListTables", "{}");
  EXPECT_FALSE(response.ok());
  EXPECT_TRUE(response.throttled());
  EXPECT_EQ(response.attempts, 4);
  EXPECT_EQ(response.error_type, "ProvisionedThroughputExceededException");
}

TEST_F(DynamoDbClientTest, DoesNotRetryWhatDynamoDbRejects) {
  DynamoDbClient client(faults_, credentials_, Options());
  DynamoDbResponse response = Call(client, "DescribeTable", R"({"TableName":"no_such_table"})");
  EXPECT_EQ(response.http_status, 400);
  EXPECT_EQ(response.error_type, "ResourceNotFoundException");
  EXPECT_FALSE(response.error_message.empty());  // DynamoDB Local's "Message"
  EXPECT_EQ(response.attempts, 1);
}

TEST_F(DynamoDbClientTest, ALostAnswerIsRetriedWithTheSameBody) {
  DynamoDbClient client(faults_, credentials_, Options());
  std::string table = "lost_answer_test";
  std::string create = R"({"TableName":")" + table + R"(","BillingMode":"PAY_PER_REQUEST",)"
                       R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                       R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})";
  ASSERT_TRUE(Call(client, "CreateTable", create).ok());
  // The first PutItem is applied, but its answer is lost; the retry then meets its own write, so a conditional
  // put fails: why the store makes every write idempotent (ClientRequestToken, version conditions).
  faults_.Script({Fault::kLoseAnswer});
  DynamoDbResponse put = Call(client, "PutItem",
                              R"json({"TableName":")json" + table + R"json(","Item":{"pk":{"S":"a"}},)json"
                              R"json("ConditionExpression":"attribute_not_exists(#pk)",)json"
                              R"json("ExpressionAttributeNames":{"#pk":"pk"}})json");
  EXPECT_EQ(put.attempts, 2);
  EXPECT_EQ(put.error_type, "ConditionalCheckFailedException");
}

DynamoDbResponse Answer(int status, std::string body) {
  DynamoDbResponse response;
  response.http_status = status;
  response.body = std::move(body);
  ParseDynamoDbError(response);
  return response;
}

TEST(DynamoDbErrors, AreParsedFromAwsAndDynamoDbLocalShapes) {
  DynamoDbResponse aws = Answer(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
                                     R"("message":"The conditional request failed"})");
  EXPECT_EQ(aws.error_type, "ConditionalCheckFailedException");
  EXPECT_EQ(aws.error_message, "The conditional request failed");
  DynamoDbResponse local =
      Answer(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#throttlingexception","Message":"slow"})");
  EXPECT_TRUE(local.throttled());  // matched case-insensitively
  EXPECT_EQ(local.error_message, "slow");
  DynamoDbResponse html = Answer(502, "<html>bad gateway</html>");
  EXPECT_TRUE(IsRetryable(html));
  // JSON naming no error still says something: an empty error once made a start-up failure undiagnosable.
  DynamoDbResponse nameless = Answer(400, R"({"status":"odd"})");
  EXPECT_EQ(nameless.error_type, "UnknownError");
  EXPECT_EQ(nameless.error_message, R"({"status":"odd"})");
}

TEST(DynamoDbBackoff, GrowsExponentiallyUpToTheCap) {
  DynamoDbClientOptions options;
  options.base_backoff = std::chrono::milliseconds(25);
  options.max_backoff = std::chrono::milliseconds(2000);
  EXPECT_EQ(BackoffDelay(options, 1, 0.999).count(), 24);
  EXPECT_EQ(BackoffDelay(options, 3, 0.5).count(), 50);
  EXPECT_EQ(BackoffDelay(options, 20, 0.5).count(), 1000);
  EXPECT_EQ(BackoffDelay(options, 5, 0.0).count(), 0);  // full jitter reaches zero
}

}  // namespace
}  // namespace telemetry::aws

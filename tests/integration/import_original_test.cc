// `telemetryd import-original TABLE`: the original service's DynamoDB table (its PUT bodies as items, keyed by
// `time`) copied into either store, in AWS's DynamoDB Local; what the original kept but a PUT refuses stays behind.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <functional>
#include <string>

#include "dynamodb_local.h"
#include "http_client.h"
#include "run_command.h"
#include "server_process.h"
#include "temp_dir.h"
#include "test_backend.h"

namespace telemetry {
namespace {

using testing::HttpClient;
using testing::RunTelemetryd;
using testing::ServerProcess;

// `count` items as the original kept them, one a second from 2021-10-04 00:00:00, of the sensors numbered from
// `first_sensor` in turn, item i's temperature `temperature(i)`: a JSON array's elements, each with a comma after.
std::string OriginalItems(int count, int first_sensor, int sensors,
                          const std::function<std::string(int)>& temperature) {
  std::string items;
  for (int i = 0; i < count; ++i) {
    char time[32];
    std::snprintf(time, sizeof time, "2021-10-04 %02d:%02d:%02d", i / 3600, i / 60 % 60, i % 60);
    items += std::string(R"({"time":{"S":")") + time + R"("},"sensorID":{"S":")" +
             std::to_string(first_sensor + i % sensors) + R"("},"temperature":{"S":")" + temperature(i) + R"("}},)";
  }
  return items;
}

class ImportOriginalTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // The credentials DynamoDB Local takes (it checks no signature); the dynamodb backend sets the same.
    ::setenv("AWS_ACCESS_KEY_ID", "AKIDLOCAL", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "local-secret", 1);
  }

  // Makes the original's table and puts `items` (a JSON array of DynamoDB items) into it, with Python's standard
  // library, as the original's boto3 did.
  void MakeOriginalTable(const std::string& items) {
    std::string script = dir_.path() + "/original.py", data = dir_.path() + "/items.json";
    std::ofstream(data) << items;
    std::ofstream(script)
        << "import json, sys, urllib.request\n"
           "def call(op, body):\n"
           "    request = urllib.request.Request(sys.argv[1], data=json.dumps(body).encode(), method='POST', "
           "headers={\n"
           "        'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.' + op,\n"
           "        'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20211004/us-east-1/dynamodb/aws4_request, "
           "'\n"
           "                         'SignedHeaders=host, Signature=0'})\n"
           "    urllib.request.urlopen(request).read()\n"
           "call('CreateTable', {'TableName': sys.argv[2], 'BillingMode': 'PAY_PER_REQUEST',\n"
           "     'AttributeDefinitions': [{'AttributeName': 'time', 'AttributeType': 'S'}],\n"
           "     'KeySchema': [{'AttributeName': 'time', 'KeyType': 'HASH'}]})\n"
           "items = json.load(open(sys.argv[3]))\n"
           "for i in range(0, len(items), 25):\n"
           "    call('BatchWriteItem', {'RequestItems': {sys.argv[2]: [{'PutRequest': {'Item': item}}\n"
           "                                                         for item in items[i:i + 25]]}})\n";
    std::string output;
    ASSERT_EQ(testing::RunCommand("python3 " + script + " " + endpoint_ + " " + table_ + " " + data, &output), 0)
        << output;
  }

  int Import(const std::string& table, std::string* output) {
    std::vector<std::string> args = backend_.Args();
    // The dynamodb backend's arguments name DynamoDB Local already; the embedded store's do not.
    if (GetParam() == "sqlite") args.insert(args.end(), {"--dynamodb-endpoint", endpoint_, "--region", "us-east-1"});
    args.insert(args.end(), {"import-original", table});
    output->clear();
    return RunTelemetryd(args, output);
  }

  testing::TestBackend backend_{GetParam()};
  testing::TempDir dir_;
  std::string endpoint_ = testing::SharedDynamoDbLocal().endpoint();
  std::string table_ = testing::UniqueTableName("original");
};

TEST_P(ImportOriginalTest, EveryItemAPutWouldTakeIsImportedOnceAndTheRestNamed) {
  // 1,100 readings of seven sensors, more than one page of the table's Scan; a temperature of "abc" (which made
  // the original's statistics fail), one of a type no PUT sends, and one the original stored as numbers.
  std::string items = "[" + OriginalItems(1100, 100, 7, [](int i) { return std::to_string(i % 50); });
  items += R"({"time":{"S":"2021-10-05 00:00:00"},"sensorID":{"S":"107"},"temperature":{"S":"abc"}},)"
           R"({"time":{"S":"2021-10-05 00:00:01"},"sensorID":{"N":"108"},"temperature":{"N":"12.5"}},)"
           R"({"time":{"S":"2021-10-05 00:00:02"},"sensorID":{"S":"109"},"temperature":{"BOOL":true}}])";
  MakeOriginalTable(items);

  std::string output;
  ASSERT_EQ(Import(table_, &output), 0) << output;
  EXPECT_NE(output.find("1103 items, 1101 readings stored, 0 already there, 0 conflicting (kept as they were), "
                        "2 refused"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find(R"(refused item time="2021-10-05 00:00:00": temperature must be a number, got "abc")"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find(R"(refused item time="2021-10-05 00:00:02": attribute temperature is of DynamoDB type BOOL)"),
            std::string::npos)
      << output;
  // Again: nothing twice.
  ASSERT_EQ(Import(table_, &output), 0) << output;
  EXPECT_NE(output.find("1103 items, 0 readings stored, 1101 already there"), std::string::npos) << output;

  // The original's clients see its history, with the statistics it should have shown: mean 26962.5 / 1101.
  ServerProcess server(backend_.Args());
  HttpClient client(server.port());
  EXPECT_EQ(client.Get("/api/stats").body, R"({"Average":24,"Maximum":49,"Minimum":0})");
  EXPECT_EQ(client.Get("/api/v1/stats?sensorID=108").body,
            R"({"count":1,"sum":12.5,"mean":12.5,"min":12.5,"max":12.5})");  // sent as numbers, kept as a PUT would
}

// With --into, a running server (either store) takes the readings through its batch API while it serves, with the
// token an --auth token server asks for; a server that takes fewer readings per request gets smaller requests.
TEST_P(ImportOriginalTest, IntoARunningServerWhileItServes) {
  std::string items = "[" + OriginalItems(700, 200, 5, [](int i) { return std::to_string(i % 40) + ".5"; });
  items += R"({"time":{"S":"2021-10-05 00:00:00"},"sensorID":{"S":"200"},"temperature":{"S":"abc"}}])";
  MakeOriginalTable(items);

  const std::string admin = "import-admin-token-0123456789abcdef0123456789";
  std::ofstream(dir_.path() + "/admin") << admin;
  std::vector<std::string> server_args = backend_.Args();
  server_args.insert(server_args.end(),
                     {"--auth", "token", "--admin-token-file", dir_.path() + "/admin", "--max-batch-readings", "300"});
  ServerProcess server(server_args);
  HttpClient client(server.port());
  // Written to the new service already, with another value than the original holds: kept.
  ASSERT_EQ(
      client
          .Request("PUT", "/api/temperature", R"({"sensorID":"200","temperature":99,"time":"2021-10-04 00:00:00"})",
                   {{"Authorization", "Bearer " + admin}})
          .status,
      200);

  auto import_into = [&](const std::string& token, std::string* output) {
    output->clear();
    return RunTelemetryd({"--dynamodb-endpoint", endpoint_, "--region", "us-east-1", "import-original", table_,
                          "--into", "http://127.0.0.1:" + std::to_string(server.port()), "--token", token},
                         output);
  };
  std::string output;
  EXPECT_EQ(import_into("not-a-token", &output), 2) << output;
  EXPECT_NE(output.find("refused the import (401)"), std::string::npos) << output;
  ASSERT_EQ(import_into(admin, &output), 0) << output;
  EXPECT_NE(output.find("701 items, 699 readings stored, 0 already there, 1 conflicting (kept as they were), "
                        "1 refused"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find(R"(conflict: sensor "200" at 2021-10-04T00:00:00Z already holds another value)"),
            std::string::npos)
      << output;
  ASSERT_EQ(import_into(admin, &output), 0) << output;
  EXPECT_NE(output.find("701 items, 0 readings stored, 699 already there, 1 conflicting"), std::string::npos) << output;
  EXPECT_EQ(client.Request("GET", "/api/v1/stats?sensorID=201", "", {{"Authorization", "Bearer " + admin}}).body,
            R"({"count":140,"sum":2620,"mean":18.714285714285715,"min":1.5,"max":36.5})");
  EXPECT_NE(
      client.Request("GET", "/api/v1/stats", "", {{"Authorization", "Bearer " + admin}}).body.find(R"("count":700,)"),
      std::string::npos);
}

TEST_P(ImportOriginalTest, AMissingTableIsSaidAndNothingIsWritten) {
  std::string output;
  EXPECT_EQ(Import(testing::UniqueTableName("absent"), &output), 2) << output;
  EXPECT_NE(output.find("no table"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportOriginalTest, ::testing::ValuesIn(testing::kBackends));

}  // namespace
}  // namespace telemetry

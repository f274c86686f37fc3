#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/utf8.h"

namespace telemetry {
namespace {

TEST(JsonWriter, WritesNestedObjectsAndArrays) {
  JsonWriter json;
  json.BeginObject().Key("a").Int(1).Key("b").BeginArray().Number(1.5).Null().String("x").EndArray();
  json.Key("c").BeginObject().EndObject().EndObject();
  EXPECT_EQ(json.str(), R"({"a":1,"b":[1.5,null,"x"],"c":{}})");
}

TEST(JsonWriter, AValueCanBeTakenInPieces) {
  JsonWriter json;
  json.BeginObject().Key("values").BeginArray().Int(1);
  std::string first = json.TakePiece();
  json.Int(2).EndArray().EndObject();
  EXPECT_EQ(first, R"({"values":[1)");
  EXPECT_EQ(first + json.TakePiece(), R"({"values":[1,2]})");  // the comma still where it belongs
  EXPECT_EQ(json.TakePiece(), "");
}

TEST(JsonWriter, PrintsIntegralDoublesWithoutAFraction) {
  EXPECT_EQ(FormatNumber(12.0), "12");
  EXPECT_EQ(FormatNumber(-0.5), "-0.5");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(1e300), "1e+300");
  EXPECT_EQ(FormatNumber(-0.0), "0");  // the same temperature as 0, however a client wrote it
  JsonWriter json;
  json.BeginArray().Number(std::nan("")).Number(std::optional<double>()).EndArray();
  EXPECT_EQ(json.str(), "[null,null]");
}

TEST(JsonWriter, EscapesStrings) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001")");
}

TEST(JsonWriter, WritesUtf8AsItIsAndWhatIsNotUtf8AsTheReplacementCharacter) {
  std::string out;
  AppendJsonString(out, "caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x8C\xA1");
  EXPECT_EQ(out, "\"caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x8C\xA1\"");
  out.clear();
  // A stray byte, a character cut short at the end (as a message truncated inside one is), an overlong '/'.
  AppendJsonString(out,
                   "a\xFF"
                   "b\xE2\x98"
                   "c\xC0\xAF"
                   "d\xE2\x98");
  EXPECT_EQ(out,
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_TRUE(IsValidUtf8(out));
}

}  // namespace
}  // namespace telemetry

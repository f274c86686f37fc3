#include "api/export_cursor.h"

#include <gtest/gtest.h>

namespace telemetry::api {
namespace {

std::string RepeatedText(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

TEST(ExportCursor, OneSensorsCursorIsTheTimeAsItAlwaysWas) {
  EXPECT_EQ(EncodeExportCursor({"107", 1633338000000000000}, true), "1633338000000000000");
  std::optional<ReadingPosition> position = DecodeExportCursor("-5", std::string("107"));
  ASSERT_TRUE(position);
  EXPECT_EQ(position->sensor_id, "107");
  EXPECT_EQ(position->time, -5);
  for (std::string_view bad : {"", "12x", "1.5", "3130.12", "9223372036854775807", "99999999999999999999"}) {
    EXPECT_FALSE(DecodeExportCursor(bad, std::string("107"))) << bad;
  }
}

TEST(ExportCursor, EverySensorsCursorNamesTheSensorInHexAndComesBackWhole) {
  for (const ReadingPosition& position : {ReadingPosition{"107", 0}, ReadingPosition{"a,\"b\" ü.%&", -12},
                                          ReadingPosition{RepeatedText("é", 64), kMaxTime}}) {
    std::string cursor = EncodeExportCursor(position, false);
    EXPECT_EQ(cursor.find_first_not_of("0123456789abcdef.-"), std::string::npos) << cursor;
    std::optional<ReadingPosition> decoded = DecodeExportCursor(cursor, std::nullopt);
    ASSERT_TRUE(decoded) << cursor;
    EXPECT_EQ(decoded->sensor_id, position.sensor_id);
    EXPECT_EQ(decoded->time, position.time);
  }
  EXPECT_EQ(EncodeExportCursor({"107", 5}, false), "313037.5");
  // Not a cursor an export of every sensor gives out: a one-sensor cursor, odd or foreign hex digits, no time, or
  // a sensor id no reading can have (empty, a control character).
  for (std::string_view bad : {"5", "31303.5", "3130ZZ.5", "3130AB.5", "313037.", "313037.x", ".5", "0a.5", ""}) {
    EXPECT_FALSE(DecodeExportCursor(bad, std::nullopt)) << bad;
  }
  EXPECT_FALSE(DecodeExportCursor(EncodeExportCursor({"\x01", 5}, false), std::nullopt));
  EXPECT_FALSE(DecodeExportCursor(EncodeExportCursor({RepeatedText("é", 65), 5}, false), std::nullopt));  // 130 bytes
  EXPECT_FALSE(DecodeExportCursor("ff.5", std::nullopt));                                                 // not UTF-8
  EXPECT_FALSE(DecodeExportCursor("313037.5", std::string("107")));
}

}  // namespace
}  // namespace telemetry::api

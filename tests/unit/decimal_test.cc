#include "core/decimal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace telemetry {
namespace {

TEST(ParseDecimal, ReadsTheGeneralFormat) {
  double value = 0;
  EXPECT_EQ(ParseDecimal("12.5", value), DecimalParse::kOk);
  EXPECT_EQ(value, 12.5);
  EXPECT_EQ(ParseDecimal("-1.5e3", value), DecimalParse::kOk);
  EXPECT_EQ(value, -1500);
  EXPECT_EQ(ParseDecimal(".5", value), DecimalParse::kOk);
  EXPECT_EQ(value, 0.5);
}

TEST(ParseDecimal, RefusesWhatIsNotWholeNumber) {
  double value = 7;
  for (const char* text : {"", "1x", "+1", "1e", "0x10", " 1", "--1"}) {
    EXPECT_EQ(ParseDecimal(text, value), DecimalParse::kInvalid) << text;
  }
  EXPECT_EQ(value, 7);
}

// Python's float() and Go's strconv.ParseFloat round a value too small for a double towards zero; std::from_chars
// refuses it.
TEST(ParseDecimal, RoundsAValueTooSmallAsPythonAndGoDo) {
  double value = 7;
  EXPECT_EQ(ParseDecimal("1e-400", value), DecimalParse::kOk);
  EXPECT_EQ(value, 0);
  EXPECT_EQ(ParseDecimal("-1e-400", value), DecimalParse::kOk);
  EXPECT_EQ(value, 0);
  EXPECT_TRUE(std::signbit(value));
  EXPECT_EQ(ParseDecimal("5e-324", value), DecimalParse::kOk);
  EXPECT_EQ(value, std::numeric_limits<double>::denorm_min());
}

TEST(ParseDecimal, AValueTooLargeIsOutOfRange) {
  double value = 7;
  EXPECT_EQ(ParseDecimal("1e309", value), DecimalParse::kOutOfRange);
  EXPECT_EQ(ParseDecimal("-1e309", value), DecimalParse::kOutOfRange);
  EXPECT_EQ(value, 7);
  EXPECT_EQ(ParseDecimal("1.7976931348623157e308", value), DecimalParse::kOk);
  EXPECT_EQ(value, std::numeric_limits<double>::max());
}

}  // namespace
}  // namespace telemetry

#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace telemetry {
namespace {

TEST(Utf8, AcceptsEveryWellFormedLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("sensor-107"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));          // é
  EXPECT_TRUE(IsValidUtf8("\xE2\x98\x83"));      // ☃
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x8C\xA1"));  // 🌡
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x8C\xA1xyz"), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9"), 2u);
}

TEST(Utf8, RefusesWhatTheStandardCallsIllFormed) {
  for (const char* bad : {
           "\x80",              // a continuation byte alone
           "\xBF",              //
           "\xC0\xAF",          // overlong '/'
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong '/'
           "\xE0\x9F\xBF",      // overlong
           "\xED\xA0\x80",      // U+D800, a surrogate
           "\xED\xBF\xBF",      // U+DFFF
           "\xF0\x8F\xBF\xBF",  // overlong
           "\xF4\x90\x80\x80",  // U+110000
           "\xF5\x80\x80\x80",  // no such lead byte
           "\xFF",              //
           "\xC3",              // cut short
           "\xE2\x98",          //
           "\xF0\x9F\x8C",      //
           "\xE2\x28\xA1",      // a second byte that is no continuation
           "ok\xFFok",          //
       }) {
    EXPECT_FALSE(IsValidUtf8(bad)) << ::testing::PrintToString(std::string(bad));
  }
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xE2\x98"), 0u);
}

}  // namespace
}  // namespace telemetry

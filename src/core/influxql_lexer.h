// The tokens of InfluxQL (core/influxql.h): identifiers (quoted or not), 'strings', numbers, duration literals
// (5m, 1633338000000ms), /regexes/ where one may come (after =~, !~ and FROM), $parameters, operators and
// punctuation; -- and /* */ comments are skipped.
//
//   Lex("SELECT mean(value) FROM temperature WHERE time > now() - 1h")
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace telemetry::influxql {

enum class TokenType {
  kEnd,
  kIdent,        // an unquoted identifier or keyword; a $parameter, as "$name"
  kQuotedIdent,  // "..."
  kString,       // '...'
  kInteger,
  kNumber,    // with a fraction or exponent
  kDuration,  // 5m, 1633338000000ms
  kRegex,     // /.../, only where one is expected
  kOp,        // = != <> < <= > >= =~ !~ + - * / % and :: (a type cast)
  kLeftParen,
  kRightParen,
  kComma,
  kDot,
  kSemicolon,
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;  // identifiers, strings and regexes: the value, unescaped; others: the source text
  std::size_t position = 0;
  std::int64_t integer = 0;  // kInteger
  double number = 0;         // kInteger, kNumber
  TimeNs duration = 0;       // kDuration
};

// The tokens of `text`, ending with one of type kEnd; kInvalidArgument naming the first that is not one, and where.
StatusOr<std::vector<Token>> Lex(std::string_view text);

// "line 1, char 8": a byte offset as InfluxDB's messages count it, from 1.
std::string Where(std::string_view text, std::size_t position);

// A duration as InfluxQL writes it, in its largest whole unit: 90s -> "90s", 3600s -> "1h".
std::string FormatDuration(TimeNs duration);

}  // namespace telemetry::influxql

#include "core/influxql_lexer.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/ascii.h"

namespace telemetry::influxql {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

struct DurationUnit {
  std::string_view name;
  TimeNs nanos;
};

// Longest names first, so that "ms" is not read as "m".
constexpr DurationUnit kDurationUnits[] = {
    {"ns", 1},
    {"ms", 1'000'000},
    {"\xC2\xB5", 1'000},
    {"u", 1'000},
    {"s", kNanosPerSecond},
    {"m", kNanosPerMinute},
    {"h", kNanosPerHour},
    {"d", kNanosPerDay},
    {"w", 7 * kNanosPerDay},
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments();
      Token token;
      token.position = at_;
      if (at_ >= text_.size()) {
        tokens.push_back(token);
        return tokens;
      }
      bool regex_expected = !tokens.empty() && RegexMayFollow(tokens.back());
      Status scanned = Scan(token, regex_expected);
      if (!scanned.ok()) return scanned;
      tokens.push_back(std::move(token));
    }
  }

 private:
  // A '/' after =~ or !~ (and after FROM, for a measurement regex) opens a regex; elsewhere it divides.
  static bool RegexMayFollow(const Token& previous) {
    return (previous.type == TokenType::kOp && (previous.text == "=~" || previous.text == "!~")) ||
           (previous.type == TokenType::kIdent && EqualsIgnoringAsciiCase(previous.text, "from"));
  }

  void SkipSpaceAndComments() {
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++at_;
      } else if (text_.substr(at_, 2) == "--") {
        while (at_ < text_.size() && text_[at_] != '\n') ++at_;
      } else if (text_.substr(at_, 2) == "/*") {
        std::size_t end = text_.find("*/", at_ + 2);
        at_ = end == std::string_view::npos ? text_.size() : end + 2;
      } else {
        return;
      }
    }
  }

  Status Error(std::size_t position, const std::string& what) const {
    return InvalidArgument(what + " at " + Where(text_, position));
  }

  Status Scan(Token& token, bool regex_expected) {
    char c = text_[at_];
    if (IsIdentStart(c)) {
      std::size_t start = at_;
      while (at_ < text_.size() && IsIdentChar(text_[at_])) ++at_;
      token.type = TokenType::kIdent;
      token.text = std::string(text_.substr(start, at_ - start));
      return Status::Ok();
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return ScanNumber(token);
    if (c == '"' || c == '\'') {
      token.type = c == '"' ? TokenType::kQuotedIdent : TokenType::kString;
      return ScanQuoted(token, c);
    }
    if (c == '/' && regex_expected) return ScanRegex(token);
    if (c == '$') {
      ++at_;
      if (at_ < text_.size() && text_[at_] == '"') {
        Status quoted = ScanQuoted(token, '"');
        if (!quoted.ok()) return quoted;
      } else {
        std::size_t start = at_;
        while (at_ < text_.size() && IsIdentChar(text_[at_])) ++at_;
        token.text = std::string(text_.substr(start, at_ - start));
      }
      if (token.text.empty()) return Error(token.position, "a bound parameter needs a name after $");
      // A bound parameter is kept as an identifier prefixed with '$'; the parser substitutes it.
      token.type = TokenType::kIdent;
      token.text = "$" + token.text;
      return Status::Ok();
    }
    static constexpr std::string_view kTwoCharOps[] = {"!=", "<>", "<=", ">=", "=~", "!~", "::"};
    for (std::string_view op : kTwoCharOps) {
      if (text_.substr(at_, 2) == op) {
        at_ += 2;
        token.type = TokenType::kOp;
        token.text = std::string(op);
        return Status::Ok();
      }
    }
    ++at_;
    token.text = std::string(1, c);
    static constexpr std::pair<char, TokenType> kPunctuation[] = {
        {'(', TokenType::kLeftParen}, {')', TokenType::kRightParen}, {',', TokenType::kComma},
        {'.', TokenType::kDot},       {';', TokenType::kSemicolon},
    };
    if (std::string_view("=<>+-*/%").find(c) != std::string_view::npos) {
      token.type = TokenType::kOp;
      return Status::Ok();
    }
    for (auto [character, type] : kPunctuation) {
      if (c != character) continue;
      token.type = type;
      return Status::Ok();
    }
    return Error(token.position, "unexpected character '" + token.text + "'");
  }

  Status ScanNumber(Token& token) {
    std::size_t start = at_;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
    std::string_view digits = text_.substr(start, at_ - start);
    auto digit_at = [&](std::size_t i) {
      return i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i]));
    };
    // An exponent: e or E, an optional sign, at least one digit; its length, or 0 when there is none at `i`.
    auto exponent_at = [&](std::size_t i) -> std::size_t {
      if (i >= text_.size() || (text_[i] != 'e' && text_[i] != 'E')) return 0;
      std::size_t j = i + 1;
      if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
      if (!digit_at(j)) return 0;
      while (digit_at(j)) ++j;
      return j - i;
    };
    bool fraction = at_ < text_.size() && text_[at_] == '.' && digit_at(at_ + 1);
    if (fraction || exponent_at(at_) > 0) {
      if (fraction) {
        ++at_;
        while (digit_at(at_)) ++at_;
      }
      at_ += exponent_at(at_);
      token.type = TokenType::kNumber;
      token.text = std::string(text_.substr(start, at_ - start));
      token.number = std::strtod(token.text.c_str(), nullptr);
      if (!std::isfinite(token.number))
        return Error(start, "the number " + token.text.substr(0, 32) + " is out of range");
      return Status::Ok();
    }
    std::int64_t value = 0;
    for (char d : digits) {
      if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, d - '0', &value)) {
        return Error(start, "the integer " + std::string(digits.substr(0, 32)) + " is out of range");
      }
    }
    for (const DurationUnit& unit : kDurationUnits) {
      if (text_.substr(at_, unit.name.size()) != unit.name) continue;
      std::size_t end = at_ + unit.name.size();
      if (end < text_.size() && IsIdentChar(text_[end])) break;  // "5min": not a duration
      at_ = end;
      token.type = TokenType::kDuration;
      token.text = std::string(text_.substr(start, at_ - start));
      if (__builtin_mul_overflow(value, unit.nanos, &token.duration)) {
        return Error(start, "the duration " + token.text + " is out of range");
      }
      return Status::Ok();
    }
    if (at_ < text_.size() && IsIdentStart(text_[at_])) {
      std::size_t end = at_;
      while (end < text_.size() && IsIdentChar(text_[end])) ++end;
      return Error(start, "invalid duration " + std::string(text_.substr(start, end - start)) +
                              "; units are ns, u, ms, s, m, h, d and w");
    }
    token.type = TokenType::kInteger;
    token.text = std::string(digits);
    token.integer = value;
    token.number = static_cast<double>(value);
    return Status::Ok();
  }

  // A '...' string or "..." identifier: a backslash escapes the quote, a backslash, or stands for \n and \t.
  Status ScanQuoted(Token& token, char quote) {
    std::size_t start = at_++;
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == quote) return Status::Ok();
      if (c == '\\' && at_ < text_.size()) {
        char escaped = text_[at_++];
        token.text += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
        continue;
      }
      if (c == '\n' && quote == '"') break;
      token.text += c;
    }
    return Error(start, quote == '"' ? "unterminated quoted identifier" : "unterminated string");
  }

  Status ScanRegex(Token& token) {
    std::size_t start = at_++;
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == '/') {
        token.type = TokenType::kRegex;
        return Status::Ok();
      }
      if (c == '\\' && at_ < text_.size() && text_[at_] == '/') {
        token.text += text_[at_++];  // "\/" is a slash inside the regex
        continue;
      }
      token.text += c;
    }
    return Error(start, "unterminated regular expression");
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::string Where(std::string_view text, std::size_t position) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < position && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", char " + std::to_string(column);
}

std::string FormatDuration(TimeNs duration) {
  static constexpr DurationUnit kLargestFirst[] = {
      {"w", 7 * kNanosPerDay}, {"d", kNanosPerDay}, {"h", kNanosPerHour}, {"m", kNanosPerMinute},
      {"s", kNanosPerSecond},  {"ms", 1'000'000},   {"u", 1'000},
  };
  for (const DurationUnit& unit : kLargestFirst) {
    if (duration % unit.nanos == 0) return std::to_string(duration / unit.nanos) + std::string(unit.name);
  }
  return std::to_string(duration) + "ns";
}

StatusOr<std::vector<Token>> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace telemetry::influxql

#include "core/line_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/decimal.h"

namespace telemetry {
namespace {

// A cursor over the whole text: string fields may hold newlines, so lines are found while parsing.
class LineParser {
 public:
  LineParser(std::string_view text, TimeNs precision) : text_(text), precision_(precision) {}

  ParsedLines Run() {
    ParsedLines out;
    // One point per line is the rule: room for all at once spares moving thousands of points as the vector grows
    // (capped: a body of blank lines must not reserve memory for points it does not hold).
    auto lines = static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')) + 1;
    out.points.reserve(std::min<std::size_t>(lines, 1 << 16));
    while (pos_ < text_.size()) {
      line_start_ = pos_;
      first_line_ = line_;
      SkipBlanks();
      if (AtLineEnd()) {
        NextLine();
        continue;
      }
      if (Peek() == '#') {
        SkipToLineEnd();
        NextLine();
        continue;
      }
      LinePoint point;
      point.line = first_line_;
      if (ParsePoint(point)) {
        out.points.push_back(std::move(point));
      } else {
        SkipToLineEnd();
        std::string_view line = text_.substr(line_start_, pos_ - line_start_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.errors.push_back({first_line_, "unable to parse '" + std::string(line.substr(0, 200)) + "': " + error_});
      }
      NextLine();
    }
    return out;
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\n'; }
  bool AtEnd() const { return pos_ >= text_.size(); }
  // At '\n', "\r\n" or the end of the text.
  bool AtLineEnd() const {
    return AtEnd() || text_[pos_] == '\n' || (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
  }
  void SkipBlanks() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void SkipToLineEnd() {
    while (!AtEnd() && text_[pos_] != '\n') ++pos_;
  }
  void NextLine() {
    SkipToLineEnd();
    if (!AtEnd()) {
      ++pos_;
      ++line_;
    }
  }
  bool Fail(std::string why) {
    error_ = std::move(why);
    return false;
  }

  // Reads up to an unescaped character of `stops` (or the line end). A backslash escapes a character of
  // `escapable`; before any other character it is kept as it is.
  std::string ReadToken(std::string_view stops, std::string_view escapable) {
    std::string token;
    for (;;) {
      // Plain characters are taken a run at a time: this loop is the parser's hottest.
      std::size_t run_end = pos_;
      while (run_end < text_.size() && !EndsRun(text_[run_end], stops)) ++run_end;
      token.append(text_.data() + pos_, run_end - pos_);
      pos_ = run_end;
      if (AtLineEnd() || stops.find(text_[pos_]) != std::string_view::npos) return token;
      // A backslash, or a '\r' that does not end the line.
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && escapable.find(text_[pos_ + 1]) != std::string_view::npos) {
        token += text_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      token += text_[pos_++];
    }
  }
  // Whether `c` may end a run of plain token characters: one of `stops`, a backslash or a line end.
  static bool EndsRun(char c, std::string_view stops) {
    if (c == '\\' || c == '\n' || c == '\r') return true;
    for (char stop : stops) {
      if (c == stop) return true;
    }
    return false;
  }

  bool ParsePoint(LinePoint& point) {
    point.measurement = ReadToken(", ", ", \\");
    if (point.measurement.empty()) return Fail("missing measurement");
    while (Peek() == ',') {
      ++pos_;
      std::string key = ReadToken(",= ", ",= \\");
      if (Peek() != '=') return Fail("missing tag value");
      ++pos_;
      std::string value = ReadToken(",= ", ",= \\");
      if (key.empty()) return Fail("missing tag key");
      if (value.empty()) return Fail("missing tag value");
      point.tags.emplace_back(std::move(key), std::move(value));
    }
    if (Peek() != ' ') return Fail("missing fields");
    SkipBlanks();
    for (;;) {
      std::string key = ReadToken(",= ", ",= \\");
      if (key.empty()) return Fail("missing field key");
      if (Peek() != '=') return Fail("missing field value");
      ++pos_;
      LineField field{std::move(key), 0.0};
      if (!ParseFieldValue(field.value)) return false;
      point.fields.push_back(std::move(field));
      if (Peek() != ',') break;
      ++pos_;
    }
    if (!AtLineEnd() && Peek() != ' ') return Fail("invalid field format");
    SkipBlanks();
    if (!AtLineEnd()) {
      std::size_t start = pos_;
      while (!AtLineEnd() && Peek() != ' ' && Peek() != '\t') ++pos_;
      std::string_view digits = text_.substr(start, pos_ - start);
      std::int64_t units = 0;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), units);
      if (error != std::errc() || end != digits.data() + digits.size()) return Fail("bad timestamp");
      if (units > std::numeric_limits<TimeNs>::max() / precision_ ||
          units < std::numeric_limits<TimeNs>::min() / precision_) {
        return Fail("timestamp out of range");
      }
      point.time = units * precision_;
      SkipBlanks();
      if (!AtLineEnd()) return Fail("unexpected text after the timestamp");
    }
    return true;
  }

  bool ParseFieldValue(FieldValue& value) {
    if (Peek() == '"') {
      ++pos_;
      std::string text;
      for (;;) {
        if (AtEnd()) return Fail("unterminated string field value");
        char c = text_[pos_];
        if (c == '\n') ++line_;  // a string may span lines
        if (c == '\\' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '\\')) {
          text += text_[pos_ + 1];
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (c == '"') break;
        text += c;
      }
      value = std::move(text);
      return true;
    }
    std::size_t start = pos_;
    while (!AtLineEnd() && Peek() != ',' && Peek() != ' ') ++pos_;
    std::string_view token = text_.substr(start, pos_ - start);
    if (token.empty()) return Fail("missing field value");
    if (token == "t" || token == "T" || token == "true" || token == "True" || token == "TRUE") {
      value = true;
      return true;
    }
    if (token == "f" || token == "F" || token == "false" || token == "False" || token == "FALSE") {
      value = false;
      return true;
    }
    char suffix = token.back();
    if (suffix == 'i' || suffix == 'u') {
      std::string_view digits = token.substr(0, token.size() - 1);
      if (suffix == 'i') {
        std::int64_t number = 0;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
          return Fail("invalid integer field value " + std::string(token));
        }
        value = number;
      } else {
        std::uint64_t number = 0;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
        if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
          return Fail("invalid unsigned field value " + std::string(token));
        }
        value = number;
      }
      return true;
    }
    // Floats: decimal digits with an optional sign, point and exponent; no NaN, no infinity, no hex.
    for (char c : token) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        return Fail("invalid field value " + std::string(token.substr(0, 64)));
      }
    }
    std::string_view digits = token.front() == '+' ? token.substr(1) : token;
    double number = 0;
    DecimalParse parsed = ParseDecimal(digits, number);
    if (parsed == DecimalParse::kOutOfRange) {
      return Fail("float field value " + std::string(token.substr(0, 64)) + " is out of range");
    }
    if (parsed != DecimalParse::kOk || !std::isfinite(number)) {
      return Fail("invalid float field value " + std::string(token.substr(0, 64)));
    }
    value = number;
    return true;
  }

  std::string_view text_;
  TimeNs precision_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  int first_line_ = 1;
  std::string error_;
};

}  // namespace

ParsedLines ParseLineProtocol(std::string_view text, TimeNs precision) { return LineParser(text, precision).Run(); }

std::optional<TimeNs> PrecisionNanos(std::string_view name) {
  if (name.empty() || name == "n" || name == "ns") return 1;
  if (name == "u" || name == "us" || name == "\xC2\xB5s") return 1'000;
  if (name == "ms") return 1'000'000;
  if (name == "s") return kNanosPerSecond;
  if (name == "m") return kNanosPerMinute;
  if (name == "h") return kNanosPerHour;
  return std::nullopt;
}

}  // namespace telemetry

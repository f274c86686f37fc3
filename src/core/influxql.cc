#include "core/influxql.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "core/ascii.h"
#include "core/influxql_lexer.h"

namespace telemetry::influxql {
namespace {

// Bounds on what one query may hold: its conditions' and arithmetic's trees and its regexes are walked by recursion,
// so they stay small (kMaxComparisons bounds the terms of arithmetic too).
constexpr std::size_t kMaxStatements = 100;
constexpr int kMaxComparisons = 1'000;
constexpr int kMaxConditionDepth = 64;
constexpr std::size_t kMaxRegexBytes = 4'096;
constexpr int kMaxRegexDepth = 16;

// ---- Conditions as written, before they are sorted into time bounds and tag conditions ----

struct Operand {
  enum class Kind { kIdent, kString, kNumber, kTime, kRegex };
  Kind kind = Kind::kString;
  std::string text;  // kIdent: the name; kString: the string; kRegex: the source
  double number = 0;
  bool integer = false;  // kNumber: written as an integer (time in nanoseconds, if compared with time)
  TimeNs time = 0;       // kTime: now() or a duration literal, plus or minus durations
  std::shared_ptr<const std::regex> regex;
};

struct Condition {
  enum class Kind { kAnd, kOr, kCompare };
  Kind kind = Kind::kCompare;
  std::unique_ptr<Condition> left, right;
  Operand lhs, rhs;
  std::string op;
  std::size_t position = 0;
};

bool IsTime(const Operand& operand) {
  return operand.kind == Operand::Kind::kIdent && EqualsIgnoringAsciiCase(operand.text, "time");
}

bool MentionsTime(const Condition& condition) {
  if (condition.kind != Condition::Kind::kCompare) {
    return MentionsTime(*condition.left) || MentionsTime(*condition.right);
  }
  return IsTime(condition.lhs) || IsTime(condition.rhs);
}

// The sensorID tag under either of its names; any other key as written.
std::string CanonicalTag(std::string_view key) {
  if (key == "sensor" || key == kSensorTag) return std::string(kSensorTag);
  return std::string(key);
}

bool IsValueField(std::string_view name) { return name == kValueField || name == "temperature"; }

// A comparison with its sides swapped: a < b is b > a.
std::string Mirrored(const std::string& op) {
  return op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : op == ">=" ? "<=" : op;
}

bool IsValue(const Operand& operand) { return operand.kind == Operand::Kind::kIdent && IsValueField(operand.text); }

bool MentionsValue(const Condition& condition) {
  if (condition.kind != Condition::Kind::kCompare) {
    return MentionsValue(*condition.left) || MentionsValue(*condition.right);
  }
  return IsValue(condition.lhs) || IsValue(condition.rhs);
}

// A regex as InfluxDB's (Go's RE2) are written, in std::regex's ECMAScript dialect: a leading (?i) becomes the
// case-insensitive flag. The match is a search, as Go's MatchString is.
StatusOr<std::shared_ptr<const std::regex>> CompileRegex(std::string_view source) {
  // A query's regex is untrusted input to std::regex, which compiles (and matches) by recursion and whose compiler
  // overflows on long numbers: the length and the nesting are bounded, and backreferences and counted repetition
  // ({n,m}, which multiplies the automaton) are refused before it sees them.
  int depth = 0, deepest = 0;
  for (std::size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (c == '\\' && i + 1 < source.size()) {
      if (std::isdigit(static_cast<unsigned char>(source[++i]))) {
        return InvalidArgument("backreferences (\\1) are not supported in regular expressions");
      }
      continue;
    }
    if (c == '{') return InvalidArgument("counted repetition ({n,m}) is not supported in regular expressions");
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    deepest = std::max(deepest, depth);
  }
  if (source.size() > kMaxRegexBytes || deepest > kMaxRegexDepth) {
    return InvalidArgument("a regular expression may be " + std::to_string(kMaxRegexBytes) +
                           " bytes long with groups " + std::to_string(kMaxRegexDepth) + " deep");
  }
  // __polynomial (a libstdc++ extension) matches with its breadth-first executor: time polynomial in the input,
  // where the default backtracking one is exponential for patterns such as (a*)*b.
  auto flags = std::regex::ECMAScript | std::regex_constants::__polynomial;
  if (source.starts_with("(?i)")) {
    source.remove_prefix(4);
    flags |= std::regex::icase;
  }
  try {
    return std::make_shared<const std::regex>(std::string(source), flags);
  } catch (const std::regex_error&) {
    return InvalidArgument("invalid regular expression /" + std::string(source.substr(0, 64)) + "/");
  }
}

// ---- The parser ----

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, std::string_view measurement, const BoundParams& params,
         TimeNs now)
      : text_(text), tokens_(std::move(tokens)), measurement_(measurement), params_(params), now_(now) {}

  StatusOr<std::vector<Statement>> ParseAll() {
    std::vector<Statement> statements;
    while (true) {
      while (Peek().type == TokenType::kSemicolon) Take();
      if (Peek().type == TokenType::kEnd) break;
      std::optional<Statement> statement = ParseStatement();
      if (!statement) return *error_;
      statements.push_back(std::move(*statement));
      if (statements.size() > kMaxStatements) {
        return InvalidArgument("at most " + std::to_string(kMaxStatements) + " statements per query");
      }
      if (Peek().type != TokenType::kSemicolon && Peek().type != TokenType::kEnd) {
        Unexpected("';' or the end of the query");
        return *error_;
      }
    }
    if (statements.empty()) return InvalidArgument("the query is empty");
    return statements;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const { return tokens_[std::min(next_ + ahead, tokens_.size() - 1)]; }
  Token Take() {
    Token token = Peek();
    if (next_ < tokens_.size() - 1) ++next_;
    return token;
  }
  bool IsKeyword(const Token& token, std::string_view keyword) const {
    return token.type == TokenType::kIdent && EqualsIgnoringAsciiCase(token.text, keyword);
  }
  bool AcceptKeyword(std::string_view keyword) {
    if (!IsKeyword(Peek(), keyword)) return false;
    Take();
    return true;
  }
  bool ExpectKeyword(std::string_view keyword) {
    if (AcceptKeyword(keyword)) return true;
    std::string upper(keyword);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Unexpected(upper);
  }
  bool Accept(TokenType type) {
    if (Peek().type != type) return false;
    Take();
    return true;
  }
  bool Expect(TokenType type, std::string_view what) { return Accept(type) || Unexpected(what); }
  bool AcceptOp(std::string_view op) {
    if (Peek().type != TokenType::kOp || Peek().text != op) return false;
    Take();
    return true;
  }

  // An identifier, without the type cast Grafana's query builder may add ("sensorID"::tag, "value"::field): the cast
  // only tells a tag from a field of the same name, and here the names are apart.
  std::string TakeName() {
    std::string name = Take().text;
    if (Peek().type == TokenType::kOp && Peek().text == "::" &&
        (Peek(1).type == TokenType::kIdent || Peek(1).type == TokenType::kQuotedIdent)) {
      Take();
      Take();
    }
    return name;
  }

  // Records the first error; returns false so that callers can `return Fail(...)`.
  bool Fail(std::string message) {
    if (!error_) error_ = InvalidArgument(std::move(message));
    return false;
  }
  bool FailAt(std::size_t position, const std::string& message) {
    return Fail(message + " at " + Where(text_, position));
  }
  // InfluxDB's wording: "found X, expected Y at line 1, char N".
  bool Unexpected(std::string_view expected) {
    const Token& token = Peek();
    std::string found = token.type == TokenType::kEnd ? "EOF" : token.text.substr(0, 64);
    return FailAt(token.position, "found " + found + ", expected " + std::string(expected));
  }

  std::optional<Statement> ParseStatement() {
    if (AcceptKeyword("select")) {
      Select select;
      if (!ParseSelect(select)) return std::nullopt;
      return Statement(std::move(select));
    }
    if (AcceptKeyword("show")) {
      Show show;
      if (!ParseShow(show)) return std::nullopt;
      return Statement(std::move(show));
    }
    if (IsKeyword(Peek(), "create") && IsKeyword(Peek(1), "database")) {
      Take();
      Take();
      if (Peek().type != TokenType::kIdent && Peek().type != TokenType::kQuotedIdent) {
        Unexpected("a database name");
        return std::nullopt;
      }
      CreateDatabase create{Take().text};
      if (IsKeyword(Peek(), "with")) {
        FailAt(Peek().position,
               "CREATE DATABASE ... WITH: retention policies are not supported; telemetryd's one store "
               "keeps readings as its --retention-days says");
        return std::nullopt;
      }
      return Statement(std::move(create));
    }
    if (Peek().type == TokenType::kIdent) {
      FailAt(Peek().position, Peek().text.substr(0, 32) +
                                  " statements are not supported: telemetryd answers SELECT, SHOW (MEASUREMENTS, "
                                  "SERIES, TAG KEYS, TAG VALUES, FIELD KEYS, DATABASES, RETENTION POLICIES) and "
                                  "CREATE DATABASE");
      return std::nullopt;
    }
    Unexpected("SELECT or SHOW");
    return std::nullopt;
  }

  // ---- SELECT ----

  bool ParseSelect(Select& select) {
    if (!ParseColumns(select)) return false;
    if (!ExpectKeyword("from")) return false;
    if (Peek().type == TokenType::kLeftParen) return FailAt(Peek().position, "subqueries are not supported");
    if (!ParseMeasurement(select.measurement_matches)) return false;
    if (Peek().type == TokenType::kComma) {
      return FailAt(Peek().position, "one measurement per SELECT: telemetryd stores one, " + measurement_);
    }
    if (AcceptKeyword("where")) {
      std::unique_ptr<Condition> where = ParseOr();
      if (!where ||
          !SortCondition(*where, select.from, select.to, select.to_given, select.tags, &select.value_conditions)) {
        return false;
      }
      if (!select.value_conditions.empty()) select.reads_readings = true;
    }
    if (AcceptKeyword("group")) {
      if (!ExpectKeyword("by") || !ParseGroupBy(select)) return false;
    }
    if (AcceptKeyword("fill") && !ParseFill(select)) return false;
    if (AcceptKeyword("order")) {
      if (!ExpectKeyword("by")) return false;
      if (!AcceptKeyword("time")) return FailAt(Peek().position, "only ORDER BY time [ASC|DESC] is supported");
      if (AcceptKeyword("desc")) {
        select.descending = true;
      } else {
        AcceptKeyword("asc");
      }
    }
    for (auto [keyword, field] : {std::pair{"limit", &select.limit}, std::pair{"offset", &select.offset},
                                  std::pair{"slimit", &select.slimit}, std::pair{"soffset", &select.soffset}}) {
      if (AcceptKeyword(keyword) && !ParseCount(*field)) return false;
    }
    if (AcceptKeyword("tz")) {
      if (!Expect(TokenType::kLeftParen, "(")) return false;
      if (Peek().type != TokenType::kString) return Unexpected("a time zone name such as 'Europe/Berlin'");
      select.time_zone = Take().text;
      if (!Expect(TokenType::kRightParen, ")")) return false;
    }
    return CheckSelect(select);
  }

  bool ParseColumns(Select& select) {
    bool any_aggregate = false, any_value = false, any_tag = false, transforms_of_readings = false;
    reads_readings_ = false;
    keeps_values_ = false;
    integrates_ = false;
    ranked_calls_ = 0;
    distinct_calls_ = 0;
    do {
      Column column;
      if (AcceptOp("*")) {
        column.kind = Column::Kind::kSensorTag;
        column.name = kSensorTag;
        select.columns.push_back(column);
        column.kind = Column::Kind::kValue;
        column.name = kValueField;
        any_value = true;
      } else if ((Peek().type == TokenType::kIdent || Peek().type == TokenType::kQuotedIdent) &&
                 Peek(1).type != TokenType::kLeftParen && CanonicalTag(Peek().text) == kSensorTag) {
        column.kind = Column::Kind::kSensorTag;
        column.name = TakeName();
        any_tag = true;
      } else if (Peek().type == TokenType::kIdent && Peek(1).type == TokenType::kLeftParen &&
                 TransformNamed(Peek().text)) {
        if (!ParseTransform(column)) return false;
        (column.kind == Column::Kind::kValue ? transforms_of_readings : any_aggregate) = true;
      } else {
        ColumnParts parts;
        std::shared_ptr<Arithmetic> arithmetic = ParseArithmetic(parts);
        if (!arithmetic) return false;
        if (!parts.aggregate && !parts.raw) return Fail("a column needs a function such as mean(value), or value");
        if (parts.aggregate && parts.raw) return Fail("mixing aggregate and non-aggregate queries is not supported");
        column.kind = parts.aggregate ? Column::Kind::kAggregate : Column::Kind::kValue;
        column.call = parts.call;
        column.name = parts.name;
        if (arithmetic->kind != Arithmetic::Kind::kLeaf) column.arithmetic = std::move(arithmetic);
        any_aggregate |= parts.aggregate;
        any_value |= parts.raw;
      }
      if (AcceptKeyword("as")) {
        if (Peek().type != TokenType::kIdent && Peek().type != TokenType::kQuotedIdent) return Unexpected("an alias");
        column.name = Take().text;
      }
      select.columns.push_back(std::move(column));
    } while (Accept(TokenType::kComma));
    if (ranked_calls_ > 0 && !CheckRanked(select, any_value)) return false;
    if (distinct_calls_ > 0) {
      const Column& only = select.columns.front();
      if (distinct_calls_ > 1 || select.columns.size() > 1 || only.arithmetic || only.transform) {
        return Fail("aggregate function distinct() cannot be combined with other functions or fields");
      }
      select.distinct = true;
    }
    if (const Column* selector = SelectorColumn(select);
        any_tag && selector && selector->call.function == Function::kPercentile) {
      return Fail("percentile() beside sensorID is not supported: GROUP BY sensorID gives each sensor's");
    }
    if ((any_aggregate && (any_value || (any_tag && !select.ranked && !PicksOneReading(select)))) ||
        (transforms_of_readings && (any_aggregate || any_value || any_tag))) {
      return Fail("mixing aggregate and non-aggregate queries is not supported");
    }
    select.aggregate = any_aggregate;
    select.transforms_readings = transforms_of_readings;
    select.reads_readings = reads_readings_;
    select.keeps_values = keeps_values_;
    select.integrates = integrates_;
    // Aggregates unnamed by an alias take the function's name, repeated ones with _1, _2, ... (as InfluxDB does).
    std::map<std::string, int> seen;
    for (Column& column : select.columns) {
      int times = seen[column.name]++;
      if (times > 0) column.name += "_" + std::to_string(times);
    }
    return true;
  }

  // The statement's function column, when it is the only column but sensorID ones, holds one function (bare or in
  // arithmetic, as in max(value) * 2 or sqrt(max(value)); no transformation), and that is a selector: first(),
  // last(), min(), max() or percentile().
  static const Column* SelectorColumn(const Select& select) {
    const Column* selector = nullptr;
    for (const Column& column : select.columns) {
      if (column.kind == Column::Kind::kSensorTag) continue;
      if (selector || column.kind != Column::Kind::kAggregate || column.transform) return nullptr;
      if (column.arithmetic) {
        std::size_t calls = 0;
        column.arithmetic->ForEachCall([&calls](const Call&) { ++calls; });
        if (calls != 1) return nullptr;
      }
      selector = &column;
    }
    if (!selector) return nullptr;
    switch (selector->call.function) {
      case Function::kFirst:
      case Function::kLast:
      case Function::kMin:
      case Function::kMax:
      case Function::kPercentile:
        return selector;
      default:
        return nullptr;
    }
  }

  // A selector that picks one reading the store can name the sensor of: the sensorID columns beside it name it.
  static bool PicksOneReading(const Select& select) {
    const Column* selector = SelectorColumn(select);
    return selector && selector->call.function != Function::kPercentile;
  }

  // top() and bottom() pick readings, which become the rows: alone, beside the sensorID tag at most (naming each
  // reading's sensor), as InfluxDB allows them.
  bool CheckRanked(Select& select, bool any_value) {
    std::size_t aggregates = 0;
    const Column* ranked = nullptr;
    for (const Column& column : select.columns) {
      if (column.kind != Column::Kind::kAggregate) continue;
      ++aggregates;
      if (column.call.function == Function::kTop || column.call.function == Function::kBottom) ranked = &column;
    }
    std::string name(ranked_name_);
    if (ranked_calls_ > 1 || aggregates > 1 || !ranked || any_value) {
      return Fail("selector function " + name + "() cannot be combined with other functions or fields");
    }
    if (ranked->arithmetic || ranked->transform) return Fail(name + "() takes no arithmetic or transformation");
    select.ranked = ranked->call;
    return true;
  }

  // What a column's arithmetic holds: aggregates or the value (not both), the first function, and the column's
  // name as InfluxDB makes it: the names of its functions and fields in order, joined by "_" (max_min for
  // max(value) - min(value)).
  struct ColumnParts {
    bool aggregate = false, raw = false;
    Call call;
    std::string name;

    void AddName(const std::string& part) { name += name.empty() ? part : "_" + part; }
  };

  std::shared_ptr<Arithmetic> Join(Arithmetic::Kind kind, std::shared_ptr<Arithmetic> left,
                                   std::shared_ptr<Arithmetic> right) {
    auto joined = std::make_shared<Arithmetic>();
    joined->kind = kind;
    joined->left = std::move(left);
    joined->right = std::move(right);
    return joined;
  }

  // Binary arithmetic, left to right within a level: level 0 joins level-1 operands with + and -, level 1 joins
  // factors with * and /.
  std::shared_ptr<Arithmetic> ParseArithmetic(ColumnParts& parts, int level = 0) {
    using Kind = Arithmetic::Kind;
    static constexpr std::pair<std::string_view, Kind> kOperators[2][2] = {
        {{"+", Kind::kAdd}, {"-", Kind::kSubtract}},
        {{"*", Kind::kMultiply}, {"/", Kind::kDivide}},
    };
    auto operand = [&] { return level == 1 ? ParseFactor(parts) : ParseArithmetic(parts, level + 1); };
    std::shared_ptr<Arithmetic> left = operand();
    while (left && Peek().type == TokenType::kOp) {
      const auto* op = std::find_if(std::begin(kOperators[level]), std::end(kOperators[level]),
                                    [&](const auto& candidate) { return candidate.first == Peek().text; });
      if (op == std::end(kOperators[level])) break;
      Take();
      std::shared_ptr<Arithmetic> right = operand();
      left = right ? Join(op->second, std::move(left), std::move(right)) : nullptr;
    }
    return left;
  }

  // A number, -factor, (arithmetic), function(field) or the value field.
  std::shared_ptr<Arithmetic> ParseFactor(ColumnParts& parts) {
    if (++factors_ > kMaxComparisons) {
      FailAt(Peek().position, "at most " + std::to_string(kMaxComparisons) + " terms of arithmetic per query");
      return nullptr;
    }
    if (++depth_ > kMaxConditionDepth) {
      FailAt(Peek().position, "arithmetic nests too deeply");
      return nullptr;
    }
    std::shared_ptr<Arithmetic> factor = ParseFactorWithin(parts);
    --depth_;
    return factor;
  }

  std::shared_ptr<Arithmetic> ParseFactorWithin(ColumnParts& parts) {
    std::size_t position = Peek().position;
    auto leaf = std::make_shared<Arithmetic>();
    if (Peek().type == TokenType::kInteger || Peek().type == TokenType::kNumber) {
      leaf->kind = Arithmetic::Kind::kNumber;
      leaf->number = Take().number;
      return leaf;
    }
    if (AcceptOp("-")) {
      std::shared_ptr<Arithmetic> negated = ParseFactor(parts);
      if (!negated) return nullptr;
      auto zero = std::make_shared<Arithmetic>();
      zero->kind = Arithmetic::Kind::kNumber;
      return Join(Arithmetic::Kind::kSubtract, std::move(zero), std::move(negated));
    }
    if (Accept(TokenType::kLeftParen)) {
      std::shared_ptr<Arithmetic> inner = ParseArithmetic(parts);
      if (inner && !Expect(TokenType::kRightParen, ")")) return nullptr;
      return inner;
    }
    if (Peek().type == TokenType::kIdent && Peek(1).type == TokenType::kLeftParen) {
      if (const auto* transform = TransformNamed(Peek().text)) {
        FailAt(position, std::string(transform->first) + "() takes no arithmetic");
        return nullptr;
      }
      if (const auto* math = MathNamed(Peek().text)) return ParseMath(*math, parts);
      std::string name = Take().text;
      Take();
      Column call;
      if (!ParseFunction(name, position, call)) return nullptr;
      leaf->call = call.call;
      if (!parts.aggregate && !parts.raw) parts.call = call.call;
      parts.AddName(call.name);
      parts.aggregate = true;
      return leaf;
    }
    if (Peek().type == TokenType::kIdent || Peek().type == TokenType::kQuotedIdent) {
      std::string name = TakeName();
      if (CanonicalTag(name) == kSensorTag) {
        FailAt(position, "the tag " + name + " takes no arithmetic");
        return nullptr;
      }
      if (!IsValueField(name)) {
        FailAt(position,
               "\"" + name.substr(0, 64) + "\" is neither the field value (or temperature) nor the tag sensorID");
        return nullptr;
      }
      parts.AddName(name);
      parts.raw = true;
      return leaf;
    }
    Unexpected("a field, a tag, * or a function such as mean(value)");
    return nullptr;
  }

  static constexpr std::pair<std::string_view, MathFunction> kMathFunctions[] = {
      {"abs", MathFunction::kAbs},     {"acos", MathFunction::kAcos},   {"asin", MathFunction::kAsin},
      {"atan", MathFunction::kAtan},   {"atan2", MathFunction::kAtan2}, {"ceil", MathFunction::kCeil},
      {"cos", MathFunction::kCos},     {"exp", MathFunction::kExp},     {"floor", MathFunction::kFloor},
      {"ln", MathFunction::kLn},       {"log", MathFunction::kLog},     {"log2", MathFunction::kLog2},
      {"log10", MathFunction::kLog10}, {"pow", MathFunction::kPow},     {"round", MathFunction::kRound},
      {"sin", MathFunction::kSin},     {"sqrt", MathFunction::kSqrt},   {"tan", MathFunction::kTan},
  };

  static const std::pair<std::string_view, MathFunction>* MathNamed(std::string_view name) {
    const auto* found = std::find_if(std::begin(kMathFunctions), std::end(kMathFunctions),
                                     [&](const auto& f) { return EqualsIgnoringAsciiCase(f.first, name); });
    return found == std::end(kMathFunctions) ? nullptr : found;
  }

  // math(arithmetic[, arithmetic]): round(mean(value)), pow(value, 2), abs(*). The column takes the math function's
  // name, not those of the functions within it (abs_value for abs(*)), as InfluxDB names it.
  std::shared_ptr<Arithmetic> ParseMath(const std::pair<std::string_view, MathFunction>& named, ColumnParts& parts) {
    Take();  // the name
    Take();  // (
    auto math = std::make_shared<Arithmetic>();
    math->kind = Arithmetic::Kind::kMath;
    math->math = named.second;
    bool two = named.second == MathFunction::kAtan2 || named.second == MathFunction::kLog ||
               named.second == MathFunction::kPow;
    std::string outer = std::exchange(parts.name, {});
    std::string name(named.first);
    if (!two && Peek().type == TokenType::kOp && Peek().text == "*" && Peek(1).type == TokenType::kRightParen) {
      Take();  // of every field: the value
      math->left = std::make_shared<Arithmetic>();
      parts.raw = true;
      name += "_" + std::string(kValueField);
    } else {
      math->left = ParseArithmetic(parts);
      if (!math->left) return nullptr;
    }
    if (two) {
      if (!Expect(TokenType::kComma, ",")) return nullptr;
      math->right = ParseArithmetic(parts);
      if (!math->right) return nullptr;
    } else if (Peek().type == TokenType::kComma) {
      FailAt(Peek().position, std::string(named.first) + "() takes one argument");
      return nullptr;
    }
    if (!Expect(TokenType::kRightParen, ")")) return nullptr;
    parts.name = std::move(outer);
    parts.AddName(name);
    return math;
  }

  static constexpr std::pair<std::string_view, Transform::Kind> kTransforms[] = {
      {"derivative", Transform::Kind::kDerivative},
      {"non_negative_derivative", Transform::Kind::kNonNegativeDerivative},
      {"difference", Transform::Kind::kDifference},
      {"non_negative_difference", Transform::Kind::kNonNegativeDifference},
      {"moving_average", Transform::Kind::kMovingAverage},
      {"cumulative_sum", Transform::Kind::kCumulativeSum},
      {"elapsed", Transform::Kind::kElapsed},
  };

  static const std::pair<std::string_view, Transform::Kind>* TransformNamed(std::string_view name) {
    const auto* found = std::find_if(std::begin(kTransforms), std::end(kTransforms),
                                     [&](const auto& t) { return EqualsIgnoringAsciiCase(t.first, name); });
    return found == std::end(kTransforms) ? nullptr : found;
  }

  // transform(aggregate(value)[, unit or N]) or transform(value[, unit or N]), a column of its own:
  // derivative(mean(value), 1m), moving_average(value, 5).
  bool ParseTransform(Column& column) {
    std::size_t position = Peek().position;
    const auto* named = TransformNamed(Take().text);
    Take();  // (
    Transform transform;
    transform.kind = named->second;
    bool of_field = (Peek().type == TokenType::kIdent || Peek().type == TokenType::kQuotedIdent) &&
                    Peek(1).type != TokenType::kLeftParen;
    if (of_field) {
      std::string field = TakeName();
      if (!IsValueField(field)) {
        return FailAt(position, std::string(named->first) + "(" + field.substr(0, 64) +
                                    "): the field is value (or temperature); it is the only one stored");
      }
      column.kind = Column::Kind::kValue;
    } else if (Peek().type != TokenType::kIdent || Peek(1).type != TokenType::kLeftParen) {
      return FailAt(Peek().position, std::string(named->first) +
                                         "() takes the field, value, or an aggregate such as mean(value) with "
                                         "GROUP BY time()");
    } else if (MathNamed(Peek().text)) {
      return FailAt(Peek().position,
                    std::string(named->first) + "() takes an aggregate such as mean(value), not " + Peek().text + "()");
    } else {
      std::string inner = Take().text;
      Take();  // (
      if (!ParseFunction(inner, position, column)) return false;
    }
    bool unit = transform.kind == Transform::Kind::kDerivative ||
                transform.kind == Transform::Kind::kNonNegativeDerivative ||
                transform.kind == Transform::Kind::kElapsed;
    if (transform.kind == Transform::Kind::kElapsed) {
      transform.unit = 1;  // nanoseconds, unless given
    } else if (unit && of_field) {
      transform.unit = kNanosPerSecond;  // a rate per second, unless given (of buckets: per interval, CheckSelect)
    }
    if (transform.kind == Transform::Kind::kMovingAverage) {
      if (!Expect(TokenType::kComma, ",")) return false;
      if (Peek().type != TokenType::kInteger || Peek().integer < 1 || Peek().integer > 10'000) {
        return Unexpected(of_field ? "a number of readings from 1 to 10000" : "a number of buckets from 1 to 10000");
      }
      transform.window = static_cast<std::size_t>(Take().integer);
    } else if (unit && Accept(TokenType::kComma)) {
      if (Peek().type != TokenType::kDuration || Peek().duration <= 0) return Unexpected("a unit of time such as 1m");
      transform.unit = Take().duration;
    }
    if (!Expect(TokenType::kRightParen, ")")) return false;
    if (Peek().type == TokenType::kOp && Peek().text != "::") {
      return FailAt(Peek().position, std::string(named->first) + "() takes no arithmetic");
    }
    column.transform = transform;
    column.name = std::string(named->first);
    return true;
  }

  // After "name(": the field, percentile's N, and ')'.
  bool ParseFunction(const std::string& name, std::size_t position, Column& column) {
    static constexpr std::pair<std::string_view, Function> kFunctions[] = {
        {"count", Function::kCount},   {"sum", Function::kSum},
        {"mean", Function::kMean},     {"min", Function::kMin},
        {"max", Function::kMax},       {"spread", Function::kSpread},
        {"first", Function::kFirst},   {"last", Function::kLast},
        {"median", Function::kMedian}, {"percentile", Function::kPercentile},
        {"stddev", Function::kStddev}, {"top", Function::kTop},
        {"bottom", Function::kBottom}, {"integral", Function::kIntegral},
        {"mode", Function::kMode},     {"distinct", Function::kDistinct},
    };
    const auto* known = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                                     [&](const auto& f) { return EqualsIgnoringAsciiCase(f.first, name); });
    if (known == std::end(kFunctions)) {
      return FailAt(position, "function " + name.substr(0, 32) +
                                  "() is not supported; telemetryd answers count, sum, mean, min, max, spread, first, "
                                  "last, median, percentile, stddev, mode, top, bottom, integral and "
                                  "distinct, and the math functions such as round() and abs() on them");
    }
    column.kind = Column::Kind::kAggregate;
    column.call.function = known->second;
    column.name = std::string(known->first);
    // count(distinct(value)): how many different values (distinct(value) alone is a row per value).
    bool distinct = column.call.function == Function::kCount && Peek().type == TokenType::kIdent &&
                    EqualsIgnoringAsciiCase(Peek().text, "distinct") && Peek(1).type == TokenType::kLeftParen;
    if (distinct) {
      Take();
      Take();
      column.call.function = Function::kCountDistinct;
    }
    Function function = column.call.function;
    reads_readings_ |= ReadsReadings(function);
    keeps_values_ |= function == Function::kMedian || function == Function::kPercentile ||
                     function == Function::kStddev || function == Function::kMode ||
                     function == Function::kCountDistinct || function == Function::kDistinct;
    distinct_calls_ += function == Function::kDistinct;
    integrates_ |= function == Function::kIntegral;
    if (AcceptOp("*")) {
      column.name += "_" + std::string(kValueField);  // mean(*): InfluxDB names the column mean_<field>
    } else if (Peek().type == TokenType::kIdent || Peek().type == TokenType::kQuotedIdent) {
      std::string field = TakeName();
      if (!IsValueField(field)) {
        return FailAt(position, std::string(known->first) + "(" + field.substr(0, 64) +
                                    "): the field is value (or temperature); it is the only one stored");
      }
    } else {
      return Unexpected("a field name");
    }
    bool ranks = column.call.function == Function::kTop || column.call.function == Function::kBottom;
    if (ranks) {
      ++ranked_calls_;
      ranked_name_ = known->first;
    }
    if (column.call.function == Function::kPercentile) {
      if (!Expect(TokenType::kComma, ",")) return false;
      const Token& n = Peek();
      if (n.type != TokenType::kInteger && n.type != TokenType::kNumber) return Unexpected("a number from 0 to 100");
      if (!(n.number >= 0 && n.number <= 100)) return FailAt(n.position, "percentile() takes N from 0 to 100");
      column.call.percentile = Take().number;
    } else if (ranks) {
      if (!Expect(TokenType::kComma, ",")) return false;
      const Token& n = Peek();
      if (n.type == TokenType::kIdent || n.type == TokenType::kQuotedIdent) {
        return FailAt(n.position, name + "() of a tag's values is not supported; with GROUP BY sensorID, " + name +
                                      "(value, N) picks each sensor's N readings");
      }
      if (n.type != TokenType::kInteger || n.integer < 1 || n.integer > static_cast<std::int64_t>(kMaxRanked)) {
        return Unexpected("a number of readings from 1 to " + std::to_string(kMaxRanked));
      }
      column.call.count = static_cast<std::size_t>(Take().integer);
    } else if (column.call.function == Function::kIntegral && Accept(TokenType::kComma)) {
      if (Peek().type != TokenType::kDuration || Peek().duration <= 0) return Unexpected("a unit of time such as 1h");
      column.call.unit = Take().duration;
    }
    if (Peek().type == TokenType::kComma) {
      if (column.call.function == Function::kIntegral) {
        return FailAt(Peek().position, name + "() takes the field and a unit of time");
      }
      return FailAt(Peek().position, column.call.function == Function::kPercentile || ranks
                                         ? name + "() takes two arguments: the field and N"
                                         : name + "() takes one argument");
    }
    if (distinct && !Expect(TokenType::kRightParen, ")")) return false;
    return Expect(TokenType::kRightParen, ")");
  }

  // [db.[rp].]measurement, each part quoted or not, the measurement also a regex.
  bool ParseMeasurement(bool& matches) {
    while (true) {
      const Token& token = Peek();
      if (token.type == TokenType::kRegex) {
        auto regex = CompileRegex(token.text);
        if (!regex.ok()) return FailAt(token.position, regex.status().message());
        Take();
        matches = std::regex_search(measurement_, **regex);
        return true;
      }
      if (token.type != TokenType::kIdent && token.type != TokenType::kQuotedIdent) {
        return Unexpected("a measurement");
      }
      std::string name = Take().text;
      if (Accept(TokenType::kDot)) {
        Accept(TokenType::kDot);  // db..measurement: the default retention policy
        continue;
      }
      matches = name == measurement_;
      return true;
    }
  }

  bool ParseGroupBy(Select& select) {
    do {
      std::size_t position = Peek().position;
      if (IsKeyword(Peek(), "time") && Peek(1).type == TokenType::kLeftParen) {
        Take();
        Take();
        if (Peek().type != TokenType::kDuration || Peek().duration <= 0) return Unexpected("a duration such as 5m");
        select.interval = Take().duration;
        if (Accept(TokenType::kComma)) {
          bool negative = AcceptOp("-");
          if (Peek().type != TokenType::kDuration) return Unexpected("an offset duration such as 15m");
          select.interval_offset = negative ? -Take().duration : Take().duration;
        }
        if (!Expect(TokenType::kRightParen, ")")) return false;
      } else if (AcceptOp("*")) {
        select.group_by_sensor = true;
      } else if (Peek().type == TokenType::kIdent || Peek().type == TokenType::kQuotedIdent) {
        std::string tag = CanonicalTag(TakeName());
        if (tag == kSensorTag) {
          select.group_by_sensor = true;
        } else if (IsValueField(tag)) {
          return FailAt(position, "GROUP BY takes tags and time(), not the field " + tag);
        } else {
          select.empty_tags.push_back(tag);
        }
      } else if (Peek().type == TokenType::kRegex) {
        return FailAt(position, "GROUP BY a regular expression is not supported; name the tag, sensorID");
      } else {
        return Unexpected("time(interval), a tag or *");
      }
    } while (Accept(TokenType::kComma));
    return true;
  }

  bool ParseFill(Select& select) {
    if (!Expect(TokenType::kLeftParen, "(")) return false;
    if (AcceptKeyword("null")) {
      select.fill = Fill::kNull;
    } else if (AcceptKeyword("none")) {
      select.fill = Fill::kNone;
    } else if (AcceptKeyword("previous")) {
      select.fill = Fill::kPrevious;
    } else if (AcceptKeyword("linear")) {
      select.fill = Fill::kLinear;
    } else {
      bool negative = AcceptOp("-");
      if (Peek().type != TokenType::kInteger && Peek().type != TokenType::kNumber) {
        return Unexpected("null, none, previous, linear or a number");
      }
      select.fill = Fill::kNumber;
      select.fill_value = negative ? -Take().number : Take().number;
    }
    return Expect(TokenType::kRightParen, ")");
  }

  bool ParseCount(std::size_t& out) {
    if (Peek().type != TokenType::kInteger) return Unexpected("a whole number");
    out = static_cast<std::size_t>(Take().integer);
    return true;
  }

  bool CheckSelect(Select& select) {
    for (Column& column : select.columns) {
      if (!column.transform) continue;
      if (column.kind == Column::Kind::kValue) {
        if (select.interval) return Fail("aggregate function required inside the call to " + column.name);
        continue;
      }
      if (!select.interval) return Fail(column.name + "() of an aggregate needs GROUP BY time()");
      if (column.transform->unit == 0) column.transform->unit = *select.interval;  // as InfluxDB's default
    }
    if (select.interval && !select.aggregate) {
      return Fail("GROUP BY time() requires an aggregate function such as mean(value)");
    }
    if (const Column* selector = SelectorColumn(select); selector && select.aggregate) {
      select.lone_selector = selector->call;
      // Each bucket's min() or max() beside sensorID: the rollups give every bucket's value, not whose it is, so
      // the buckets' readings are read (one search of the rollups per bucket would cost more).
      bool any_tag = std::any_of(select.columns.begin(), select.columns.end(),
                                 [](const Column& column) { return column.kind == Column::Kind::kSensorTag; });
      if (select.interval && any_tag) select.reads_readings = true;
    }
    if (!select.interval) return true;
    if (select.from == kMinTime) {
      return Fail("GROUP BY time() needs a lower time bound, such as WHERE time >= now() - 1h");
    }
    // Without an upper bound the buckets end at now(), as InfluxDB's do.
    if (!select.to_given) select.to = now_ == kMaxTime ? kMaxTime : now_ + 1;
    if (select.from >= select.to) return true;  // an empty range: no buckets, no series
    TimeNs interval = *select.interval;
    select.interval_offset %= interval;  // time(1h, 90m) is time(1h, 30m)
    TimeNs shifted = 0, first = 0;
    select.lead_bucket = std::all_of(select.columns.begin(), select.columns.end(), [](const Column& column) {
      return column.transform && column.transform->kind != Transform::Kind::kCumulativeSum;
    });
    if ((select.lead_bucket && __builtin_sub_overflow(select.from, interval, &select.from)) ||
        __builtin_sub_overflow(select.from, select.interval_offset, &shifted) ||
        __builtin_add_overflow(FloorTo(shifted, interval), select.interval_offset, &first)) {
      return Fail("the time range is too close to the limits of time for GROUP BY time()");
    }
    // In long double: the span may exceed 64 bits, and an estimate is all the cap needs.
    long double buckets = (static_cast<long double>(select.to) - static_cast<long double>(first)) / interval;
    if (buckets > static_cast<long double>(kMaxBuckets)) {
      return Fail("GROUP BY time(" + FormatDuration(interval) + ") cuts the range into " +
                  std::to_string(static_cast<unsigned long long>(std::ceil(std::min(buckets, 1e18L)))) +
                  " buckets; at most " + std::to_string(kMaxBuckets) +
                  " are answered: use a longer interval or a shorter time range");
    }
    return true;
  }

  // ---- SHOW ----

  bool ParseShow(Show& show) {
    std::size_t position = Peek().position;
    if (AcceptKeyword("databases")) {
      show.what = Show::What::kDatabases;
      return true;
    }
    if (AcceptKeyword("retention")) {
      if (!ExpectKeyword("policies")) return false;
      show.what = Show::What::kRetentionPolicies;
      return SkipOn();
    }
    if (AcceptKeyword("measurements")) {
      show.what = Show::What::kMeasurements;
      if (!SkipOn()) return false;
      if (AcceptKeyword("with")) {
        if (!ExpectKeyword("measurement")) return false;
        std::optional<NameMatcher> matcher = ParseNameMatcher();
        if (!matcher) return false;
        show.measurement_matches = matcher->Accepts(measurement_);
      }
      return ParseShowWhereAndLimits(show);
    }
    if (AcceptKeyword("series")) {
      show.what = Show::What::kSeries;
      return SkipOn() && ParseShowFrom(show) && ParseShowWhereAndLimits(show);
    }
    if (AcceptKeyword("field")) {
      if (!ExpectKeyword("keys")) return false;
      show.what = Show::What::kFieldKeys;
      return SkipOn() && ParseShowFrom(show) && ParseShowWhereAndLimits(show);
    }
    if (AcceptKeyword("tag")) {
      if (AcceptKeyword("keys")) {
        show.what = Show::What::kTagKeys;
        return SkipOn() && ParseShowFrom(show) && ParseShowWhereAndLimits(show);
      }
      if (!ExpectKeyword("values")) return false;
      show.what = Show::What::kTagValues;
      if (!SkipOn() || !ParseShowFrom(show) || !ExpectKeyword("with") || !ExpectKeyword("key")) return false;
      if (AcceptKeyword("in")) {
        // WITH KEY IN ("a", "b"): one of the names.
        if (!Expect(TokenType::kLeftParen, "(")) return false;
        NameMatcher one_of{NameMatcher::Op::kOneOf, "", nullptr, {}};
        do {
          if (Peek().type != TokenType::kIdent && Peek().type != TokenType::kQuotedIdent) {
            return Unexpected("a tag key");
          }
          one_of.names.push_back(CanonicalTag(Take().text));
        } while (Accept(TokenType::kComma));
        if (!Expect(TokenType::kRightParen, ")")) return false;
        show.tag_key = std::move(one_of);
      } else {
        show.tag_key = ParseNameMatcher();
        if (!show.tag_key) return false;
        if (show.tag_key->op == NameMatcher::Op::kEqual || show.tag_key->op == NameMatcher::Op::kNotEqual) {
          show.tag_key->text = CanonicalTag(show.tag_key->text);
        }
      }
      return ParseShowWhereAndLimits(show);
    }
    if (Peek().type == TokenType::kIdent) {
      return FailAt(position, "SHOW " + Peek().text.substr(0, 32) +
                                  " is not supported; telemetryd answers SHOW MEASUREMENTS, SERIES, TAG KEYS, TAG "
                                  "VALUES, FIELD KEYS, DATABASES and RETENTION POLICIES");
    }
    return Unexpected("MEASUREMENTS, SERIES, TAG KEYS, TAG VALUES, FIELD KEYS, DATABASES or RETENTION POLICIES");
  }

  // ON <database>: every database name reads the one store.
  bool SkipOn() {
    if (!AcceptKeyword("on")) return true;
    if (Peek().type != TokenType::kIdent && Peek().type != TokenType::kQuotedIdent) return Unexpected("a database");
    Take();
    return true;
  }

  bool ParseShowFrom(Show& show) {
    if (!AcceptKeyword("from")) return true;
    return ParseMeasurement(show.measurement_matches);
  }

  bool ParseShowWhereAndLimits(Show& show) {
    if (AcceptKeyword("where")) {
      std::unique_ptr<Condition> where = ParseOr();
      bool to_given = false;
      if (!where || !SortCondition(*where, show.from, show.to, to_given, show.tags, nullptr)) return false;
    }
    if (AcceptKeyword("limit") && !ParseCount(show.limit)) return false;
    if (AcceptKeyword("offset") && !ParseCount(show.offset)) return false;
    return true;
  }

  // = name, != name, =~ /regex/, !~ /regex/ (a name quoted or not).
  std::optional<NameMatcher> ParseNameMatcher() {
    NameMatcher matcher;
    const Token& op = Peek();
    if (op.type != TokenType::kOp ||
        (op.text != "=" && op.text != "!=" && op.text != "<>" && op.text != "=~" && op.text != "!~")) {
      Unexpected("=, !=, =~ or !~");
      return std::nullopt;
    }
    std::string text = Take().text;
    if (text == "=~" || text == "!~") {
      matcher.op = text == "=~" ? NameMatcher::Op::kMatches : NameMatcher::Op::kNotMatches;
      if (Peek().type != TokenType::kRegex) {
        Unexpected("a regular expression");
        return std::nullopt;
      }
      matcher.text = Peek().text;
      auto regex = CompileRegex(matcher.text);
      if (!regex.ok()) {
        FailAt(Peek().position, regex.status().message());
        return std::nullopt;
      }
      Take();
      matcher.regex = *regex;
      return matcher;
    }
    matcher.op = text == "=" ? NameMatcher::Op::kEqual : NameMatcher::Op::kNotEqual;
    if (Peek().type != TokenType::kIdent && Peek().type != TokenType::kQuotedIdent &&
        Peek().type != TokenType::kString) {
      Unexpected("a name");
      return std::nullopt;
    }
    matcher.text = Take().text;
    return matcher;
  }

  // ---- WHERE ----

  std::unique_ptr<Condition> ParseOr() { return ParseJoined("or", Condition::Kind::kOr, &Parser::ParseAnd); }
  std::unique_ptr<Condition> ParseAnd() { return ParseJoined("and", Condition::Kind::kAnd, &Parser::ParseUnary); }

  // operand [keyword operand]...: a tree of `kind` nodes leaning left, as the operator associates.
  std::unique_ptr<Condition> ParseJoined(std::string_view keyword, Condition::Kind kind,
                                         std::unique_ptr<Condition> (Parser::*operand)()) {
    std::unique_ptr<Condition> left = (this->*operand)();
    while (left && AcceptKeyword(keyword)) {
      std::unique_ptr<Condition> right = (this->*operand)();
      if (!right) return nullptr;
      auto both = std::make_unique<Condition>();
      both->kind = kind;
      both->position = left->position;
      both->left = std::move(left);
      both->right = std::move(right);
      left = std::move(both);
    }
    return left;
  }

  std::unique_ptr<Condition> ParseUnary() {
    if (++depth_ > kMaxConditionDepth) {
      FailAt(Peek().position, "conditions nest too deeply");
      return nullptr;
    }
    std::unique_ptr<Condition> condition;
    if (Accept(TokenType::kLeftParen)) {
      condition = ParseOr();
      if (condition && !Expect(TokenType::kRightParen, ")")) condition = nullptr;
    } else {
      condition = ParseComparison();
    }
    --depth_;
    return condition;
  }

  std::unique_ptr<Condition> ParseComparison() {
    if (++comparisons_ > kMaxComparisons) {
      FailAt(Peek().position, "at most " + std::to_string(kMaxComparisons) + " comparisons per query");
      return nullptr;
    }
    auto comparison = std::make_unique<Condition>();
    comparison->position = Peek().position;
    if (!ParseOperand(comparison->lhs)) return nullptr;
    static constexpr std::string_view kComparisons[] = {"=", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~"};
    const Token& op = Peek();
    if (op.type != TokenType::kOp ||
        std::find(std::begin(kComparisons), std::end(kComparisons), op.text) == std::end(kComparisons)) {
      Unexpected("=, !=, <>, <, <=, >, >=, =~ or !~");
      return nullptr;
    }
    comparison->op = Take().text == "<>" ? "!=" : op.text;
    if (!ParseOperand(comparison->rhs)) return nullptr;
    return comparison;
  }

  // A name, string, number, regex, now() or a time, optionally plus or minus durations.
  bool ParseOperand(Operand& operand) {
    Token token = Peek();
    bool negative = false;
    if (token.type == TokenType::kOp && token.text == "-") {
      Take();
      negative = true;
      token = Peek();
      if (token.type != TokenType::kInteger && token.type != TokenType::kNumber && token.type != TokenType::kDuration) {
        return Unexpected("a number");
      }
    }
    switch (token.type) {
      case TokenType::kIdent:
        if (token.text.starts_with("$")) {
          Take();
          if (!Bind(token, operand)) return false;
          break;
        }
        if (IsKeyword(token, "now") && Peek(1).type == TokenType::kLeftParen) {
          Take();
          Take();
          if (!Expect(TokenType::kRightParen, ")")) return false;
          operand.kind = Operand::Kind::kTime;
          operand.time = now_;
          break;
        }
        [[fallthrough]];
      case TokenType::kQuotedIdent:
        operand.kind = Operand::Kind::kIdent;
        operand.text = TakeName();
        return true;  // `time` itself: no arithmetic after a name
      case TokenType::kString:
        operand.kind = Operand::Kind::kString;
        operand.text = Take().text;
        break;
      case TokenType::kInteger:
        operand.kind = Operand::Kind::kNumber;
        operand.integer = true;
        operand.number = negative ? -token.number : token.number;
        operand.time = negative ? -token.integer : token.integer;
        Take();
        break;
      case TokenType::kNumber:
        operand.kind = Operand::Kind::kNumber;
        operand.number = negative ? -token.number : token.number;
        Take();
        break;
      case TokenType::kDuration:
        operand.kind = Operand::Kind::kTime;
        operand.time = negative ? -token.duration : token.duration;
        Take();
        break;
      case TokenType::kRegex: {
        auto regex = CompileRegex(token.text);
        if (!regex.ok()) return FailAt(token.position, regex.status().message());
        operand.kind = Operand::Kind::kRegex;
        operand.text = Take().text;
        operand.regex = *regex;
        return true;
      }
      default:
        return Unexpected("a name, a string, a number or a time");
    }
    // time >= now() - 1h, '2021-10-04T09:00:00Z' + 30m, 1633338000000ms - 5m: the operand becomes a time.
    while (Peek().type == TokenType::kOp && (Peek().text == "+" || Peek().text == "-")) {
      bool minus = Take().text == "-";
      if (Peek().type != TokenType::kDuration) return Unexpected("a duration such as 1h");
      TimeNs step = Take().duration;
      if (!ToTime(operand, token.position)) return false;
      if (minus ? __builtin_sub_overflow(operand.time, step, &operand.time)
                : __builtin_add_overflow(operand.time, step, &operand.time)) {
        return FailAt(token.position, "the time is out of range");
      }
    }
    if (Peek().type == TokenType::kOp && (Peek().text == "*" || Peek().text == "/" || Peek().text == "%")) {
      return FailAt(Peek().position, "only + and - of durations are supported in conditions");
    }
    return true;
  }

  // $name: the bound value, as if written in its place.
  bool Bind(const Token& token, Operand& operand) {
    auto found = params_.find(std::string_view(token.text).substr(1));
    if (found == params_.end()) {
      return FailAt(token.position, "missing parameter: " + token.text.substr(1, 64));
    }
    if (const auto* text = std::get_if<std::string>(&found->second)) {
      operand.kind = Operand::Kind::kString;
      operand.text = *text;
    } else if (const auto* integer = std::get_if<std::int64_t>(&found->second)) {
      operand.kind = Operand::Kind::kNumber;
      operand.number = static_cast<double>(*integer);
      operand.integer = true;
      operand.time = *integer;
    } else if (const auto* number = std::get_if<double>(&found->second)) {
      operand.kind = Operand::Kind::kNumber;
      operand.number = *number;
      operand.integer = std::trunc(*number) == *number && std::abs(*number) < 9e18;
      operand.time = operand.integer ? static_cast<TimeNs>(*number) : 0;
    } else {
      return FailAt(token.position, "parameter " + token.text.substr(1, 64) + " must be a string or a number");
    }
    return true;
  }

  // Reads an operand as an instant: a time already, integer nanoseconds, or a time string.
  bool ToTime(Operand& operand, std::size_t position) {
    switch (operand.kind) {
      case Operand::Kind::kTime:
        return true;
      case Operand::Kind::kNumber:
        if (!operand.integer) return FailAt(position, "a time must be whole nanoseconds or a time string");
        operand.kind = Operand::Kind::kTime;
        return true;
      case Operand::Kind::kString: {
        StatusOr<TimeNs> time = ParseTime(operand.text);
        if (!time.ok())
          return FailAt(position, "invalid time '" + operand.text.substr(0, 64) + "': " + time.status().message());
        operand.kind = Operand::Kind::kTime;
        operand.time = *time;
        return true;
      }
      default:
        return FailAt(position, "expected a time");
    }
  }

  // Sorts a WHERE into bounds on time and conditions on the value (both joined by AND at the top) and a condition on
  // tags. `values` null: conditions on the value are refused (SHOW).
  bool SortCondition(Condition& condition, TimeNs& from, TimeNs& to, bool& to_given,
                     std::unique_ptr<TagCondition>& tags, std::vector<ValueCondition>* values) {
    if (condition.kind == Condition::Kind::kAnd && (MentionsTime(condition) || MentionsValue(condition))) {
      return SortCondition(*condition.left, from, to, to_given, tags, values) &&
             SortCondition(*condition.right, from, to, to_given, tags, values);
    }
    if (MentionsTime(condition)) {
      if (condition.kind != Condition::Kind::kCompare) {
        return FailAt(condition.position, "conditions on time can only be joined with AND");
      }
      return NarrowTime(condition, from, to, to_given);
    }
    if (MentionsValue(condition)) {
      if (!values) return FailAt(condition.position, "SHOW takes conditions on time and tags, not on the value");
      std::optional<ValueCondition> value_condition = ToValueCondition(condition);
      if (!value_condition) return false;
      values->push_back(std::move(*value_condition));
      return true;
    }
    std::unique_ptr<TagCondition> tag_condition = ToTagCondition(condition);
    if (!tag_condition) return false;
    if (!tags) {
      tags = std::move(tag_condition);
    } else {
      auto both = std::make_unique<TagCondition>();
      both->kind = TagCondition::Kind::kAnd;
      both->left = std::move(tags);
      both->right = std::move(tag_condition);
      tags = std::move(both);
    }
    return true;
  }

  bool NarrowTime(Condition& comparison, TimeNs& from, TimeNs& to, bool& to_given) {
    bool time_on_left = IsTime(comparison.lhs);
    Operand& value = time_on_left ? comparison.rhs : comparison.lhs;
    if (IsTime(value)) return FailAt(comparison.position, "time compared with time");
    std::string op = comparison.op;
    if (!time_on_left) op = Mirrored(op);  // '2021-10-04' <= time  is  time >= '2021-10-04'
    if (op == "!=" || op == "=~" || op == "!~") {
      return FailAt(comparison.position, "time compares with =, <, <=, > or >=");
    }
    if (!ToTime(value, comparison.position)) return false;
    TimeNs at = value.time;
    TimeNs after = at == kMaxTime ? kMaxTime : at + 1;  // bounds are [from, to): "<= at" is "< at + 1ns"
    if (op == ">=" || op == "=") from = std::max(from, at);
    if (op == ">") from = std::max(from, after);
    if (op == "<" || op == "<=" || op == "=") {
      to = std::min(to, op == "<" ? at : after);
      to_given = true;
    }
    return true;
  }

  // Comparisons of the value joined by AND and OR, and nothing else: with a tag or time under an OR the readings a
  // statement reads would depend on each reading's sensor or time, which only the value's filter sees.
  std::optional<ValueCondition> ToValueCondition(Condition& condition) {
    if (condition.kind == Condition::Kind::kCompare) {
      if (!IsValue(condition.lhs) && !IsValue(condition.rhs)) {
        FailAt(condition.position,
               "conditions on the value can only be joined with OR to other conditions on the value");
        return std::nullopt;
      }
      return ToValueComparison(condition);
    }
    std::optional<ValueCondition> left = ToValueCondition(*condition.left);
    if (!left) return std::nullopt;
    std::optional<ValueCondition> right = ToValueCondition(*condition.right);
    if (!right) return std::nullopt;
    ValueCondition joined;
    joined.kind = condition.kind == Condition::Kind::kAnd ? ValueCondition::Kind::kAnd : ValueCondition::Kind::kOr;
    joined.left = std::make_shared<const ValueCondition>(std::move(*left));
    joined.right = std::make_shared<const ValueCondition>(std::move(*right));
    return joined;
  }

  // value > 30, 30 < value, value != $v: a number on the other side.
  std::optional<ValueCondition> ToValueComparison(Condition& comparison) {
    using Op = ValueCondition::Op;
    bool value_on_left = IsValue(comparison.lhs);
    const Operand& number = value_on_left ? comparison.rhs : comparison.lhs;
    if (number.kind != Operand::Kind::kNumber) {
      FailAt(comparison.position, "the value compares with a number, such as value > 30");
      return std::nullopt;
    }
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"=", Op::kEqual},        {"!=", Op::kNotEqual}, {"<", Op::kLess},
        {"<=", Op::kLessOrEqual}, {">", Op::kGreater},   {">=", Op::kGreaterOrEqual},
    };
    std::string op = comparison.op;
    if (!value_on_left) op = Mirrored(op);  // 30 < value  is  value > 30
    const auto* known = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& k) { return k.first == op; });
    if (known == std::end(kOps)) {
      FailAt(comparison.position, "the value compares with =, !=, <, <=, > or >=");
      return std::nullopt;
    }
    ValueCondition compare;
    compare.op = known->second;
    compare.number = number.number;
    return compare;
  }

  std::unique_ptr<TagCondition> ToTagCondition(Condition& condition) {
    auto tag = std::make_unique<TagCondition>();
    if (condition.kind != Condition::Kind::kCompare) {
      tag->kind = condition.kind == Condition::Kind::kAnd ? TagCondition::Kind::kAnd : TagCondition::Kind::kOr;
      tag->left = ToTagCondition(*condition.left);
      if (!tag->left) return nullptr;
      tag->right = ToTagCondition(*condition.right);
      if (!tag->right) return nullptr;
      return tag;
    }
    bool key_on_left = condition.lhs.kind == Operand::Kind::kIdent;
    Operand& key = key_on_left ? condition.lhs : condition.rhs;
    Operand& value = key_on_left ? condition.rhs : condition.lhs;
    if (key.kind != Operand::Kind::kIdent || value.kind == Operand::Kind::kIdent) {
      FailAt(condition.position, "a condition compares a tag with a string, such as \"sensorID\" = '107'");
      return nullptr;
    }
    tag->tag = CanonicalTag(key.text);
    const std::string& op = condition.op;
    if (op == "=~" || op == "!~") {
      if (value.kind != Operand::Kind::kRegex) {
        FailAt(condition.position, op + " needs a regular expression, such as /^10/");
        return nullptr;
      }
      tag->matcher = NameMatcher{
          op == "=~" ? NameMatcher::Op::kMatches : NameMatcher::Op::kNotMatches, value.text, value.regex, {}};
      return tag;
    }
    if (op != "=" && op != "!=") {
      FailAt(condition.position, "tags compare with =, !=, =~ or !~");
      return nullptr;
    }
    if (value.kind != Operand::Kind::kString) {
      FailAt(condition.position, "tag " + tag->tag + " compares with a string in single quotes, such as '107'");
      return nullptr;
    }
    tag->matcher =
        NameMatcher{op == "=" ? NameMatcher::Op::kEqual : NameMatcher::Op::kNotEqual, value.text, nullptr, {}};
    return tag;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  std::string measurement_;
  const BoundParams& params_;
  TimeNs now_;
  int depth_ = 0;
  int comparisons_ = 0;
  int factors_ = 0;            // of column arithmetic, whose trees are evaluated by recursion
  bool reads_readings_ = false;  // a function of the readings (ReadsReadings) anywhere in the statement's columns
  bool keeps_values_ = false;    // median, percentile or stddev anywhere in them
  bool integrates_ = false;      // integral anywhere in them
  std::size_t ranked_calls_ = 0;  // top() and bottom() anywhere in them
  std::size_t distinct_calls_ = 0;
  std::string_view ranked_name_;  // the last of them
  std::optional<Status> error_;
};

}  // namespace

bool ValueCondition::Accepts(double value) const {
  if (kind == Kind::kAnd) return left->Accepts(value) && right->Accepts(value);
  if (kind == Kind::kOr) return left->Accepts(value) || right->Accepts(value);
  switch (op) {
    case Op::kEqual:
      return value == number;
    case Op::kNotEqual:
      return value != number;
    case Op::kLess:
      return value < number;
    case Op::kLessOrEqual:
      return value <= number;
    case Op::kGreater:
      return value > number;
    case Op::kGreaterOrEqual:
      return value >= number;
  }
  return false;
}

bool ReadsReadings(Function function) {
  return function == Function::kFirst || function == Function::kLast || function == Function::kMedian ||
         function == Function::kPercentile || function == Function::kStddev || function == Function::kTop ||
         function == Function::kBottom || function == Function::kIntegral || function == Function::kMode ||
         function == Function::kCountDistinct || function == Function::kDistinct;
}

namespace {

double ApplyMath(MathFunction function, double x, double y) {
  switch (function) {
    case MathFunction::kAbs:
      return std::fabs(x);
    case MathFunction::kAcos:
      return std::acos(x);
    case MathFunction::kAsin:
      return std::asin(x);
    case MathFunction::kAtan:
      return std::atan(x);
    case MathFunction::kAtan2:
      return std::atan2(x, y);
    case MathFunction::kCeil:
      return std::ceil(x);
    case MathFunction::kCos:
      return std::cos(x);
    case MathFunction::kExp:
      return std::exp(x);
    case MathFunction::kFloor:
      return std::floor(x);
    case MathFunction::kLn:
      return std::log(x);
    case MathFunction::kLog:
      return std::log(x) / std::log(y);
    case MathFunction::kLog2:
      return std::log2(x);
    case MathFunction::kLog10:
      return std::log10(x);
    case MathFunction::kPow:
      return std::pow(x, y);
    case MathFunction::kRound:
      return std::round(x);
    case MathFunction::kSin:
      return std::sin(x);
    case MathFunction::kSqrt:
      return std::sqrt(x);
    case MathFunction::kTan:
      return std::tan(x);
  }
  return std::nan("");
}

}  // namespace

std::optional<double> Arithmetic::Evaluate(const std::function<std::optional<double>(const Call&)>& leaf) const {
  if (kind == Kind::kNumber) return number;
  if (kind == Kind::kLeaf) return leaf(call);
  std::optional<double> a = left->Evaluate(leaf);
  std::optional<double> b = right ? right->Evaluate(leaf) : std::optional<double>(0);
  if (!a || !b) return std::nullopt;
  double result = kind == Kind::kAdd        ? *a + *b
                  : kind == Kind::kSubtract ? *a - *b
                  : kind == Kind::kMultiply ? *a * *b
                  : kind == Kind::kDivide   ? *a / *b
                                            : ApplyMath(math, *a, *b);
  if (!std::isfinite(result)) return std::nullopt;
  return result;
}

void Arithmetic::ForEachCall(const std::function<void(const Call&)>& visit) const {
  if (kind == Kind::kLeaf) visit(call);
  if (left) left->ForEachCall(visit);
  if (right) right->ForEachCall(visit);
}

bool NameMatcher::Accepts(std::string_view name) const {
  switch (op) {
    case Op::kEqual:
      return name == text;
    case Op::kNotEqual:
      return name != text;
    case Op::kMatches:
      return std::regex_search(name.begin(), name.end(), *regex);
    case Op::kNotMatches:
      return !std::regex_search(name.begin(), name.end(), *regex);
    case Op::kOneOf:
      return std::find(names.begin(), names.end(), name) != names.end();
  }
  return false;
}

bool TagCondition::Accepts(std::string_view sensor_id) const {
  switch (kind) {
    case Kind::kAnd:
      return left->Accepts(sensor_id) && right->Accepts(sensor_id);
    case Kind::kOr:
      return left->Accepts(sensor_id) || right->Accepts(sensor_id);
    case Kind::kCompare:
      return matcher.Accepts(tag == kSensorTag ? sensor_id : std::string_view());
  }
  return false;
}

std::optional<std::vector<std::string>> TagCondition::NamedSensors() const {
  if (kind == Kind::kCompare) {
    if (tag != kSensorTag || matcher.op != NameMatcher::Op::kEqual) return std::nullopt;
    return std::vector<std::string>{matcher.text};
  }
  std::optional<std::vector<std::string>> left_names = left->NamedSensors();
  std::optional<std::vector<std::string>> right_names = right->NamedSensors();
  std::vector<std::string> names;
  if (kind == Kind::kOr) {
    if (!left_names || !right_names) return std::nullopt;
    names = std::move(*left_names);
    names.insert(names.end(), right_names->begin(), right_names->end());
  } else {
    // AND: the names one side allows that the whole condition accepts.
    if (!left_names && !right_names) return std::nullopt;
    for (std::string& name : left_names ? *left_names : *right_names) {
      if (Accepts(name)) names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

StatusOr<std::vector<Statement>> Parse(std::string_view text, std::string_view measurement, const BoundParams& params,
                                       TimeNs now) {
  StatusOr<std::vector<Token>> tokens = Lex(text);
  if (!tokens.ok()) return tokens.status();
  return Parser(text, std::move(tokens).value(), measurement, params, now).ParseAll();
}

std::vector<TimeNs> BucketStarts(const Select& select) {
  TimeNs interval = *select.interval;
  std::vector<TimeNs> starts;
  TimeNs start = FloorTo(select.from - select.interval_offset, interval) + select.interval_offset;
  while (start < select.to) {
    starts.push_back(start);
    if (__builtin_add_overflow(start, interval, &start)) break;
  }
  return starts;
}

std::optional<TimeNs> ParseDuration(std::string_view text) {
  StatusOr<std::vector<Token>> tokens = Lex(text);
  if (!tokens.ok() || tokens->size() != 2 || (*tokens)[0].type != TokenType::kDuration) return std::nullopt;
  return (*tokens)[0].duration;
}

}  // namespace telemetry::influxql

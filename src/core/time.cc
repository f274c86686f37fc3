#include "core/time.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace telemetry {
namespace {

// A cursor over the text being parsed; every Take* returns false without consuming on a mismatch.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  bool TakeChar(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // Exactly `digits` decimal digits.
  bool TakeFixed(int digits, int* out) {
    if (text_.size() - pos_ < static_cast<size_t>(digits)) return false;
    int value = 0;
    for (int i = 0; i < digits; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += digits;
    *out = value;
    return true;
  }

  // One or more digits: the fraction after a '.', scaled to nanoseconds. Fails on more than 9 digits.
  bool TakeFraction(std::int64_t* nanos) {
    std::int64_t value = 0;
    int digits = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (++digits > 9) return false;
      value = value * 10 + (text_[pos_++] - '0');
    }
    if (digits == 0) return false;
    for (int i = digits; i < 9; ++i) value *= 10;
    *nanos = value;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status Invalid(std::string_view text, std::string_view why) {
  return InvalidArgument("invalid time \"" + std::string(text.substr(0, 64)) + "\": " + std::string(why));
}

// seconds * 1e9 + nanos, or nothing when that leaves the int64 range.
bool CombineNanos(std::int64_t seconds, std::int64_t nanos, TimeNs* out) {
  // Borrow a second so that instants just above the lower limit do not overflow on the way.
  if (seconds < 0 && nanos > 0) {
    seconds += 1;
    nanos -= kNanosPerSecond;
  }
  TimeNs scaled;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &scaled)) return false;
  return !__builtin_add_overflow(scaled, nanos, out);
}

bool LooksLikeEpochSeconds(std::string_view text) {
  // A calendar date has '-' after four digits; epoch seconds are digits, an optional sign and fraction only.
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return text.size() < 5 || text[4] != '-';
}

StatusOr<TimeNs> ParseEpochSeconds(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  std::string_view whole = digits.substr(0, digits.find('.'));
  if (whole.empty()) return Invalid(text, "epoch seconds need digits before any fraction");
  std::int64_t seconds = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return Invalid(text, "epoch seconds must be a plain decimal number");
    if (__builtin_mul_overflow(seconds, 10, &seconds) || __builtin_add_overflow(seconds, c - '0', &seconds)) {
      return Invalid(text, "outside the representable range (years 1678 to 2261)");
    }
  }
  std::int64_t nanos = 0;
  if (whole.size() < digits.size()) {
    Scanner fraction(digits.substr(whole.size() + 1));
    if (!fraction.TakeFraction(&nanos) || !fraction.AtEnd()) {
      return Invalid(text, "the fraction of epoch seconds must have 1 to 9 digits");
    }
  }
  TimeNs result;
  if (!CombineNanos(negative ? -seconds : seconds, negative ? -nanos : nanos, &result)) {
    return Invalid(text, "outside the representable range (years 1678 to 2261)");
  }
  return result;
}

StatusOr<TimeNs> ParseCalendar(std::string_view text) {
  Scanner s(text);
  int year, month, day, hour, minute, second;
  if (!s.TakeFixed(4, &year) || !s.TakeChar('-') || !s.TakeFixed(2, &month) || !s.TakeChar('-') ||
      !s.TakeFixed(2, &day)) {
    return Invalid(text, "expected \"YYYY-MM-DD HH:MM:SS\", RFC 3339 or epoch seconds");
  }
  hour = minute = second = 0;
  bool date_only = s.AtEnd();
  if (!date_only && !s.TakeChar(' ') && !s.TakeChar('T') && !s.TakeChar('t')) {
    return Invalid(text, "expected 'T' or a space between the date and the time of day");
  }
  if (!date_only && (!s.TakeFixed(2, &hour) || !s.TakeChar(':') || !s.TakeFixed(2, &minute) || !s.TakeChar(':') ||
      !s.TakeFixed(2, &second))) {
    return Invalid(text, "expected the time of day as HH:MM:SS");
  }
  std::int64_t nanos = 0;
  if (s.TakeChar('.') && !s.TakeFraction(&nanos)) {
    return Invalid(text, "the fraction of a second must have 1 to 9 digits");
  }
  int offset_seconds = 0;
  if (s.TakeChar('Z') || s.TakeChar('z')) {
  } else if (s.Peek() == '+' || s.Peek() == '-') {
    int sign = s.Peek() == '-' ? -1 : 1;
    s.TakeChar(s.Peek());
    int offset_hours, offset_minutes;
    if (!s.TakeFixed(2, &offset_hours) || !s.TakeChar(':') || !s.TakeFixed(2, &offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return Invalid(text, "a UTC offset must look like +HH:MM");
    }
    offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
  }
  if (!s.AtEnd()) return Invalid(text, "unexpected characters after the time");

  using namespace std::chrono;
  year_month_day date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!date.ok()) return Invalid(text, "no such date");
  if (hour > 23 || minute > 59 || second > 59) return Invalid(text, "no such time of day");
  std::int64_t seconds = sys_days(date).time_since_epoch().count() * 86400LL + hour * 3600 + minute * 60 +
                         second - offset_seconds;
  TimeNs result;
  if (!CombineNanos(seconds, nanos, &result)) {
    return Invalid(text, "outside the representable range (years 1678 to 2261)");
  }
  return result;
}

}  // namespace

StatusOr<TimeNs> ParseTime(std::string_view text) {
  if (text.empty()) return InvalidArgument("invalid time: empty");
  if (LooksLikeEpochSeconds(text)) return ParseEpochSeconds(text);
  return ParseCalendar(text);
}

std::string FormatRfc3339(TimeNs time, std::int32_t utc_offset_seconds) {
  using namespace std::chrono;
  TimeNs local = 0;
  if (utc_offset_seconds == 0 || __builtin_add_overflow(time, TimeNs{utc_offset_seconds} * kNanosPerSecond, &local)) {
    utc_offset_seconds = 0;  // at the very ends of time, UTC
    local = time;
  }
  time = local;
  TimeNs seconds = time / kNanosPerSecond;
  std::int64_t nanos = time % kNanosPerSecond;
  if (nanos < 0) {
    seconds -= 1;
    nanos += kNanosPerSecond;
  }
  std::int64_t days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
  std::int64_t second_of_day = seconds - days * 86400;
  year_month_day date{sys_days{std::chrono::days{days}}};
  char buffer[48];
  int length = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                             static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                             static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                             static_cast<int>(second_of_day % 60));
  std::string out(buffer, length);
  if (nanos != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
    std::string_view digits(fraction);
    out.append(digits.substr(0, digits.find_last_not_of('0') + 1));
  }
  if (utc_offset_seconds == 0) {
    out.push_back('Z');
  } else {
    int minutes = std::abs(utc_offset_seconds) / 60;
    char offset[8];
    std::snprintf(offset, sizeof offset, "%c%02d:%02d", utc_offset_seconds < 0 ? '-' : '+', minutes / 60 % 100,
                  minutes % 60);
    out.append(offset);
  }
  return out;
}

TimeNs FloorTo(TimeNs time, TimeNs width) {
  TimeNs remainder = time % width;
  if (remainder < 0) remainder += width;
  TimeNs floored;
  return __builtin_sub_overflow(time, remainder, &floored) ? kMinTime : floored;
}

TimeNs CeilTo(TimeNs time, TimeNs width) {
  TimeNs remainder = time % width;
  if (remainder == 0) return time;
  if (remainder < 0) remainder += width;
  // time + (width - remainder), not floor + width: the floor of a time near kMinTime lies below it.
  TimeNs ceiled;
  return __builtin_add_overflow(time, width - remainder, &ceiled) ? kMaxTime : ceiled;
}

}  // namespace telemetry

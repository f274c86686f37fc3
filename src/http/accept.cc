#include "http/accept.h"

#include <charconv>

#include "core/ascii.h"

namespace telemetry::http {
namespace {

// 3 when `range` names `media_type` itself, 2 for its type/*, 1 for */*, 0 when it does not match.
int Specificity(std::string_view range, std::string_view media_type) {
  if (EqualsIgnoringAsciiCase(range, media_type)) return 3;
  std::string_view type = media_type.substr(0, media_type.find('/'));
  if (range.size() == type.size() + 2 && EqualsIgnoringAsciiCase(range.substr(0, type.size()), type) &&
      range.substr(type.size()) == "/*") {
    return 2;
  }
  return range == "*/*" ? 1 : 0;
}

// The q parameter among `parameters` (";"-separated, after the range), 1 when absent or unreadable.
double Quality(std::string_view parameters) {
  while (!parameters.empty()) {
    std::size_t end = parameters.find(';');
    std::string_view parameter = TrimAsciiSpace(parameters.substr(0, end));
    parameters.remove_prefix(end == std::string_view::npos ? parameters.size() : end + 1);
    std::size_t equals = parameter.find('=');
    if (equals == std::string_view::npos ||
        !EqualsIgnoringAsciiCase(TrimAsciiSpace(parameter.substr(0, equals)), "q")) {
      continue;
    }
    std::string_view text = TrimAsciiSpace(parameter.substr(equals + 1));
    double q = 1;
    auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), q);
    if (error != std::errc() || stop != text.data() + text.size() || !(q >= 0 && q <= 1)) return 1;
    return q;
  }
  return 1;
}

}  // namespace

double AcceptQuality(std::optional<std::string_view> accept, std::string_view media_type) {
  if (!accept) return 1;
  int best = 0;
  double quality = 0;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    std::size_t end = rest.find(',');
    std::string_view element = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    std::size_t semicolon = element.find(';');
    std::string_view range = TrimAsciiSpace(element.substr(0, semicolon));
    int specificity = Specificity(range, media_type);
    if (specificity > best) {
      best = specificity;
      quality = semicolon == std::string_view::npos ? 1 : Quality(element.substr(semicolon + 1));
    }
  }
  return quality;
}

}  // namespace telemetry::http

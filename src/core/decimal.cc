#include "core/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace telemetry {

DecimalParse ParseDecimal(std::string_view text, double& value) {
  double parsed = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (text.empty() || end != text.data() + text.size()) return DecimalParse::kInvalid;
  if (error == std::errc()) {
    value = parsed;
    return DecimalParse::kOk;
  }
  if (error != std::errc::result_out_of_range) return DecimalParse::kInvalid;
  // Well-formed but past a double's range, one way or the other: strtod says which, rounding a value too small as
  // Python and Go do. (This process never calls setlocale: strtod reads the C locale's '.' as the point.)
  double rounded = std::strtod(std::string(text).c_str(), nullptr);
  if (std::isinf(rounded)) return DecimalParse::kOutOfRange;
  value = rounded;
  return DecimalParse::kOk;
}

}  // namespace telemetry

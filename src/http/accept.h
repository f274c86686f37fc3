// Content negotiation: how much a request's Accept header wants a media type (RFC 9110, section 12.5.1).
//
//   AcceptQuality("text/csv;q=0.5, application/json", "text/csv")  ->  0.5
#pragma once

#include <optional>
#include <string_view>

namespace telemetry::http {

// The quality (0 to 1) that `accept` gives `media_type` ("type/subtype", lowercase): that of the most specific range
// matching it (type/subtype, then type/*, then */*; compared without regard to case), 0 when none does, and 1 when
// there is no Accept header. A range whose q does not parse counts as q=1; parameters other than q are not compared.
double AcceptQuality(std::optional<std::string_view> accept, std::string_view media_type);

}  // namespace telemetry::http

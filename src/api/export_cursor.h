// The cursor of an export page (GET /api/v1/readings): where the next page starts, opaque to clients. One sensor's
// export gives the last reading's time in decimal (as it always has: cursors held across an upgrade still work);
// an export of every sensor gives the last reading's sensor id in lower-case hex, a dot, and its time — characters
// that pass through a query string whether a client escapes them or not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace telemetry::api {

std::string EncodeExportCursor(const ReadingPosition& position, bool one_sensor);

// The position `cursor` names, for an export of `sensor_id` (every sensor when empty); empty when it is not a
// cursor such an export gives out.
std::optional<ReadingPosition> DecodeExportCursor(std::string_view cursor, const std::optional<std::string>& sensor_id);

}  // namespace telemetry::api

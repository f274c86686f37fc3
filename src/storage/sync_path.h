// Making a file's or a folder's contents durable: fsync() of the path. A new file is only durable once the folder
// that names it is synced too.
#pragma once

#include <string>

#include "core/status.h"

namespace telemetry {

// fsync()s the file or folder at `path`. kInternal naming the path and the error when it cannot.
Status SyncPath(const std::string& path);

}  // namespace telemetry

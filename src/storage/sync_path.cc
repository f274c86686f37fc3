#include "storage/sync_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace telemetry {

Status SyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(StatusCode::kInternal, "open " + path + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int error = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status(StatusCode::kInternal, "fsync " + path + ": " + std::strerror(error));
}

}  // namespace telemetry

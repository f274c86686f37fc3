#include "storage/free_space.h"

#include <sys/statvfs.h>

#include "log/log.h"

namespace telemetry {

std::optional<std::uint64_t> FreeBytes(const std::string& path) {
  struct statvfs filesystem {};
  if (::statvfs(path.c_str(), &filesystem) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(filesystem.f_bavail) * filesystem.f_frsize;
}

Status FreeSpaceGuard::Check() {
  if (min_free_bytes_ == 0) return Status::Ok();
  auto now = std::chrono::steady_clock::now();
  if (now >= next_look_ || free_bytes_ < 2 * min_free_bytes_) {
    next_look_ = now + std::chrono::milliseconds(100);
    if (std::optional<std::uint64_t> free = FreeBytes(path_)) {
      free_bytes_ = *free;
      bool low = free_bytes_ < min_free_bytes_;
      if (low != low_) {
        log::Write(low ? log::Level::kWarn : log::Level::kInfo,
                   low ? "the data directory's disk is nearly full: writes are refused until space is freed"
                       : "the data directory's disk has room again: writes are accepted",
                   {{"free_mib", static_cast<std::int64_t>(free_bytes_ >> 20)},
                    {"min_free_mib", static_cast<std::int64_t>(min_free_bytes_ >> 20)}});
      }
      low_ = low;
    }
  }
  if (!low_) return Status::Ok();
  return Status(StatusCode::kOutOfSpace,
                "the data directory's disk has " + std::to_string(free_bytes_ >> 20) + " MiB free, less than the " +
                    std::to_string(min_free_bytes_ >> 20) +
                    " MiB the store keeps free: nothing was stored; retry once space is freed (reads go on)");
}

}  // namespace telemetry

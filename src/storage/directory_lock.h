// One process per data directory. The embedded store's log has a single writer: two telemetryd processes on one
// directory would append over each other's records and lose acknowledged readings (seen: of 100 acknowledged
// through two servers, 47 were left after a restart). The lock is the kernel's (flock), so it ends with the process,
// kill -9 included, and never needs cleaning up.
//
//   DirectoryLock lock(data_dir);  // throws std::runtime_error naming the holder when another process has it
#pragma once

#include <string>

namespace telemetry {

class DirectoryLock {
 public:
  // Takes the lock on `dir`/LOCK, creating the file; writes this process's id into it for the message above.
  explicit DirectoryLock(const std::string& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace telemetry

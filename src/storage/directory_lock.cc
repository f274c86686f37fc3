#include "storage/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "storage/data_directory.h"

namespace telemetry {

DirectoryLock::DirectoryLock(const std::string& dir) {
  std::string path = InDataDirectory(dir, kLockFile);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    char holder[32] = {};
    ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "unknown";
    ::close(fd_);
    if (error == EWOULDBLOCK) {
      std::string holder_uses = "another process (pid " + pid + ") uses this data directory";
      throw std::runtime_error(holder_uses + "; one telemetryd per data directory");
    }
    throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
  }
  // Only the holder writes it, so a process that finds it locked reads the holder's id. The id is only for that
  // message: a lock whose id could not be written still locks.
  std::string pid = std::to_string(::getpid());
  [[maybe_unused]] bool written =
      ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace telemetry

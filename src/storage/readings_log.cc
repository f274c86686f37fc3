#include "storage/readings_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/crc32c.h"
#include "log/log.h"
#include "storage/sync_path.h"

namespace telemetry {
namespace {

constexpr std::size_t kHeaderBytes = 8;       // crc + payload length
constexpr std::size_t kFixedPayloadBytes = 16;  // time + value

Status ErrnoStatus(const std::string& what) {
  return Status(StatusCode::kInternal, what + ": " + std::strerror(errno));
}

template <typename T>
void PutRaw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T GetRaw(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

Status CutAfterRecords(const std::string& path, std::size_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + path);
  int rc = ::ftruncate(fd, static_cast<off_t>(size)) == 0 ? ::fdatasync(fd) : -1;
  Status status = rc == 0 ? Status::Ok() : ErrnoStatus("cut " + path + " after its last record");
  ::close(fd);
  return status;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return {};
  std::string data(static_cast<std::size_t>(file.tellg()), '\0');
  file.seekg(0);
  file.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(file.gcount()));
  return data;
}

}  // namespace

LogSegment::~LogSegment() { ::close(fd_); }

Status LogSegment::Sync() const {
  return ::fdatasync(fd_) == 0 ? Status::Ok() : ErrnoStatus("fdatasync of the readings log");
}

StatusOr<std::unique_ptr<ReadingsLog>> ReadingsLog::Open(const std::string& dir, std::uint64_t segment_bytes) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Status(StatusCode::kInternal, "cannot create " + dir + ": " + error.message());
  return std::unique_ptr<ReadingsLog>(new ReadingsLog(dir, segment_bytes));
}

std::string ReadingsLog::SegmentPath(std::uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "%016llx.log", static_cast<unsigned long long>(id));
  return dir_ + "/" + name;
}

std::vector<std::uint64_t> ReadingsLog::ListSegments() const {
  std::vector<std::uint64_t> ids;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::string name = entry.path().filename().string();
    if (name.size() != 20 || !name.ends_with(".log")) continue;
    ids.push_back(std::stoull(name.substr(0, 16), nullptr, 16));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Status ReadingsLog::OpenSegment(std::uint64_t id) {
  std::string path = SegmentPath(id);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("open " + path);
  current_ = std::make_shared<LogSegment>(id, fd);
  size_ = 0;
  Status sized = ResetFileEnd(segment_bytes_);
  return sized.ok() ? current_->Sync() : sized;
}

Status ReadingsLog::ResetFileEnd(std::uint64_t sized_to) {
  int fd = current_->fd();
  if (::ftruncate(fd, static_cast<off_t>(size_)) != 0 ||
      (sized_to > size_ && ::ftruncate(fd, static_cast<off_t>(sized_to)) != 0)) {
    return ErrnoStatus("resize " + SegmentPath(current_->id()));
  }
  if (::lseek(fd, static_cast<off_t>(size_), SEEK_SET) < 0) return ErrnoStatus("seek " + SegmentPath(current_->id()));
  return Status::Ok();
}

Status ReadingsLog::Replay(LogPosition from, const std::function<void(const Reading&, LogPosition)>& apply) {
  DeleteSegmentsBefore(from.segment);
  std::vector<std::uint64_t> ids = ListSegments();
  if (ids.empty()) ids.push_back(from.segment);  // no file: the next segment is the one after it
  for (std::uint64_t id : ids) {
    std::string data = ReadFile(SegmentPath(id));
    std::size_t pos = id == from.segment ? std::min<std::uint64_t>(from.offset, data.size()) : 0;
    while (pos < data.size()) {
      bool intact = data.size() - pos >= kHeaderBytes;
      std::uint32_t length = intact ? GetRaw<std::uint32_t>(&data[pos + 4]) : 0;
      intact = intact && length >= kFixedPayloadBytes && data.size() - pos - kHeaderBytes >= length &&
               GetRaw<std::uint32_t>(&data[pos]) == Crc32c(&data[pos + 4], length + 4);
      if (!intact) {
        bool never_written = std::all_of(data.begin() + pos, data.end(), [](char byte) { return byte == 0; });
        if (!never_written && id != ids.back()) {
          return Status(StatusCode::kInternal, "the readings log is corrupt in " + SegmentPath(id) +
                                                   " at byte " + std::to_string(pos) + "; not starting");
        }
        // Zeros the segment was sized with, or a torn tail: cut off, so that only the newest segment has either.
        if (!never_written) {
          // A write the crash interrupted: it was never synced, so it held no acknowledged reading. Said, since
          // the same bytes would also be what damage to the disk leaves behind.
          std::size_t written = data.size() - pos;
          while (written > 0 && data[pos + written - 1] == 0) --written;
          log::Warn("the readings log ended in a torn record (a write cut short by a crash): cut off",
                    {{"segment", SegmentPath(id)},
                     {"at_byte", static_cast<std::int64_t>(pos)},
                     {"bytes", static_cast<std::int64_t>(written)}});
        }
        Status cut = CutAfterRecords(SegmentPath(id), pos);
        if (!cut.ok()) return cut;
        break;
      }
      const char* payload = &data[pos + kHeaderBytes];
      Reading reading{std::string(payload + kFixedPayloadBytes, length - kFixedPayloadBytes),
                      GetRaw<std::int64_t>(payload), GetRaw<double>(payload + 8)};
      pos += kHeaderBytes + length;
      apply(reading, {id, pos});
    }
  }
  // Appends always go to a fresh segment, so a record is never written behind a cut-off tail or behind an applied
  // position that a lost log write left beyond the end of its file.
  Status opened = OpenSegment(ids.back() + 1);
  return opened.ok() ? SyncPath(dir_) : opened;
}

void ReadingsLog::Append(const Reading& reading) {
  std::size_t start = buffer_.size();
  PutRaw<std::uint32_t>(buffer_, 0);  // the checksum, filled in below
  PutRaw<std::uint32_t>(buffer_, static_cast<std::uint32_t>(kFixedPayloadBytes + reading.sensor_id.size()));
  PutRaw<std::int64_t>(buffer_, reading.time);
  PutRaw<double>(buffer_, reading.value);
  buffer_.append(reading.sensor_id);
  std::uint32_t crc = Crc32c(&buffer_[start + 4], buffer_.size() - start - 4);
  std::memcpy(&buffer_[start], &crc, sizeof crc);
}

Status ReadingsLog::Write() {
  std::size_t written = 0;
  while (written < buffer_.size()) {
    ssize_t n = ::write(current_->fd(), buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status failed = ErrnoStatus("write to the readings log");
      buffer_.clear();
      // Leave no partial record behind: the next record must start where this batch started.
      Status undone = ResetFileEnd(std::max(size_, segment_bytes_));
      if (!undone.ok()) return Status(StatusCode::kInternal, "cannot undo a failed write: " + undone.message());
      return failed;
    }
    written += static_cast<std::size_t>(n);
  }
  size_ += written;
  buffer_.clear();
  return Status::Ok();
}

Status ReadingsLog::Rotate() {
  // A finished segment is cut to its records: only the newest segment may end in zeros or in a torn record.
  Status cut = ResetFileEnd(size_);
  if (cut.ok()) cut = current_->Sync();
  if (!cut.ok()) return cut;
  Status opened = OpenSegment(current_->id() + 1);
  return opened.ok() ? SyncPath(dir_) : opened;
}

void ReadingsLog::DeleteSegmentsBefore(std::uint64_t segment) {
  for (std::uint64_t id : ListSegments()) {
    if (id < segment) std::filesystem::remove(SegmentPath(id));
  }
}

}  // namespace telemetry

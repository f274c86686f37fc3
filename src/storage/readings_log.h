// The readings log: an append-only sequence of checksummed records, the first place an accepted reading is
// written. A write is acknowledged once its record is fsync'd here; SQLite is then brought up to date in large
// transactions that remember how far into the log they reach, and on start the log is replayed from there.
//
// Files: `<dir>/<16 hex digits>.log`, one per segment, ids increasing. Record layout (little-endian):
//   u32 crc32c(of everything after it) | u32 payload length | i64 time ns | f64 value | sensor id bytes
// A torn or corrupt record at the end of the newest segment (a crash mid-write) ends the log and is cut off.
//
// A segment is created at its full expected size, as a sparse file whose unwritten rest reads as zeros: appending
// then does not change the file's size, so fdatasync() writes the records alone, not the inode too (on ext4 a
// sync of an append took ~120 µs, of the same write into a sized file ~85 µs). A segment's records therefore end
// where the rest of the file is zeros (a record's length is never zero); a finished segment is cut to its
// records when the next one begins.
//
// Not thread-safe, except LogSegment::Sync(), which may run on another thread while records are appended.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/reading.h"
#include "core/status.h"

namespace telemetry {

struct LogPosition {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  friend auto operator<=>(const LogPosition&, const LogPosition&) = default;
};

// One open segment file. Closed when the last reference goes, so a pending sync can outlive a rotation.
class LogSegment {
 public:
  LogSegment(std::uint64_t id, int fd) : id_(id), fd_(fd) {}
  ~LogSegment();
  LogSegment(const LogSegment&) = delete;
  LogSegment& operator=(const LogSegment&) = delete;

  std::uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  // Makes every record written so far durable. kInternal on an I/O error, after which the file's state is unknown.
  Status Sync() const;

 private:
  std::uint64_t id_;
  int fd_;
};

class ReadingsLog {
 public:
  // Opens the log in `dir`, creating the folder if missing; new segments are sized `segment_bytes` (see above).
  // Call Replay() before appending.
  static StatusOr<std::unique_ptr<ReadingsLog>> Open(const std::string& dir, std::uint64_t segment_bytes = 0);

  // Calls apply(reading, position after it) for each record from `from` on, in log order; cuts off a torn tail of
  // the newest segment and the unwritten zeros of any, and positions the log for appending in a new segment.
  // Segments before from.segment are deleted.
  // kInternal when a record other than the newest segment's tail is corrupt (the log is left untouched).
  Status Replay(LogPosition from, const std::function<void(const Reading&, LogPosition)>& apply);

  // Buffers a record; Write() puts buffered records into the current segment.
  void Append(const Reading& reading);
  // Writes the buffered records to the file (not yet durable: see LogSegment::Sync). On an error nothing of the
  // buffer stays in the log, the buffer is emptied, and kInternal is returned.
  Status Write();
  // Discards records appended since the last Write().
  void DiscardBuffered() { buffer_.clear(); }

  LogPosition end() const { return {current_->id(), size_}; }
  const std::shared_ptr<LogSegment>& current() const { return current_; }

  // Starts a new, empty segment. Older segments stay until DeleteSegmentsBefore().
  Status Rotate();
  // Deletes every segment whose id is below `segment`.
  void DeleteSegmentsBefore(std::uint64_t segment);

 private:
  ReadingsLog(std::string dir, std::uint64_t segment_bytes) : dir_(std::move(dir)), segment_bytes_(segment_bytes) {}
  std::string SegmentPath(std::uint64_t id) const;
  std::vector<std::uint64_t> ListSegments() const;
  Status OpenSegment(std::uint64_t id);
  // Makes the current segment's file end at size_ and then, when segment_bytes_ allows, sized again with zeros.
  Status ResetFileEnd(std::uint64_t sized_to);

  std::string dir_;
  std::uint64_t segment_bytes_;
  std::shared_ptr<LogSegment> current_;
  std::uint64_t size_ = 0;
  std::string buffer_;
};

}  // namespace telemetry

#include "storage/readings_log.h"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "core/crc32c.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

std::vector<Reading> ReplayAll(const std::string& dir, LogPosition from = {}) {
  auto log = ReadingsLog::Open(dir);
  EXPECT_TRUE(log.ok());
  std::vector<Reading> seen;
  Status replayed = (*log)->Replay(from, [&](const Reading& reading, LogPosition) { seen.push_back(reading); });
  EXPECT_TRUE(replayed.ok()) << replayed.message();
  return seen;
}

std::vector<std::filesystem::path> Segments(const std::string& dir) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(Crc32c, MatchesTheStandardCheckValue) { EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u); }

TEST(Crc32c, MatchesTheIscsiTestVectors) {  // RFC 3720, B.4
  std::array<unsigned char, 32> bytes{};
  EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x8A9136AAu);
  bytes.fill(0xFF);
  EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x62A8AB43u);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x46DD794Eu);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(31 - i);
  EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), 0x113FDB5Cu);
}

// Whatever the length and the alignment (the fast path takes eight bytes at a time), the bit-by-bit definition.
TEST(Crc32c, AgreesWithTheDefinitionAtEveryLengthAndAlignment) {
  auto by_definition = [](const unsigned char* bytes, std::size_t size) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i) {
      crc ^= bytes[i];
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return crc ^ 0xFFFFFFFFu;
  };
  std::array<unsigned char, 80> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 37 + 11);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t size = 0; offset + size <= bytes.size(); ++size) {
      ASSERT_EQ(Crc32c(bytes.data() + offset, size), by_definition(bytes.data() + offset, size))
          << "offset " << offset << ", size " << size;
    }
  }
}

TEST(ReadingsLog, ReplaysWhatWasWritten) {
  testing::TempDir dir;
  std::vector<Reading> written{{"107", 1, 12.5}, {"a much longer sensor name", -5, -3}};
  {
    auto log = ReadingsLog::Open(dir.path());
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    for (const Reading& reading : written) (*log)->Append(reading);
    ASSERT_TRUE((*log)->Write().ok());
    ASSERT_TRUE((*log)->current()->Sync().ok());
  }
  EXPECT_EQ(ReplayAll(dir.path()), written);
}

TEST(ReadingsLog, ReplayStartsAtTheGivenPosition) {
  testing::TempDir dir;
  LogPosition after_first;
  {
    auto log = ReadingsLog::Open(dir.path());
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    (*log)->Append({"1", 1, 1});
    ASSERT_TRUE((*log)->Write().ok());
    after_first = (*log)->end();
    (*log)->Append({"2", 2, 2});
    ASSERT_TRUE((*log)->Write().ok());
  }
  EXPECT_EQ(ReplayAll(dir.path(), after_first), (std::vector<Reading>{{"2", 2, 2}}));
}

TEST(ReadingsLog, CutsATornTailAndKeepsAppendingAfterIt) {
  testing::TempDir dir;
  {
    auto log = ReadingsLog::Open(dir.path());
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    (*log)->Append({"1", 1, 1});
    ASSERT_TRUE((*log)->Write().ok());
  }
  auto segment = Segments(dir.path()).back();
  auto intact_size = std::filesystem::file_size(segment);
  std::ofstream(segment, std::ios::app | std::ios::binary) << std::string("\x10\x20\x30\x40\x50\x60", 6);

  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ReplayAll(dir.path()), (std::vector<Reading>{{"1", 1, 1}}));
  std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::filesystem::file_size(segment), intact_size);
  // Said once, with where and how much: a torn write, or what damage to the disk would leave.
  EXPECT_NE(said.find("torn record"), std::string::npos) << said;
  EXPECT_NE(said.find("\"at_byte\":" + std::to_string(intact_size)), std::string::npos) << said;
  EXPECT_NE(said.find("\"bytes\":6"), std::string::npos) << said;
  {
    auto log = ReadingsLog::Open(dir.path());
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    (*log)->Append({"2", 2, 2});
    ASSERT_TRUE((*log)->Write().ok());
  }
  EXPECT_EQ(ReplayAll(dir.path()), (std::vector<Reading>{{"1", 1, 1}, {"2", 2, 2}}));
}

// Segments are created at their full size, the rest zeros, so that a sync need not write the file's size.
TEST(ReadingsLog, ASizedSegmentsRecordsEndWhereItsZerosBegin) {
  constexpr std::uint64_t kSegmentBytes = 4096;
  testing::TempDir dir;
  std::vector<Reading> written{{"1", 1, 1}, {"2", 2, 2}};
  std::uint64_t records_end;
  {
    auto log = ReadingsLog::Open(dir.path(), kSegmentBytes);
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    for (const Reading& reading : written) (*log)->Append(reading);
    ASSERT_TRUE((*log)->Write().ok());
    ASSERT_TRUE((*log)->current()->Sync().ok());
    records_end = (*log)->end().offset;
  }
  auto segment = Segments(dir.path()).back();
  EXPECT_EQ(std::filesystem::file_size(segment), kSegmentBytes);

  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ReplayAll(dir.path()), written);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");      // zeros are no torn record
  EXPECT_EQ(std::filesystem::file_size(segment), records_end);  // no longer the newest: cut to its records
}

TEST(ReadingsLog, CutsATornRecordAmongTheZerosOfASizedSegment) {
  testing::TempDir dir;
  std::uint64_t records_end;
  {
    auto log = ReadingsLog::Open(dir.path(), 4096);
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    (*log)->Append({"1", 1, 1});
    ASSERT_TRUE((*log)->Write().ok());
    records_end = (*log)->end().offset;
  }
  auto segment = Segments(dir.path()).back();
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(records_end));
    file.write("\x10\x20\x30\x40\x50\x60", 6);  // a record's first bytes, the rest never written
  }
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(ReplayAll(dir.path()), (std::vector<Reading>{{"1", 1, 1}}));
  std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("\"bytes\":6"), std::string::npos) << said;  // the written bytes, not the zeros after them
  EXPECT_EQ(std::filesystem::file_size(segment), records_end);
}

TEST(ReadingsLog, RotationCutsTheFinishedSegmentToItsRecords) {
  testing::TempDir dir;
  auto log = ReadingsLog::Open(dir.path(), 4096);
  ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
  (*log)->Append({"1", 1, 1});
  ASSERT_TRUE((*log)->Write().ok());
  std::uint64_t records_end = (*log)->end().offset;
  ASSERT_TRUE((*log)->Rotate().ok());
  auto segments = Segments(dir.path());
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(std::filesystem::file_size(segments[0]), records_end);
  EXPECT_EQ(std::filesystem::file_size(segments[1]), 4096u);
  (*log)->Append({"2", 2, 2});
  ASSERT_TRUE((*log)->Write().ok());
  EXPECT_EQ(ReplayAll(dir.path()), (std::vector<Reading>{{"1", 1, 1}, {"2", 2, 2}}));
}

TEST(ReadingsLog, RefusesCorruptionBeforeTheTail) {
  testing::TempDir dir;
  {
    auto log = ReadingsLog::Open(dir.path(), 4096);
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    (*log)->Append({"1", 1, 1});
    ASSERT_TRUE((*log)->Write().ok());
    ASSERT_TRUE((*log)->Rotate().ok());
    (*log)->Append({"2", 2, 2});
    ASSERT_TRUE((*log)->Write().ok());
  }
  auto first = Segments(dir.path()).front();
  std::fstream file(first, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(10);
  file.put('\x7f');
  file.close();
  auto log = ReadingsLog::Open(dir.path());
  Status replayed = (*log)->Replay({}, [](const Reading&, LogPosition) {});
  EXPECT_EQ(replayed.code(), StatusCode::kInternal);
  EXPECT_NE(replayed.message().find("corrupt"), std::string::npos);
}

}  // namespace
}  // namespace telemetry

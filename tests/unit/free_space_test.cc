// The full-disk guard against the real filesystem: the integration test (durability_test.cc) fills a tmpfs.
#include "storage/free_space.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace telemetry {
namespace {

TEST(FreeBytes, ReadsTheFilesystemOrSaysItCannot) {
  testing::TempDir dir;
  std::optional<std::uint64_t> free = FreeBytes(dir.path());
  ASSERT_TRUE(free.has_value());
  EXPECT_GT(*free, 0u);
  EXPECT_FALSE(FreeBytes(dir.path() + "/no/such/folder").has_value());
}

TEST(FreeSpaceGuard, RefusesBelowTheMinimumAndNeverWithoutOne) {
  testing::TempDir dir;
  EXPECT_TRUE(FreeSpaceGuard(dir.path(), 0).Check().ok());
  EXPECT_TRUE(FreeSpaceGuard(dir.path(), 1).Check().ok());
  FreeSpaceGuard full(dir.path(), std::uint64_t{1} << 60);  // no disk has an exbibyte free
  Status refused = full.Check();
  EXPECT_EQ(refused.code(), StatusCode::kOutOfSpace);
  EXPECT_NE(refused.message().find("MiB free"), std::string::npos) << refused.message();
  EXPECT_EQ(full.Check().code(), StatusCode::kOutOfSpace);  // and again, however soon
}

}  // namespace
}  // namespace telemetry

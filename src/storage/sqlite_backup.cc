#include "storage/sqlite_backup.h"

#include <filesystem>
#include <stdexcept>

#include "storage/data_directory.h"
#include "storage/sqlite_db.h"
#include "storage/sync_path.h"

namespace telemetry {
namespace {

// The files of a store that hold its state once committed (the readings log holds nothing a commit has not).
constexpr std::string_view kDatabaseFiles[] = {kReadingsDatabaseFile, kTokensDatabaseFile};

// A snapshot of the database at `from` in the new file `to`, synced.
void Snapshot(const std::string& from, const std::string& to) {
  SqliteDatabase source(from, SqliteDatabase::Mode::kReadOnly);
  source.SetBusyTimeout(10000);  // the server's checkpoint may hold the WAL a moment
  source.Prepare("VACUUM INTO ?1").Bind(1, to).Run();
  Status synced = SyncPath(to);
  if (!synced.ok()) throw std::runtime_error(synced.message());
}

}  // namespace

Status BackupSqliteStore(const std::string& data_dir, const std::string& target_dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_regular_file(InDataDirectory(data_dir, kReadingsDatabaseFile), error)) {
    return InvalidArgument("no store in " + data_dir + " (no " + std::string(kReadingsDatabaseFile) + " there)");
  }
  if (fs::exists(target_dir, error) && !fs::is_empty(target_dir, error)) {
    return InvalidArgument(target_dir + " is not empty: a backup goes into a new folder");
  }
  fs::create_directories(target_dir, error);
  if (error) return InvalidArgument("cannot make " + target_dir + ": " + error.message());
  try {
    for (std::string_view file : kDatabaseFiles) {
      std::string from = InDataDirectory(data_dir, file);
      if (fs::exists(from)) Snapshot(from, InDataDirectory(target_dir, file));
    }
    Status synced = SyncPath(target_dir);
    if (!synced.ok()) throw std::runtime_error(synced.message());
  } catch (const std::exception& failure) {
    for (std::string_view file : kDatabaseFiles) fs::remove(InDataDirectory(target_dir, file), error);
    return Status(StatusCode::kInternal, std::string("backup failed: ") + failure.what());
  }
  return Status::Ok();
}

}  // namespace telemetry

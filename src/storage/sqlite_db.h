// Thin RAII wrappers over the SQLite C API: a connection and its prepared statements. Not thread-safe: each
// connection belongs to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace telemetry {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, std::string_view sql);  // throws std::runtime_error on a syntax error
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;

  // Bind parameters, 1-based as in SQL. Text is copied.
  SqliteStatement& Bind(int index, std::int64_t value);
  SqliteStatement& Bind(int index, double value);
  SqliteStatement& Bind(int index, std::string_view value);

  // Advances to the next row: true when a row is available, false when done. Throws std::runtime_error on an error.
  bool Step();
  // Resets for the next execution, clearing bindings.
  void Reset();
  // Step() to completion, then Reset().
  void Run();

  std::int64_t ColumnInt(int index) const;
  double ColumnDouble(int index) const;
  // Valid until the next Step() or Reset().
  std::string_view ColumnText(int index) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDatabase {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens the database file; kReadWrite creates it if missing. Throws std::runtime_error on failure.
  explicit SqliteDatabase(const std::string& path, Mode mode = Mode::kReadWrite);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs one or more statements that return no rows. Throws std::runtime_error on failure.
  void Execute(std::string_view sql);
  SqliteStatement Prepare(std::string_view sql) { return SqliteStatement(db_, sql); }
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int Changes() const;
  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  void SetBusyTimeout(int milliseconds);
  // From now on, counts the frames in the WAL after each commit of this connection (sqlite3_wal_hook, which also
  // turns SQLite's automatic checkpoints off).
  void CountWalFrames();
  // The frames in the WAL after this connection's last commit; 0 before CountWalFrames() and its first commit.
  int wal_frames() const { return wal_frames_; }

 private:
  sqlite3* db_ = nullptr;
  int wal_frames_ = 0;
};

}  // namespace telemetry

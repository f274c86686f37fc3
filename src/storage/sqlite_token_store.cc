#include "storage/sqlite_token_store.h"

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "storage/data_directory.h"
#include "storage/sqlite_db.h"

namespace telemetry {
namespace {

constexpr std::string_view kTokenSchema = R"sql(
CREATE TABLE IF NOT EXISTS tokens(
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  sensors TEXT NOT NULL,  -- a device's sensor ids, one per line (ids hold no control characters)
  created_ns INTEGER NOT NULL,
  hash TEXT NOT NULL) WITHOUT ROWID;
)sql";

std::string JoinLines(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : "\n") + item;
  return joined;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    items.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return items;
}

class SqliteTokenStore final : public TokenStore {
 public:
  explicit SqliteTokenStore(const std::string& path) : db_(path) {
    db_.Execute("PRAGMA journal_mode = WAL");
    db_.Execute("PRAGMA synchronous = FULL");  // a token acknowledged is a token kept
    db_.SetBusyTimeout(10000);                 // another process (the CLI, a server) may be writing
    db_.Execute(kTokenSchema);
    worker_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "token-store");
      Work();
    });
  }

  ~SqliteTokenStore() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    worker_.join();
  }

  void Put(TokenRecord record, std::function<void(Status)> done) override {
    Enqueue([this, record = std::move(record), done = std::move(done)] {
      done(Guarded([&] {
        SqliteStatement insert = db_.Prepare(
            "INSERT INTO tokens(id, role, sensors, created_ns, "
            "hash) VALUES(?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT DO NOTHING");
        insert.Bind(1, record.id).Bind(2, RoleName(record.role)).Bind(3, JoinLines(record.sensors));
        insert.Bind(4, record.created).Bind(5, record.hash).Run();
        if (db_.Changes() == 0) return Status(StatusCode::kAlreadyExists, "a token with id " + record.id + " exists");
        return Status();
      }));
    });
  }

  void Remove(std::string id, std::function<void(Status)> done) override {
    Enqueue([this, id = std::move(id), done = std::move(done)] {
      done(Guarded([&] {
        db_.Prepare("DELETE FROM tokens WHERE id = ?1").Bind(1, id).Run();
        if (db_.Changes() == 0) return Status(StatusCode::kNotFound, "no token with id " + id);
        return Status();
      }));
    });
  }

  void List(std::function<void(StatusOr<std::vector<TokenRecord>>)> done) override {
    Enqueue([this, done = std::move(done)] {
      std::vector<TokenRecord> records;
      Status status = Guarded([&] {
        SqliteStatement select = db_.Prepare(
            "SELECT id, role, sensors, created_ns, hash FROM "
            "tokens ORDER BY id");
        while (select.Step()) {
          auto role = ParseRole(select.ColumnText(1));
          if (!role) return Status(StatusCode::kInternal, "tokens.db holds an unknown role");
          records.push_back(TokenRecord{std::string(select.ColumnText(0)), *role, SplitLines(select.ColumnText(2)),
                                        select.ColumnInt(3), std::string(select.ColumnText(4))});
        }
        return Status();
      });
      if (!status.ok()) return done(status);
      done(std::move(records));
    });
  }

 private:
  template <typename Fn>
  static Status Guarded(Fn fn) {
    try {
      return fn();
    } catch (const std::exception& error) {
      return Status(StatusCode::kInternal, std::string("token database: ") + error.what());
    }
  }

  void Enqueue(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

  // Runs jobs in order; on stop, the ones already queued first.
  void Work() {
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  SqliteDatabase db_;  // used on worker_ only
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                   // GUARDED_BY(mu_)
  std::thread worker_;
};

}  // namespace

StatusOr<std::unique_ptr<TokenStore>> OpenSqliteTokenStore(const std::string& data_dir) {
  try {
    std::filesystem::create_directories(data_dir);
    return std::unique_ptr<TokenStore>(
        std::make_unique<SqliteTokenStore>(InDataDirectory(data_dir, kTokensDatabaseFile)));
  } catch (const std::exception& error) {
    return Status(StatusCode::kInternal, "cannot open the token database in " + data_dir + ": " + error.what());
  }
}

}  // namespace telemetry

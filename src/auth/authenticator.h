// Turns a presented token into a Principal, from an in-memory copy of the token store.
//
// Requests never wait for the store on the common path: lookups read a snapshot of every token record. The snapshot is
// reloaded when it is older than `refresh`; a request arriving then waits for the reload (one query), so no request is
// ever judged by a snapshot older than `refresh`: that is how soon a token created or revoked by another instance (or
// by `telemetryd token`) takes effect. Changes made through this instance take effect at once. If a reload fails, the
// old snapshot keeps serving and the next request tries again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/principal.h"
#include "core/status.h"
#include "storage/token_store.h"

namespace telemetry::auth {

class Authenticator {
 public:
  // `bootstrap_admin_token`: a token given by the operator (TELEMETRY_ADMIN_TOKEN, --admin-token-file) that is admin
  // without being stored; empty for none. REQUIRES: store outlives the authenticator.
  Authenticator(TokenStore& store, std::string_view bootstrap_admin_token, std::chrono::milliseconds refresh);
  // Waits for a reload under way: its answer calls back into this object.
  ~Authenticator();

  // Loads the first snapshot. Blocks: for start-up.
  Status Load();

  // Calls done(principal), or done(nullopt) for a token that is unknown, malformed or revoked; now or after a reload,
  // on any thread. Thread-safe.
  void Authenticate(std::string_view token, std::function<void(std::optional<Principal>)> done);

  // Tells the snapshot of a change this instance made to the store (thread-safe).
  void Remember(const TokenRecord& record);
  void Forget(const std::string& id);

 private:
  using Snapshot = std::unordered_map<std::string, TokenRecord>;  // by id
  using Clock = std::chrono::steady_clock;

  // A change made through this instance: a record to keep, or the id of one to drop.
  using Change = std::variant<TokenRecord, std::string>;

  std::optional<Principal> Find(const Snapshot& snapshot, std::string_view token) const;
  void Reload();
  void Apply(const Change& change);  // REQUIRES: mu_ held

  TokenStore& store_;
  const std::string bootstrap_hash_;  // empty: none
  const std::chrono::milliseconds refresh_;

  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;  // GUARDED_BY(mu_)
  Clock::time_point loaded_at_;               // GUARDED_BY(mu_)
  bool reloading_ = false;                    // GUARDED_BY(mu_)
  int reload_callbacks_ = 0;                  // GUARDED_BY(mu_): reloads whose answer has not finished with us
  std::condition_variable reload_done_;
  // Changes made while a reload is under way, which its (possibly older) answer must not undo.
  std::vector<Change> changes_during_reload_;  // GUARDED_BY(mu_)
  // Requests waiting for the reload under way: the token and what to call.
  std::vector<std::pair<std::string, std::function<void(std::optional<Principal>)>>> waiting_;  // GUARDED_BY(mu_)
};

}  // namespace telemetry::auth

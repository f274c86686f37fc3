#include "auth/authenticator.h"

#include <future>

#include "auth/token.h"
#include "log/log.h"

namespace telemetry::auth {

Authenticator::Authenticator(TokenStore& store, std::string_view bootstrap_admin_token,
                             std::chrono::milliseconds refresh)
    : store_(store),
      bootstrap_hash_(bootstrap_admin_token.empty() ? "" : HashToken(bootstrap_admin_token)),
      refresh_(refresh),
      snapshot_(std::make_shared<Snapshot>()) {}

Authenticator::~Authenticator() {
  std::unique_lock lock(mu_);
  reload_done_.wait(lock, [this] { return reload_callbacks_ == 0; });
}

Status Authenticator::Load() {
  std::promise<StatusOr<std::vector<TokenRecord>>> listed;
  store_.List([&listed](StatusOr<std::vector<TokenRecord>> records) { listed.set_value(std::move(records)); });
  auto records = listed.get_future().get();
  if (!records.ok()) return records.status();
  auto snapshot = std::make_shared<Snapshot>();
  for (auto& record : *records) snapshot->emplace(record.id, std::move(record));
  std::lock_guard lock(mu_);
  snapshot_ = std::move(snapshot);
  loaded_at_ = Clock::now();
  return Status::Ok();
}

std::optional<Principal> Authenticator::Find(const Snapshot& snapshot, std::string_view token) const {
  std::string hash = HashToken(token);
  if (!bootstrap_hash_.empty() && SameHash(hash, bootstrap_hash_)) return Principal{"bootstrap", Role::kAdmin, {}};
  auto id = TokenId(token);
  if (!id) return std::nullopt;
  auto record = snapshot.find(std::string(*id));
  if (record == snapshot.end() || !SameHash(hash, record->second.hash)) return std::nullopt;
  return Principal{record->second.id, record->second.role, record->second.sensors};
}

void Authenticator::Authenticate(std::string_view token, std::function<void(std::optional<Principal>)> done) {
  std::shared_ptr<const Snapshot> snapshot;
  {
    std::lock_guard lock(mu_);
    if (reloading_ || Clock::now() - loaded_at_ >= refresh_) {
      waiting_.emplace_back(std::string(token), std::move(done));
      if (reloading_) return;
      reloading_ = true;
      ++reload_callbacks_;
    } else {
      snapshot = snapshot_;
    }
  }
  if (snapshot) return done(Find(*snapshot, token));
  Reload();
}

void Authenticator::Reload() {
  store_.List([this](StatusOr<std::vector<TokenRecord>> records) {
    std::shared_ptr<const Snapshot> snapshot;
    decltype(waiting_) waiting;
    {
      std::lock_guard lock(mu_);
      reloading_ = false;
      std::vector<Change> changes;
      changes.swap(changes_during_reload_);
      if (records.ok()) {
        auto fresh = std::make_shared<Snapshot>();
        for (auto& record : *records) fresh->emplace(record.id, std::move(record));
        snapshot_ = std::move(fresh);
        loaded_at_ = Clock::now();
        for (const Change& change : changes) Apply(change);
      }
      snapshot = snapshot_;
      waiting.swap(waiting_);
    }
    if (!records.ok()) {
      log::Warn("cannot reload tokens; the previous ones stay in use", {{"error", records.status().message()}});
    }
    for (auto& [token, done] : waiting) done(Find(*snapshot, token));
    std::lock_guard lock(mu_);
    if (--reload_callbacks_ == 0) reload_done_.notify_all();
  });
}

void Authenticator::Apply(const Change& change) {
  auto copy = std::make_shared<Snapshot>(*snapshot_);
  if (const auto* record = std::get_if<TokenRecord>(&change)) {
    (*copy)[record->id] = *record;
  } else {
    copy->erase(std::get<std::string>(change));
  }
  snapshot_ = std::move(copy);
  if (reloading_) changes_during_reload_.push_back(change);
}

void Authenticator::Remember(const TokenRecord& record) {
  std::lock_guard lock(mu_);
  Apply(record);
}

void Authenticator::Forget(const std::string& id) {
  std::lock_guard lock(mu_);
  Apply(id);
}

}  // namespace telemetry::auth

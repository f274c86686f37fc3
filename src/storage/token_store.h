// Where API tokens are kept: beside the readings, so that every instance on one store sees the same tokens. Only a hash
// of each token is stored (auth/token.h makes and checks them).
//
// Like Store, every call is asynchronous, thread-safe, and calls its callback exactly once, on any thread. Errors:
// kUnavailable (retry later), kInternal (the store failed).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/principal.h"
#include "core/status.h"
#include "core/time.h"

namespace telemetry {

struct TokenRecord {
  std::string id;  // 16 lowercase hex digits, unique
  Role role = Role::kReader;
  std::vector<std::string> sensors;  // a device's sensors; empty for the other roles
  TimeNs created = 0;
  std::string hash;  // SHA-256 of the token, 64 lowercase hex digits
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Stores a new record durably. kAlreadyExists when the id is taken (nothing changes).
  virtual void Put(TokenRecord record, std::function<void(Status)> done) = 0;

  // Deletes the record with this id durably. kNotFound when there is none.
  virtual void Remove(std::string id, std::function<void(Status)> done) = 0;

  // Every record, in id order.
  virtual void List(std::function<void(StatusOr<std::vector<TokenRecord>>)> done) = 0;
};

}  // namespace telemetry

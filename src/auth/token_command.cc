#include "auth/token_command.h"

#include <cstdio>
#include <future>

#include "auth/token.h"

namespace telemetry::auth {
namespace {

int Fail(const Status& status, int code) {
  std::fprintf(stderr, "telemetryd: %s\n", status.message().c_str());
  return code;
}

}  // namespace

int RunTokenCommand(const Options::TokenCommand& command, TokenStore& store, Clock clock) {
  if (command.action == "create") {
    auto checked = CheckTokenRequest(command.role, command.sensors);
    if (!checked.ok()) return Fail(checked.status(), 2);
    IssuedToken issued = IssueToken(checked->first, std::move(checked->second), clock());
    std::promise<Status> put;
    store.Put(issued.record, [&put](Status status) { put.set_value(std::move(status)); });
    if (Status status = put.get_future().get(); !status.ok()) return Fail(status, 1);
    std::printf("%s\n", TokenJson(issued.record, issued.token).c_str());
    return 0;
  }
  if (command.action == "list") {
    std::promise<StatusOr<std::vector<TokenRecord>>> listed;
    store.List([&listed](StatusOr<std::vector<TokenRecord>> records) { listed.set_value(std::move(records)); });
    auto records = listed.get_future().get();
    if (!records.ok()) return Fail(records.status(), 1);
    for (const TokenRecord& record : *records) std::printf("%s\n", TokenJson(record).c_str());
    return 0;
  }
  std::promise<Status> removed;
  store.Remove(command.id, [&removed](Status status) { removed.set_value(std::move(status)); });
  if (Status status = removed.get_future().get(); !status.ok()) return Fail(status, 1);
  std::printf("revoked %s\n", command.id.c_str());
  return 0;
}

}  // namespace telemetry::auth

// `telemetryd token create|list|revoke`: token management from the command line, against the configured store.
//   create --role device --sensor 107   prints the new token as JSON (the secret is shown only this once)
//   list                                prints one JSON object per token (never a secret)
//   revoke <id>                         deletes the token
#pragma once

#include "config/options.h"
#include "core/clock.h"
#include "storage/token_store.h"

namespace telemetry::auth {

// Runs the command, printing to stdout (errors to stderr). Returns the process exit code: 0 done, 1 the store failed or
// the id is unknown, 2 invalid arguments.
int RunTokenCommand(const Options::TokenCommand& command, TokenStore& store, Clock clock);

}  // namespace telemetry::auth

// Token management for admins (--auth token):
//   POST   /api/v1/tokens  {"role":"device","sensors":["107"]}
//          -> 201 {"id":..,"token":..,"role":..,"sensors":[..],"created":..}   the token is shown only here
//   GET    /api/v1/tokens  -> 200 {"tokens":[{"id":..,"role":..,"sensors":[..],"created":..}]}   no secrets
//   DELETE /api/v1/tokens?id=<id>  -> 204; 404 when there is no such token
// Roles: device (needs "sensors": the sensor ids it may write), reader, admin.
#pragma once

#include "auth/authenticator.h"
#include "core/clock.h"
#include "http/router.h"
#include "storage/token_store.h"

namespace telemetry::api {

// REQUIRES: store and authenticator outlive the router's use.
void AddTokensApi(http::Router& router, TokenStore& store, auth::Authenticator& authenticator, Clock clock);

}  // namespace telemetry::api

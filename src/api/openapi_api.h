// GET /api/openapi.yaml: the API's OpenAPI 3.1 description (docs/openapi.yaml, built into the binary).
#pragma once

#include "http/router.h"

namespace telemetry::api {

void AddOpenApi(http::Router& router);

}  // namespace telemetry::api

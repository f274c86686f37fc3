// docs/openapi.yaml as the build found it (CMake writes openapi_document.cc from src/api/openapi_document.cc.in).
#pragma once

#include <string_view>

namespace telemetry::api {

extern const std::string_view kOpenApiDocument;

}  // namespace telemetry::api

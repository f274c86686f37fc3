// gzip for request bodies in tests (zlib, independent of the server's decoder).
#pragma once

#include <string>

namespace telemetry::testing {

std::string Gzip(const std::string& data);

}  // namespace telemetry::testing

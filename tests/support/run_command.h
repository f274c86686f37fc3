// Runs other programs the tests talk to (real clients, a Prometheus server) and collects what they print.
#pragma once

#include <cstdint>
#include <string>

namespace telemetry::testing {

// Runs `command` with /bin/sh, stdout and stderr both into `output`; returns its exit code (-1 if it could not
// be run).
int RunCommand(const std::string& command, std::string* output);

// A TCP port on 127.0.0.1 that was free a moment ago, for a program that takes its port on the command line.
std::uint16_t FreeLoopbackPort();

}  // namespace telemetry::testing

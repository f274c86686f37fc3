// Runs a shell command (a real client program under test) and collects what it prints.
#pragma once

#include <string>

namespace telemetry::testing {

// Runs `command` with /bin/sh, stdout and stderr both into `output`; returns its exit code (-1 if it could not
// be run).
int RunCommand(const std::string& command, std::string* output);

}  // namespace telemetry::testing

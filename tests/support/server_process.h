// The real telemetryd binary, started as a child process on a free loopback port, for integration tests.
//
//   ServerProcess server({"--data-dir", dir.path()});
//   HttpClient client(server.port());
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace telemetry::testing {

// The path of the telemetryd binary under test.
std::string TelemetrydPath();

class ServerProcess {
 public:
  // What becomes of the server's output once it listens: read on (kept for Stderr()), or no longer read at all, as
  // when the log collector it writes to has gone.
  enum class Output { kRead, kClosed };

  // Starts telemetryd with `--listen 127.0.0.1:0` and `args`, and waits until it reports its port (it listens
  // before it says so). Throws std::runtime_error when it exits or says nothing within 20 seconds.
  explicit ServerProcess(const std::vector<std::string>& args, Output output = Output::kRead);
  // Kills the process (SIGKILL) if it is still running.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  void Signal(int signal_number);
  // Waits for the process to exit and returns its exit code, or 128 + signal when a signal ended it; -1 when it
  // is still running after `timeout_ms`.
  int Wait(int timeout_ms = 30000);
  // Everything the process wrote to stderr so far.
  std::string Stderr();
  // A memory figure of the process from /proc/<pid>/status in KiB ("VmRSS", "RssAnon", ...); -1 if absent.
  std::int64_t StatusKiB(const std::string& field) const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::uint16_t port_ = 0;
  std::thread reader_;
  std::mutex output_mu_;
  std::string output_;
};

// Runs telemetryd with `args` to completion; returns its exit code and fills `output` with stdout and stderr.
int RunTelemetryd(const std::vector<std::string>& args, std::string* output);

}  // namespace telemetry::testing

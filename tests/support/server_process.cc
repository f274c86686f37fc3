#include "server_process.h"

#include <fstream>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <stdexcept>

namespace telemetry::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& args, int output_fd) {
  std::vector<char*> argv;
  std::string path = TelemetrydPath();
  argv.push_back(path.data());
  std::vector<std::string> copies(args);
  for (auto& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    // Never let a test server look for EC2 instance metadata: that address is off this machine.
    ::setenv("AWS_EC2_METADATA_DISABLED", "true", 0);
    ::dup2(output_fd, STDERR_FILENO);
    ::dup2(output_fd, STDOUT_FILENO);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string TelemetrydPath() { return TELEMETRYD_PATH; }

ServerProcess::ServerProcess(const std::vector<std::string>& args, Output output) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> full{"--listen", "127.0.0.1:0"};
  full.insert(full.end(), args.begin(), args.end());
  pid_ = Spawn(full, pipe_fds[1]);
  ::close(pipe_fds[1]);

  // Read until the "listening on" line, then keep draining in the background so the pipe never fills.
  int read_fd = pipe_fds[0];
  static const std::regex kListening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::smatch match;
  bool open = true;
  while (open) {
    {
      std::lock_guard lock(output_mu_);
      if (std::regex_search(output_, match, kListening)) break;
    }
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    pollfd waiting{read_fd, POLLIN, 0};
    if (left <= 0 || ::poll(&waiting, 1, left) <= 0) break;
    char chunk[4096];
    ssize_t n = ::read(read_fd, chunk, sizeof chunk);
    open = n > 0;
    if (open) output_.append(chunk, static_cast<std::size_t>(n));
  }
  if (match.empty()) {
    ::close(read_fd);
    ::kill(pid_, SIGKILL);
    Wait();
    throw std::runtime_error("telemetryd did not start: " + output_);
  }
  port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
  if (output == Output::kClosed) {
    ::close(read_fd);
    return;
  }
  reader_ = std::thread([this, read_fd] {
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(read_fd, chunk, sizeof chunk)) > 0) {
      std::lock_guard lock(output_mu_);
      output_.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(read_fd);
  });
}

ServerProcess::~ServerProcess() {
  // Stop it the way an orchestrator does, so that every test also checks a clean shutdown (and, in sanitizer
  // builds, that nothing leaked).
  if (exit_code_ < 0) {
    ::kill(pid_, SIGTERM);
    if (Wait(15000) != 0) ADD_FAILURE() << "telemetryd did not stop cleanly on SIGTERM:\n" << Stderr();
  }
  if (exit_code_ < 0) {
    ::kill(pid_, SIGKILL);
    Wait();
  }
  if (reader_.joinable()) reader_.join();
  std::string output = Stderr();
  for (const char* report : {"AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "runtime error:"}) {
    if (output.find(report) != std::string::npos) ADD_FAILURE() << "telemetryd reported a problem:\n" << output;
  }
}

void ServerProcess::Signal(int signal_number) { ::kill(pid_, signal_number); }

int ServerProcess::Wait(int timeout_ms) {
  if (exit_code_ >= 0) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) return exit_code_ = DecodeStatus(status);
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    // waitpid has no timeout; a short poll interval while waiting for a child to exit is the portable way.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string ServerProcess::Stderr() {
  std::lock_guard lock(output_mu_);
  return output_;
}

int RunTelemetryd(const std::vector<std::string>& args, std::string* output) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = Spawn(args, pipe_fds[1]);
  ::close(pipe_fds[1]);
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], chunk, sizeof chunk)) > 0) output->append(chunk, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return DecodeStatus(status);
}

std::int64_t ServerProcess::StatusKiB(const std::string& field) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field + ":")) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

}  // namespace telemetry::testing

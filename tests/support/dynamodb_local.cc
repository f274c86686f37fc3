#include "dynamodb_local.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "run_command.h"

namespace telemetry::testing {
namespace {

bool Accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

DynamoDbLocal::DynamoDbLocal() {
  std::string dir = TELEMETRY_DYNAMODB_LOCAL_DIR;
  if (!std::filesystem::exists(dir + "/DynamoDBLocal.jar")) {
    throw std::runtime_error("DynamoDB Local is not in " + dir + ": run scripts/fetch_dynamodb_local.sh");
  }
  port_ = FreeLoopbackPort();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test binary that crashed
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    std::string port = std::to_string(port_);
    ::execlp("java", "java", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-inMemory",
             "-sharedDb", "-port", port.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Ready when it accepts connections; give up if it exits or takes a minute.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!Accepts(port_)) {
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) throw std::runtime_error("DynamoDB Local exited at start");
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("DynamoDB Local did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

DynamoDbLocal::~DynamoDbLocal() {
  if (pid_ <= 0) return;  // not ours
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

DynamoDbLocal& SharedDynamoDbLocal() {
  static DynamoDbLocal instance = [] {
    // The fixture's state file: "PID PORT". Without one (the fixture did not run, or failed) start our own.
    const char* state = std::getenv("TELEMETRY_DYNAMODB_LOCAL_STATE");
    std::ifstream file(state ? state : "");
    long long pid = 0;
    unsigned port = 0;
    if (file >> pid >> port && port > 0 && port <= 65535 && Accepts(static_cast<std::uint16_t>(port))) {
      return DynamoDbLocal(static_cast<std::uint16_t>(port));
    }
    return DynamoDbLocal();
  }();
  return instance;
}

std::string UniqueTableName(std::string_view prefix) {
  static std::atomic<unsigned> made{0};
  static const std::uint64_t process = std::random_device{}() * 0x100000000ull + std::random_device{}();
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, "_%016llx_%u", static_cast<unsigned long long>(process), made++);
  return std::string(prefix) + suffix;
}

}  // namespace telemetry::testing

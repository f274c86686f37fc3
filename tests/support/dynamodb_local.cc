#include "dynamodb_local.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>

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

// The port in a state file of tests/support/dynamodb_local_fixture.sh ("PID PORT"), if it names one that answers.
std::optional<std::uint16_t> RunningPort(const std::string& state) {
  std::ifstream file(state);
  long long pid = 0;
  unsigned port = 0;
  if (!(file >> pid >> port) || port == 0 || port > 65535 || !Accepts(static_cast<std::uint16_t>(port))) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(port);
}

std::string Fixture(const std::string& arguments) {
  return std::string(TELEMETRY_DYNAMODB_LOCAL_FIXTURE) + " " + arguments;
}

}  // namespace

// The fixture's script starts it, as it does for a whole ctest run: one way to start it, in one place.
DynamoDbLocal::DynamoDbLocal() : own_(std::make_unique<TempDir>()) {
  std::string output;
  int status = RunCommand(Fixture("start " + std::string(TELEMETRY_DYNAMODB_LOCAL_DIR) + " " + State()), &output);
  std::optional<std::uint16_t> port = RunningPort(State());
  if (status != 0 || !port) throw std::runtime_error("DynamoDB Local did not start: " + output);
  port_ = *port;
}

DynamoDbLocal::~DynamoDbLocal() {
  if (!own_) return;  // the fixture's: it stops it
  std::string output;
  RunCommand(Fixture("stop " + State()), &output);
}

DynamoDbLocal& SharedDynamoDbLocal() {
  static DynamoDbLocal instance = [] {
    // Without the fixture's (run by hand, or the fixture failed) start one of our own.
    const char* state = std::getenv("TELEMETRY_DYNAMODB_LOCAL_STATE");
    std::optional<std::uint16_t> port = state ? RunningPort(state) : std::nullopt;
    return port ? DynamoDbLocal(*port) : DynamoDbLocal();
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

// Who sent a request, once authentication has established it: a role and, for a device, the sensors it may write. Pure
// data; api/access_guard.h decides what each role may do.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemetry {

enum class Role {
  kDevice,  // writes readings of its own sensors only; reads nothing
  kReader,  // reads statistics, series, sensors, readings and metrics; writes
            // nothing
  kAdmin,   // everything, token management included
};

inline std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kDevice:
      return "device";
    case Role::kReader:
      return "reader";
    case Role::kAdmin:
      return "admin";
  }
  return "";
}

inline std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kDevice, Role::kReader, Role::kAdmin}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

struct Principal {
  std::string token_id;  // never the token itself: safe to log
  Role role = Role::kReader;
  std::vector<std::string> sensors;  // a device's own sensors; empty for the other roles

  bool MayWriteSensor(std::string_view sensor_id) const {
    if (role == Role::kAdmin) return true;
    if (role != Role::kDevice) return false;
    return std::find(sensors.begin(), sensors.end(), sensor_id) != sensors.end();
  }
};

}  // namespace telemetry

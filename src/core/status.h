// Errors as values at the boundaries between layers.
//
// A Status carries one of a few canonical codes, chosen by how a caller should react, and a message for people.
// StatusOr<T> is a value or the Status that explains why there is none.
//
//   StatusOr<TimeNs> t = ParseTime("2021-10-04 09:00:00");
//   if (!t.ok()) return t.status();
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace telemetry {

enum class StatusCode {
  kOk,
  kInvalidArgument,    // the caller's input is wrong; do not retry the same input
  kNotFound,           // the thing asked for does not exist (distinct from "exists and is empty")
  kAlreadyExists,      // a different value is already stored under the same key; do not retry
  kResourceExhausted,  // the input is larger than a configured limit
  kUnavailable,        // transient: retry with backoff (throttling, shutting down, network)
  kOutOfSpace,         // the store's disk is (nearly) full: retry once space is freed
  kInternal,           // a bug or an unexpected failure of a dependency; not retryable by the caller
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose, as absl::StatusOr
  // REQUIRES: !status.ok()
  StatusOr(Status status) : state_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }
  // REQUIRES: ok()
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> state_;
};

}  // namespace telemetry

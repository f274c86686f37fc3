// A small streaming JSON writer for the service's responses. It does not validate nesting: callers pair
// Begin/End calls.
//
//   JsonWriter json;
//   json.BeginObject().Key("count").Int(3).Key("mean").Number(12.5).EndObject();
//   json.str() == R"({"count":3,"mean":12.5})"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemetry {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  // The shortest text that reads back as the same double ("12", not "12.0"); null for NaN or infinity.
  JsonWriter& Number(double value);
  JsonWriter& Number(std::optional<double> value) { return value ? Number(*value) : Null(); }
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }
  // The text written since the last TakePiece() (or the start), leaving the writer inside whatever is open: for a
  // long value sent a piece at a time.
  std::string TakePiece() {
    std::string piece;
    piece.swap(out_);
    return piece;
  }

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_in_scope_;  // one entry per open object or array
  bool after_key_ = false;
};

// Appends `value` to `out` as a JSON string literal, quotes included; bytes of `value` that are not well-formed
// UTF-8 are written as U+FFFD.
void AppendJsonString(std::string& out, std::string_view value);

// The shortest decimal text that reads back as `value`, e.g. "12", "12.5", "1e+300".
// REQUIRES: value is finite.
std::string FormatNumber(double value);

}  // namespace telemetry

#include "http/content_encoding.h"

#include <zlib.h>

#include <algorithm>

#include "core/ascii.h"

namespace telemetry::http {
namespace {

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Inflates a gzip stream (several concatenated members too, as `cat a.gz b.gz` makes).
std::optional<BodyError> Gunzip(const std::string& compressed, std::size_t max_bytes, std::string& out) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return BodyError{500, "cannot start a gzip decoder"};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char chunk[65536];
  int result = Z_OK;
  while (result != Z_STREAM_END || stream.avail_in > 0) {
    if (result == Z_STREAM_END) inflateReset(&stream);  // the next member
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      inflateEnd(&stream);
      return BodyError{400, "the gzip body is corrupt or truncated"};
    }
    std::size_t produced = sizeof chunk - stream.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&stream);
      return BodyError{413, "the body is larger than " + std::to_string(max_bytes) + " bytes once decompressed"};
    }
    out.append(chunk, produced);
    if (result == Z_OK && produced == 0 && stream.avail_in == 0) {
      inflateEnd(&stream);
      return BodyError{400, "the gzip body is truncated"};
    }
  }
  inflateEnd(&stream);
  return std::nullopt;
}

}  // namespace

std::optional<BodyError> DecodeContentEncoding(Request& request, std::size_t max_decoded_bytes) {
  std::optional<std::string_view> header = request.Header("Content-Encoding");
  std::string_view encoding = header ? Trimmed(*header) : std::string_view();
  if (encoding.empty() || EqualsIgnoringAsciiCase(encoding, "identity")) {
    if (request.body.size() > max_decoded_bytes) {
      return BodyError{413, "the body is larger than " + std::to_string(max_decoded_bytes) + " bytes"};
    }
    return std::nullopt;
  }
  if (!EqualsIgnoringAsciiCase(encoding, "gzip") && !EqualsIgnoringAsciiCase(encoding, "x-gzip")) {
    return BodyError{415, "Content-Encoding \"" + std::string(encoding.substr(0, 40)) +
                              "\" is not supported; send identity or gzip"};
  }
  std::string decoded;
  if (auto error = Gunzip(request.body, max_decoded_bytes, decoded)) return error;
  request.body = std::move(decoded);
  std::erase_if(request.headers,
                [](const auto& header) { return EqualsIgnoringAsciiCase(header.first, "Content-Encoding"); });
  return std::nullopt;
}

}  // namespace telemetry::http

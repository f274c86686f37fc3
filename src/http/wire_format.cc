#include "http/wire_format.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace telemetry::http {
namespace {

// The Date header's value, formatted once per second per thread.
const std::string& CurrentHttpDate() {
  thread_local std::time_t formatted_second = 0;
  thread_local std::string date;
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != formatted_second) {
    std::tm utc;
    gmtime_r(&now, &utc);
    char text[64];
    std::size_t length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    date.assign(text, length);
    formatted_second = now;
  }
  return date;
}

}  // namespace

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

namespace {

// How a body's end is told: its length, chunks, or the connection closing (HTTP/1.0 streams).
enum class BodyEnd { kLength, kChunks, kClose };

void AppendHead(std::string& out, const Response& response, const Framing& framing, BodyEnd end) {
  out += framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += ReasonPhrase(response.status);
  out += "\r\nDate: ";
  out += CurrentHttpDate();
  out += "\r\nServer: telemetryd";
  // 204 and 304 have no body, and RFC 9110 forbids a Content-Length on a 204.
  if (response.status != 204 && response.status != 304) {
    out += "\r\nContent-Type: ";
    out += response.content_type;
    if (end == BodyEnd::kLength) {
      out += "\r\nContent-Length: ";
      out += std::to_string(response.body.size());
    } else if (end == BodyEnd::kChunks) {
      out += "\r\nTransfer-Encoding: chunked";
    }
  }
  if (framing.version == 10 && framing.keep_alive) out += "\r\nConnection: keep-alive";
  if (framing.version != 10 && !framing.keep_alive) out += "\r\nConnection: close";
  for (const auto& [name, value] : response.headers) {
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  out += "\r\n\r\n";
}

}  // namespace

void AppendResponseBytes(std::string& out, const Response& response, const Framing& framing) {
  AppendHead(out, response, framing, BodyEnd::kLength);
  if (!framing.head && response.status != 204 && response.status != 304) out += response.body;
}

void AppendStreamHead(std::string& out, const Response& response, const Framing& framing) {
  AppendHead(out, response, framing, framing.version == 10 ? BodyEnd::kClose : BodyEnd::kChunks);
}

void AppendStreamPiece(std::string& out, std::string_view data, bool last, const Framing& framing) {
  if (framing.version == 10) {
    out += data;
    return;
  }
  if (!data.empty()) {
    char size[20];
    int length = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out.append(size, static_cast<std::size_t>(length));
    out += data;
    out += "\r\n";
  }
  if (last) out += "0\r\n\r\n";
}

}  // namespace telemetry::http

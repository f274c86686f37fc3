#include "http/wire_format.h"

#include <chrono>
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

void AppendResponseBytes(std::string& out, const Response& response, const Framing& framing) {
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
    out += "\r\nContent-Length: ";
    out += std::to_string(response.body.size());
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
  if (!framing.head && response.status != 204 && response.status != 304) out += response.body;
}

}  // namespace telemetry::http

#include "aws/sigv4.h"

#include <strings.h>

#include <algorithm>
#include <stdexcept>

#include "core/percent_encoding.h"
#include "crypto/digest.h"

namespace telemetry::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Percent-encodes every byte outside the unreserved set (and outside `keep`), upper-case hex as AWS requires.
std::string UriEncode(std::string_view text, char keep = '\0') {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c) || (keep != '\0' && c == static_cast<unsigned char>(keep))) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 0xF]);
    }
  }
  return out;
}

// Removes "." and ".." segments and merges repeated slashes; keeps a trailing slash.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> kept;
  std::string_view last;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    last = segment;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(kept[i]);
  }
  bool directory = last.empty() || last == "." || last == "..";
  if (!kept.empty() && directory) out.push_back('/');
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    start = amp == std::string_view::npos ? query.size() : amp + 1;
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    parameters.emplace_back(UriEncode(PercentDecode(pair.substr(0, eq), false)),
                            UriEncode(PercentDecode(value, false)));
  }
  std::sort(parameters.begin(), parameters.end());
  std::string out;
  for (const auto& [key, value] : parameters) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

// Trims the value and folds every run of white space (spaces, tabs, line breaks of a folded header) into one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Lower-case names with their values joined by ',' in the order sent, sorted by name.
std::vector<std::pair<std::string, std::string>> CanonicalHeaders(const SignableRequest& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = Lower(name);
    auto same = std::find_if(headers.begin(), headers.end(), [&](const auto& h) { return h.first == lower; });
    if (same == headers.end()) {
      headers.emplace_back(std::move(lower), CanonicalHeaderValue(value));
    } else {
      same->second += "," + CanonicalHeaderValue(value);
    }
  }
  std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return headers;
}

std::string SigningKey(const Credentials& credentials, std::string_view date, const SigningScope& scope) {
  std::string key = crypto::HmacSha256("AWS4" + credentials.secret_access_key, date);
  key = crypto::HmacSha256(key, scope.region);
  key = crypto::HmacSha256(key, scope.service);
  return crypto::HmacSha256(key, "aws4_request");
}

std::string CredentialScope(std::string_view amz_date, const SigningScope& scope) {
  return std::string(amz_date.substr(0, 8)) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

void RemoveHeader(SignableRequest& request, std::string_view name) {
  auto& headers = request.headers;
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& h) {
                                 return h.first.size() == name.size() &&
                                        strncasecmp(h.first.data(), name.data(), name.size()) == 0;
                               }),
                headers.end());
}

void SetHeader(SignableRequest& request, std::string_view name, std::string value) {
  RemoveHeader(request, name);
  request.headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace

std::string SignedHeaders(const SignableRequest& request) {
  std::string out;
  for (const auto& [name, unused] : CanonicalHeaders(request)) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string CanonicalRequest(const SignableRequest& request) {
  std::string out = request.method + "\n";
  out += UriEncode(NormalizePath(request.path), '/') + "\n";
  out += CanonicalQuery(request.query) + "\n";
  for (const auto& [name, value] : CanonicalHeaders(request)) out += name + ":" + value + "\n";
  out += "\n" + SignedHeaders(request) + "\n";
  out += crypto::Sha256Hex(request.body);
  return out;
}

std::string StringToSign(std::string_view amz_date, const SigningScope& scope, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + CredentialScope(amz_date, scope) + "\n" +
         crypto::Sha256Hex(canonical_request);
}

std::string Signature(const Credentials& credentials, std::string_view amz_date, const SigningScope& scope,
                      std::string_view string_to_sign) {
  std::string mac = crypto::HmacSha256(SigningKey(credentials, amz_date.substr(0, 8), scope), string_to_sign);
  return crypto::LowerHex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

std::string Authorization(const Credentials& credentials, std::string_view amz_date, const SigningScope& scope,
                          const SignableRequest& request) {
  std::string string_to_sign = StringToSign(amz_date, scope, CanonicalRequest(request));
  return std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
         CredentialScope(amz_date, scope) + ", SignedHeaders=" + SignedHeaders(request) +
         ", Signature=" + Signature(credentials, amz_date, scope, string_to_sign);
}

void Sign(SignableRequest& request, const Credentials& credentials, const SigningScope& scope, TimeNs now) {
  std::string amz_date = AmzDate(now);
  RemoveHeader(request, "Authorization");  // a re-sent request is signed afresh
  SetHeader(request, "X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) SetHeader(request, "X-Amz-Security-Token", credentials.session_token);
  std::string authorization = Authorization(credentials, amz_date, scope, request);
  SetHeader(request, "Authorization", std::move(authorization));
}

std::string AmzDate(TimeNs time) {
  std::string rfc3339 = FormatRfc3339(FloorTo(time, kNanosPerSecond));  // "2015-08-30T12:36:00Z"
  std::string out;
  for (char c : rfc3339) {
    if (c != '-' && c != ':') out.push_back(c);
  }
  return out;
}

}  // namespace telemetry::aws

#include "server/compression.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace moneytrail::server {
namespace {

constexpr size_t kMinBodyBytes = 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The q value of one Accept-Encoding element's parameters ("q=0.5"); 1 when absent, 0 when
// malformed (a coding the client did not clearly accept is not used).
double QValue(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      const std::string v(Trim(p.substr(2)));
      char* end = nullptr;
      const double q = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(q >= 0 && q <= 1)) return 0;
      return q;
    }
  }
  return 1;
}

std::optional<std::string> Brotli(std::string_view body, int quality) {
  size_t size = BrotliEncoderMaxCompressedSize(body.size());
  if (size == 0) return std::nullopt;
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, body.size(),
                             reinterpret_cast<const uint8_t*>(body.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

std::optional<std::string> Gzip(std::string_view body, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper, as Content-Encoding: gzip requires.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(body.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace

std::string ChooseEncoding(std::string_view accept_encoding) {
  double br = -1, gzip = -1, star = -1;
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const size_t semi = element.find(';');
    const std::string_view name = Trim(element.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1 : QValue(element.substr(semi + 1));
    if (EqualsNoCase(name, "br")) br = q;
    else if (EqualsNoCase(name, "gzip") || EqualsNoCase(name, "x-gzip")) gzip = q;
    else if (name == "*") star = q;
  }
  if (br < 0) br = star;
  if (gzip < 0) gzip = star;
  if (br > 0 && br >= gzip) return "br";
  if (gzip > 0) return "gzip";
  if (br > 0) return "br";
  return "";
}

bool IsCompressibleType(std::string_view content_type) {
  std::string_view type = Trim(content_type.substr(0, content_type.find(';')));
  if (type.size() >= 5 && EqualsNoCase(type.substr(0, 5), "text/")) return !EqualsNoCase(type, "text/event-stream");
  for (std::string_view t : {"application/json", "application/javascript", "application/xml", "image/svg+xml",
                             "application/xhtml+xml", "application/problem+json"}) {
    if (EqualsNoCase(type, t)) return true;
  }
  return false;
}

std::optional<Compressed> CompressForClient(std::string_view body, std::string_view accept_encoding,
                                            std::string_view content_type, CompressionEffort effort) {
  if (body.size() < kMinBodyBytes || !IsCompressibleType(content_type)) return std::nullopt;
  const std::string encoding = ChooseEncoding(accept_encoding);
  std::optional<std::string> bytes;
  if (encoding == "br") bytes = Brotli(body, effort == CompressionEffort::kBest ? 5 : 3);
  else if (encoding == "gzip") bytes = Gzip(body, effort == CompressionEffort::kBest ? 9 : 1);
  if (!bytes || bytes->size() >= body.size()) return std::nullopt;
  return Compressed{encoding, std::move(*bytes)};
}

}  // namespace moneytrail::server

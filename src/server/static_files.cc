#include "server/static_files.h"

#include <fstream>
#include <iterator>
#include <system_error>

namespace moneytrail::server {

namespace {

// Request paths are plain: letters, digits and . _ - / only, no segment starting with a dot
// (which also rules out `..`).
bool PlainPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  bool segment_start = true;
  for (char ch : path) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    ch == '.' || ch == '_' || ch == '-' || ch == '/';
    if (!ok || (segment_start && ch == '.')) return false;
    segment_start = ch == '/';
  }
  return true;
}

std::string ContentType(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".png") return "image/png";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".ico") return "image/x-icon";
  return "";  // not served
}

}  // namespace

StaticFile ServeStatic(const std::filesystem::path& root, std::string_view path) {
  StaticFile f;
  f.headers = {{"Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; "
                "form-action 'self'; object-src 'none'"},
               {"X-Content-Type-Options", "nosniff"},
               {"X-Frame-Options", "DENY"},
               {"Referrer-Policy", "no-referrer"},
               {"Cross-Origin-Opener-Policy", "same-origin"},
               {"Cache-Control", "no-cache"}};
  f.content_type = "text/plain; charset=utf-8";
  f.body = "not found\n";
  if (root.empty() || !PlainPath(path)) return f;
  std::filesystem::path file = root / std::string(path.substr(1));
  if (path.back() == '/') file /= "index.html";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return f;
  const std::string type = ContentType(file);
  if (type.empty()) return f;
  std::ifstream in(file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return f;
  f.status = 200;
  f.content_type = type;
  f.body = std::move(body);
  return f;
}

}  // namespace moneytrail::server

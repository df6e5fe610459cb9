// The browser interface's static files (web/dist, built from web/ by esbuild) as `moneytrail
// serve` answers them at `/`: only regular files under the root, no hidden files, no `..`, a
// fixed table of content types, and the same strict Content-Security-Policy as the API (no
// inline script or style). Internal to src/server (http_server.cc is its only user).
//
// Example:
//   StaticFile f = ServeStatic("/usr/share/moneytrail/web", "/app.js");
//   if (f.status == 200) reply(f.content_type, f.body);
#ifndef MONEYTRAIL_SERVER_STATIC_FILES_H_
#define MONEYTRAIL_SERVER_STATIC_FILES_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moneytrail::server {

struct StaticFile {
  int status = 404;  // 200, or 404 for anything not served (missing, hidden, outside the root)
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // security headers, always set
};

// The file for request path `path` ("/" is index.html) under `root`.
StaticFile ServeStatic(const std::filesystem::path& root, std::string_view path);

}  // namespace moneytrail::server

#endif  // MONEYTRAIL_SERVER_STATIC_FILES_H_

// Response compression for `moneytrail serve`, chosen by the server rather than left to
// cpp-httplib. cpp-httplib (0.11, Debian 12) compresses every compressible body itself and, when a
// browser accepts `br`, uses Brotli at its default quality 11: about 1-2 MB/s, so the browser
// interface's 1.6 MB script took 3-15 s to arrive and every JSON view paid the same price. Here:
// JSON and other dynamic bodies are compressed at a fast setting (Brotli quality 3, else gzip
// level 1) when they are worth it, static files once at a stronger one and kept, and the
// response is handed to cpp-httplib in a form it does not compress again (http_server.cc).
// Measured on the 1.6 MB script (node's zlib, the same Brotli and zlib, machine loaded): Brotli
// q3 68 ms -> 456 KB, q5 209 ms -> 412 KB, q11 10.2 s -> 362 KB; gzip 1 54 ms -> 538 KB, 9 274 ms.
// Internal to src/server.
//
// Example:
//   std::optional<Compressed> c = CompressForClient(body, req.get_header_value("Accept-Encoding"),
//                                                   "application/json", CompressionEffort::kFast);
//   if (c) { reply with c->bytes and the header "Content-Encoding: " + c->encoding; }
#ifndef MONEYTRAIL_SERVER_COMPRESSION_H_
#define MONEYTRAIL_SERVER_COMPRESSION_H_

#include <optional>
#include <string>
#include <string_view>

namespace moneytrail::server {

enum class CompressionEffort {
  kFast,  // per response: Brotli quality 3 / gzip level 1 (tens of MB/s)
  kBest,  // once per static file, then cached: Brotli quality 5 / gzip level 9 (not 11: 50x slower
          // for 12% fewer bytes; the first browser to ask would wait for it)
};

struct Compressed {
  std::string encoding;  // "br" or "gzip": the Content-Encoding to send
  std::string bytes;
};

// The content codings the client accepts, in the server's order of preference (br, then gzip),
// from an Accept-Encoding value (RFC 9110 12.5.3: a coding with q=0 is refused; "*" accepts
// both). Returns "" when neither is acceptable.
std::string ChooseEncoding(std::string_view accept_encoding);

// Whether a body of `content_type` is text worth compressing (JSON, JavaScript, CSS, HTML, SVG,
// XML, any text/*); media parameters such as "; charset=utf-8" are ignored.
bool IsCompressibleType(std::string_view content_type);

// `body` compressed with the encoding ChooseEncoding picks, or nullopt when the type is not
// compressible, the body is shorter than 1 KiB, no coding is acceptable, or the compressed form is
// not smaller.
std::optional<Compressed> CompressForClient(std::string_view body, std::string_view accept_encoding,
                                            std::string_view content_type, CompressionEffort effort);

}  // namespace moneytrail::server

#endif  // MONEYTRAIL_SERVER_COMPRESSION_H_

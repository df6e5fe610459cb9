#include "fuzz_util.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <system_error>

namespace moneytrail::fuzz {
namespace {

void RemoveScratch();

std::filesystem::path MakeScratch() {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
                              ("moneytrail-fuzz-" + std::to_string(getpid()));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "fuzz: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    std::abort();
  }
  std::atexit(RemoveScratch);
  return dir;
}

void RemoveScratch() {
  std::error_code ec;
  std::filesystem::remove_all(ScratchDir(), ec);
}

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF) and holds no NUL.
bool CleanUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // the sequence runs past the end
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path dir = MakeScratch();
  return dir;
}

std::filesystem::path WriteInput(std::string_view name, const uint8_t* data, size_t size) {
  std::filesystem::path path = ScratchDir() / std::string(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

std::filesystem::path SourceFile(std::string_view relative) {
  return std::filesystem::path(MONEYTRAIL_SOURCE_DIR) / std::string(relative);
}

void Expect(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz: broken invariant: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void ExpectCleanText(std::string_view text, std::string_view what) {
  Expect(CleanUtf8(text), what);
}

void ExpectExplained(const Status& status, std::string_view what) {
  Expect(status.ok() || !status.message().empty(), what);
}

}  // namespace moneytrail::fuzz

// Ed25519 through libsodium (ISC licence): detached signatures of an exhibit's manifest.
#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>

#include "moneytrail/exhibit.h"
#include "moneytrail/file_util.h"

namespace moneytrail::exhibit {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kKeyPrefix = "moneytrail-ed25519-secret-key ";

Status InitSodium() {
  if (sodium_init() < 0) return InternalError("libsodium could not initialise");
  return Status::Ok();
}

std::string Hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace

fs::path DefaultKeyPath() {
  if (const char* k = std::getenv("MONEYTRAIL_KEY"); k != nullptr && *k != '\0') return k;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    return fs::path(x) / "moneytrail" / "exhibit-ed25519.key";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / ".config" / "moneytrail" / "exhibit-ed25519.key";
}

Result<SigningKey> LoadOrCreateKey(const fs::path& path) {
  MT_RETURN_IF_ERROR(InitSodium());
  SigningKey key;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    const size_t hex_size = 2 * crypto_sign_SECRETKEYBYTES;
    if (text.size() != kKeyPrefix.size() + hex_size || !text.starts_with(kKeyPrefix)) {
      return DataLossError(fmt::format(
          "{}: not a moneytrail signing key (expected one line '{}' + {} hex digits)",
          path.string(), kKeyPrefix, hex_size));
    }
    key.secret.resize(crypto_sign_SECRETKEYBYTES);
    size_t bin_len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.secret.data()), key.secret.size(),
                       text.data() + kKeyPrefix.size(), hex_size, nullptr, &bin_len,
                       nullptr) != 0 ||
        bin_len != crypto_sign_SECRETKEYBYTES) {
      return DataLossError(fmt::format("{}: the key is not hex digits", path.string()));
    }
    key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(key.public_key.data()),
                                 reinterpret_cast<const unsigned char*>(key.secret.data()));
    return key;
  }
  key.secret.resize(crypto_sign_SECRETKEYBYTES);
  key.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(key.public_key.data()),
                      reinterpret_cast<unsigned char*>(key.secret.data()));
  if (!path.parent_path().empty()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return IoError(fmt::format("{}: cannot create its directory: {}", path.string(), ec.message()));
  }
  // O_EXCL and mode 0600: never over another key, never readable by others.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("cannot create signing key " + path.string(), errno);
  const std::string line = std::string(kKeyPrefix) + Hex(key.secret) + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  if (!written) return ErrnoError("cannot write signing key " + path.string(), write_errno);
  return key;
}

std::string Fingerprint(std::string_view public_key) {
  const std::string hex = Sha256Hex(public_key).substr(0, 32);
  std::string out = "SHA256:";
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out += ':';
    out += hex.substr(i, 4);
  }
  return out;
}

std::string Sign(const SigningKey& key, std::string_view message) {
  if (sodium_init() < 0) return "";
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(key.secret.data()));
  return sig;
}

bool Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (sodium_init() < 0) return false;
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace moneytrail::exhibit

# Third-party libraries, all from Debian 12's packages (scripts/install-deps installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(TBB REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)

# Debian 12's XGBoost CMake config is only usable with the `xgboost` package installed; find the
# C API header and library directly so that libxgboost-dev alone suffices.
find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h)
find_library(XGBOOST_LIBRARY NAMES xgboost)
if(XGBOOST_INCLUDE_DIR AND XGBOOST_LIBRARY)
  add_library(moneytrail_xgboost INTERFACE)
  target_include_directories(moneytrail_xgboost SYSTEM INTERFACE ${XGBOOST_INCLUDE_DIR})
  target_link_libraries(moneytrail_xgboost INTERFACE ${XGBOOST_LIBRARY})
  add_library(moneytrail::xgboost ALIAS moneytrail_xgboost)
endif()

pkg_check_modules(GVC IMPORTED_TARGET libgvc)

if(MONEYTRAIL_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MONEYTRAIL_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

# RE2 (libre2-dev): statement layouts' header, skip and banner patterns (src/io) and the
# description grammar (src/enrich). Debian 12's RE2 ships no CMake config, only re2.pc.
if(NOT TARGET moneytrail::re2)
  pkg_check_modules(MT_RE2 REQUIRED IMPORTED_TARGET re2)
  add_library(moneytrail_re2 INTERFACE)
  target_link_libraries(moneytrail_re2 INTERFACE PkgConfig::MT_RE2)
  add_library(moneytrail::re2 ALIAS moneytrail_re2)
endif()

# ISA-L (libisal-dev, BSD-3-Clause): the store's block CRC32Cs (crc32_iscsi, PCLMULQDQ folding
# chosen at run time; bench/RESULTS-store.md). Debian 12 ships libisal.pc, no CMake config.
if(NOT TARGET moneytrail::isal)
  pkg_check_modules(MT_ISAL REQUIRED IMPORTED_TARGET libisal)
  add_library(moneytrail_isal INTERFACE)
  target_link_libraries(moneytrail_isal INTERFACE PkgConfig::MT_ISAL)
  add_library(moneytrail::isal ALIAS moneytrail_isal)
endif()

# libsodium (libsodium-dev): Argon2id passwords, Ed25519 signatures of the workspace journal and
# of exhibit packs. Debian 12 ships no CMake config, only libsodium.pc.
if(NOT TARGET PkgConfig::MT_SODIUM)
  pkg_check_modules(MT_SODIUM REQUIRED IMPORTED_TARGET libsodium)
endif()
# cpp-httplib (libcpp-httplib-dev): the workspace server. No CMake config; its pkg-config flags
# (CPPHTTPLIB_OPENSSL_SUPPORT, ...) must be used, or the library's ABI does not match.
if(NOT TARGET PkgConfig::MT_HTTPLIB)
  pkg_check_modules(MT_HTTPLIB IMPORTED_TARGET cpp-httplib)
endif()
# Brotli and zlib (libbrotli-dev, zlib1g-dev): the server compresses its responses itself
# (src/server/compression.h) instead of cpp-httplib's Brotli at quality 11 per response.
if(TARGET PkgConfig::MT_HTTPLIB AND NOT TARGET PkgConfig::MT_COMPRESS)
  pkg_check_modules(MT_COMPRESS REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec zlib)
endif()

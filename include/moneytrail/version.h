// The moneytrail version, recorded in every output (DESIGN.md, Determinism).
#ifndef MONEYTRAIL_VERSION_H_
#define MONEYTRAIL_VERSION_H_

namespace moneytrail {
inline constexpr const char kVersion[] = "0.1.0";
}  // namespace moneytrail

#endif  // MONEYTRAIL_VERSION_H_

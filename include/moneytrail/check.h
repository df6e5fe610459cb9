// MT_CHECK / MT_DCHECK: assertions for programmer errors only. A check must never be
// reachable from user input; input errors return Status (STYLE.md).
#ifndef MONEYTRAIL_CHECK_H_
#define MONEYTRAIL_CHECK_H_

#include <cstdio>
#include <cstdlib>

namespace moneytrail::internal {
[[noreturn]] inline void CheckFailed(const char* file, int line, const char* expr) {
  std::fprintf(stderr, "%s:%d: MT_CHECK failed: %s\n", file, line, expr);
  std::abort();
}
}  // namespace moneytrail::internal

#define MT_CHECK(cond) \
  ((cond) ? (void)0 : ::moneytrail::internal::CheckFailed(__FILE__, __LINE__, #cond))

#ifdef NDEBUG
#define MT_DCHECK(cond) ((void)0)
#else
#define MT_DCHECK(cond) MT_CHECK(cond)
#endif

#endif  // MONEYTRAIL_CHECK_H_

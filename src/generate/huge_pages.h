// Asks the kernel to back the large, long-lived arrays of the generator (the world's vectors and
// arena, a day's transactions) with transparent huge pages where the system allows it
// (/sys/kernel/mm/transparent_hugepage/enabled = madvise or always): filling them then takes
// one page fault per 2 MB instead of one per 4 KB. Only advice: contents and results never
// depend on it, and it does nothing where huge pages are unavailable.
#ifndef MONEYTRAIL_SRC_GENERATE_HUGE_PAGES_H_
#define MONEYTRAIL_SRC_GENERATE_HUGE_PAGES_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace moneytrail::generate_internal {

// Advises huge pages for the 2 MB-aligned part of [data, data + bytes). `data` must be memory
// this process allocated and still owns; a failure of the advice is ignored.
inline void AdviseHugePages(const void* data, size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// The same for the capacity of a contiguous container (vector, string).
template <typename Container>
void AdviseHugePagesFor(const Container& c) {
  AdviseHugePages(c.data(), c.capacity() * sizeof(*c.data()));
}

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_HUGE_PAGES_H_

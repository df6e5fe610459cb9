// Memory for feature tables (moneytrail/patterns.h, TableMemory).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cstdint>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "moneytrail/patterns.h"

namespace moneytrail::patterns {
namespace {

constexpr size_t kHuge = size_t{2} << 20;
constexpr size_t kPage = 4096;

size_t RoundUp(size_t bytes, size_t to) { return (bytes + to - 1) / to * to; }

}  // namespace

void* TableMemory::Allocate(size_t bytes) {
#ifdef __linux__
  if (bytes >= kLarge) {
    // Map 2 MB more than needed and unmap the ends, so that the buffer starts on a 2 MB
    // boundary and every one of its huge pages can be granted.
    const size_t size = RoundUp(bytes, kHuge);
    void* mapped = mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto begin = reinterpret_cast<uintptr_t>(mapped);
    const uintptr_t aligned = RoundUp(begin, kHuge);
    if (aligned > begin) munmap(mapped, aligned - begin);
    if (const uintptr_t tail = begin + size + kHuge - (aligned + size); tail > 0) {
      munmap(reinterpret_cast<void*>(aligned + size), tail);
    }
    auto* p = reinterpret_cast<char*>(aligned);
    madvise(p, size, MADV_HUGEPAGE);  // advice only: 4 KB pages if refused
    // The first touch of each page is a fault (and, for a huge page, the kernel zeroing 2 MB):
    // spread over the caller's threads instead of the vector's serial fill. One write per
    // 4 KB page faults it in whichever page size the kernel chose.
    tbb::parallel_for(tbb::blocked_range<size_t>(0, size / kHuge), [&](const auto& range) {
      for (size_t h = range.begin(); h != range.end(); ++h) {
        for (size_t at = h * kHuge; at < (h + 1) * kHuge; at += kPage) {
          *reinterpret_cast<volatile char*>(p + at) = 0;
        }
      }
    });
    return p;
  }
#endif
  return ::operator new(bytes);
}

void TableMemory::Free(void* p, size_t bytes) noexcept {
#ifdef __linux__
  if (bytes >= kLarge) {
    munmap(p, RoundUp(bytes, kHuge));
    return;
  }
#endif
  ::operator delete(p);
}

}  // namespace moneytrail::patterns

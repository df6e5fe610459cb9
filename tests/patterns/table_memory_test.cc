// Feature tables' memory (moneytrail/patterns.h, TableMemory): large buffers are mapped on a
// 2 MB boundary and hold zeros, small ones come from operator new, and a table's vector
// behaves as any vector of doubles across the threshold.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cstdint>
#include <numeric>

#include "moneytrail/patterns.h"

namespace moneytrail::patterns {
namespace {

TEST(TableMemoryTest, LargeBuffersAreAlignedZeroedAndWritable) {
  for (size_t bytes : {TableMemory::kLarge, TableMemory::kLarge + 8, size_t{37} << 20}) {
    char* p = nullptr;
    tbb::task_arena(2).execute([&] { p = static_cast<char*>(TableMemory::Allocate(bytes)); });
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (uintptr_t{2} << 20), 0u) << bytes;
    size_t nonzero = 0;
    for (size_t i = 0; i < bytes; ++i) nonzero += p[i] != 0;
    EXPECT_EQ(nonzero, 0u) << bytes;
    p[0] = 1;
    p[bytes - 1] = 2;  // the last byte is ours
    TableMemory::Free(p, bytes);
  }
}

TEST(TableMemoryTest, TableValuesBehaveAsAVectorAcrossTheThreshold) {
  const size_t large = TableMemory::kLarge / sizeof(double) + 1000;
  TableValues v;
  v.resize(100, 1.5);  // small
  v.resize(large, 2.5);  // grows into a large buffer, keeping the first 100
  ASSERT_EQ(v.size(), large);
  EXPECT_EQ(v[99], 1.5);
  EXPECT_EQ(v[100], 2.5);
  EXPECT_EQ(v[large - 1], 2.5);
  std::iota(v.begin(), v.end(), 0.0);
  const TableValues copy = v;
  EXPECT_EQ(copy, v);
  v.resize(10);
  v.shrink_to_fit();  // back to a small buffer
  EXPECT_EQ(v.size(), 10u);
  EXPECT_EQ(v[9], 9.0);
  EXPECT_EQ(copy[large - 1], static_cast<double>(large - 1));
}

}  // namespace
}  // namespace moneytrail::patterns

#include "generate/csv_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "generate/normal_life.h"
#include "generate/world.h"

namespace moneytrail::generate_internal {
namespace {

World SmallWorld(uint64_t seed) {
  WorldParams params;
  params.seed = seed;
  params.accounts = 2000;
  params.days = 3;
  params.start_day = 20000;
  return World(params);
}

std::vector<Tx> OneDay(const World& world, uint32_t index) {
  std::vector<Tx> txs;
  const DayInfo day = MakeDayInfo(world, index);
  for (uint32_t a = 0; a < world.account_count(); ++a) NormalDay(world, a, day, txs);
  std::sort(txs.begin(), txs.end(), TxBefore);
  return txs;
}

std::string Text(const Buffer& buffer) { return std::string(buffer.data(), buffer.size()); }

TEST(CsvWriterTest, RowNodesHoldEachNodesFragmentsOrSendToTheArena) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    World world = SmallWorld(seed);
    std::vector<RowNode> entries = MakeRowNodes(world);
    ASSERT_EQ(entries.size(), world.nodes().size() + 1) << "seed " << seed;
    size_t inline_count = 0;
    for (uint32_t i = 0; i < world.nodes().size(); ++i) {
      const RowNode& e = entries[i];
      EXPECT_EQ(e.kind, world.nodes()[i].kind);
      EXPECT_EQ(e.country, world.nodes()[i].country);
      if (e.native_size == kNotInline) continue;
      ++inline_count;
      std::string_view native(e.native, e.native_size);
      EXPECT_EQ(native, world.NativeFragment(i)) << "seed " << seed << " node " << i;
      EXPECT_EQ(native.substr(e.ibm_offset), world.IbmFragment(i)) << "seed " << seed << " node " << i;
    }
    EXPECT_GT(inline_count, world.account_count() * 9 / 10) << "seed " << seed;
    EXPECT_EQ(entries.back().native_size, 0);
  }
}

TEST(CsvWriterTest, FormattedRowsDoNotDependOnTheBlockSplit) {
  for (uint64_t seed : {1u, 5u}) {
    World world = SmallWorld(seed);
    std::vector<RowNode> entries = MakeRowNodes(world);
    std::vector<Tx> txs = OneDay(world, 1);
    ASSERT_GT(txs.size(), 100u);
    Buffer whole_native, whole_ibm;
    FormatRows(world, entries, txs, &whole_native, &whole_ibm);
    Buffer split_native, split_ibm, only_native;
    for (size_t from = 0; from < txs.size(); from += 37) {
      std::span<const Tx> part(txs.data() + from, std::min<size_t>(37, txs.size() - from));
      FormatRows(world, entries, part, &split_native, &split_ibm);
      FormatRows(world, entries, part, &only_native, nullptr);
    }
    EXPECT_EQ(Text(split_native), Text(whole_native)) << "seed " << seed;
    EXPECT_EQ(Text(split_ibm), Text(whole_ibm)) << "seed " << seed;
    EXPECT_EQ(Text(only_native), Text(whole_native)) << "seed " << seed;
    EXPECT_EQ(static_cast<size_t>(std::count(whole_native.data(), whole_native.data() + whole_native.size(), '\n')),
              txs.size());
  }
}

}  // namespace
}  // namespace moneytrail::generate_internal

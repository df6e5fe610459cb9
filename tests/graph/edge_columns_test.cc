#include <gtest/gtest.h>

#include <vector>

#include "moneytrail/graph.h"

namespace moneytrail::graph {
namespace {

struct Rows {
  std::vector<AccountId> src{1, 2, 3, 4, 5};
  std::vector<Timestamp> time{10, 20, 30, 40, 50};
  std::vector<double> amount{1.5, 2.5, 3.5, 4.5, 5.5};
  std::vector<TransactionId> id{100, 101, 105, 107, 110};
};

TEST(EdgeColumnsTest, RowBlockIsTheSubspansOfEveryColumnAndTheIdColumnsOwn) {
  const Rows r;
  const EdgeColumns all{r.src, r.src, r.time, r.amount, r.id};
  std::vector<TransactionId> storage;
  const EdgeColumns block = RowBlock(all, 1, 3, storage);
  EXPECT_EQ(block.size(), 3u);
  EXPECT_EQ(block.source.data(), r.src.data() + 1);
  EXPECT_EQ(block.destination.data(), r.src.data() + 1);
  EXPECT_EQ(block.time.data(), r.time.data() + 1);
  EXPECT_EQ(block.amount.data(), r.amount.data() + 1);
  EXPECT_EQ(block.amount.size(), 3u);
  EXPECT_EQ(block.id.data(), r.id.data() + 1);
  EXPECT_EQ(block.id.size(), 3u);
  EXPECT_TRUE(storage.empty());
}

TEST(EdgeColumnsTest, RowBlockWithoutIdsNumbersTheRowsFromFirst) {
  const Rows r;
  const EdgeColumns all{r.src, r.src, r.time, {}, {}};
  std::vector<TransactionId> storage{9, 9, 9, 9, 9, 9, 9};
  const EdgeColumns block = RowBlock(all, 2, 3, storage);
  EXPECT_EQ(std::vector<TransactionId>(block.id.begin(), block.id.end()),
            (std::vector<TransactionId>{2, 3, 4}));
  EXPECT_EQ(block.id.data(), storage.data());
  EXPECT_TRUE(block.amount.empty());  // kept empty: amounts 0
  EXPECT_EQ(block.time.front(), 30);
  EXPECT_EQ(RowBlock(all, 5, 0, storage).size(), 0u);  // an empty block at the end
}

}  // namespace
}  // namespace moneytrail::graph

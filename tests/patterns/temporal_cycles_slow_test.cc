// Temporal cycle enumerator on the 1M-edge reference graph (shared/data/cycles/README.md).
// Slow-labelled: loading the text file alone takes seconds.
#include <gtest/gtest.h>

#include "moneytrail/temporal_cycles.h"
#include "patterns/temporal_cycles_test_util.h"

namespace moneytrail::patterns {
namespace {

using testing::EdgeColumns;
using testing::HistogramText;

class MillionEdgeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    graph_ = new EdgeColumns();  // NOLINT: shared by the suite, freed in TearDownTestSuite
    ASSERT_TRUE(testing::LoadEdgeList(testing::SharedData("cycles/random_100k_1M_30d.txt"),
                                      *graph_));
  }
  static void TearDownTestSuite() {
    delete graph_;
    graph_ = nullptr;
  }
  static TemporalCycleCounts Count(Timestamp window) {
    TemporalCycleOptions o;
    o.window = window;
    o.threads = 2;
    auto counts = CountTemporalCycles(graph_->View(), o);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? *counts : TemporalCycleCounts{};
  }
  static EdgeColumns* graph_;
};
EdgeColumns* MillionEdgeTest::graph_ = nullptr;

TEST_F(MillionEdgeTest, OneHourWindowFindsThePlantedCycles) {
  EXPECT_EQ(HistogramText(Count(3600)), "3:69 4:67 5:59 6:59 7:62 8:54 9:78 10:52");
}

TEST_F(MillionEdgeTest, OneDayWindow) {
  EXPECT_EQ(HistogramText(Count(86400)), "2:6 3:69 4:67 5:59 6:59 7:62 8:54 9:78 10:52");
}

TEST_F(MillionEdgeTest, SevenDayWindow) { EXPECT_EQ(Count(604800).total, 590u); }

}  // namespace
}  // namespace moneytrail::patterns

#include "resolve/cluster.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

namespace moneytrail::resolve_internal {
namespace {

// Two tight cliques {0,1,2} and {3,4,5}, all internal links strong, one weak bridge 2-3;
// every unscored cross pair is a strong non-match.
struct TwoCliques {
  std::vector<Link> links = {{0, 1, 20}, {0, 2, 20}, {1, 2, 20}, {3, 4, 20},
                             {3, 5, 20}, {4, 5, 20}, {2, 3, 1.0}};
  double Weight(uint32_t x, uint32_t y) const {
    for (const Link& l : links) {
      if ((l.a == x && l.b == y) || (l.a == y && l.b == x)) return l.weight;
    }
    return -20;
  }
};

TEST(ClusterTest, ConnectedComponentsMergeThroughOneWeakLink) {
  TwoCliques g;
  auto labels = ConnectedComponents(6, g.links);
  EXPECT_EQ(labels[0], labels[5]);  // the failure mode average linkage avoids
}

TEST(ClusterTest, AverageLinkageRefusesOneWeakLinkBetweenCliques) {
  TwoCliques g;
  auto labels = AverageLinkage(
      6, g.links, 0.5, [&](uint32_t x, uint32_t y) { return g.Weight(x, y); },
      [](uint32_t, uint32_t) { return true; });
  EXPECT_EQ(labels[0], labels[1]);
  EXPECT_EQ(labels[0], labels[2]);
  EXPECT_EQ(labels[3], labels[4]);
  EXPECT_EQ(labels[3], labels[5]);
  EXPECT_NE(labels[0], labels[3]);
}

TEST(ClusterTest, AverageLinkageRefusesAChainWhoseEndsDisagree) {
  // a-b strong, b-c strong, a-c a strong non-match: c joins {a,b} only if the average allows.
  std::vector<Link> links = {{0, 1, 10}, {1, 2, 9}};
  auto weight = [](uint32_t x, uint32_t y) {
    if (x == 0 && y == 2) return -30.0;
    return 10.0;
  };
  auto labels = AverageLinkage(3, links, 0.6, weight, [](uint32_t, uint32_t) { return true; });
  EXPECT_EQ(labels[0], labels[1]);
  EXPECT_NE(labels[1], labels[2]);
}

TEST(ClusterTest, AverageLinkageMergesAGenuineClusterWithOneCorruptedRecord) {
  // Record 3 links only to 0 strongly; its other pairs are uncertain (weight 0: p = 0.5).
  std::vector<Link> links = {{0, 1, 15}, {0, 2, 15}, {1, 2, 15}, {0, 3, 8}};
  auto weight = [](uint32_t x, uint32_t y) {
    if (x == 0 || y == 0) return 15.0;
    return (x == 3 || y == 3) ? 0.0 : 15.0;
  };
  auto labels = AverageLinkage(4, links, 0.5, weight, [](uint32_t, uint32_t) { return true; });
  EXPECT_EQ(labels[0], labels[3]);
}

TEST(ClusterTest, AverageLinkageIgnoresOrderOfInputLinks) {
  TwoCliques g;
  auto forward = AverageLinkage(
      6, g.links, 0.5, [&](uint32_t x, uint32_t y) { return g.Weight(x, y); },
      [](uint32_t, uint32_t) { return true; });
  std::vector<Link> reversed(g.links.rbegin(), g.links.rend());
  auto backward = AverageLinkage(
      6, reversed, 0.5, [&](uint32_t x, uint32_t y) { return g.Weight(x, y); },
      [](uint32_t, uint32_t) { return true; });
  EXPECT_EQ(forward, backward);
}

TEST(ClusterTest, AverageLinkageWithZeroMinimumEqualsConnectedComponents) {
  // Oracle check on random graphs: with no minimum every link merges.
  const unsigned seed = 777;
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    const uint32_t n = 2 + rng() % 20;
    std::vector<Link> links;
    const int m = static_cast<int>(rng() % (2 * n));
    for (int i = 0; i < m; ++i) {
      uint32_t a = rng() % n, b = rng() % n;
      if (a == b) continue;
      links.push_back({std::min(a, b), std::max(a, b), static_cast<double>(rng() % 40) - 20});
    }
    auto cc = ConnectedComponents(n, links);
    auto al = AverageLinkage(
        n, links, 0.0, [](uint32_t, uint32_t) { return -50.0; }, [](uint32_t, uint32_t) { return true; });
    ASSERT_EQ(cc, al) << "seed " << seed << " trial " << trial;
  }
}

TEST(ClusterTest, LabelsAreDenseInOrderOfFirstRecord) {
  auto labels = ConnectedComponents(5, {{3, 4, 1}, {1, 2, 1}});
  EXPECT_EQ(labels, (std::vector<uint32_t>{0, 1, 1, 2, 2}));
}

TEST(ClusterTest, OneToOneKeepsTheStrongestLinkPerRecord) {
  // 0 and 1 in file A; 2 and 3 in file B. 0-2 strongest, then 1-2 (2 taken), then 1-3.
  auto labels = OneToOne(4, {{1, 2, 8}, {0, 2, 12}, {1, 3, 5}, {0, 3, 4}});
  EXPECT_EQ(labels[0], labels[2]);
  EXPECT_EQ(labels[1], labels[3]);
  EXPECT_NE(labels[0], labels[1]);
}

}  // namespace
}  // namespace moneytrail::resolve_internal

#include "moneytrail/graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace moneytrail::graph {
namespace {

struct Rows {
  std::vector<AccountId> src, dst;
  std::vector<Timestamp> time;
  std::vector<double> amount;
  EdgeColumns columns() const { return {src, dst, time, amount, {}}; }
};

Rows RandomRows(std::mt19937_64& rng, int accounts, int edges, int max_time) {
  Rows r;
  for (int k = 0; k < edges; ++k) {
    r.src.push_back(static_cast<AccountId>(rng() % accounts));
    r.dst.push_back(static_cast<AccountId>(rng() % accounts));
    r.time.push_back(static_cast<Timestamp>(rng() % (max_time + 1)));
    r.amount.push_back(static_cast<double>(rng() % 100));
  }
  return r;
}

TEST(TemporalGraphTest, ListsHoldEveryEdgeSortedByTimeThenId) {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Rows r = RandomRows(rng, 6, 40, 10);
    auto g = TemporalGraph::Build(r.columns(), {.threads = 2});
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_EQ(g->edge_count(), 40u);
    for (AccountId a = 0; a < g->account_count(); ++a) {
      std::vector<Edge> out, in;
      for (TransactionId t = 0; t < r.src.size(); ++t) {
        if (r.src[t] == a) out.push_back({r.time[t], t, r.dst[t], r.amount[t]});
        if (r.dst[t] == a) in.push_back({r.time[t], t, r.src[t], r.amount[t]});
      }
      std::sort(out.begin(), out.end(), EdgeBefore);
      std::sort(in.begin(), in.end(), EdgeBefore);
      auto check = [](std::span<const Edge> got, const std::vector<Edge>& want) {
        ASSERT_EQ(got.size(), want.size());
        for (size_t k = 0; k < got.size(); ++k) {
          EXPECT_EQ(got[k].id, want[k].id);
          EXPECT_EQ(got[k].other, want[k].other);
          EXPECT_EQ(got[k].time, want[k].time);
          EXPECT_EQ(got[k].amount, want[k].amount);
        }
      };
      check(g->OutEdges(a), out);
      check(g->InEdges(a), in);
    }
  }
}

TEST(TemporalGraphTest, WindowQueryReturnsEdgesWithinInclusiveBounds) {
  std::mt19937_64 rng(7);
  Rows r = RandomRows(rng, 4, 60, 20);
  auto g = TemporalGraph::Build(r.columns(), {});
  ASSERT_TRUE(g.ok());
  for (AccountId a = 0; a < 4; ++a) {
    for (Timestamp from = -1; from <= 21; ++from) {
      for (Timestamp to = from; to <= 21; to += 3) {
        size_t want = 0;
        for (size_t t = 0; t < r.src.size(); ++t) {
          want += r.src[t] == a && r.time[t] >= from && r.time[t] <= to;
        }
        auto got = g->OutEdgesInWindow(a, from, to);
        EXPECT_EQ(got.size(), want) << "account " << a << " [" << from << ", " << to << "]";
        for (const Edge& e : got) EXPECT_TRUE(e.time >= from && e.time <= to);
      }
    }
  }
}

TEST(TemporalGraphTest, SelfLoopIsInBothListsOfItsAccount) {
  std::vector<AccountId> s{2}, d{2};
  std::vector<Timestamp> t{5};
  auto g = TemporalGraph::Build({s, d, t, {}, {}}, {});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->OutEdges(2).size(), 1u);
  EXPECT_EQ(g->InEdges(2).size(), 1u);
  EXPECT_EQ(g->OutEdges(0).size(), 0u);
  EXPECT_EQ(g->OutEdges(99).size(), 0u);
}

TEST(TemporalGraphTest, AppendEqualsBuildOverTheSameRows) {
  std::mt19937_64 rng(11);
  Rows r = RandomRows(rng, 8, 200, 50);
  std::vector<TransactionEdge> all;
  for (TransactionId t = 0; t < r.src.size(); ++t) {
    all.push_back({t, r.time[t], r.src[t], r.dst[t], r.amount[t]});
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.time != b.time ? a.time < b.time : a.id < b.id;
  });
  TemporalGraph streamed;
  for (size_t k = 0; k < all.size(); k += 7) {
    const size_t end = std::min(all.size(), k + 7);
    ASSERT_TRUE(streamed.Append(std::span(all).subspan(k, end - k)).ok());
  }
  auto built = TemporalGraph::Build(r.columns(), {});
  ASSERT_TRUE(built.ok());
  ASSERT_EQ(streamed.account_count(), built->account_count());
  for (AccountId a = 0; a < built->account_count(); ++a) {
    auto x = streamed.OutEdges(a), y = built->OutEdges(a);
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) EXPECT_EQ(x[k].id, y[k].id);
    auto p = streamed.InEdges(a), q = built->InEdges(a);
    ASSERT_EQ(p.size(), q.size());
    for (size_t k = 0; k < p.size(); ++k) EXPECT_EQ(p[k].id, q[k].id);
  }
}

// A history built with spare room (each list with free slots of its own), then appended to,
// holds the same lists as one build over all rows; out-edge positions stay inside the array.
TEST(TemporalGraphTest, BuildWithSpareRoomThenAppendEqualsBuildOverAllRows) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    Rows r = RandomRows(rng, 2 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 300),
                        static_cast<int>(rng() % 60));
    std::vector<TransactionEdge> all;
    for (TransactionId t = 0; t < r.src.size(); ++t) {
      all.push_back({t, r.time[t], r.src[t], r.dst[t], r.amount[t]});
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.time != b.time ? a.time < b.time : a.id < b.id;
    });
    const size_t split = static_cast<size_t>(rng() % (all.size() + 1));
    Rows h;
    std::vector<TransactionId> ids;
    for (size_t k = 0; k < split; ++k) {
      h.src.push_back(all[k].source);
      h.dst.push_back(all[k].destination);
      h.time.push_back(all[k].time);
      h.amount.push_back(all[k].amount);
      ids.push_back(all[k].id);
    }
    const double spares[] = {0.0, 0.1, 0.5, 2.0};
    const double spare = spares[rng() % 4];
    auto streamed = TemporalGraph::Build({h.src, h.dst, h.time, h.amount, ids}, {.spare = spare});
    ASSERT_TRUE(streamed.ok()) << "seed " << seed;
    for (size_t k = split; k < all.size();) {
      const size_t n = std::min(all.size() - k, 1 + static_cast<size_t>(rng() % 9));
      ASSERT_TRUE(streamed->Append(std::span(all).subspan(k, n)).ok()) << "seed " << seed;
      k += n;
    }
    auto built = TemporalGraph::Build(r.columns(), {});
    ASSERT_TRUE(built.ok());
    ASSERT_EQ(streamed->account_count(), built->account_count()) << "seed " << seed;
    ASSERT_EQ(streamed->edge_count(), built->edge_count()) << "seed " << seed;
    const std::span<const Edge> array = streamed->OutEdgeArray();
    for (AccountId a = 0; a < built->account_count(); ++a) {
      auto x = streamed->OutEdges(a), y = built->OutEdges(a);
      ASSERT_EQ(x.size(), y.size()) << "seed " << seed;
      if (!x.empty()) {
        EXPECT_GE(x.data(), array.data()) << "seed " << seed;
        EXPECT_LE(x.data() + x.size(), array.data() + array.size()) << "seed " << seed;
      }
      for (size_t k = 0; k < x.size(); ++k) EXPECT_EQ(x[k].id, y[k].id) << "seed " << seed;
      auto p = streamed->InEdges(a), q = built->InEdges(a);
      ASSERT_EQ(p.size(), q.size()) << "seed " << seed;
      for (size_t k = 0; k < p.size(); ++k) EXPECT_EQ(p[k].id, q[k].id) << "seed " << seed;
    }
  }
}

TEST(TemporalGraphTest, AppendRejectsABatchOutOfTimeOrderAndKeepsTheGraph) {
  TemporalGraph g;
  std::vector<TransactionEdge> first{{0, 10, 0, 1, 1.0}};
  ASSERT_TRUE(g.Append(first).ok());
  std::vector<TransactionEdge> late{{1, 11, 1, 2, 1.0}, {2, 9, 2, 0, 1.0}};
  Status s = g.Append(late);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(g.edge_count(), 1u);
  std::vector<TransactionEdge> same_key{{0, 10, 3, 4, 1.0}};
  EXPECT_FALSE(g.Append(same_key).ok());
}

TEST(TemporalGraphTest, BuildRejectsColumnsOfDifferentLengths) {
  std::vector<AccountId> s{0, 1}, d{1};
  std::vector<Timestamp> t{1, 2};
  auto g = TemporalGraph::Build({s, d, t, {}, {}}, {});
  EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
}

TEST(TemporalGraphTest, BuildRejectsAMissingAccount) {
  std::vector<AccountId> s{0}, d{kNoAccount};
  std::vector<Timestamp> t{1};
  EXPECT_FALSE(TemporalGraph::Build({s, d, t, {}, {}}, {}).ok());
}

}  // namespace
}  // namespace moneytrail::graph

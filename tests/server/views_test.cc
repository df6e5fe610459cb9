// The link chart's queries against brute-force oracles on many small seeded random stores, the
// view routes in-process (access, filters, errors), and the static files' path rules.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "moneytrail/server.h"
#include "moneytrail/store.h"
#include "server/case_fixture.h"
#include "server/case_graph.h"
#include "server/static_files.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path Scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("mt-views-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

FlowFilter RandomFilter(std::mt19937& rng) {
  FlowFilter f;
  const Timestamp base = 1'756'684'800;
  if (rng() % 2) f.from = base + static_cast<Timestamp>(rng() % (15 * 86400));
  if (rng() % 2) f.to = base + static_cast<Timestamp>(10 * 86400 + rng() % (20 * 86400));
  const int dir = static_cast<int>(rng() % 3);
  f.incoming = dir != 1;
  f.outgoing = dir != 2;
  if (rng() % 2) f.channels = static_cast<uint32_t>(rng()) & ((1u << kChannelCount) - 1);
  if (rng() % 2) f.min_amount = Decimal{static_cast<int64_t>(rng() % 3000), 0};
  return f;
}

bool OracleOk(const store::Store& s, TransactionId t, const FlowFilter& f) {
  return s.time()[t] >= f.from && s.time()[t] <= f.to && (f.channels & (1u << s.channel()[t])) &&
         (!f.min_amount || CompareDecimal(s.amount_paid(t), *f.min_amount) >= 0);
}

TEST(CaseGraphTest, ExpandMatchesABruteForceOracleOnRandomStores) {
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const fs::path dir = Scratch("expand");
    ASSERT_TRUE(server::testing::WriteRandomStore(dir, seed, {.transactions = 150 + static_cast<int>(seed) * 3}));
    auto s = store::Store::Open(dir);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const CaseGraph g = CaseGraph::Build(*s);
    std::mt19937 rng(seed);
    for (int round = 0; round < 8; ++round) {
      const AccountId node = static_cast<AccountId>(rng() % s->account_count());
      ExpandOptions o{.filter = RandomFilter(rng), .top = 1 + rng() % 6, .evidence = 1 + rng() % 4};
      // Oracle: every transaction once, keyed (other, outgoing, currency); a self-loop is outgoing
      // when both directions are asked for.
      std::map<std::tuple<AccountId, bool, uint16_t>, std::vector<TransactionId>> want;
      uint64_t matched = 0;
      for (TransactionId t = 0; t < s->transaction_count(); ++t) {
        if (!OracleOk(*s, t, o.filter)) continue;
        const bool out = s->source()[t] == node && o.filter.outgoing;
        const bool in = s->destination()[t] == node && o.filter.incoming;
        if (!out && !in) continue;
        ++matched;
        want[{out ? s->destination()[t] : s->source()[t], out, s->paid_currency()[t]}].push_back(t);
      }
      const Expansion e = g.Expand(node, o);
      EXPECT_EQ(e.matched, matched);
      EXPECT_EQ(e.top.size() + e.rest_flows, want.size());
      uint64_t seen_transactions = e.rest_transactions;
      for (size_t i = 0; i < e.top.size(); ++i) {
        const Flow& f = e.top[i];
        auto it = want.find({f.other, f.outgoing, f.currency});
        ASSERT_NE(it, want.end());
        DecimalSum sum;
        Timestamp first = INT64_MAX, last = INT64_MIN;
        for (TransactionId t : it->second) {
          ASSERT_TRUE(sum.Add(s->amount_paid(t)).ok());
          first = std::min(first, s->time()[t]);
          last = std::max(last, s->time()[t]);
        }
        EXPECT_EQ(CompareSums(f.sum, sum), 0);
        EXPECT_EQ(f.transactions, it->second.size());
        EXPECT_EQ(f.first, first);
        EXPECT_EQ(f.last, last);
        EXPECT_EQ(f.evidence.size(), std::min(o.evidence, it->second.size()));
        // Evidence: the largest amounts, largest first.
        std::vector<TransactionId> ids = it->second;
        std::sort(ids.begin(), ids.end(), [&](TransactionId x, TransactionId y) {
          const int c = CompareDecimal(s->amount_paid(x), s->amount_paid(y));
          return c != 0 ? c > 0 : x < y;
        });
        ids.resize(f.evidence.size());
        EXPECT_EQ(f.evidence, ids);
        if (i > 0) {
          EXPECT_GE(CompareSums(e.top[i - 1].sum, f.sum), 0);
        }
        seen_transactions += f.transactions;
      }
      EXPECT_EQ(seen_transactions, matched);
      // Every flow left out is no larger than the last one kept.
      if (!e.top.empty() && e.rest_flows > 0) {
        for (const auto& [key, ids] : want) {
          bool kept = false;
          for (const Flow& f : e.top) kept |= std::tie(f.other, f.outgoing, f.currency) == key;
          if (kept) continue;
          DecimalSum sum;
          for (TransactionId t : ids) ASSERT_TRUE(sum.Add(s->amount_paid(t)).ok());
          EXPECT_LE(CompareSums(sum, e.top.back().sum), 0);
        }
      }
    }
    fs::remove_all(dir);
  }
}

TEST(CaseGraphTest, ShortestPathHasTheOracleLengthAndFollowsQualifyingTransactions) {
  int found = 0, absent = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const fs::path dir = Scratch("path");
    ASSERT_TRUE(server::testing::WriteRandomStore(dir, seed, {.accounts = 20, .transactions = 25 + static_cast<int>(seed % 20)}));
    auto s = store::Store::Open(dir);
    ASSERT_TRUE(s.ok());
    const CaseGraph g = CaseGraph::Build(*s);
    std::mt19937 rng(seed * 7);
    for (int round = 0; round < 10; ++round) {
      FlowFilter f = RandomFilter(rng);
      f.incoming = f.outgoing = true;
      const bool through = rng() % 2;
      const AccountId a = static_cast<AccountId>(rng() % s->account_count());
      const AccountId b = static_cast<AccountId>(rng() % s->account_count());
      // Oracle: breadth-first over an undirected adjacency built from every qualifying row.
      std::map<AccountId, std::set<AccountId>> adj;
      for (TransactionId t = 0; t < s->transaction_count(); ++t) {
        if (!OracleOk(*s, t, f)) continue;
        adj[s->source()[t]].insert(s->destination()[t]);
        adj[s->destination()[t]].insert(s->source()[t]);
      }
      std::map<AccountId, int> dist{{a, 0}};
      std::deque<AccountId> queue{a};
      while (!queue.empty()) {
        const AccountId u = queue.front();
        queue.pop_front();
        if (u != a && !through && s->account(u).kind != NodeKind::kAccount) continue;
        for (AccountId v : adj[u]) {
          if (dist.count(v)) continue;
          dist[v] = dist[u] + 1;
          queue.push_back(v);
        }
      }
      const int max_hops = 4;
      auto path = g.ShortestPath(a, b, f, max_hops, through, 1'000'000);
      ASSERT_TRUE(path.ok());
      const bool reachable = dist.count(b) && dist[b] <= max_hops;
      ASSERT_EQ(path->has_value(), reachable) << a << " -> " << b;
      if (!reachable) {
        ++absent;
        continue;
      }
      ++found;
      const auto& p = **path;
      EXPECT_EQ(static_cast<int>(p.size()) - 1, dist[b]);
      EXPECT_EQ(p.front(), a);
      EXPECT_EQ(p.back(), b);
      for (size_t i = 0; i + 1 < p.size(); ++i) {
        EXPECT_TRUE(adj[p[i]].count(p[i + 1]));
        if (i > 0 && !through) {
          EXPECT_EQ(s->account(p[i]).kind, NodeKind::kAccount);
        }
        EXPECT_FALSE(g.FlowsBetween(p[i], p[i + 1], f, 3).empty());
      }
    }
    fs::remove_all(dir);
  }
  EXPECT_GT(found, 20);
  EXPECT_GT(absent, 20);
}

TEST(CaseGraphTest, ShortestPathStopsAtItsBudget) {
  const fs::path dir = Scratch("budget");
  ASSERT_TRUE(server::testing::WriteRandomStore(dir, 3, {.accounts = 30, .transactions = 400}));
  auto s = store::Store::Open(dir);
  ASSERT_TRUE(s.ok());
  const CaseGraph g = CaseGraph::Build(*s);
  auto path = g.ShortestPath(0, 29, FlowFilter{.min_amount = Decimal{999999999, 0}}, 6, true, 10);
  EXPECT_EQ(path.status().code(), StatusCode::kResourceExhausted);
  fs::remove_all(dir);
}

TEST(CaseGraphTest, CompareSumsIsExactAcrossScales) {
  DecimalSum a, b, c;
  ASSERT_TRUE(a.Add({1050, 2}).ok());   // 10.50
  ASSERT_TRUE(b.Add({105, 1}).ok());    // 10.5
  ASSERT_TRUE(c.Add({10, 0}).ok());     // 10
  EXPECT_EQ(CompareSums(a, b), 0);
  EXPECT_GT(CompareSums(a, c), 0);
  EXPECT_LT(CompareSums(c, b), 0);
  DecimalSum n;
  ASSERT_TRUE(n.Add({-1, 2}).ok());
  EXPECT_LT(CompareSums(n, DecimalSum{}), 0);
}

// ---- The view routes ----------------------------------------------------------------------------

class ViewsApiTest : public workspace::testing::WorkspaceFixture {
 protected:
  void SetUp() override {
    WorkspaceFixture::SetUp();
    api_ = std::make_unique<Api>(*ws_, ApiOptions{.secure_cookies = false});
    auto c = ws_->CreateCase(irs_agent_, {"V-1", "views", *workspace::ParseMarkings({"LES"})});
    ASSERT_TRUE(c.ok());
    case_id_ = c->id;
    ASSERT_TRUE(server::testing::WriteRandomStore(ws_->CaseStoreDir(case_id_), 5, {.transactions = 300}));
    server::testing::WriteRun(ws_->CaseRunDir(case_id_));
  }
  ApiResponse Get(const std::string& user, const std::string& path, std::map<std::string, std::string> query = {}) {
    auto s = ws_->Login(user, workspace::testing::kPassword, "127.0.0.1");
    EXPECT_TRUE(s.ok());
    ApiRequest r{"GET", path, std::move(query), {{"cookie", "mt_session=" + s->token}}, "", "127.0.0.1"};
    return api_->Handle(r);
  }
  std::string Base() const { return "/api/v1/cases/" + std::to_string(case_id_) + "/views/"; }

  std::unique_ptr<Api> api_;
  int64_t case_id_ = 0;
};

TEST_F(ViewsApiTest, OverviewCountsRecordsAlertsByRuleSubjectsAndTrails) {
  ApiResponse res = Get("irs.agent", Base() + "overview");
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  EXPECT_EQ(j["records"]["transactions"], 300);
  EXPECT_EQ(j["records"]["sources"][0]["file"], "statements.csv");
  EXPECT_EQ(j["records"]["sources"][0]["custody_balances"], true);
  EXPECT_EQ(j["run"]["alerts"], 3);
  EXPECT_EQ(j["run"]["alerts_by_rule"].size(), 3u);
  EXPECT_EQ(j["run"]["top_subjects"][1]["holder"], "Bo, Example");
  EXPECT_EQ(j["run"]["trails"][0]["subject"], "E1");
  EXPECT_EQ(j["markings"], Json::array({"LES"}));
}

TEST_F(ViewsApiTest, SubjectListsItsAccountsReasonsAndOnlyItsAlerts) {
  ApiResponse res = Get("irs.agent", Base() + "subject", {{"subject", "E1"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  EXPECT_EQ(j["accounts"], Json::array({"001:A0", "001:A1"}));
  EXPECT_EQ(j["reasons"], Json::array({"channel wire (+1.43)", "amount paid 2647.00 (+0.81)"}));
  ASSERT_EQ(j["alerts"].size(), 2u);
  EXPECT_EQ(j["alerts"][0]["citation"], "FIN-2014-A008");
  EXPECT_EQ(Get("irs.agent", Base() + "subject", {{"subject", "E9"}}).status, 404);
  EXPECT_EQ(Get("irs.agent", Base() + "subject").status, 400);
}

TEST_F(ViewsApiTest, ExpandAppliesItsFiltersAndCitesSourceLines) {
  ApiResponse res = Get("irs.agent", Base() + "expand",
                        {{"account", "001:A0"}, {"direction", "out"}, {"top", "3"}, {"min_amount", "100.00"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.Header("Server-Timing").find("app;dur="), std::string::npos);
  const Json j = Json::parse(res.body);
  EXPECT_EQ(j["node"]["label"], "001:A0");
  ASSERT_LE(j["flows"].size(), 3u);
  ASSERT_FALSE(j["flows"].empty());
  for (const Json& f : j["flows"]) {
    EXPECT_EQ(f["direction"], "out");
    for (const Json& ev : f["evidence"]) {
      EXPECT_EQ(ev["source_file"], "/evidence/statements.csv");
      EXPECT_GE(ev["source_line"].get<int>(), 2);
      EXPECT_GE(CompareDecimal(*ParseDecimal(ev["amount"].get<std::string>()), Decimal{100, 0}), 0);
    }
  }
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "#0"}, {"channel", "wire,ach"}}).status, 200);
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "cash:001:X0"}}).status, 200);
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "001:nope"}}).status, 404);
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "001:A0"}, {"direction", "sideways"}}).status, 400);
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "001:A0"}, {"channel", "teleport"}}).status, 400);
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "001:A0"}, {"from", "2025-13-01"}}).status, 400);
  EXPECT_EQ(Get("irs.agent", Base() + "expand", {{"account", "001:A0"}, {"min_amount", "1e5"}}).status, 400);
}

TEST_F(ViewsApiTest, PathConnectsTwoAccountsHopByHop) {
  ApiResponse res = Get("irs.agent", Base() + "path", {{"from_account", "001:A0"}, {"to_account", "001:A3"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  ASSERT_TRUE(j["found"].get<bool>());
  EXPECT_EQ(j["nodes"].front()["label"], "001:A0");
  EXPECT_EQ(j["nodes"].back()["label"], "001:A3");
  EXPECT_EQ(j["hops"].size() + 1, j["nodes"].size());
  EXPECT_EQ(Get("irs.agent", Base() + "path", {{"from_account", "001:A0"}, {"to_account", "001:A3"}, {"max_hops", "11"}}).status, 400);
}

TEST_F(ViewsApiTest, OutsidersGetNotFoundAndACaseWithoutRecordsSaysSo) {
  // hsi.agent is not a member; irs.analyst is a member not cleared for the case's GJ-6E marking.
  EXPECT_EQ(Get("hsi.agent", Base() + "overview").status, 404);
  EXPECT_EQ(Get("hsi.agent", Base() + "expand", {{"account", "001:A0"}}).status, 404);
  auto gj = ws_->CreateCase(irs_agent_, {"V-2", "grand jury", *workspace::ParseMarkings({"GJ-6E"})});
  ASSERT_TRUE(gj.ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, gj->id, hsi_agent_.user.id, workspace::CaseAccess::kRead, "6(e) disclosure").ok());
  const std::string base = "/api/v1/cases/" + std::to_string(gj->id) + "/views/";
  ApiResponse res = Get("hsi.agent", base + "overview");
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  EXPECT_TRUE(j["records"].is_null());
  EXPECT_NE(j["records_missing"].get<std::string>().find("no store yet"), std::string::npos);
  EXPECT_TRUE(j["run"].is_null());
  EXPECT_EQ(Get("hsi.agent", base + "expand", {{"account", "001:A0"}}).status, 404);
  EXPECT_EQ(Get("irs.analyst", base + "overview").status, 404);
}

// ---- Static files -------------------------------------------------------------------------------

TEST(StaticFilesTest, ServesFilesUnderTheRootAndNothingElse) {
  const fs::path root = Scratch("static");
  fs::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html>";
  std::ofstream(root / "assets" / "app.js") << "1";
  std::ofstream(root / ".secret.js") << "no";
  std::ofstream(root / "notes.txt") << "no";
  std::ofstream(root.parent_path() / "outside.js") << "no";
  StaticFile f = ServeStatic(root, "/");
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(f.body, "<!doctype html>");
  EXPECT_EQ(ServeStatic(root, "/assets/app.js").content_type, "text/javascript; charset=utf-8");
  for (const char* bad : {"/../outside.js", "/assets/../../outside.js", "/.secret.js", "/notes.txt", "/missing.js",
                          "/assets", "/a%2e%2e/x.js", "assets/app.js", "/assets//../index.html"}) {
    EXPECT_EQ(ServeStatic(root, bad).status, 404) << bad;
  }
  EXPECT_EQ(ServeStatic("", "/").status, 404);
  bool csp = false;
  for (const auto& [k, v] : f.headers) csp |= k == "Content-Security-Policy" && v.rfind("default-src 'self'", 0) == 0;
  EXPECT_TRUE(csp);
  fs::remove_all(root);
  fs::remove(root.parent_path() / "outside.js");
}

}  // namespace
}  // namespace moneytrail::server

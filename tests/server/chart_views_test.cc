// The browser's second round of view routes (issue #23): the timeline, saved chart views and
// annotations, the SVG export and the trace overlay; CaseGraph::TransactionsOf against a scan of
// the store. Amounts are checked exactly against sums computed here from the store's columns.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/money.h"
#include "moneytrail/server.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/trace.h"
#include "server/case_fixture.h"
#include "server/case_graph.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

TEST(CaseGraphTest, TransactionsOfMatchesAScanOfTheStoreOnRandomStores) {
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    const fs::path dir = fs::temp_directory_path() / ("mt-txof-" + std::to_string(::getpid()) + "-" + std::to_string(seed));
    fs::remove_all(dir);
    ASSERT_TRUE(testing::WriteRandomStore(dir, seed, {.accounts = 6, .others = 2, .transactions = 150}));
    auto s = store::Store::Open(dir);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const CaseGraph g = CaseGraph::Build(*s);
    std::mt19937 rng(seed);
    for (AccountId a = 0; a < s->account_count(); ++a) {
      const Timestamp base = 1'756'684'800;
      const Timestamp from = rng() % 2 ? base + static_cast<Timestamp>(rng() % (15 * 86400)) : base - 1;
      const Timestamp to = rng() % 2 ? base + static_cast<Timestamp>(15 * 86400 + rng() % (15 * 86400)) : base + 40 * 86400;
      std::vector<TransactionId> want;
      for (TransactionId t = 0; t < s->transaction_count(); ++t) {
        if ((s->source()[t] == a || s->destination()[t] == a) && s->time()[t] >= from && s->time()[t] <= to) want.push_back(t);
      }
      std::sort(want.begin(), want.end(), [&](TransactionId x, TransactionId y) {
        return s->time()[x] != s->time()[y] ? s->time()[x] < s->time()[y] : x < y;
      });
      EXPECT_EQ(g.TransactionsOf(a, from, to), want) << "seed " << seed << " account " << a;
    }
    fs::remove_all(dir);
  }
}

class ChartViewsTest : public workspace::testing::WorkspaceFixture {
 protected:
  void SetUp() override {
    WorkspaceFixture::SetUp();
    api_ = std::make_unique<Api>(*ws_, ApiOptions{.secure_cookies = false});
    auto c = ws_->CreateCase(irs_agent_, {"V-1", "views", *workspace::ParseMarkings({"LES"})});
    ASSERT_TRUE(c.ok());
    case_id_ = c->id;
    ASSERT_TRUE(ws_->AddMember(irs_agent_, case_id_, irs_analyst_.user.id, workspace::CaseAccess::kRead, "").ok());
    ASSERT_TRUE(testing::WriteRandomStore(ws_->CaseStoreDir(case_id_), 5, {.transactions = 300}));
    testing::WriteRun(ws_->CaseRunDir(case_id_));
    auto s = store::Store::Open(ws_->CaseStoreDir(case_id_));
    ASSERT_TRUE(s.ok());
    store_ = std::make_unique<store::Store>(std::move(*s));
  }
  ApiResponse Call(const std::string& user, const std::string& method, const std::string& path,
                   std::map<std::string, std::string> query = {}, const Json& body = nullptr) {
    auto s = ws_->Login(user, workspace::testing::kPassword, "127.0.0.1");
    EXPECT_TRUE(s.ok());
    ApiRequest r{method, path, std::move(query), {{"cookie", "mt_session=" + s->token}}, "", "127.0.0.1"};
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers["content-type"] = "application/json";
    }
    if (method != "GET") r.headers["x-csrf-token"] = s->csrf;
    return api_->Handle(r);
  }
  ApiResponse Get(const std::string& user, const std::string& path, std::map<std::string, std::string> query = {}) {
    return Call(user, "GET", path, std::move(query));
  }
  std::string Base() const { return "/api/v1/cases/" + std::to_string(case_id_) + "/views/"; }
  AccountId Id(const std::string& label) const {
    const size_t colon = label.find(':');
    return *store_->FindAccount(NodeKind::kAccount, label.substr(0, colon), label.substr(colon + 1));
  }
  // The exact sum of the amount paid from `a` to `b` in `currency`, and how many, by a scan.
  std::pair<std::string, int> Sum(AccountId a, AccountId b, const std::string& currency) const {
    DecimalSum sum;
    int n = 0;
    for (TransactionId t = 0; t < store_->transaction_count(); ++t) {
      if (store_->source()[t] == a && store_->destination()[t] == b && store_->currency(store_->paid_currency()[t]) == currency) {
        EXPECT_TRUE(sum.Add(store_->amount_paid(t)).ok());
        ++n;
      }
    }
    return {sum.ToString(), n};
  }

  std::unique_ptr<Api> api_;
  int64_t case_id_ = 0;
  std::unique_ptr<store::Store> store_;
};

// ---- Timeline ---------------------------------------------------------------------------------

TEST_F(ChartViewsTest, TimelineOfAnAccountListsExactlyItsTransactionsInThePeriodInTimeOrder) {
  const AccountId a0 = Id("001:A0");
  const Timestamp from = 1'756'684'800 + 5 * 86400, to = 1'756'684'800 + 20 * 86400 + 86399;
  ApiResponse res = Get("irs.agent", Base() + "timeline",
                        {{"account", "001:A0"}, {"from", "2025-09-06"}, {"to", "2025-09-21"}, {"kinds", "transactions"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  std::vector<int64_t> want;
  for (TransactionId t = 0; t < store_->transaction_count(); ++t) {
    const Timestamp at = store_->time()[t];
    if ((store_->source()[t] == a0 || store_->destination()[t] == a0) && at >= from && at <= to) want.push_back(t);
  }
  std::sort(want.begin(), want.end(), [&](int64_t x, int64_t y) {
    return store_->time()[x] != store_->time()[y] ? store_->time()[x] < store_->time()[y] : x < y;
  });
  std::vector<int64_t> got;
  for (const Json& item : j["items"]) {
    ASSERT_EQ(item["kind"], "transaction");
    got.push_back(item["transaction_id"]);
    EXPECT_EQ(item["amount"], FormatDecimal(store_->amount_paid(item["transaction_id"].get<TransactionId>())));
    EXPECT_EQ(item["source_file"], "/evidence/statements.csv");
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(j["transactions"]["transactions"], want.size());
  EXPECT_EQ(j["markings"], Json::array({"LES"}));
}

TEST_F(ChartViewsTest, TimelinePastItsLimitSumsEachDayExactly) {
  ApiResponse res = Get("irs.agent", Base() + "timeline", {{"kinds", "transactions"}, {"limit", "10"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  EXPECT_EQ(j["transactions"]["shown"], "per day");
  std::map<std::string, std::map<std::string, DecimalSum>> want;  // day -> currency -> sum
  std::map<std::string, uint64_t> count;
  for (TransactionId t = 0; t < store_->transaction_count(); ++t) {
    const std::string day = FormatIsoTime(store_->time()[t]).substr(0, 10);
    ASSERT_TRUE(want[day][std::string(store_->currency(store_->paid_currency()[t]))].Add(store_->amount_paid(t)).ok());
    ++count[day];
  }
  ASSERT_EQ(j["items"].size(), want.size());
  for (const Json& item : j["items"]) {
    const std::string day = item["start"].get<std::string>().substr(0, 10);
    EXPECT_EQ(item["transactions"], count[day]) << day;
    for (const Json& a : item["amounts"]) {
      EXPECT_EQ(a["amount"], want[day][a["currency"].get<std::string>()].ToString()) << day;
    }
  }
}

TEST_F(ChartViewsTest, TimelineOfASubjectHasItsAlertsNotesAndRequestsAndHidesWhatTheUserMayNotSee) {
  ASSERT_TRUE(ws_->AddNote(irs_agent_, case_id_, "subject", "E1", "interviewed the holder", {}).ok());
  ASSERT_TRUE(ws_->AddNote(irs_agent_, case_id_, "subject", "E1", "return information", *workspace::ParseMarkings({"6103"})).ok());
  ASSERT_TRUE(ws_->AddNote(irs_agent_, case_id_, "subject", "E2", "another subject's note", {}).ok());
  workspace::NewRecordsRequest rq;
  rq.bank = "First Coast";
  rq.accounts = {"001:A1"};
  rq.period_from = "2025-01-01";
  rq.period_to = "2025-12-31";
  ASSERT_TRUE(ws_->CreateRecordsRequest(irs_agent_, case_id_, rq).ok());
  ApiResponse res = Get("irs.agent", Base() + "timeline", {{"subject", "E1"}, {"kinds", "alerts,notes,requests"}});
  ASSERT_EQ(res.status, 200) << res.body;
  Json j = Json::parse(res.body);
  std::multiset<std::string> kinds;
  for (const Json& item : j["items"]) kinds.insert(item["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::multiset<std::string>{"alert", "alert", "note", "note", "request"})) << res.body;
  // hsi.agent is not a member; a member without 6103 sees one note fewer.
  EXPECT_EQ(Get("hsi.agent", Base() + "timeline", {{"subject", "E1"}}).status, 404);
  ASSERT_TRUE(ws_->AddMember(irs_agent_, case_id_, hsi_agent_.user.id, workspace::CaseAccess::kRead, "").ok());
  res = Get("hsi.agent", Base() + "timeline", {{"subject", "E1"}, {"kinds", "notes"}});
  ASSERT_EQ(res.status, 200) << res.body;
  j = Json::parse(res.body);
  ASSERT_EQ(j["items"].size(), 1u) << res.body;
  EXPECT_EQ(j["items"][0]["text"], "interviewed the holder");
  // The period filters alerts by their windows.
  res = Get("irs.agent", Base() + "timeline", {{"subject", "E1"}, {"kinds", "alerts"}, {"from", "2025-09-06"}});
  EXPECT_EQ(Json::parse(res.body)["items"].size(), 1u) << res.body;
  EXPECT_EQ(Get("irs.agent", Base() + "timeline", {{"kinds", "tweets"}}).status, 400);
  EXPECT_EQ(Get("irs.agent", Base() + "timeline", {{"subject", "E9"}}).status, 404);
  EXPECT_EQ(Get("irs.agent", Base() + "timeline", {{"subject", "E1"}, {"account", "001:A0"}}).status, 400);
}

// ---- Saved views and annotations --------------------------------------------------------------

Json AView() {
  return {{"nodes", {{{"account", "001:A0"}, {"x", 10.4}, {"y", -20.6}, {"group", "subject-E1"}},
                     {{"account", "001:A1"}, {"x", 200}, {"y", 80}}}},
          {"groups", {{{"id", "subject-E1"}, {"label", "Subject E1"}}}},
          {"filters", {{"from", "2025-09-01"}, {"top", "15"}}}};
}

TEST_F(ChartViewsTest, ASavedViewRoundTripsIsListedAndCarriesTheCaseMarkings) {
  ApiResponse res = Call("irs.agent", "POST", Base() + "saved", {}, Json{{"name", "funnel"}, {"view", AView()}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json saved = Json::parse(res.body);
  const int64_t id = saved["id"];
  res = Get("irs.analyst", Base() + "saved/" + std::to_string(id));
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  EXPECT_EQ(j["name"], "funnel");
  EXPECT_EQ(j["view"]["nodes"][0], (Json{{"account", "001:A0"}, {"x", 10}, {"y", -21}, {"group", "subject-E1"}}));
  EXPECT_EQ(j["view"]["filters"]["top"], "15");
  EXPECT_EQ(j["case_markings"], Json::array({"LES"}));
  res = Get("irs.analyst", Base() + "saved");
  ASSERT_EQ(res.status, 200);
  const Json list = Json::parse(res.body);
  ASSERT_EQ(list["views"].size(), 1u);
  EXPECT_EQ(list["views"][0]["nodes"], 2);
  // A new version; a stale one is a conflict; a read-only member may not save.
  Json v2 = AView();
  v2["nodes"][1]["x"] = 250;
  res = Call("irs.agent", "PATCH", Base() + "saved/" + std::to_string(id), {}, Json{{"version", saved["version"]}, {"view", v2}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Json::parse(res.body)["view"]["nodes"][1]["x"], 250);
  EXPECT_EQ(Call("irs.agent", "PATCH", Base() + "saved/" + std::to_string(id), {}, Json{{"version", saved["version"]}, {"view", v2}}).status, 409);
  EXPECT_EQ(Call("irs.analyst", "POST", Base() + "saved", {}, Json{{"name", "mine"}, {"view", AView()}}).status, 403);
  // The save and the reads are in the journal.
  workspace::JournalQuery q;
  q.object = "note/" + std::to_string(id);
  auto entries = ws_->QueryJournal(auditor_, q);
  ASSERT_TRUE(entries.ok());
  EXPECT_GE(entries->size(), 3u);
}

TEST_F(ChartViewsTest, ASavedViewIsCheckedAndOnlyFoundInItsOwnCase) {
  Json bad = AView();
  bad["nodes"][0].erase("x");
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "saved", {}, Json{{"name", "v"}, {"view", bad}}).status, 400);
  bad = AView();
  bad["filters"]["colour"] = "red";
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "saved", {}, Json{{"name", "v"}, {"view", bad}}).status, 400);
  bad = AView();
  bad["nodes"] = Json::array();
  for (int i = 0; i < 3001; ++i) bad["nodes"].push_back({{"account", "001:A0"}, {"x", i}, {"y", 0}});
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "saved", {}, Json{{"name", "v"}, {"view", bad}}).status, 400);
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "saved", {}, Json{{"name", ""}, {"view", AView()}}).status, 400);
  // A note that is not a view, and a view of another case, are not found here.
  auto note = ws_->AddNote(irs_agent_, case_id_, "case", "", "plain note", {});
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(Get("irs.agent", Base() + "saved/" + std::to_string(note->id)).status, 404);
  auto other = ws_->CreateCase(irs_agent_, {"V-2", "other", {}});
  ASSERT_TRUE(other.ok());
  const std::string other_base = "/api/v1/cases/" + std::to_string(other->id) + "/views/";
  ApiResponse res = Call("irs.agent", "POST", other_base + "saved", {}, Json{{"name", "o"}, {"view", AView()}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Get("irs.agent", Base() + "saved/" + std::to_string(Json::parse(res.body)["id"].get<int64_t>())).status, 404);
  EXPECT_EQ(Get("hsi.agent", Base() + "saved").status, 404);
}

TEST_F(ChartViewsTest, AnnotationsNameRealNodesAndEdgesAndAreMarked) {
  ApiResponse res = Call("irs.agent", "POST", Base() + "annotations", {},
                         Json{{"account", "001:A0"}, {"text", "the funnel"}, {"markings", {"6103"}}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Json::parse(res.body)["on"], "account");
  res = Call("irs.agent", "POST", Base() + "annotations", {}, Json{{"from", "001:A0"}, {"to", "001:A1"}, {"text", "fees"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Json::parse(res.body)["target"], "001:A0->001:A1");
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "annotations", {}, Json{{"account", "001:nope"}, {"text", "x"}}).status, 404);
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "annotations", {}, Json{{"account", "001:A0"}, {"from", "001:A1"}, {"text", "x"}}).status, 400);
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "annotations", {}, Json{{"account", "001:A0"}}).status, 400);
  res = Get("irs.agent", Base() + "annotations");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(Json::parse(res.body)["annotations"].size(), 2u);
  // hsi.agent, a member not cleared for 6103, sees the edge's annotation only.
  ASSERT_TRUE(ws_->AddMember(irs_agent_, case_id_, hsi_agent_.user.id, workspace::CaseAccess::kRead, "").ok());
  res = Get("hsi.agent", Base() + "annotations");
  ASSERT_EQ(res.status, 200);
  const Json j = Json::parse(res.body);
  ASSERT_EQ(j["annotations"].size(), 1u);
  EXPECT_EQ(j["annotations"][0]["text"], "fees");
}

// ---- SVG export and trace overlay -------------------------------------------------------------

TEST_F(ChartViewsTest, SvgExportIsAnIllustrativeAidWithExactEdgeSumsFromTheStore) {
  Json view = AView();
  view["filters"] = Json::object();
  ApiResponse res = Call("irs.agent", "POST", Base() + "export.svg", {}, Json{{"view", view}});
  ASSERT_EQ(res.status, 200) << res.body;
  if (res.Header("Content-Type") != "image/svg+xml") GTEST_SKIP() << "built without Graphviz: " << res.body;
  EXPECT_NE(res.body.find("<svg"), std::string::npos);
  EXPECT_NE(res.body.find("Illustrative aid (FRE 107)"), std::string::npos);
  EXPECT_NE(res.body.find("001:A0"), std::string::npos);
  EXPECT_NE(res.body.find("Subject E1"), std::string::npos);
  for (const auto& [a, b] : {std::pair{"001:A0", "001:A1"}, std::pair{"001:A1", "001:A0"}}) {
    for (const char* currency : {"USD", "EUR"}) {
      const auto [sum, n] = Sum(Id(a), Id(b), currency);
      const std::string label = sum + " " + currency + " (" + std::to_string(n) + ")";
      EXPECT_EQ(res.body.find(label) != std::string::npos, n > 0) << a << " -> " << b << ": " << label;
    }
  }
  view["nodes"][0]["account"] = "001:nope";
  EXPECT_EQ(Call("irs.agent", "POST", Base() + "export.svg", {}, Json{{"view", view}}).status, 404);
  EXPECT_EQ(Call("hsi.agent", "POST", Base() + "export.svg", {}, Json{{"view", AView()}}).status, 404);
}

TEST_F(ChartViewsTest, TraceOverlayEdgesAddUpToTheLibrarysTraceForEveryMethod) {
  auto ledger = trace::Ledger::FromStore(*store_);
  ASSERT_TRUE(ledger.ok());
  for (const char* method : {"libr", "fifo", "lifo", "pro-rata"}) {
    ApiResponse res = Get("irs.agent", Base() + "trace", {{"account", "001:A0"}, {"method", method}, {"limit", "5"}});
    ASSERT_EQ(res.status, 200) << method << " " << res.body;
    const Json j = Json::parse(res.body);
    trace::TraceOptions options;
    options.method = *trace::ParseMethod(method);
    options.seed_accounts = {Id("001:A0")};
    auto trail = trace::TraceForward(*ledger, options);
    ASSERT_TRUE(trail.ok());
    std::map<std::tuple<AccountId, AccountId, uint16_t>, int64_t> want;
    for (const trace::Flow& f : trail->flows) want[{f.from, f.to, f.currency}] += f.attributed;
    ASSERT_EQ(j["edges"].size(), want.size()) << method;
    for (const Json& e : j["edges"]) {
      uint16_t currency = 0;
      while (currency + 1u < store_->currency_count() && store_->currency(currency) != e["currency"].get<std::string>()) ++currency;
      const int64_t units = want[{e["from"].get<AccountId>(), e["to"].get<AccountId>(), currency}];
      EXPECT_EQ(e["attributed"], FormatDecimal(Decimal{units, ledger->currency_scale(currency)})) << method;
    }
    EXPECT_EQ(j["schedule_lines"], trail->flows.size());
    EXPECT_LE(j["schedule"].size(), 5u);
    EXPECT_EQ(j["method"], method);
  }
  EXPECT_EQ(Get("irs.agent", Base() + "trace", {{"account", "001:A0"}, {"method", "guess"}}).status, 400);
  EXPECT_EQ(Get("hsi.agent", Base() + "trace", {{"account", "001:A0"}}).status, 404);
}

// ---- Pattern instances, shared identifiers, money-weighted path ------------------------------

TEST_F(ChartViewsTest, PatternsOfASubjectAreTheInstancesOnItsAccounts) {
  ApiResponse res = Get("irs.agent", Base() + "patterns", {{"subject", "E1"}});
  ASSERT_EQ(res.status, 200) << res.body;
  Json j = Json::parse(res.body);
  EXPECT_EQ(j["available"], true);
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["instances"][0]["instance"], 1);
  EXPECT_EQ(j["instances"][0]["kind"], "temporal_cycle");
  EXPECT_EQ(j["instances"][0]["transaction_count"], 3);
  EXPECT_FALSE(j["instances"][0].contains("transactions"));
  EXPECT_EQ(j["markings"], Json::array({"LES"}));
  res = Get("irs.agent", Base() + "patterns", {{"account", "001:A7"}});
  ASSERT_EQ(res.status, 200) << res.body;
  j = Json::parse(res.body);
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["instances"][0]["hub"], "001:A2");
  EXPECT_EQ(Get("irs.agent", Base() + "patterns", {{"subject", "E9"}}).status, 404);
  EXPECT_EQ(Get("irs.agent", Base() + "patterns").status, 400);
  EXPECT_EQ(Get("hsi.agent", Base() + "patterns", {{"subject", "E1"}}).status, 404);
}

TEST_F(ChartViewsTest, PatternInstanceEdgesAreExactSumsOfItsTransactionsWithSourceLines) {
  ApiResponse res = Get("irs.agent", Base() + "pattern", {{"instance", "2"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  ASSERT_EQ(j["nodes"].size(), 6u);
  EXPECT_EQ(j["nodes"][0]["label"], "001:A2");
  std::map<std::tuple<int64_t, int64_t, std::string>, DecimalSum> want;
  for (TransactionId t = 4; t <= 8; ++t) {
    const auto key = std::make_tuple(int64_t{store_->source()[t]}, int64_t{store_->destination()[t]},
                                     std::string(store_->currency(store_->paid_currency()[t])));
    ASSERT_TRUE(want[key].Add(store_->amount_paid(t)).ok());
  }
  ASSERT_EQ(j["edges"].size(), want.size());
  for (const Json& e : j["edges"]) {
    const auto key = std::make_tuple(e["from"].get<int64_t>(), e["to"].get<int64_t>(), e["currency"].get<std::string>());
    ASSERT_EQ(want.count(key), 1u) << e.dump();
    EXPECT_EQ(e["amount"], want[key].ToString());
  }
  ASSERT_EQ(j["transactions"].size(), 5u);
  EXPECT_EQ(j["transactions_complete"], true);
  for (const Json& t : j["transactions"]) {
    EXPECT_EQ(t["source_file"], "/evidence/statements.csv");
    EXPECT_EQ(t["source_line"], t["transaction_id"].get<int64_t>() + 2);
  }
  EXPECT_EQ(Get("irs.agent", Base() + "pattern", {{"instance", "3"}}).status, 404);
  EXPECT_EQ(Get("irs.agent", Base() + "pattern", {{"instance", "0"}}).status, 404);
  EXPECT_EQ(Get("hsi.agent", Base() + "pattern", {{"instance", "1"}}).status, 404);
}

TEST_F(ChartViewsTest, SubjectListsItsPatternInstancesAndTheIdentifiersItShares) {
  ApiResponse res = Get("irs.agent", Base() + "subject", {{"subject", "E1"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const Json j = Json::parse(res.body);
  EXPECT_EQ(j["patterns_available"], true);
  EXPECT_EQ(j["patterns_total"], 1);
  EXPECT_EQ(j["patterns"][0]["instance"], 1);
  // The phone group touches 001:A1 (E1's); the address group touches none of its accounts.
  EXPECT_EQ(j["shared_available"], true);
  ASSERT_EQ(j["shared"].size(), 1u);
  EXPECT_EQ(j["shared"][0]["identifier"], "phone");
  EXPECT_EQ(j["shared"][0]["other_accounts"], Json::array({"001:A9"}));
  EXPECT_EQ(j["shared"][0]["other_entities"], Json::array({"E9"}));
}

TEST_F(ChartViewsTest, MoneyPathHopsCarryAtLeastItsBottleneckAndOneCarriesExactlyIt) {
  int found = 0;
  for (int a = 0; a < 6; ++a) {
    for (int b = 0; b < 6; ++b) {
      if (a == b) continue;
      const std::string from = "001:A" + std::to_string(a), to = "001:A" + std::to_string(b);
      ApiResponse res = Get("irs.agent", Base() + "money-path",
                            {{"from_account", from}, {"to_account", to}, {"currency", "EUR"}, {"max_hops", "3"}});
      ASSERT_EQ(res.status, 200) << res.body;
      const Json j = Json::parse(res.body);
      EXPECT_EQ(j["currency"], "EUR");
      if (!j["found"].get<bool>()) {
        EXPECT_TRUE(j.contains("sentence"));
        continue;
      }
      ++found;
      ASSERT_GE(j["nodes"].size(), 2u);
      ASSERT_LE(j["hops"].size(), 3u);
      EXPECT_EQ(j["nodes"].front()["label"], from);
      EXPECT_EQ(j["nodes"].back()["label"], to);
      const auto bottleneck = ParseDecimal(j["bottleneck"].get<std::string>());
      ASSERT_TRUE(bottleneck.ok());
      bool exact = false;
      for (const Json& hop : j["hops"]) {
        const auto [sum, n] = Sum(hop["from"].get<AccountId>(), hop["to"].get<AccountId>(), "EUR");
        ASSERT_GT(n, 0);
        ASSERT_EQ(hop["flows"].size(), 1u);
        EXPECT_EQ(hop["flows"][0]["amount"], sum);
        const auto value = ParseDecimal(sum);
        ASSERT_TRUE(value.ok());
        EXPECT_GE(CompareDecimal(*value, *bottleneck), 0);
        exact = exact || CompareDecimal(*value, *bottleneck) == 0;
      }
      EXPECT_TRUE(exact) << res.body;
    }
  }
  EXPECT_GT(found, 0);
  EXPECT_EQ(Get("irs.agent", Base() + "money-path", {{"from_account", "001:A0"}, {"to_account", "001:A0"}}).status, 400);
  EXPECT_EQ(Get("irs.agent", Base() + "money-path", {{"from_account", "001:A0"}, {"to_account", "001:A1"}, {"currency", "XYZ"}}).status, 400);
  EXPECT_EQ(Get("hsi.agent", Base() + "money-path", {{"from_account", "001:A0"}, {"to_account", "001:A1"}}).status, 404);
}

}  // namespace
}  // namespace moneytrail::server

// StoreWriter::Withdraw: a store from which a source was withdrawn equals, file for file, the
// store a fresh ingest of the remaining sources writes (oracle over random small stores), keeps
// the previous generation as history, refuses what it cannot rebuild exactly, and survives a
// SIGKILL at every step.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/store.h"

namespace moneytrail::store {
namespace {

namespace fs = std::filesystem;

// One row as a source gives it (text keys, as the ingest sees them before interning).
struct Row {
  std::string src, dst, paid_currency, received_currency, city, region, country, counterparty,
      typology;
  NodeKind dst_kind = NodeKind::kAccount;
  int64_t paid = 0, received = 0;
  uint8_t scale = 2;
  Timestamp time = 0;
  uint8_t channel = 0, label = 255;
  uint16_t mcc = kNoMcc;
  uint32_t line = 0;
};

// One ingested file: its rows, or (balances) the opening balances it sets.
struct Source {
  std::string name;
  std::string format = "native";
  std::vector<Row> rows;
  std::vector<std::pair<std::string, int64_t>> balances;  // account, units (USD, scale 2)
  std::string rejects;                                    // rejects CSV body, may be empty
  bool statement_lines = false;  // stores a statement-lines.csv citing its rows
};

// One ingest call: a commit of one or more sources.
using Call = std::vector<Source>;

// Interns and appends as io's Ingester::Merge does (source, destination, currencies, location,
// counterparty, typology), then sets the call's balances (currency, then account).
void IngestCall(StoreWriter& w, const Call& call) {
  std::string lines;
  for (const Source& s : call) {
    const uint32_t index = w.next_source_index();
    const uint64_t first = w.committed_transaction_count() + w.pending_transaction_count();
    TransactionColumns& c = w.columns();
    for (const Row& r : s.rows) {
      const AccountId a = *w.InternAccount(NodeKind::kAccount, "B", r.src);
      const AccountId b = *w.InternAccount(r.dst_kind, "B", r.dst);
      const uint16_t pc = *w.InternCurrency(r.paid_currency);
      uint16_t rc = pc;
      if (r.received_currency != r.paid_currency) rc = *w.InternCurrency(r.received_currency);
      uint32_t loc = kNoLocation;
      if (!r.city.empty() || !r.region.empty() || !r.country.empty()) {
        loc = *w.InternLocation(r.city, r.region, r.country);
      }
      const uint32_t cp = *w.InternString(r.counterparty);
      const uint32_t ty = *w.InternString(r.typology);
      if (s.statement_lines) {
        lines += std::to_string(c.size() + w.committed_transaction_count()) + "," +
                 std::to_string(index) + "," + std::to_string(r.line) + ",row,\"P,1\"\n";
      }
      c.time.push_back(r.time);
      c.source.push_back(a);
      c.destination.push_back(b);
      c.amount_paid.push_back(r.paid);
      c.paid_scale.push_back(r.scale);
      c.paid_currency.push_back(pc);
      c.amount_received.push_back(r.received);
      c.received_scale.push_back(r.scale);
      c.received_currency.push_back(rc);
      c.channel.push_back(r.channel);
      c.location.push_back(loc);
      c.mcc.push_back(r.mcc);
      c.counterparty.push_back(cp);
      c.label.push_back(r.label);
      c.typology.push_back(ty);
      c.source_file.push_back(index);
      c.source_line.push_back(r.line);
    }
    for (const auto& [account, units] : s.balances) {
      AccountAttributes a;
      a.opening_balance = Decimal{units, 2};
      a.balance_currency = *w.InternCurrency("USD");
      w.SetAccountAttributes(*w.InternAccount(NodeKind::kAccount, "B", account), a);
    }
    SourceRecord rec;
    rec.index = index;
    rec.path = "/data/" + s.name;
    rec.sha256 = Sha256Hex(s.name);
    rec.bytes = s.name.size();
    const uint64_t rejected =
        static_cast<uint64_t>(std::count(s.rejects.begin(), s.rejects.end(), '\n'));
    rec.rows_accepted = s.rows.size() + s.balances.size();
    rec.rows_rejected = rejected;
    rec.rows_read = rec.rows_accepted + rejected;
    rec.format = s.format;
    rec.ingested_at = "2026-12-06T00:00:00Z";
    rec.first_transaction = first;
    w.AddSource(rec, s.rejects);
  }
  if (!lines.empty()) {
    ASSERT_TRUE(w.AddCommitFile("statement-lines.csv",
                                "transaction,source,line,role,pattern\n" + lines).ok());
  }
  ASSERT_TRUE(w.Commit().ok());
}

void Build(const fs::path& dir, const std::vector<Call>& calls) {
  auto w = StoreWriter::Open(dir);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (const Call& c : calls) IngestCall(**w, c);
}

// The bytes of every file of every segment, in segment order (names aside), and the sources
// without their commit-specific fields: what must equal between two stores.
std::vector<std::string> Contents(const fs::path& dir) {
  auto s = Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return {};
  std::vector<std::string> out;
  std::set<std::string> segments;
  for (const CommitFile& f : s->commit_files()) {
    out.push_back("commit " + std::to_string(f.segment) + " " + f.name + " " +
                  *s->ReadCommitFile(f.segment, f.name));
  }
  for (const SourceRecord& r : s->sources()) {
    out.push_back("source " + std::to_string(r.index) + " " + r.path + " seg " +
                  std::to_string(r.segment) + " first " + std::to_string(r.first_transaction) +
                  " read " + std::to_string(r.rows_read) + " rejects " +
                  fs::path(r.rejects_file).filename().string());
    if (!r.rejects_file.empty()) out.push_back(*ReadFileToString(dir / r.rejects_file));
  }
  // Segment files by position: the names of rewritten segments differ.
  std::string raw = *ReadFileToString(dir / "MANIFEST");
  std::vector<fs::path> seg_dirs;
  size_t at = 0;
  while ((at = raw.find("\"name\": \"seg-", at)) != std::string::npos) {
    at += 9;
    seg_dirs.push_back(dir / "segments" / raw.substr(at, raw.find('"', at) - at));
  }
  for (size_t k = 0; k < seg_dirs.size(); ++k) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(seg_dirs[k])) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      out.push_back("segment " + std::to_string(k) + " " + f.filename().string() + " " +
                    *ReadFileToString(f));
    }
  }
  return out;
}

Row RandomRow(std::mt19937_64& rng, uint32_t line) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  static const char* const kCurrencies[] = {"USD", "EUR", "MXN"};
  static const char* const kCities[] = {"", "El Paso", "Laredo", "Tucson"};
  static const char* const kNames[] = {"", "ACME", "JOSE LUNA", "BANORTE"};
  Row r;
  r.src = "A" + std::to_string(pick(12));
  r.dst = "A" + std::to_string(pick(12));
  r.dst_kind = pick(4) == 0 ? NodeKind::kCash : NodeKind::kAccount;
  r.paid_currency = kCurrencies[pick(3)];
  r.received_currency = pick(4) == 0 ? kCurrencies[pick(3)] : r.paid_currency;
  r.city = kCities[pick(4)];
  if (!r.city.empty()) {
    r.region = pick(2) ? "TX" : "AZ";
    r.country = "US";
  }
  r.counterparty = kNames[pick(4)];
  r.typology = pick(5) == 0 ? "FAN-IN" : "";
  r.paid = pick(1000000);
  r.received = r.paid;
  r.time = 1700000000 + pick(100000);
  r.channel = static_cast<uint8_t>(pick(10));
  r.label = static_cast<uint8_t>(pick(3) == 0 ? 1 : 255);
  r.mcc = pick(3) == 0 ? static_cast<uint16_t>(5411) : kNoMcc;
  r.line = line;
  return r;
}

// Random calls: 2-5 of them, one or two sources each, a few rows, some rejects, some balances
// files (alone in their call) and some statement calls (one source with statement-lines.csv).
std::vector<Call> RandomCalls(std::mt19937_64& rng, int& counter) {
  std::vector<Call> calls(2 + rng() % 4);
  for (Call& call : calls) {
    const uint64_t kind = rng() % 5;
    const size_t sources = kind == 0 || kind == 1 ? 1 : 1 + rng() % 2;
    for (size_t k = 0; k < sources; ++k) {
      Source s;
      s.name = "file" + std::to_string(counter++) + ".csv";
      if (kind == 0) {
        s.format = "balances";
        for (uint64_t i = 0, n = 1 + rng() % 3; i < n; ++i) {
          s.balances.emplace_back("A" + std::to_string(rng() % 15), int64_t(rng() % 50000));
        }
      } else {
        s.statement_lines = kind == 1;
        for (uint32_t i = 0, n = static_cast<uint32_t>(rng() % 7); i < n; ++i) {
          s.rows.push_back(RandomRow(rng, i + 2));
        }
        if (rng() % 3 == 0) s.rejects = s.name + ",9,2,amount,x,not a number\n";
      }
      call.push_back(std::move(s));
    }
  }
  return calls;
}

class WithdrawTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Each commit fsyncs some twenty files; on tmpfs that costs nothing, so the many small
    // stores of the oracle stay fast on a loaded disk.
    std::error_code ec;
    const fs::path root = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm")
                                                           : fs::temp_directory_path();
    base_ = root /
            ("mt_withdraw_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path base_;
};

TEST_F(WithdrawTest, EqualsAFreshIngestOfTheRemainingSourcesOnRandomStores) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    int counter = 0;
    const std::vector<Call> calls = RandomCalls(rng, counter);
    std::vector<std::string> names;
    for (const Call& c : calls) {
      for (const Source& s : c) names.push_back(s.name);
    }
    const std::string victim = names[rng() % names.size()];
    const fs::path store = base_ / ("s" + std::to_string(seed));
    const fs::path direct = base_ / ("d" + std::to_string(seed));
    Build(store, calls);
    const std::vector<std::string> before = Contents(store);
    std::vector<Call> remaining;
    Call victim_call;
    for (const Call& c : calls) {
      Call kept;
      for (const Source& s : c) {
        if (s.name == victim) {
          victim_call.push_back(s);
        } else {
          kept.push_back(s);
        }
      }
      if (!kept.empty()) remaining.push_back(kept);
    }
    Build(direct, remaining);

    auto w = StoreWriter::Open(store);
    ASSERT_TRUE(w.ok());
    Result<WithdrawalRecord> rec =
        (*w)->Withdraw({.source = "/data/" + victim, .reason = "court order", .by = "tester"});
    const std::string history = rec.ok() ? rec->history : "";
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    uint64_t victim_rows = 0;
    for (const Source& s : victim_call) victim_rows += s.rows.size();
    EXPECT_EQ(rec->transactions_removed, victim_rows);
    EXPECT_EQ(rec->source.path, "/data/" + victim);
    EXPECT_EQ(Contents(store), Contents(direct));
    {
      auto s = Store::Open(store);
      ASSERT_TRUE(s.ok());
      ASSERT_EQ(s->withdrawals().size(), 1u);
      EXPECT_EQ(s->withdrawals()[0].reason, "court order");
      EXPECT_EQ(s->withdrawals()[0].by, "tester");
      // The previous generation stays readable as it was.
      auto h = Store::Open(store / s->withdrawals()[0].history);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      EXPECT_EQ(Contents(store / s->withdrawals()[0].history), before);
    }
    // The withdrawn source can be ingested again: the same as ingesting it last directly.
    IngestCall(**w, victim_call);
    w->reset();
    Build(direct, {victim_call});
    EXPECT_EQ(Contents(store), Contents(direct));
    // A later writer removes the replaced segments; the history keeps its own links.
    ASSERT_TRUE(StoreWriter::Open(store).ok());
    EXPECT_EQ(Contents(store / history), before);
  }
}

TEST_F(WithdrawTest, RefusesASourceJoinedWithAnotherInOneStatementCallNamingTheRows) {
  Source a{.name = "a.csv", .rows = {}};
  std::mt19937_64 rng(3);
  a.rows = {RandomRow(rng, 2), RandomRow(rng, 3)};
  const fs::path store = base_ / "s";
  {
    auto w = StoreWriter::Open(store);
    ASSERT_TRUE(w.ok());
    IngestCall(**w, {Source{.name = "seed.csv", .rows = {RandomRow(rng, 2)}}});
    // One statement call of a and b, as a mirror join leaves it: b's line 2 is carried by a's
    // first row (transaction 1) and appends no row of its own.
    const std::string lines =
        "transaction,source,line,role,pattern\n1,1,2,row,\n2,1,3,row,\n1,2,2,mirror-credit,\n";
    auto& writer = **w;
    const uint32_t ia = writer.next_source_index();
    for (const Row& r : a.rows) {
      TransactionColumns& cols = writer.columns();
      cols.time.push_back(r.time);
      cols.source.push_back(*writer.InternAccount(NodeKind::kAccount, "B", r.src));
      cols.destination.push_back(*writer.InternAccount(NodeKind::kAccount, "B", r.dst));
      cols.amount_paid.push_back(r.paid);
      cols.paid_scale.push_back(2);
      cols.paid_currency.push_back(*writer.InternCurrency("USD"));
      cols.amount_received.push_back(r.paid);
      cols.received_scale.push_back(2);
      cols.received_currency.push_back(*writer.InternCurrency("USD"));
      cols.channel.push_back(0);
      cols.location.push_back(kNoLocation);
      cols.mcc.push_back(kNoMcc);
      cols.counterparty.push_back(kNoString);
      cols.label.push_back(255);
      cols.typology.push_back(kNoString);
      cols.source_file.push_back(ia);
      cols.source_line.push_back(r.line);
    }
    for (const char* name : {"a.csv", "b.csv"}) {
      SourceRecord rec;
      rec.index = writer.next_source_index();
      rec.path = std::string("/data/") + name;
      rec.sha256 = Sha256Hex(name);
      rec.rows_read = rec.rows_accepted = name[0] == 'a' ? 2 : 1;
      rec.rows_merged = name[0] == 'a' ? 0 : 1;
      rec.format = "mapped";
      rec.first_transaction = 1;
      writer.AddSource(rec, "");
    }
    ASSERT_TRUE(writer.AddCommitFile("statement-lines.csv", lines).ok());
    ASSERT_TRUE(writer.Commit().ok());
  }
  const std::vector<std::string> before = Contents(store);
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok());
  Result<WithdrawalRecord> rec =
      (*w)->Withdraw({.source = Sha256Hex("b.csv"), .reason = "wrong account"});
  ASSERT_FALSE(rec.ok());
  EXPECT_EQ(rec.status().code(), StatusCode::kFailedPrecondition);
  const std::string msg(rec.status().message());
  EXPECT_NE(msg.find("/data/a.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("transaction 1: /data/a.csv line 2 (row) /data/b.csv line 2 (mirror-credit)"),
            std::string::npos)
      << msg;
  w->reset();
  EXPECT_EQ(Contents(store), before);  // nothing changed
  // The seed source, alone in its commit, can be withdrawn; the joined call's ids shift.
  auto w2 = StoreWriter::Open(store);
  ASSERT_TRUE(w2.ok());
  Result<WithdrawalRecord> seed = (*w2)->Withdraw({.source = "/data/seed.csv", .reason = "r"});
  ASSERT_TRUE(seed.ok()) << seed.status().ToString();
  auto s = Store::Open(store);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->ReadCommitFile(0, "statement-lines.csv"),
            "transaction,source,line,role,pattern\n0,0,2,row,\n1,0,3,row,\n0,1,2,mirror-credit,\n");
}

TEST_F(WithdrawTest, RefusesWithoutAReasonAndNamesTheSourcesWhenNoneMatches) {
  const fs::path store = base_ / "s";
  std::mt19937_64 rng(5);
  Build(store, {{Source{.name = "a.csv", .rows = {RandomRow(rng, 2)}}}});
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok());
  Result<WithdrawalRecord> blank = (*w)->Withdraw({.source = "/data/a.csv", .reason = "  "});
  EXPECT_EQ(blank.status().code(), StatusCode::kInvalidArgument);
  Result<WithdrawalRecord> none = (*w)->Withdraw({.source = "/data/zz.csv", .reason = "r"});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("/data/a.csv"), std::string_view::npos);
  // By a SHA-256 prefix.
  Result<WithdrawalRecord> ok =
      (*w)->Withdraw({.source = Sha256Hex("a.csv").substr(0, 8), .reason = "r",
                      .keep_history = false});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->history.empty());
  EXPECT_FALSE(fs::exists(store / "history"));
  auto s = Store::Open(store);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->transaction_count(), 0u);
  EXPECT_EQ(s->sources().size(), 0u);
}

// A child process withdraws and is killed (SIGKILL) at the n-th commit step: the store opens
// with the previous generation, unchanged, and a new writer completes the withdrawal.
TEST_F(WithdrawTest, SigkillAtEveryStepLeavesThePreviousGenerationIntact) {
  std::mt19937_64 rng(11);
  int counter = 0;
  std::vector<Call> calls;
  while (calls.size() < 4) {
    calls = RandomCalls(rng, counter);
  }
  const std::string victim = calls[0][0].name;
  for (int kill_at = 1;; ++kill_at) {
    SCOPED_TRACE("kill at step " + std::to_string(kill_at));
    const fs::path store = base_ / ("s" + std::to_string(kill_at));
    Build(store, calls);
    const std::vector<std::string> before = Contents(store);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto w = StoreWriter::Open(store);
      if (!w.ok()) ::_exit(10);
      int step = 0;
      (*w)->SetCommitHookForTesting([&](std::string_view) {
        if (++step == kill_at) ::raise(SIGKILL);
        return Status::Ok();
      });
      ::_exit((*w)->Withdraw({.source = "/data/" + victim, .reason = "r"}).ok() ? 0 : 11);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (!killed) {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      EXPECT_GT(kill_at, 3);  // the hook ran at several steps before
      break;
    }
    auto s = Store::Open(store);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    if (s->withdrawals().empty()) {
      EXPECT_EQ(Contents(store), before);
    } else {
      // Killed after the rename: committed.
      EXPECT_EQ(s->sources().size() + 1, static_cast<size_t>(counter));
    }
    auto w = StoreWriter::Open(store);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    if (s->withdrawals().empty()) {
      ASSERT_TRUE((*w)->Withdraw({.source = "/data/" + victim, .reason = "r"}).ok());
    }
  }
}

}  // namespace
}  // namespace moneytrail::store

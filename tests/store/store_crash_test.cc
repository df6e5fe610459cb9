// Crash safety of the store (DESIGN.md, The store): a `moneytrail ingest` process killed with
// SIGKILL at any moment, or a commit that fails at any of its steps, leaves the previous
// committed state readable and intact; the next writer cleans the leftovers and commits.
//
// The kill test runs the real binary (MONEYTRAIL_BINARY) on an IBM-layout file and kills it at
// delays spread over the whole run (as timed by one uninterrupted run), with extra points near
// the end where the commit writes the segment and replaces MANIFEST. This file builds twice:
// store_crash_test (fast: 200K rows, 16 kill points, plus the in-process fault tests) and,
// with MONEYTRAIL_CRASH_SLOW, store_crash_slow_test (label slow: 1M rows, 32 kill points).
// MONEYTRAIL_CRASH_ROWS in the environment overrides the row count.
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/run_binary.h"
#include "moneytrail/store.h"

namespace moneytrail::store {
namespace {

// The two builds of this file name their suites differently: ctest keys tests by name, and with
// one name for both the fast crash test took the slow label and `make test` skipped it.
#ifdef MONEYTRAIL_CRASH_SLOW
constexpr uint64_t kBigRows = 1'000'000;
constexpr int kEvenKillPoints = 20, kCommitKillPoints = 12;
#define MT_CRASH_SUITE StoreCrashSlowTest
#define MT_FAULT_SUITE StoreCommitFaultSlowTest
#else
constexpr uint64_t kBigRows = 200'000;
constexpr int kEvenKillPoints = 10, kCommitKillPoints = 6;
#define MT_CRASH_SUITE StoreCrashTest
#define MT_FAULT_SUITE StoreCommitFaultTest
#endif

namespace fs = std::filesystem;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;

// Deterministic IBM AMLworld-layout rows; `salt` makes files with different bytes.
std::string IbmCsv(uint64_t rows, uint64_t salt) {
  static const char* kCurrencies[] = {"US Dollar", "Euro", "Yen", "Bitcoin", "Rupee"};
  static const char* kFormats[] = {"Cheque", "Credit Card", "ACH", "Cash", "Wire",
                                   "Reinvestment", "Bitcoin"};
  std::string out =
      "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
      "Amount Paid,Payment Currency,Payment Format,Is Laundering\n";
  out.reserve(rows * 100);
  uint64_t x = 0x9E3779B97F4A7C15ULL ^ salt;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  char line[256];
  for (uint64_t i = 0; i < rows; ++i) {
    uint64_t r = next();
    uint64_t minute = i * (10 * 1440) / std::max<uint64_t>(rows, 1);
    unsigned src = static_cast<unsigned>(r % 50000), dst = static_cast<unsigned>((r >> 20) % 50000);
    const char* currency = kCurrencies[(r >> 40) % 5];
    const char* format = kFormats[(r >> 44) % 7];
    unsigned long long units = (r >> 8) % 100000000;
    int n;
    if (std::string_view(currency) == "Bitcoin") {
      n = std::snprintf(line, sizeof line,
                        "2022/09/%02llu %02llu:%02llu,%03u,8%08X,%05u,8%08X,%llu.%06llu,%s,"
                        "%llu.%06llu,%s,%s,%d\n",
                        1 + static_cast<unsigned long long>(minute / 1440),
                        static_cast<unsigned long long>(minute / 60 % 24),
                        static_cast<unsigned long long>(minute % 60), src % 997, src, dst % 991,
                        dst, units / 1000000, units % 1000000, currency, units / 1000000,
                        units % 1000000, currency, format, static_cast<int>((r >> 60) == 0));
    } else {
      n = std::snprintf(line, sizeof line,
                        "2022/09/%02llu %02llu:%02llu,%03u,8%08X,%05u,8%08X,%llu.%02llu,%s,"
                        "%llu.%02llu,%s,%s,%d\n",
                        1 + static_cast<unsigned long long>(minute / 1440),
                        static_cast<unsigned long long>(minute / 60 % 24),
                        static_cast<unsigned long long>(minute % 60), src % 997, src, dst % 991,
                        dst, units / 100, units % 100, currency, units / 100, units % 100,
                        currency, format, static_cast<int>((r >> 60) == 0));
    }
    out.append(line, static_cast<size_t>(n));
  }
  return out;
}

// FNV-1a over the first `rows` rows of every column, with the account keys they name: equal
// checksums mean the same rows, amounts and accounts.
uint64_t Checksum(const Store& s, uint64_t rows) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
  };
  auto col = [&](auto span) { mix(span.data(), rows * sizeof(span[0])); };
  col(s.time());
  col(s.source());
  col(s.destination());
  col(s.amount_paid_units());
  col(s.paid_scale());
  col(s.paid_currency());
  col(s.amount_received_units());
  col(s.received_scale());
  col(s.received_currency());
  col(s.channel());
  col(s.label());
  col(s.source_file());
  col(s.source_line());
  for (uint64_t t = 0; t < rows; ++t) {
    for (AccountId a : {s.source()[t], s.destination()[t]}) {
      const AccountKey& k = s.account(a);
      mix(k.bank.data(), k.bank.size());
      mix(k.number.data(), k.number.size());
    }
  }
  for (uint16_t c = 0; c < s.currency_count(); ++c) mix(s.currency(c).data(), s.currency(c).size());
  return h;
}

std::set<std::string> SegmentNames(const fs::path& store) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(store / "segments")) {
    names.insert(e.path().filename().string());
  }
  return names;
}

struct CommittedState {
  uint64_t rows = 0;
  uint64_t checksum = 0;
  size_t sources = 0;
};

CommittedState StateOf(const fs::path& dir) {
  Result<Store> s = Store::Open(dir);
  if (!s.ok()) {
    ADD_FAILURE() << "Store::Open(" << dir << "): " << s.status().ToString();
    return {};
  }
  return {s->transaction_count(), Checksum(*s, s->transaction_count()), s->sources().size()};
}

// Files shared by all kill points, made once: a committed base store, the big input, and a
// small third file for the ingest after the crash.
class MT_CRASH_SUITE : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const char* rows_env = std::getenv("MONEYTRAIL_CRASH_ROWS");
    const uint64_t big_rows = rows_env ? std::strtoull(rows_env, nullptr, 10) : kBigRows;
    test_util::WriteWholeFile(base_csv(), IbmCsv(2000, 1));
    test_util::WriteWholeFile(big_csv(), IbmCsv(big_rows, 2));
    test_util::WriteWholeFile(after_csv(), IbmCsv(100, 3));
    RunResult r = RunMoneytrail({"ingest", base_store().string(), base_csv().string(),
                                 "--format", "ibm-aml", "--strict"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path base_store() { return dir_->path() / "base.store"; }
  static fs::path base_csv() { return dir_->path() / "base.csv"; }
  static fs::path big_csv() { return dir_->path() / "big.csv"; }
  static fs::path after_csv() { return dir_->path() / "after.csv"; }

  static TempDir* dir_;
};
TempDir* MT_CRASH_SUITE::dir_ = nullptr;

TEST_F(MT_CRASH_SUITE, KilledIngestLeavesPreviousOrNewCommitAndNextIngestSucceeds) {
  const CommittedState before = StateOf(base_store());
  ASSERT_EQ(before.rows, 2000u);

  // One uninterrupted run gives the new state and the duration to spread kill points over.
  const fs::path full = dir_->path() / "full.store";
  fs::copy(base_store(), full, fs::copy_options::recursive);
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = RunMoneytrail({"ingest", full.string(), big_csv().string(), "--format",
                               "ibm-aml", "--strict", "--spill-rows", "30000"});
  const double duration =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const CommittedState after = StateOf(full);
  ASSERT_GT(after.rows, before.rows);
  std::printf("uninterrupted ingest of %llu rows: %.3f s\n",
              static_cast<unsigned long long>(after.rows - before.rows), duration);

  // Kill points evenly over the run, and more over its last 20% (the commit) and just past it.
  std::vector<double> delays;
  for (int i = 0; i < kEvenKillPoints; ++i) delays.push_back(duration * i / kEvenKillPoints);
  for (int i = 0; i < kCommitKillPoints; ++i) {
    delays.push_back(duration * (0.8 + 0.3 * i / kCommitKillPoints));
  }

  int saw_previous = 0, saw_new = 0;
  for (size_t k = 0; k < delays.size(); ++k) {
    SCOPED_TRACE("kill point " + std::to_string(k) + " at " + std::to_string(delays[k]) + " s");
    const fs::path store = dir_->path() / ("kill-" + std::to_string(k) + ".store");
    fs::copy(base_store(), store, fs::copy_options::recursive);
    pid_t pid = test_util::SpawnMoneytrail(
        {"ingest", store.string(), big_csv().string(), "--format", "ibm-aml", "--strict",
         "--spill-rows", "30000"});
    std::this_thread::sleep_for(std::chrono::duration<double>(delays[k]));
    ::kill(pid, SIGKILL);
    RunResult killed = test_util::WaitFor(pid);

    const CommittedState now = StateOf(store);
    if (now.rows == before.rows) {
      ++saw_previous;
      EXPECT_EQ(now.checksum, before.checksum) << "previous rows changed";
      EXPECT_EQ(now.sources, 1u);
    } else {
      ++saw_new;
      EXPECT_EQ(now.rows, after.rows) << "neither the previous nor the new row count";
      EXPECT_EQ(now.checksum, after.checksum) << "new commit differs from an uninterrupted run";
      EXPECT_EQ(now.sources, 2u);
    }
    Result<Store> opened = Store::Open(store);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(Checksum(*opened, before.rows), before.checksum) << "first rows changed";
    const uint64_t committed = opened->transaction_count();
    const uint64_t generation = opened->generation();

    // The next writer removes what the killed one left and commits on top.
    RunResult next = RunMoneytrail({"ingest", store.string(), after_csv().string(), "--format",
                                    "ibm-aml", "--strict"});
    ASSERT_EQ(next.exit_code, 0) << next.err;
    Result<Store> again = Store::Open(store);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->transaction_count(), committed + 100);
    EXPECT_EQ(again->generation(), generation + 1);
    EXPECT_EQ(Checksum(*again, before.rows), before.checksum);
    EXPECT_EQ(SegmentNames(store).size(), again->generation())
        << "uncommitted segment directories were left behind";
    EXPECT_FALSE(fs::exists(store / "MANIFEST.tmp"));
    (void)killed;
    fs::remove_all(store);
  }
  std::printf("kill points: %d left the previous commit, %d the new one\n", saw_previous,
              saw_new);
  EXPECT_GT(saw_previous, 0) << "no kill landed before the commit: the input is too small";
}

#ifndef MONEYTRAIL_CRASH_SLOW
// --- In-process: a commit that fails at each of its steps. ---

void AppendRows(StoreWriter& w, int rows, int salt) {
  TransactionColumns& c = w.columns();
  for (int i = 0; i < rows; ++i) {
    AccountId a = *w.InternAccount(NodeKind::kAccount, "010", "A" + std::to_string(salt * 7 + i % 13));
    AccountId b = *w.InternAccount(NodeKind::kAccount, "0224", "B" + std::to_string(salt + i % 5));
    uint16_t cur = *w.InternCurrency(i % 2 ? "Bitcoin" : "Yen");
    c.time.push_back(1662000000 + i * 60);
    c.source.push_back(a);
    c.destination.push_back(b);
    c.amount_paid.push_back(296 + i);
    c.paid_scale.push_back(i % 2 ? 6 : 2);
    c.paid_currency.push_back(cur);
    c.amount_received.push_back(123456 + i);
    c.received_scale.push_back(2);
    c.received_currency.push_back(cur);
    c.channel.push_back(static_cast<uint8_t>(Channel::kWire));
    c.location.push_back(kNoLocation);
    c.mcc.push_back(kNoMcc);
    c.counterparty.push_back(*w.InternString("party " + std::to_string(salt)));
    c.label.push_back(static_cast<uint8_t>(Label::kLegitimate));
    c.typology.push_back(kNoString);
    c.source_file.push_back(w.next_source_index());
    c.source_line.push_back(static_cast<uint32_t>(i + 2));
  }
  SourceRecord record;
  record.index = w.next_source_index();
  record.path = "/in-process/" + std::to_string(salt) + ".csv";
  record.sha256 = std::string(64, static_cast<char>('a' + salt % 6));
  record.rows_read = record.rows_accepted = static_cast<uint64_t>(rows);
  record.format = "native";
  w.AddSource(record, salt % 2 ? "src,3,1,f,v,reason\n" : "");
}

TEST(MT_FAULT_SUITE, FailingAtEachStepBeforeTheRenameKeepsThePreviousCommit) {
  const std::vector<std::string> steps = {"columns", "dictionaries", "manifest-temp"};
  for (const std::string& failing : steps) {
    SCOPED_TRACE("failing step " + failing);
    TempDir dir;
    const fs::path store = dir.path() / "s";
    {
      auto w = StoreWriter::Open(store);
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      AppendRows(**w, 50, 1);
      ASSERT_TRUE((*w)->Commit().ok());
    }
    const CommittedState before = StateOf(store);
    ASSERT_EQ(before.rows, 50u);
    const std::string manifest = test_util::ReadWholeFile(store / "MANIFEST");
    {
      auto w = StoreWriter::Open(store);
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      AppendRows(**w, 70, 2);
      std::vector<std::string> seen;
      (*w)->SetCommitHookForTesting([&](std::string_view step) {
        seen.emplace_back(step);
        return step == failing ? IoError("injected failure at " + failing) : Status::Ok();
      });
      Status s = (*w)->Commit();
      EXPECT_FALSE(s.ok());
      EXPECT_EQ(seen.back(), failing);
      EXPECT_EQ(test_util::ReadWholeFile(store / "MANIFEST"), manifest);
      const CommittedState now = StateOf(store);
      EXPECT_EQ(now.rows, before.rows);
      EXPECT_EQ(now.checksum, before.checksum);
      EXPECT_EQ(now.sources, 1u);
      EXPECT_EQ(SegmentNames(store).size(), 1u) << "the failed segment was not removed";
    }
    // A new writer commits the same rows on top.
    auto w = StoreWriter::Open(store);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    AppendRows(**w, 70, 2);
    ASSERT_TRUE((*w)->Commit().ok());
    const CommittedState now = StateOf(store);
    EXPECT_EQ(now.rows, 120u);
    Result<Store> s = Store::Open(store);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(Checksum(*s, 50), before.checksum);
  }
}

TEST(MT_FAULT_SUITE, CommitCallsEveryDocumentedStepInOrder) {
  TempDir dir;
  auto w = StoreWriter::Open(dir.path() / "s");
  ASSERT_TRUE(w.ok());
  AppendRows(**w, 10, 1);
  std::vector<std::string> seen;
  (*w)->SetCommitHookForTesting([&](std::string_view step) {
    seen.emplace_back(step);
    return Status::Ok();
  });
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"columns", "dictionaries", "manifest-temp",
                                            "manifest-rename"}));
}

// "manifest-rename" fires after MANIFEST was replaced: the commit has happened even though
// Commit reports the injected error (as when the directory fsync after the rename fails).
// The store shows the new state, and the writer must not treat that segment as its own
// uncommitted work: a later failing Commit on the same writer must not delete it.
TEST(MT_FAULT_SUITE, FailureAfterTheRenameKeepsTheNewCommitSafeFromRetries) {
  TempDir dir;
  const fs::path store = dir.path() / "s";
  {
    auto w = StoreWriter::Open(store);
    ASSERT_TRUE(w.ok());
    AppendRows(**w, 50, 1);
    ASSERT_TRUE((*w)->Commit().ok());
  }
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok());
  AppendRows(**w, 70, 2);
  (*w)->SetCommitHookForTesting([](std::string_view step) {
    return step == "manifest-rename" ? IoError("injected failure after rename") : Status::Ok();
  });
  EXPECT_FALSE((*w)->Commit().ok());
  const CommittedState committed = StateOf(store);
  EXPECT_EQ(committed.rows, 120u);

  // A retry that fails at its first step must leave the committed state readable.
  (*w)->SetCommitHookForTesting([](std::string_view step) {
    return step == "columns" ? IoError("injected failure on retry") : Status::Ok();
  });
  EXPECT_FALSE((*w)->Commit().ok());
  const CommittedState now = StateOf(store);
  EXPECT_EQ(now.rows, committed.rows);
  EXPECT_EQ(now.checksum, committed.checksum);
}

#endif  // MONEYTRAIL_CRASH_SLOW

}  // namespace
}  // namespace moneytrail::store

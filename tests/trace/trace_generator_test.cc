// End to end on the generator's world: the commingling typology mixes illicit cash into a
// legitimate cash-intensive business; tracing its instances forward must recover the planted
// illicit amount exactly, under every method, and account for every unit of it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "moneytrail/generate.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"
#include "moneytrail/trace.h"
#include "moneytrail/trace_seeds.h"

namespace moneytrail::trace {
namespace {

class GeneratedWorld : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() /
           ("mt-trace-world-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    Result<generate::GenerateOptions> opts = generate::PresetOptions("tiny");
    ASSERT_TRUE(opts.ok());
    opts->out_dir = dir_.string();
    opts->seed = 1;
    opts->threads = 1;
    ASSERT_TRUE(generate::Generate(*opts).ok());
    IngestOptions ingest;
    ingest.format = "native";
    ingest.threads = 1;
    Result<IngestReport> report = Ingest(dir_ / "store", {dir_ / "transactions.csv"}, ingest);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::filesystem::path dir_;
};
std::filesystem::path GeneratedWorld::dir_;

TEST_F(GeneratedWorld, ComminglingInstancesAreRecoveredByEveryMethod) {
  Result<store::Store> s = store::Store::Open(dir_ / "store");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Result<InstanceSeeds> seeds =
      SeedsFromInstances(*s, dir_ / "truth" / "instances.jsonl", "commingling");
  ASSERT_TRUE(seeds.ok()) << seeds.status().ToString();
  ASSERT_GE(seeds->instances, 1u);

  Result<Ledger> ledger = Ledger::FromStore(*s);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  const LedgerColumns& c = ledger->columns();
  // The planted illicit amount, independently: the instances' cash deposits.
  int64_t planted = 0;
  std::vector<TransactionId> deposits;
  for (TransactionId t : seeds->all) {
    if (static_cast<Channel>(s->channel()[t]) == Channel::kCashDeposit) {
      planted += c.amount_received[t];
      deposits.push_back(t);
    }
  }
  ASSERT_GT(planted, 0);
  EXPECT_EQ(seeds->entries, deposits);  // the placements are exactly the cash deposits

  for (Method method : kAllMethods) {
    SCOPED_TRACE(MethodName(method));
    TraceOptions o;
    o.method = method;
    o.seed_transactions = seeds->entries;
    Result<Trail> trail = Trace(*ledger, o);
    ASSERT_TRUE(trail.ok()) << trail.status().ToString();
    ASSERT_EQ(trail->totals.size(), 1u);
    EXPECT_EQ(trail->totals[0].traced_in, planted);
    EXPECT_EQ(trail->totals[0].remaining + trail->totals[0].exited_total(), planted);
    // The instance's own spends carry traced money only up to their amounts.
    std::map<TransactionId, int64_t> attributed;
    for (const Flow& f : trail->flows) attributed[f.transaction] += f.attributed;
    for (TransactionId t : seeds->all) {
      EXPECT_LE(attributed[t], c.amount_paid[t]) << "transaction " << t;
    }
    for (TransactionId t : deposits) EXPECT_EQ(attributed[t], c.amount_received[t]);
  }
}

TEST_F(GeneratedWorld, InstancesFileFromAnotherStoreIsRefused) {
  Result<store::Store> s = store::Store::Open(dir_ / "store");
  ASSERT_TRUE(s.ok());
  std::filesystem::path bad = dir_ / "bad.jsonl";
  {
    std::ofstream out(bad);
    out << R"({"instance_id":0,"typology":"commingling","transaction_ids":[0,1,2]})" << "\n";
  }
  Result<InstanceSeeds> seeds = SeedsFromInstances(*s, bad, "");
  EXPECT_EQ(seeds.status().code(), StatusCode::kFailedPrecondition);
  {
    std::ofstream out(bad);
    out << "{not json\n";
  }
  EXPECT_EQ(SeedsFromInstances(*s, bad, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SeedsFromInstances(*s, dir_ / "missing.jsonl", "").status().code(),
            StatusCode::kNotFound);
}

// Amounts written with different numbers of decimals are rescaled to the currency's largest
// scale, exactly: 10.5 is 10.500 when another USD amount has three decimals.
TEST(LedgerFromStoreTest, RescalesAmountsToTheCurrencysLargestScale) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("mt-trace-scale-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tx.csv")
      << "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
         "amount_paid,currency_paid,channel\n"
         "2025-03-02T00:00:00Z,account,B,A,account,B,C,3.125,USD,wire\n"
         "2025-03-01T00:00:00Z,cash,B,BR,account,B,A,10.5,USD,cash_deposit\n";
  IngestOptions ingest;
  ingest.format = "native";
  ingest.threads = 1;
  ASSERT_TRUE(Ingest(dir / "store", {dir / "tx.csv"}, ingest).ok());
  Result<store::Store> s = store::Store::Open(dir / "store");
  ASSERT_TRUE(s.ok());
  Result<Ledger> ledger = Ledger::FromStore(*s);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_EQ(ledger->currency_scale(s->paid_currency()[0]), 3);
  EXPECT_EQ(ledger->columns().amount_paid[1], 10500);
  EXPECT_EQ(ledger->columns().amount_paid[0], 3125);
  ASSERT_EQ(ledger->order().size(), 2u);  // ids out of time order
  TraceOptions o;
  o.seed_transactions = {1};
  Result<Trail> trail = Trace(*ledger, o);
  ASSERT_TRUE(trail.ok());
  EXPECT_EQ(trail->totals[0].traced_in, 10500);
  EXPECT_EQ(trail->holdings.size(), 2u);  // 7.375 left at A, 3.125 at C
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace moneytrail::trace

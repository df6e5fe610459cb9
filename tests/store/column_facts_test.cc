// Column facts (store format 2): what the writer records per segment, how a reader combines
// them, and that format 1 stores (no facts) still open and can be appended to.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "store/manifest.h"

namespace moneytrail::store {
namespace {

namespace fs = std::filesystem;

class ColumnFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_facts_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  struct Row {
    Timestamp time;
    uint8_t paid_scale;
    const char* paid_currency;
    uint8_t received_scale;
    const char* received_currency;
  };
  static void Add(StoreWriter& w, const std::vector<Row>& rows, uint32_t source_index) {
    TransactionColumns& c = w.columns();
    for (const Row& r : rows) {
      AccountId a = *w.InternAccount(NodeKind::kAccount, "B", "A");
      AccountId b = *w.InternAccount(NodeKind::kMerchant, "B", "M");
      c.time.push_back(r.time);
      c.source.push_back(a);
      c.destination.push_back(b);
      c.amount_paid.push_back(1);
      c.paid_scale.push_back(r.paid_scale);
      c.paid_currency.push_back(*w.InternCurrency(r.paid_currency));
      c.amount_received.push_back(1);
      c.received_scale.push_back(r.received_scale);
      c.received_currency.push_back(*w.InternCurrency(r.received_currency));
      c.channel.push_back(0);
      c.location.push_back(kNoLocation);
      c.mcc.push_back(kNoMcc);
      c.counterparty.push_back(kNoString);
      c.label.push_back(0);
      c.typology.push_back(kNoString);
      c.source_file.push_back(source_index);
      c.source_line.push_back(2);
    }
    SourceRecord s;
    s.index = source_index;
    s.sha256 = std::string(64, static_cast<char>('a' + source_index));
    s.rows_read = s.rows_accepted = rows.size();
    w.AddSource(s, "");
  }
  // Rewrites MANIFEST as a format 1 writer would have written it: version 1, no facts.
  void DowngradeToVersion1() {
    std::string text = *ReadFileToString(dir_ / "MANIFEST");
    store_internal::Manifest m = *store_internal::ParseManifest("MANIFEST", text);
    m.version = 1;
    for (auto& seg : m.segments) seg.facts.reset();
    ASSERT_TRUE(WriteFileDurably(dir_ / "MANIFEST", store_internal::SerializeManifest(m)).ok());
  }

  fs::path dir_;
};

TEST_F(ColumnFactsTest, OneSegmentRecordsSortednessTimeSpanAndScalesPerCurrency) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{100, 2, "USD", 2, "USD"}, {100, 0, "USD", 6, "BTC"}, {250, 6, "BTC", 6, "BTC"}}, 0);
    ASSERT_TRUE(w->Commit().ok());
  }
  Store s = *Store::Open(dir_);
  const ColumnFacts* f = s.column_facts();
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->rows, 3u);
  EXPECT_TRUE(f->time_sorted);
  EXPECT_EQ(f->min_time, 100);
  EXPECT_EQ(f->max_time, 250);
  const uint16_t usd = 1, btc = 2;  // currency ids in order of first appearance (0 is "")
  ASSERT_EQ(s.currency(usd), "USD");
  ASSERT_EQ(s.currency(btc), "BTC");
  ASSERT_GT(f->paid_scale.size(), btc);
  EXPECT_EQ(f->paid_scale[usd], (ScaleRange{0, 2}));
  EXPECT_EQ(f->paid_scale[btc], (ScaleRange{6, 6}));
  EXPECT_TRUE(f->received_scale[0].empty());
  EXPECT_EQ(f->received_scale[usd], (ScaleRange{2, 2}));
  EXPECT_EQ(f->received_scale[btc], (ScaleRange{6, 6}));
}

TEST_F(ColumnFactsTest, SegmentsCombineAndAnOverlapInTimeIsNotSorted) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{10, 2, "USD", 2, "USD"}, {20, 2, "USD", 2, "USD"}}, 0);
    ASSERT_TRUE(w->Commit().ok());
    Add(*w, {{20, 3, "USD", 1, "USD"}}, 1);  // starts at the previous end: still sorted
    ASSERT_TRUE(w->Commit().ok());
  }
  {
    Store s = *Store::Open(dir_);
    ASSERT_NE(s.column_facts(), nullptr);
    EXPECT_TRUE(s.column_facts()->time_sorted);
    EXPECT_EQ(s.column_facts()->rows, 3u);
    EXPECT_EQ(s.column_facts()->paid_scale[1], (ScaleRange{2, 3}));
    EXPECT_EQ(s.column_facts()->received_scale[1], (ScaleRange{1, 2}));
  }
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{15, 2, "USD", 2, "USD"}}, 2);  // earlier than the store's last time
    ASSERT_TRUE(w->Commit().ok());
  }
  Store s = *Store::Open(dir_);
  ASSERT_NE(s.column_facts(), nullptr);
  EXPECT_FALSE(s.column_facts()->time_sorted);
  EXPECT_EQ(s.column_facts()->min_time, 10);
  EXPECT_EQ(s.column_facts()->max_time, 20);
}

TEST_F(ColumnFactsTest, FactsAgreeWithTheColumnsOnRandomSegments) {
  const uint64_t seed = 11;
  std::mt19937_64 rng(seed);
  const char* currencies[] = {"USD", "EUR", "BTC"};
  {
    auto w = *StoreWriter::Open(dir_);
    for (uint32_t segment = 0; segment < 4; ++segment) {
      std::vector<Row> rows;
      Timestamp t = static_cast<Timestamp>(rng() % 100);
      for (int i = 0; i < 50; ++i) {
        t += static_cast<Timestamp>(rng() % 5) - (rng() % 40 == 0 ? 7 : 0);
        rows.push_back({t, static_cast<uint8_t>(rng() % 7), currencies[rng() % 3],
                        static_cast<uint8_t>(rng() % 7), currencies[rng() % 3]});
      }
      Add(*w, rows, segment);
      ASSERT_TRUE(w->Commit().ok());
    }
  }
  Store s = *Store::Open(dir_);
  TransactionColumns all;
  all.time.assign(s.time().begin(), s.time().end());
  all.paid_scale.assign(s.paid_scale().begin(), s.paid_scale().end());
  all.paid_currency.assign(s.paid_currency().begin(), s.paid_currency().end());
  all.received_scale.assign(s.received_scale().begin(), s.received_scale().end());
  all.received_currency.assign(s.received_currency().begin(), s.received_currency().end());
  ASSERT_NE(s.column_facts(), nullptr);
  EXPECT_EQ(*s.column_facts(), ColumnFacts::Of(all)) << "seed " << seed;
}

TEST_F(ColumnFactsTest, AVersion1StoreOpensWithoutFactsAndAnAppendKeepsThemUnknown) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{10, 2, "USD", 2, "USD"}}, 0);
    ASSERT_TRUE(w->Commit().ok());
  }
  DowngradeToVersion1();
  {
    Result<Store> s = Store::Open(dir_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->column_facts(), nullptr);
    EXPECT_EQ(s->transaction_count(), 1u);
  }
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{20, 2, "USD", 2, "USD"}}, 1);
    ASSERT_TRUE(w->Commit().ok());
  }
  std::string text = *ReadFileToString(dir_ / "MANIFEST");
  store_internal::Manifest m = *store_internal::ParseManifest("MANIFEST", text);
  EXPECT_EQ(m.version, kStoreFormatVersion);  // format 4: always, with or without holders
  EXPECT_FALSE(m.segments[0].facts.has_value());
  EXPECT_TRUE(m.segments[1].facts.has_value());
  Store s = *Store::Open(dir_);
  EXPECT_EQ(s.column_facts(), nullptr);  // the first segment's facts are unknown
  EXPECT_EQ(s.transaction_count(), 2u);
}

TEST_F(ColumnFactsTest, FactsAboutTheWrongNumberOfRowsAreDataLoss) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{10, 2, "USD", 2, "USD"}}, 0);
    ASSERT_TRUE(w->Commit().ok());
  }
  std::string text = *ReadFileToString(dir_ / "MANIFEST");
  store_internal::Manifest m = *store_internal::ParseManifest("MANIFEST", text);
  m.segments[0].facts->rows = 2;
  ASSERT_TRUE(WriteFileDurably(dir_ / "MANIFEST", store_internal::SerializeManifest(m)).ok());
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kDataLoss);
}

TEST_F(ColumnFactsTest, AScaleOutOfRangeInTheManifestIsDataLoss) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{10, 2, "USD", 2, "USD"}}, 0);
    ASSERT_TRUE(w->Commit().ok());
  }
  std::string text = *ReadFileToString(dir_ / "MANIFEST");
  const std::string good = "\"paid_scale\": [\n";
  size_t at = text.find(good);
  ASSERT_NE(at, std::string::npos) << text;
  size_t open = text.find('[', at + good.size());
  size_t close = text.find(']', open);
  text.replace(open, close - open + 1, "[1, 2, 40]");
  ASSERT_TRUE(WriteFileDurably(dir_ / "MANIFEST", text).ok());
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kDataLoss);
}

TEST_F(ColumnFactsTest, AccountKindsAndOpeningBalancesAreListed) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{10, 2, "USD", 2, "USD"}}, 0);
    AccountId c = *w->InternAccount(NodeKind::kAccount, "B", "C");
    AccountAttributes attributes;
    attributes.opening_balance = Decimal{500, 2};
    w->SetAccountAttributes(c, attributes);
    ASSERT_TRUE(w->Commit().ok());
  }
  Store s = *Store::Open(dir_);
  ASSERT_EQ(s.account_kinds().size(), s.account_count());
  for (AccountId a = 0; a < s.account_count(); ++a) {
    EXPECT_EQ(s.account_kinds()[a], s.account(a).kind);
  }
  ASSERT_EQ(s.accounts_with_opening_balance().size(), 1u);
  EXPECT_EQ(s.account(s.accounts_with_opening_balance()[0]).number, "C");
}

TEST_F(ColumnFactsTest, FindAccountGivesTheSameAnswersBeforeAndAfterItBuildsItsIndex) {
  {
    auto w = *StoreWriter::Open(dir_);
    Add(*w, {{10, 2, "USD", 2, "USD"}}, 0);
    ASSERT_TRUE(w->Commit().ok());
  }
  Store s = *Store::Open(dir_);
  for (int round = 0; round < 10; ++round) {  // the first calls scan, later ones use the index
    EXPECT_EQ(s.FindAccount(NodeKind::kAccount, "B", "A"), std::optional<AccountId>(0));
    EXPECT_EQ(s.FindAccount(NodeKind::kMerchant, "B", "M"), std::optional<AccountId>(1));
    EXPECT_EQ(s.FindAccount(NodeKind::kAccount, "B", "M"), std::nullopt);
  }
}

}  // namespace
}  // namespace moneytrail::store

#include "moneytrail/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <shared_mutex>
#include <atomic>

#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"

namespace moneytrail::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Appends one row per (source, destination) pair of `accounts`, with amount = row index.
  static void AddRows(StoreWriter& w, int n, uint32_t source_index, int first_amount) {
    AddRowRange(w, 0, n, source_index, first_amount);
    AddSourceOf(w, n, source_index);
  }
  // Rows [from, to) of AddRows's sequence, without the source record.
  static void AddRowRange(StoreWriter& w, int from, int to, uint32_t source_index,
                          int first_amount) {
    TransactionColumns& c = w.columns();
    for (int i = from; i < to; ++i) {
      AccountId a = *w.InternAccount(NodeKind::kAccount, "B", "A" + std::to_string(i % 7));
      AccountId b = *w.InternAccount(i % 3 == 0 ? NodeKind::kCash : NodeKind::kAccount, "B",
                                     "A" + std::to_string((i + 1) % 7));
      c.time.push_back(1000 + i);
      c.source.push_back(a);
      c.destination.push_back(b);
      c.amount_paid.push_back(first_amount + i);
      c.paid_scale.push_back(2);
      c.paid_currency.push_back(*w.InternCurrency(i % 2 ? "USD" : "EUR"));
      c.amount_received.push_back(first_amount + i);
      c.received_scale.push_back(2);
      c.received_currency.push_back(c.paid_currency.back());
      c.channel.push_back(static_cast<uint8_t>(Channel::kWire));
      c.location.push_back(*w.InternLocation("El Paso", "TX", "US"));
      c.mcc.push_back(kNoMcc);
      c.counterparty.push_back(*w.InternString(i % 2 ? "ACME" : ""));
      c.label.push_back(static_cast<uint8_t>(Label::kUnknown));
      c.typology.push_back(kNoString);
      c.source_file.push_back(source_index);
      c.source_line.push_back(static_cast<uint32_t>(i + 2));
    }
  }
  static void AddSourceOf(StoreWriter& w, int n, uint32_t source_index) {
    SourceRecord r;
    r.index = source_index;
    r.path = "/x/" + std::to_string(source_index) + ".csv";
    r.sha256 = std::string(64, static_cast<char>('a' + source_index));
    r.rows_read = r.rows_accepted = static_cast<uint64_t>(n);
    r.format = "native";
    w.AddSource(r, "");
  }

  fs::path dir_;
};

// The inlined comparison of account keys agrees with == on strings of every length up to 40
// that differ in one byte anywhere, or in length.
TEST(ShortBytesEqualTest, AgreesWithStringEquality) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string a(rng() % 41, 'x');
    for (char& c : a) c = static_cast<char>('0' + rng() % 4);
    std::string b = a;
    switch (rng() % 3) {
      case 0: break;
      case 1:
        if (!b.empty()) b[rng() % b.size()] ^= 1;
        break;
      default: b.push_back('0'); break;
    }
    ASSERT_EQ(ShortBytesEqual(a, b), a == b) << "'" << a << "' vs '" << b << "'";
  }
}

// Readers look accounts up while one thread interns new ones, through the dictionary's and the
// index's growth: every lookup returns kNoAccount or the id the key was given, never a torn or
// wrong one, and every key interned before a reader started is found.
TEST_F(StoreTest, FindAccountWhileInterningSeesOnlyFinishedIds) {
  std::unique_ptr<StoreWriter> w = *StoreWriter::Open(dir_);
  const int n = 60000;
  auto number = [](int i) { return "N" + std::to_string(i * 7919 % 1000003); };
  std::vector<uint64_t> hashes(n);
  for (int i = 0; i < n; ++i) {
    hashes[i] = HashAccountKey(static_cast<uint8_t>(NodeKind::kAccount), "B", number(i));
  }
  std::atomic<int> interned{0};
  std::atomic<bool> done{false};
  std::atomic<uint64_t> wrong{0}, found{0};
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (!done.load()) {
      std::shared_lock<std::shared_mutex> lock = w->ShareAccounts();
      const int known = interned.load();
      for (int k = 0; k < 64; ++k) {
        const int i = static_cast<int>(rng() % n);
        const std::string num = number(i);
        AccountId id = w->FindAccount(hashes[i], NodeKind::kAccount, "B", num);
        if (id == kNoAccount ? i < known : id != static_cast<AccountId>(i)) ++wrong;
        found += id != kNoAccount;
      }
    }
  };
  std::thread r1(reader, 1), r2(reader, 2);
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(*w->InternAccountHashed(hashes[i], NodeKind::kAccount, "B", number(i)),
              static_cast<AccountId>(i));
    interned.store(i + 1);
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GT(found.load(), 0u);
}

TEST_F(StoreTest, OpeningAMissingStoreIsNotFound) {
  Result<Store> s = Store::Open(dir_);
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, CommitsAreVisibleAndSegmentsConcatenate) {
  {
    auto w = *StoreWriter::Open(dir_);
    AddRows(*w, 10, 0, 100);
    ASSERT_TRUE(w->Commit().ok());
    AddRows(*w, 5, 1, 500);
    ASSERT_TRUE(w->Commit().ok());
  }
  {
    auto w = *StoreWriter::Open(dir_);  // a new writer continues the dictionaries
    AddRows(*w, 3, 2, 900);
    ASSERT_TRUE(w->Commit().ok());
  }
  Store s = *Store::Open(dir_);
  ASSERT_EQ(s.transaction_count(), 18u);
  EXPECT_EQ(s.generation(), 3u);
  std::set<std::pair<int, int>> keys;  // (is cash, number) as AddRows makes them
  for (int n : {10, 5, 3}) {
    for (int i = 0; i < n; ++i) {
      keys.insert({0, i % 7});
      keys.insert({i % 3 == 0, (i + 1) % 7});
    }
  }
  EXPECT_EQ(s.account_count(), keys.size());
  EXPECT_EQ(s.amount_paid_units()[10], 500);
  EXPECT_EQ(s.amount_paid_units()[17], 902);
  EXPECT_EQ(s.source_file()[17], 2u);
  EXPECT_EQ(s.sources().size(), 3u);
  EXPECT_EQ(s.sources()[2].segment, 2u);
  EXPECT_EQ(s.string(s.counterparty()[1]), "ACME");
  const Location& loc = s.location_entry(s.location()[0]);
  EXPECT_EQ(s.string(loc.city), "El Paso");
  EXPECT_EQ(s.string(loc.country), "US");
  EXPECT_EQ(s.account(s.source()[0]).number, "A0");
  EXPECT_EQ(*s.FindAccount(NodeKind::kAccount, "B", "A0"), s.source()[0]);
}

TEST_F(StoreTest, ASecondWriterIsRefused) {
  auto w = *StoreWriter::Open(dir_);
  Result<std::unique_ptr<StoreWriter>> second = StoreWriter::Open(dir_);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
}

// A commit hook that fails at `step` (StoreWriter::SetCommitHookForTesting).
auto FailAt(const char* step) {
  return [step](std::string_view s) {
    return s == step ? IoError("injected at " + std::string(s)) : Status::Ok();
  };
}

TEST_F(StoreTest, AFailedCommitLeavesThePreviousStateAndNoLeftovers) {
  for (const char* step : {"columns", "dictionaries", "manifest-temp"}) {
    fs::remove_all(dir_);
    {
      auto w = *StoreWriter::Open(dir_);
      AddRows(*w, 4, 0, 1);
      ASSERT_TRUE(w->Commit().ok());
      AddRows(*w, 4, 1, 1);
      w->SetCommitHookForTesting(FailAt(step));
      EXPECT_FALSE(w->Commit().ok()) << step;
    }
    Store s = *Store::Open(dir_);
    EXPECT_EQ(s.transaction_count(), 4u) << step;
    EXPECT_EQ(s.sources().size(), 1u) << step;
    size_t segments = 0;
    for (auto& e : fs::directory_iterator(dir_ / "segments")) segments += e.is_directory();
    EXPECT_EQ(segments, 1u) << step;
  }
}

// Rows written ahead (SpillPending, in batches of every size) commit to the same bytes as rows
// held in memory; a writer that does not commit removes them; a failed commit loses them, keeps
// the previous state, leaves nothing behind and refuses later commits.
TEST_F(StoreTest, RowsWrittenAheadCommitLikeRowsInMemory) {
  auto segment_files = [](const fs::path& store) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(store / "segments")) {
      if (e.is_regular_file()) files[fs::relative(e.path(), store).string()] = *ReadFileToString(e.path());
    }
    return files;
  };
  {
    auto w = *StoreWriter::Open(dir_ / "memory");
    AddRows(*w, 40, 0, 7);
    ASSERT_TRUE(w->Commit().ok());
    AddRows(*w, 25, 1, 100);
    ASSERT_TRUE(w->Commit().ok());
  }
  for (int batch : {1, 3, 16, 40}) {
    const fs::path store = dir_ / ("ahead" + std::to_string(batch));
    {
      auto w = *StoreWriter::Open(store);
      for (int done = 0; done < 40; done += batch) {
        AddRowRange(*w, done, std::min(40, done + batch), 0, 7);
        ASSERT_TRUE(w->SpillPending().ok());
        EXPECT_EQ(w->columns().size(), 0u);
        EXPECT_EQ(w->pending_transaction_count(), static_cast<uint64_t>(std::min(40, done + batch)));
      }
      AddSourceOf(*w, 40, 0);
      ASSERT_TRUE(w->Commit().ok());
      AddRows(*w, 25, 1, 100);
      ASSERT_TRUE(w->SpillPending().ok());
      ASSERT_TRUE(w->Commit().ok());
    }
    Store a = *Store::Open(dir_ / "memory");
    Store b = *Store::Open(store);
    ASSERT_EQ(b.transaction_count(), 65u) << batch;
    for (TransactionId t = 0; t < 65; ++t) {
      ASSERT_EQ(a.amount_paid_units()[t], b.amount_paid_units()[t]) << batch;
      ASSERT_EQ(a.source()[t], b.source()[t]) << batch;
      ASSERT_EQ(a.time()[t], b.time()[t]) << batch;
    }
    std::map<std::string, std::string> fa = segment_files(dir_ / "memory");
    std::map<std::string, std::string> fb = segment_files(store);
    ASSERT_EQ(fa.size(), fb.size());
    for (const auto& [name, bytes] : fa) {
      if (name.find(".col") != std::string::npos) {
        EXPECT_EQ(bytes, fb[name]) << batch << " " << name;
      }
    }
  }
}

TEST_F(StoreTest, RowsWrittenAheadVanishWithoutACommitAndAFailedCommitLosesThem) {
  auto segment_dirs = [&] {
    size_t n = 0;
    for (auto& e : fs::directory_iterator(dir_ / "segments")) n += e.is_directory();
    return n;
  };
  {
    auto w = *StoreWriter::Open(dir_);
    AddRows(*w, 4, 0, 1);
    ASSERT_TRUE(w->Commit().ok());
    AddRows(*w, 4, 1, 1);
    ASSERT_TRUE(w->SpillPending().ok());
    EXPECT_EQ(segment_dirs(), 2u);  // the committed one and the one being written
  }
  EXPECT_EQ(segment_dirs(), 1u);
  EXPECT_EQ(Store::Open(dir_)->transaction_count(), 4u);
  for (const char* step : {"columns", "dictionaries", "manifest-temp"}) {
    auto w = *StoreWriter::Open(dir_);
    AddRows(*w, 4, 1, 1);
    ASSERT_TRUE(w->SpillPending().ok());
    AddRows(*w, 3, 1, 1);
    w->SetCommitHookForTesting(FailAt(step));
    EXPECT_FALSE(w->Commit().ok()) << step;
    EXPECT_EQ(segment_dirs(), 1u) << step;
    w->SetCommitHookForTesting(nullptr);
    EXPECT_EQ(w->Commit().code(), StatusCode::kFailedPrecondition) << step;
    EXPECT_EQ(w->SpillPending().code(), StatusCode::kFailedPrecondition) << step;
    Store s = *Store::Open(dir_);
    EXPECT_EQ(s.transaction_count(), 4u) << step;
  }
}

TEST_F(StoreTest, LeftoversOfACrashedWriterAreRemovedByTheNextOne) {
  {
    auto w = *StoreWriter::Open(dir_);
    AddRows(*w, 4, 0, 1);
    ASSERT_TRUE(w->Commit().ok());
  }
  fs::create_directories(dir_ / "segments" / "seg-000002");
  std::ofstream(dir_ / "segments" / "seg-000002" / "time.col") << "partial";
  std::ofstream(dir_ / "MANIFEST.tmp") << "{";
  EXPECT_EQ(Store::Open(dir_)->transaction_count(), 4u);  // readers ignore them
  auto w = *StoreWriter::Open(dir_);
  EXPECT_FALSE(fs::exists(dir_ / "segments" / "seg-000002" / "time.col"));
  EXPECT_FALSE(fs::exists(dir_ / "MANIFEST.tmp"));
}

TEST_F(StoreTest, ATruncatedColumnIsDataLoss) {
  {
    auto w = *StoreWriter::Open(dir_);
    AddRows(*w, 4, 0, 1);
    ASSERT_TRUE(w->Commit().ok());
  }
  fs::resize_file(dir_ / "segments" / "seg-000001" / "amount_paid.col", 40);
  Result<Store> s = Store::Open(dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("amount_paid.col"), std::string_view::npos);
}

TEST_F(StoreTest, ACorruptManifestIsDataLossAndANewerVersionIsRefused) {
  {
    auto w = *StoreWriter::Open(dir_);
    AddRows(*w, 1, 0, 1);
    ASSERT_TRUE(w->Commit().ok());
  }
  std::string manifest = *ReadFileToString(dir_ / "MANIFEST");
  std::ofstream(dir_ / "MANIFEST", std::ios::trunc) << manifest.substr(0, manifest.size() / 2);
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kDataLoss);
  std::string newer = manifest;
  newer.replace(newer.find("\"version\": 4"), 12, "\"version\": 9");
  // Edited without re-sealing: the self-checksum no longer matches, so it is damage (DataLoss),
  // not a newer store.
  std::ofstream(dir_ / "MANIFEST", std::ios::trunc) << newer;
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kDataLoss);
  // Written by a newer moneytrail: sealed with the self-checksum (SHA-256 of the text with its
  // own 64 digits zeroed, docs/format/store.md), then refused as such.
  const std::string key = "\"manifest_checksum\": \"sha256:";
  const size_t digits = newer.find(key) + key.size();
  newer.replace(digits, 64, std::string(64, '0'));
  newer.replace(digits, 64, Sha256Hex(newer));
  std::ofstream(dir_ / "MANIFEST", std::ios::trunc) << newer;
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(StoreTest, InternedIdsAreDenseInFirstAppearanceOrder) {
  const uint64_t seed = 5;
  std::mt19937_64 rng(seed);
  auto w = *StoreWriter::Open(dir_);
  std::vector<std::string> order;
  for (int i = 0; i < 5000; ++i) {
    std::string number = std::to_string(rng() % 1500);
    AccountId id = *w->InternAccount(NodeKind::kAccount, "0" + std::to_string(rng() % 2), number);
    ASSERT_LE(id, order.size());
    if (id == order.size()) order.push_back(number);
  }
  EXPECT_EQ(w->account_count(), order.size());
}

}  // namespace
}  // namespace moneytrail::store

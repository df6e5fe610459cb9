// StoreWriter::AttachHolders: the holders attachment of store format 3 (docs/format/store.md):
// round trip, replacement, failures at every commit step, and what older versions may read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "store/manifest.h"

namespace moneytrail::store {
namespace {

namespace fs = std::filesystem;

class HoldersAttachmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_holders_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto w = *StoreWriter::Open(dir_);
    AddRow(*w, 0);
    ASSERT_TRUE(w->Commit().ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void AddRow(StoreWriter& w, uint32_t source) {
    TransactionColumns& c = w.columns();
    c.time.push_back(1000 + source);
    c.source.push_back(*w.InternAccount(NodeKind::kAccount, "B", "A" + std::to_string(source)));
    c.destination.push_back(*w.InternAccount(NodeKind::kAccount, "B", "Z"));
    c.amount_paid.push_back(100);
    c.paid_scale.push_back(2);
    c.paid_currency.push_back(*w.InternCurrency("USD"));
    c.amount_received.push_back(100);
    c.received_scale.push_back(2);
    c.received_currency.push_back(c.paid_currency.back());
    c.channel.push_back(static_cast<uint8_t>(Channel::kWire));
    c.location.push_back(kNoLocation);
    c.mcc.push_back(kNoMcc);
    c.counterparty.push_back(kNoString);
    c.label.push_back(static_cast<uint8_t>(Label::kUnknown));
    c.typology.push_back(kNoString);
    c.source_file.push_back(source);
    c.source_line.push_back(2);
    SourceRecord r;
    r.index = source;
    r.path = "/x/" + std::to_string(source) + ".csv";
    r.sha256 = std::string(64, static_cast<char>('a' + source));
    r.rows_read = r.rows_accepted = 1;
    r.format = "native";
    w.AddSource(r, "");
  }

  static HoldersAttachment Attachment(const std::string& entities) {
    HoldersAttachment a;
    a.files.push_back({"parties.csv", "party_id,kind\nP1,person\n", "/src/parties.csv"});
    a.files.push_back({"entities.csv", entities, ""});
    a.method = "test";
    a.parties = 1;
    a.linked_accounts = 1;
    a.entities = 1;
    return a;
  }

  int ManifestVersion() const {
    std::string text = *ReadFileToString(dir_ / "MANIFEST");
    return store_internal::ParseManifest("MANIFEST", text)->version;
  }
  size_t HoldersDirs() const {
    if (!fs::exists(dir_ / "holders")) return 0;
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "holders")) ++n;
    return n;
  }

  fs::path dir_;
};

TEST_F(HoldersAttachmentTest, AStoreWithoutHoldersIsTheCurrentVersionAndHasNone) {
  Store s = *Store::Open(dir_);
  EXPECT_EQ(s.holders(), nullptr);
  EXPECT_TRUE(s.holders_dir().empty());
  EXPECT_EQ(ManifestVersion(), kStoreFormatVersion);  // format 4 writes checksums always
}

TEST_F(HoldersAttachmentTest, AttachedFilesReadBackWithTheirDigestsAndTheCurrentVersion) {
  const uint64_t generation = Store::Open(dir_)->generation();
  {
    auto w = *StoreWriter::Open(dir_);
    ASSERT_TRUE(w->AttachHolders(Attachment("party_id,entity_id\nP1,E0\n")).ok());
    ASSERT_NE(w->holders(), nullptr);
  }
  Store s = *Store::Open(dir_);
  ASSERT_NE(s.holders(), nullptr);
  EXPECT_EQ(s.generation(), generation + 1);
  EXPECT_EQ(s.transaction_count(), 1u);  // the rows are untouched
  EXPECT_EQ(ManifestVersion(), kStoreFormatVersion);
  const HoldersRecord& h = *s.holders();
  EXPECT_EQ(h.method, "test");
  EXPECT_EQ(h.parties, 1u);
  ASSERT_EQ(h.files.size(), 2u);
  for (const HoldersFile& f : h.files) {
    std::string bytes = *ReadFileToString(s.holders_dir() / f.name);
    EXPECT_EQ(f.bytes, bytes.size());
    EXPECT_EQ(f.sha256, Sha256Hex(bytes));
  }
  EXPECT_EQ(h.file("parties.csv")->source, "/src/parties.csv");
  EXPECT_EQ(*ReadFileToString(s.holders_dir() / "entities.csv"), "party_id,entity_id\nP1,E0\n");
  EXPECT_EQ(h.file("shared.csv"), nullptr);
}

TEST_F(HoldersAttachmentTest, ANewAttachmentReplacesTheOldOneAndLaterIngestsKeepIt) {
  {
    auto w = *StoreWriter::Open(dir_);
    ASSERT_TRUE(w->AttachHolders(Attachment("party_id,entity_id\nP1,E0\n")).ok());
    ASSERT_TRUE(w->AttachHolders(Attachment("party_id,entity_id\nP1,E9\n")).ok());
  }
  EXPECT_EQ(HoldersDirs(), 1u);  // the replaced directory is gone
  {
    auto w = *StoreWriter::Open(dir_);
    AddRow(*w, 1);
    ASSERT_TRUE(w->Commit().ok());
  }
  Store s = *Store::Open(dir_);
  EXPECT_EQ(s.transaction_count(), 2u);
  ASSERT_NE(s.holders(), nullptr);
  EXPECT_EQ(*ReadFileToString(s.holders_dir() / "entities.csv"), "party_id,entity_id\nP1,E9\n");
  EXPECT_EQ(ManifestVersion(), kStoreFormatVersion);
}

TEST_F(HoldersAttachmentTest, AFailureAtAnyStepKeepsThePreviousAttachmentAndLeavesNothing) {
  {
    auto w = *StoreWriter::Open(dir_);
    ASSERT_TRUE(w->AttachHolders(Attachment("party_id,entity_id\nP1,E0\n")).ok());
  }
  const std::string before = *ReadFileToString(dir_ / "MANIFEST");
  for (const char* step : {"holders", "manifest-temp"}) {
    SCOPED_TRACE(step);
    {
      auto w = *StoreWriter::Open(dir_);
      w->SetCommitHookForTesting([&](std::string_view at) {
        return at == step ? IoError("injected") : Status::Ok();
      });
      EXPECT_EQ(w->AttachHolders(Attachment("party_id,entity_id\nP1,E5\n")).code(), StatusCode::kIoError);
    }
    EXPECT_EQ(*ReadFileToString(dir_ / "MANIFEST"), before);
    EXPECT_EQ(HoldersDirs(), 1u);
    Store s = *Store::Open(dir_);
    EXPECT_EQ(*ReadFileToString(s.holders_dir() / "entities.csv"), "party_id,entity_id\nP1,E0\n");
  }
}

TEST_F(HoldersAttachmentTest, LeftoversOfACrashedAttachAreRemovedByTheNextWriter) {
  fs::create_directories(dir_ / "holders" / "holders-000099");
  std::ofstream(dir_ / "holders" / "holders-000099" / "parties.csv") << "half";
  { auto w = *StoreWriter::Open(dir_); }
  EXPECT_EQ(HoldersDirs(), 0u);
  EXPECT_EQ(Store::Open(dir_)->holders(), nullptr);
}

TEST_F(HoldersAttachmentTest, PendingRowsAndBadFileNamesAreRefused) {
  auto w = *StoreWriter::Open(dir_);
  HoldersAttachment bad = Attachment("x\n");
  bad.files.push_back({"../escape.csv", "x", ""});
  EXPECT_EQ(w->AttachHolders(bad).code(), StatusCode::kInvalidArgument);
  HoldersAttachment twice = Attachment("x\n");
  twice.files.push_back({"parties.csv", "x", ""});
  EXPECT_EQ(w->AttachHolders(twice).code(), StatusCode::kInvalidArgument);
  AddRow(*w, 1);
  EXPECT_EQ(w->AttachHolders(Attachment("x\n")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(HoldersDirs(), 0u);
}

TEST_F(HoldersAttachmentTest, AChangedOrMissingHoldersFileIsDataLoss) {
  {
    auto w = *StoreWriter::Open(dir_);
    ASSERT_TRUE(w->AttachHolders(Attachment("party_id,entity_id\nP1,E0\n")).ok());
  }
  const fs::path entities = Store::Open(dir_)->holders_dir() / "entities.csv";
  std::ofstream(entities, std::ios::app) << "P2,E1\n";
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kDataLoss);
  fs::remove(entities);
  EXPECT_EQ(Store::Open(dir_).status().code(), StatusCode::kDataLoss);
}

TEST_F(HoldersAttachmentTest, HoldersInAVersion2ManifestAreDataLoss) {
  {
    auto w = *StoreWriter::Open(dir_);
    ASSERT_TRUE(w->AttachHolders(Attachment("party_id,entity_id\nP1,E0\n")).ok());
  }
  store_internal::Manifest m =
      *store_internal::ParseManifest("MANIFEST", *ReadFileToString(dir_ / "MANIFEST"));
  m.version = 2;
  ASSERT_TRUE(WriteFileDurably(dir_ / "MANIFEST", store_internal::SerializeManifest(m)).ok());
  Result<Store> s = Store::Open(dir_);
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("holders"), std::string::npos) << s.status().ToString();
}

}  // namespace
}  // namespace moneytrail::store

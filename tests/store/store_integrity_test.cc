// A store is never silently wrong (docs/format/store.md, Checksums, What Open checks,
// Verification): CRC32C and checksum records, the corruption suite (every file of a small store
// corrupted at the low and high byte of an element, truncated, extended, each manifest field
// edited: `VerifyStore` finds each case, and Open + a full read gives the intact answer or
// DataLoss naming the file), commit files, and readers during attachment replacement.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "moneytrail/file_util.h"
#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/store_summary.h"
#include "moneytrail/store_verify.h"
#include "store/checksum.h"
#include "store/manifest.h"

namespace moneytrail::store {
namespace {

namespace fs = std::filesystem;
using store_internal::kChecksumBlockBytes;

#ifdef MONEYTRAIL_INTEGRITY_SLOW
constexpr int kRowsPerSegment = 40000;  // columns span several CRC blocks
constexpr int kElementsPerFile = 6;
#else
constexpr int kRowsPerSegment = 150;
constexpr int kElementsPerFile = 1;  // the middle element
#endif

TEST(Crc32cTest, KnownVectorsAndTheTableAgreeWithTheInstruction) {
  EXPECT_EQ(store_internal::Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(store_internal::Crc32c(""), 0u);
  EXPECT_EQ(store_internal::Crc32c(std::string(32, '\0')), 0x8A9136AAu);  // RFC 3720 B.4
  EXPECT_EQ(store_internal::Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  // Continuing a CRC equals the CRC of the concatenation, whatever the split.
  std::mt19937 rng(7);
  std::string bytes(1000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const uint32_t whole = store_internal::Crc32c(bytes);
  for (size_t split : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    EXPECT_EQ(store_internal::Crc32c(bytes.substr(split), store_internal::Crc32c(bytes.substr(0, split))),
              whole);
  }
}

// The bit-at-a-time definition (RFC 3720, reflected polynomial 0x82F63B78): the oracle.
uint32_t Crc32cBitwise(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78u : 0);
  }
  return ~crc;
}

TEST(Crc32cTest, EqualsTheBitwiseDefinitionOnRandomBuffersLengthsAndAlignments) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    const size_t length = seed <= 20 ? rng() % 300 : rng() % 200000;
    const size_t offset = rng() % 8;  // misaligned starts
    std::string bytes(length + offset, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    const std::string_view data = std::string_view(bytes).substr(offset);
    const size_t split = length == 0 ? 0 : rng() % length;
    EXPECT_EQ(store_internal::Crc32c(data), Crc32cBitwise(data)) << "seed " << seed;
    EXPECT_EQ(store_internal::Crc32c(data.substr(split), store_internal::Crc32c(data.substr(0, split))),
              Crc32cBitwise(data))
        << "seed " << seed << " split " << split;
  }
}

TEST(FileChecksumTest, BlocksAndHexRoundTripAndTheFirstBadBlockIsFound) {
  std::string bytes(2 * kChecksumBlockBytes + 100, 'x');
  store_internal::FileChecksum sum = store_internal::ChecksumOf(bytes);
  EXPECT_EQ(sum.bytes, bytes.size());
  ASSERT_EQ(sum.block_crc.size(), 3u);
  EXPECT_EQ(sum.sha256, Sha256Hex(bytes));
  EXPECT_EQ(*store_internal::BlockCrcsFromHex(store_internal::BlockCrcsToHex(sum.block_crc)),
            sum.block_crc);
  EXPECT_FALSE(store_internal::BlockCrcsFromHex("1234567").has_value());
  EXPECT_FALSE(store_internal::BlockCrcsFromHex("1234567G").has_value());
  EXPECT_FALSE(store_internal::FirstBadBlock(sum, bytes).has_value());
  std::string bad = bytes;
  bad[kChecksumBlockBytes + 5] ^= 1;
  EXPECT_EQ(store_internal::FirstBadBlock(sum, bad), 1u);
  EXPECT_EQ(store_internal::FirstBadBlock(sum, bytes.substr(0, bytes.size() - 1)), 2u);
  // Pieces give the same checksum as the whole.
  store_internal::FileChecksummer c;
  c.Update(std::string_view(bytes).substr(0, 10));
  c.Update(std::string_view(bytes).substr(10));
  EXPECT_EQ(c.Finish(), sum);
}

// A small store: two segments with every column populated, rejects, a commit file, holders.
class IntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_integrity_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    store_ = dir_ / "store";
    Build(store_);
    intact_ = FullRead(store_);
    ASSERT_TRUE(intact_.ok()) << intact_.status().ToString();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void Build(const fs::path& store) {
    std::mt19937 rng(2026);
    for (int segment = 0; segment < 2; ++segment) {
      auto w = *StoreWriter::Open(store);
      const uint32_t source = w->next_source_index();
      TransactionColumns& c = w->columns();
      for (int i = 0; i < kRowsPerSegment; ++i) {
        c.time.push_back(1'700'000'000 + segment * 100000 + i * 60);
        c.source.push_back(*w->InternAccount(NodeKind::kAccount, "B" + std::to_string(rng() % 3),
                                             "A" + std::to_string(rng() % 40)));
        c.destination.push_back(*w->InternAccount(static_cast<NodeKind>(rng() % 4), "C",
                                                  "D" + std::to_string(rng() % 40)));
        c.amount_paid.push_back(static_cast<int64_t>(rng() % 1'000'000) - 1000);
        c.paid_scale.push_back(static_cast<uint8_t>(rng() % 3));
        c.paid_currency.push_back(*w->InternCurrency(rng() % 2 ? "USD" : "EUR"));
        c.amount_received.push_back(static_cast<int64_t>(rng() % 1'000'000));
        c.received_scale.push_back(2);
        c.received_currency.push_back(*w->InternCurrency("MXN"));
        c.channel.push_back(static_cast<uint8_t>(rng() % kChannelCount));
        c.location.push_back(rng() % 3 ? *w->InternLocation("City" + std::to_string(rng() % 5),
                                                             "R", "US")
                                       : kNoLocation);
        c.mcc.push_back(rng() % 2 ? kNoMcc : static_cast<uint16_t>(5000 + rng() % 100));
        c.counterparty.push_back(*w->InternString(rng() % 2 ? "" : "Shop " + std::to_string(rng() % 9)));
        const uint8_t labels[] = {0, 1, 0xFF};
        c.label.push_back(labels[rng() % 3]);
        c.typology.push_back(*w->InternString(rng() % 4 ? "" : "fan-in"));
        c.source_file.push_back(source);
        c.source_line.push_back(static_cast<uint32_t>(i + 2));
      }
      AccountAttributes a;
      a.label = Label::kLaundering;
      a.opening_balance = Decimal{12345, 2};
      a.balance_currency = *w->InternCurrency("USD");
      w->SetAccountAttributes(c.source[0], a);
      SourceRecord r;
      r.index = source;
      r.path = (store.parent_path() / ("source-" + std::to_string(segment) + ".csv")).string();
      r.sha256 = Sha256Hex("source " + std::to_string(segment));
      r.bytes = 8;
      r.rows_read = kRowsPerSegment + 2;
      r.rows_accepted = kRowsPerSegment;
      r.rows_rejected = 2;
      r.format = "native";
      r.first_transaction = w->committed_transaction_count();
      w->AddSource(r, "x.csv,3,2,amount,abc,not a number\nx.csv,9,0,,,too few fields\n");
      if (segment == 0) {
        // Present for source 0 (its digest compared by verify); absent for source 1 (a note).
        ASSERT_TRUE(WriteFileDurably(r.path, "source 0").ok());
        ASSERT_TRUE(w->AddCommitFile("checks.json", "{\"balanced\": true}\n").ok());
      }
      ASSERT_TRUE(w->Commit().ok());
    }
    auto w = *StoreWriter::Open(store);
    HoldersAttachment h;
    h.files.push_back({"parties.csv", "party_id,kind\nP1,person\nP2,business\n", ""});
    h.files.push_back({"entities.csv", "party_id,entity_id\nP1,E0\nP2,E1\n", ""});
    h.method = "test";
    ASSERT_TRUE(w->AttachHolders(h).ok());
  }

  // Everything a reader can read, as text: a different answer shows as a different string.
  static Result<std::string> FullRead(const fs::path& store, const StoreOpenOptions& options = {}) {
    MT_ASSIGN_OR_RETURN(Store s, Store::Open(store, options));
    // A store opened with fewer checked columns: every other column checked before it is read.
    MT_RETURN_IF_ERROR(s.CheckColumns(ColumnSet::All()));
    std::string out;
    auto put = [&](auto v) { out += std::to_string(v) + ","; };
    for (uint64_t t = 0; t < s.transaction_count(); ++t) {
      put(s.time()[t]); put(s.source()[t]); put(s.destination()[t]);
      out += FormatDecimal(s.amount_paid(t)) + ",";
      out += std::string(s.currency(s.paid_currency()[t])) + ",";
      out += FormatDecimal(s.amount_received(t)) + ",";
      out += std::string(s.currency(s.received_currency()[t])) + ",";
      put(s.channel()[t]);
      const Location& l = s.location_entry(s.location()[t]);
      out += std::string(s.string(l.city)) + "/" + std::string(s.string(l.region)) + "/" +
             std::string(s.string(l.country)) + ",";
      put(s.mcc()[t]);
      out += std::string(s.string(s.counterparty()[t])) + ",";
      put(s.label()[t]);
      out += std::string(s.string(s.typology()[t])) + ",";
      put(s.source_file()[t]); put(s.source_line()[t]);
      out += "\n";
    }
    for (AccountId a = 0; a < s.account_count(); ++a) {
      out += s.AccountLabel(a) + ",";
      const AccountAttributes& at = s.account_attributes(a);
      put(static_cast<int>(at.label));
      if (at.opening_balance) out += FormatDecimal(*at.opening_balance) + std::string(s.currency(at.balance_currency));
      out += "\n";
    }
    for (const SourceRecord& r : s.sources()) {
      out += r.path + r.sha256 + r.format + r.mapping + r.ingested_at + r.rejects_file;
      put(r.bytes); put(r.rows_read); put(r.rows_accepted); put(r.rows_rejected);
      put(r.segment); put(r.first_transaction);
      if (!r.rejects_file.empty()) {
        MT_ASSIGN_OR_RETURN(std::string rejects, ReadFileToString(store / r.rejects_file));
        out += rejects;
      }
      out += "\n";
    }
    if (const ColumnFacts* f = s.column_facts()) {
      put(f->rows); put(f->time_sorted); put(f->min_time); put(f->max_time);
    }
    for (const CommitFile& f : s.commit_files()) {
      MT_ASSIGN_OR_RETURN(std::string bytes, s.ReadCommitFile(f.segment, f.name));
      out += f.name + bytes;
    }
    if (const HoldersRecord* h = s.holders()) {
      out += h->name + h->method + h->attached_at;
      for (const HoldersFile& f : h->files) {
        MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(s.holders_dir() / f.name));
        out += f.name + bytes;
      }
    }
    return out;
  }

  // The corruption case `what` on a fresh copy of the store: verify must find it; Open + a full
  // read gives the intact answer or DataLoss naming `file`.
  void Expect(const std::string& what, const fs::path& file,
              const std::function<void(const fs::path&)>& corrupt, bool names_file = true) {
    SCOPED_TRACE(what);
    const fs::path copy = dir_ / "copy";
    fs::remove_all(copy);
    fs::copy(store_, copy, fs::copy_options::recursive);
    corrupt(copy / file);
    Result<VerifyReport> report = VerifyStore(copy);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->intact()) << "verify did not notice";
    // The default Open (block CRCs), Open with every SHA-256 (--verify), and Open checking no
    // column (each checked when first read, as `info` opens) alike.
    for (const StoreOpenOptions& options :
         {StoreOpenOptions{}, StoreOpenOptions{.verify_sha256 = true},
          StoreOpenOptions{.columns = ColumnSet()}}) {
      Result<std::string> read = FullRead(copy, options);
      if (read.ok()) {
        EXPECT_EQ(*read, *intact_) << "a different answer, silently";
      } else {
        EXPECT_EQ(read.status().code(), StatusCode::kDataLoss) << read.status().ToString();
        if (names_file) {
          EXPECT_NE(read.status().message().find(file.filename().string()), std::string::npos)
              << read.status().ToString();
        }
      }
    }
    ++cases_;
  }

  static void FlipBit(const fs::path& path, uint64_t offset, int bit) {
    std::string bytes = *ReadFileToString(path);
    ASSERT_LT(offset, bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ (1 << bit));
    ASSERT_TRUE(WriteFileDurably(path, bytes).ok());
  }

  std::vector<fs::path> StoreFiles() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(store_)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name != "LOCK" && name != ".lock") {
        files.push_back(fs::relative(e.path(), store_));
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  fs::path dir_, store_;
  Result<std::string> intact_ = std::string();
  int cases_ = 0;
};

TEST_F(IntegrityTest, TheIntactStoreVerifiesWithNotesForWhatCannotBeChecked) {
  Result<VerifyReport> r = VerifyStore(store_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->intact()) << (r->problems.empty() ? "" : r->problems[0].ToString());
  // Source 1's file was never written: a note, not a failure.
  ASSERT_EQ(r->notes.size(), 1u) << nlohmann::json(r->notes).dump();
  EXPECT_NE(r->notes[0].find("source-1.csv is not present"), std::string::npos) << r->notes[0];
  EXPECT_GT(r->bytes_checked, 0u);
  EXPECT_EQ(r->ToJson()["intact"], true);
  EXPECT_TRUE(Store::Open(store_, {.verify_sha256 = true}).ok());
}

// A bit flipped inside a value's valid range (an amount's digits, a string's letters) passes
// every range check: the block CRCs that Open checks by default find it, naming file and block.
TEST_F(IntegrityTest, InRangeFlipsAreDataLossAtEveryOpenNamingTheFileAndBlock) {
  const fs::path amounts = store_ / "segments" / "seg-000002" / "amount_paid.col";
  FlipBit(amounts, 32 + 8 * 3 + 2, 4);  // element 3, third byte: still a valid amount
  Result<Store> s = Store::Open(store_);
  ASSERT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("segments/seg-000002/amount_paid.col: byte 0 (block 0): CRC32C"),
            std::string::npos)
      << s.status().ToString();
  // Without the CRCs (what verify's own Open does once it has checked them) the change shows.
  Result<std::string> unchecked = FullRead(store_, {.check_block_crcs = false});
  ASSERT_TRUE(unchecked.ok()) << unchecked.status().ToString();
  EXPECT_NE(*unchecked, *intact_);
  FlipBit(amounts, 32 + 8 * 3 + 2, 4);  // back
  ASSERT_TRUE(Store::Open(store_).ok());
  // A letter of a string in a dictionary.
  const fs::path strings = store_ / "segments" / "seg-000001" / "strings.dict";
  const std::string bytes = *ReadFileToString(strings);
  const size_t letter = bytes.find("Shop ");
  ASSERT_NE(letter, std::string::npos);
  FlipBit(strings, letter, 0);  // 'S' -> 'R'
  s = Store::Open(store_);
  ASSERT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("segments/seg-000001/strings.dict"), std::string::npos)
      << s.status().ToString();
}

// A file whose recorded SHA-256 differs while its block CRCs match (a manifest rewritten with
// its own checksum recomputed): the default Open reads it, --verify (verify_sha256) refuses it,
// also when set as the process's default options.
TEST_F(IntegrityTest, VerifySha256ChecksTheCustodyDigestOfEveryFile) {
  store_internal::Manifest m =
      *store_internal::ParseManifest("MANIFEST", *ReadFileToString(store_ / "MANIFEST"));
  std::string& digest = m.segments[1].checksums.at("time.col").sha256;
  digest[0] = digest[0] == '0' ? '1' : '0';
  ASSERT_TRUE(WriteFileDurably(store_ / "MANIFEST", store_internal::SerializeManifest(m)).ok());
  EXPECT_TRUE(Store::Open(store_).ok());
  Result<Store> s = Store::Open(store_, {.verify_sha256 = true});
  ASSERT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("segments/seg-000002/time.col"), std::string::npos)
      << s.status().ToString();
  EXPECT_NE(s.status().message().find("sha256"), std::string::npos) << s.status().ToString();
  SetDefaultOpenOptions({.verify_sha256 = true});
  EXPECT_EQ(Store::Open(store_).status().code(), StatusCode::kDataLoss);
  SetDefaultOpenOptions({});
  EXPECT_TRUE(Store::Open(store_).ok());
}

TEST_F(IntegrityTest, AChangedSourceFileIsAProblem) {
  ASSERT_TRUE(WriteFileDurably(dir_ / "source-0.csv", "source 0 edited").ok());
  Result<VerifyReport> r = VerifyStore(store_);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->intact());
  EXPECT_NE(r->problems[0].ToString().find("source 0"), std::string::npos) << r->problems[0].ToString();
}

TEST_F(IntegrityTest, EveryFileCorruptedAtTheLowAndHighByteOfElementsTruncatedAndExtended) {
  for (const fs::path& file : StoreFiles()) {
    const uint64_t size = fs::file_size(store_ / file);
    if (file == "MANIFEST") continue;  // edited field by field below
    std::vector<uint64_t> offsets;
    uint64_t element = 1;
    const std::string name = file.filename().string();
    if (name.ends_with(".col")) {
      std::string header = *ReadFileToString(store_ / file);
      uint32_t element_size;
      std::memcpy(&element_size, header.data() + 8, 4);
      element = element_size;
#ifdef MONEYTRAIL_INTEGRITY_SLOW
      offsets = {0, 8, 16};  // magic, element size, count
#endif
    }
    const uint64_t elements = (size - (element > 1 || name.ends_with(".col") ? 32 : 0)) / element;
    for (int k = 0; k < kElementsPerFile && elements > 0; ++k) {
      const uint64_t e = kElementsPerFile == 1 ? elements / 2
                                               : (elements - 1) * static_cast<uint64_t>(k) /
                                                     std::max(1, kElementsPerFile - 1);
      const uint64_t base = (name.ends_with(".col") ? 32 : 0) + e * element;
      offsets.push_back(base);                // low byte
      offsets.push_back(base + element - 1);  // high byte
    }
    for (size_t i = 0; i < offsets.size(); ++i) {
      const uint64_t at = offsets[i];
      if (at >= size) continue;
      // The lowest bit of a low byte, the highest of a high byte (both in the slow variant).
      for (int bit : {0, 7}) {
#ifndef MONEYTRAIL_INTEGRITY_SLOW
        if (bit != (i % 2 == 0 ? 0 : 7)) continue;
#endif
        Expect(file.string() + " bit " + std::to_string(bit) + " at " + std::to_string(at), file,
               [&](const fs::path& p) { FlipBit(p, at, bit); });
      }
    }
    Expect(file.string() + " truncated", file,
           [&](const fs::path& p) { fs::resize_file(p, size - 1); });
    Expect(file.string() + " extended", file, [&](const fs::path& p) {
      std::ofstream(p, std::ios::app | std::ios::binary) << '\0';
    });
    Expect(file.string() + " removed", file, [&](const fs::path& p) { fs::remove(p); });
  }
  EXPECT_GT(cases_, 100);
}

// Every leaf of the manifest edited (numbers +1, strings changed, booleans flipped), written
// back as is: the manifest's own checksum catches each one.
TEST_F(IntegrityTest, EveryManifestFieldEdited) {
  const std::string text = *ReadFileToString(store_ / "MANIFEST");
  const nlohmann::json manifest = nlohmann::json::parse(text);
  const nlohmann::json flat = manifest.flatten();
  for (const auto& [pointer, value] : flat.items()) {
#ifndef MONEYTRAIL_INTEGRITY_SLOW
    // Of the per-file checksums, those of one column per segment (the slow variant edits all).
    if (pointer.find("/checksums/") != std::string::npos &&
        pointer.find("/checksums/amount_paid.col/") == std::string::npos) {
      continue;
    }
#endif
    nlohmann::json edited = flat;
    if (pointer == "/version") {
      edited[pointer] = 3;  // a newer version is refused as such (FailedPrecondition)
    } else if (value.is_number_unsigned() || value.is_number_integer()) {
      edited[pointer] = value.get<int64_t>() + 1;
    } else if (value.is_boolean()) {
      edited[pointer] = !value.get<bool>();
    } else if (value.is_string()) {
      std::string s = value.get<std::string>();
      edited[pointer] = s.empty() ? "x" : s.substr(0, s.size() - 1) + (s.back() == '0' ? "1" : "0");
    } else {
      continue;
    }
    Expect("MANIFEST " + pointer, "MANIFEST", [&](const fs::path& p) {
      ASSERT_TRUE(WriteFileDurably(p, edited.unflatten().dump(2) + "\n").ok());
    });
  }
  EXPECT_GT(cases_, 50);
}

// A manifest whose own checksum is recomputed after an edit (a buggy or older writer): Open's
// semantic checks still refuse what would give wrong answers or crash.
TEST_F(IntegrityTest, SemanticChecksCatchConsistentlyCheckedButWrongManifests) {
  // These name the file where the inconsistency shows (a column, an attachment), which may not
  // be MANIFEST.
  auto expect = [&](const std::string& what, const std::function<void(const fs::path&)>& f) {
    Expect(what, "MANIFEST", f, /*names_file=*/false);
  };
  auto edit = [&](const std::function<void(store_internal::Manifest&)>& change) {
    return [change](const fs::path& p) {
      store_internal::Manifest m = *store_internal::ParseManifest("MANIFEST", *ReadFileToString(p));
      change(m);
      ASSERT_TRUE(WriteFileDurably(p, store_internal::SerializeManifest(m)).ok());
    };
  };
  expect("rows_read", edit([](auto& m) { m.sources[0].rows_read += 1; }));
  expect("rows_rejected", edit([](auto& m) { m.sources[1].rows_rejected += 1; }));
  expect("segment", edit([](auto& m) { m.sources[1].segment = 7; }));
  expect("first_transaction", edit([](auto& m) { m.segments[1].first_transaction += 1; }));
  expect("transactions", edit([](auto& m) { m.transactions += 1; }));
  expect("accounts", edit([](auto& m) { m.accounts -= 1; }));
  expect("holders sha", edit([](auto& m) { m.holders->files[0].sha256[0] ^= 1; }));
  expect("file sha", edit([](auto& m) {
    m.segments[0].checksums.begin()->second.sha256[3] ^= 1;
  }));
  expect("sources dropped", edit([](auto& m) { m.sources.pop_back(); }));
}

TEST_F(IntegrityTest, CommitFilesAreListedReadAndChecked) {
  Store s = *Store::Open(store_);
  ASSERT_EQ(s.commit_files().size(), 1u);
  const CommitFile& f = s.commit_files()[0];
  EXPECT_EQ(f.name, "checks.json");
  EXPECT_EQ(f.segment, 0u);
  EXPECT_EQ(f.sha256, Sha256Hex("{\"balanced\": true}\n"));
  EXPECT_EQ(*s.ReadCommitFile(0, "checks.json"), "{\"balanced\": true}\n");
  EXPECT_EQ(s.ReadCommitFile(1, "checks.json").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ReadCommitFile(0, "time.col").status().code(), StatusCode::kNotFound);
  const fs::path path = store_ / "segments" / "seg-000001" / "checks.json";
  ASSERT_TRUE(WriteFileDurably(path, "{\"balanced\": false}\n").ok());
  EXPECT_EQ(s.ReadCommitFile(0, "checks.json").status().code(), StatusCode::kDataLoss);
  auto w = *StoreWriter::Open(dir_ / "other");
  EXPECT_EQ(w->AddCommitFile("a/b", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->AddCommitFile(".hidden", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->AddCommitFile("time.col", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->AddCommitFile("rejects-0.csv", "").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(w->AddCommitFile("citations.csv", "a\n").ok());
  EXPECT_EQ(w->AddCommitFile("citations.csv", "b\n").code(), StatusCode::kInvalidArgument);
}

// Readers open the store and read the attachment's files while a writer replaces the
// attachment many times: no reader ever finds a file missing or different (issue #25, 5).
TEST_F(IntegrityTest, ReadersNeverSeeAHalfReplacedAttachment) {
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, failures{0};
  std::string first_failure;
  std::mutex failure_mutex;
  auto reader = [&] {
    while (!done.load()) {
      Result<Store> s = Store::Open(store_);
      Status st = s.status();
      if (st.ok()) {
        for (const HoldersFile& f : s->holders()->files) {
          Result<std::string> bytes = ReadFileToString(s->holders_dir() / f.name);
          if (!bytes.ok()) st = bytes.status();
          else if (Sha256Hex(*bytes) != f.sha256) st = DataLossError(f.name + " differs");
        }
      }
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (failures++ == 0) first_failure = st.ToString();
      }
      ++reads;
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
  {
    auto w = *StoreWriter::Open(store_);
#ifdef MONEYTRAIL_INTEGRITY_SLOW
    constexpr int kReplacements = 500;
#else
    constexpr int kReplacements = 60;
#endif
    for (int i = 0; i < kReplacements; ++i) {
      HoldersAttachment h;
      h.files.push_back({"parties.csv", "party_id\nP" + std::to_string(i) + "\n", ""});
      h.files.push_back({"entities.csv", "party_id,entity_id\nP" + std::to_string(i) + ",E0\n", ""});
      h.method = "replacement " + std::to_string(i);
      ASSERT_TRUE(w->AttachHolders(h).ok());
    }
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_GT(reads.load(), 0);
  // Once no reader holds them, the replaced attachments go with the next writer.
  { auto w = *StoreWriter::Open(store_); }
  size_t dirs = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(store_ / "holders")) ++dirs;
  EXPECT_EQ(dirs, 1u);
}

// Every public read path of a column, and what it reads. Store::Open with fewer
// StoreOpenOptions::columns leaves the others to be checked on first read; these are all the
// ways a caller can read a column's bytes.
struct ColumnReader {
  const char* what;
  ColumnSet reads;
  std::function<void(const Store&)> read;
};
std::vector<ColumnReader> ColumnReaders() {
  auto first = [](auto span) { return span.empty() ? 0 : static_cast<int64_t>(span[0]); };
  return {
      {"time()", {Column::kTime}, [=](const Store& s) { (void)first(s.time()); }},
      {"source()", {Column::kSource}, [=](const Store& s) { (void)first(s.source()); }},
      {"destination()", {Column::kDestination}, [=](const Store& s) { (void)first(s.destination()); }},
      {"amount_paid_units()", {Column::kAmountPaid}, [=](const Store& s) { (void)first(s.amount_paid_units()); }},
      {"paid_scale()", {Column::kPaidScale}, [=](const Store& s) { (void)first(s.paid_scale()); }},
      {"paid_currency()", {Column::kPaidCurrency}, [=](const Store& s) { (void)first(s.paid_currency()); }},
      {"amount_received_units()", {Column::kAmountReceived}, [=](const Store& s) { (void)first(s.amount_received_units()); }},
      {"received_scale()", {Column::kReceivedScale}, [=](const Store& s) { (void)first(s.received_scale()); }},
      {"received_currency()", {Column::kReceivedCurrency}, [=](const Store& s) { (void)first(s.received_currency()); }},
      {"channel()", {Column::kChannel}, [=](const Store& s) { (void)first(s.channel()); }},
      {"location()", {Column::kLocation}, [=](const Store& s) { (void)first(s.location()); }},
      {"mcc()", {Column::kMcc}, [=](const Store& s) { (void)first(s.mcc()); }},
      {"counterparty()", {Column::kCounterparty}, [=](const Store& s) { (void)first(s.counterparty()); }},
      {"label()", {Column::kLabel}, [=](const Store& s) { (void)first(s.label()); }},
      {"typology()", {Column::kTypology}, [=](const Store& s) { (void)first(s.typology()); }},
      {"source_file()", {Column::kSourceFile}, [=](const Store& s) { (void)first(s.source_file()); }},
      {"source_line()", {Column::kSourceLine}, [=](const Store& s) { (void)first(s.source_line()); }},
      {"amount_paid(t)", {Column::kAmountPaid, Column::kPaidScale},
       [](const Store& s) { (void)s.amount_paid(0); }},
      {"amount_received(t)", {Column::kAmountReceived, Column::kReceivedScale},
       [](const Store& s) { (void)s.amount_received(0); }},
  };
}

// Each column corrupted in turn (a bit inside a value's valid range: only the block CRC can
// tell): Open checking every column refuses it; Open checking none succeeds, CheckColumns of
// that column is DataLoss naming its file (again on a second call), of every other column Ok;
// and each accessor that reads it, called with no CheckColumns, stops the process with the
// message rather than return an unchecked byte, while every other accessor reads.
TEST_F(IntegrityTest, EveryColumnReadPathChecksTheColumnFirst) {
  const std::vector<ColumnReader> readers = ColumnReaders();
  ColumnSet covered;
  for (const ColumnReader& r : readers) {
    for (int c = 0; c < kColumnCount; ++c) {
      if (r.reads.contains(static_cast<Column>(c))) covered.Add(static_cast<Column>(c));
    }
  }
  ASSERT_EQ(covered, ColumnSet::All());
  for (int c = 0; c < kColumnCount; ++c) {
    const Column column = static_cast<Column>(c);
    const std::string name = std::string(ColumnName(column)) + ".col";
    SCOPED_TRACE(name);
    const fs::path copy = dir_ / "copy";
    fs::remove_all(copy);
    fs::copy(store_, copy, fs::copy_options::recursive);
    const fs::path file = copy / "segments" / "seg-000002" / name;
    FlipBit(file, fs::file_size(file) - 1, 0);  // the last element's last byte
    EXPECT_EQ(Store::Open(copy).status().code(), StatusCode::kDataLoss);
    Result<Store> lazy = Store::Open(copy, {.columns = ColumnSet()});
    ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
    ColumnSet others;
    for (int o = 0; o < kColumnCount; ++o) {
      if (o != c) others.Add(static_cast<Column>(o));
    }
    EXPECT_TRUE(lazy->CheckColumns(others).ok());
    for (int attempt = 0; attempt < 2; ++attempt) {
      const Status st = lazy->CheckColumns({column});
      ASSERT_EQ(st.code(), StatusCode::kDataLoss);
      EXPECT_NE(st.message().find("seg-000002/" + name), std::string::npos) << st.ToString();
    }
    for (const ColumnReader& r : readers) {
      SCOPED_TRACE(r.what);
      if (r.reads.contains(column)) {
        EXPECT_DEATH(
            {
              Store s = *Store::Open(copy, {.columns = ColumnSet()});
              r.read(s);
            },
            "seg-000002/" + name + ".*column " + std::string(ColumnName(column)) +
                " was read without Store::CheckColumns");
      } else {
        Store s = *Store::Open(copy, {.columns = ColumnSet()});
        r.read(s);  // an intact column reads
      }
    }
  }
}

// With the block CRCs off (what verify's own Open does), the lazy check is the range check:
// an id outside its dictionary in a column checked on first read is DataLoss naming the
// element, as at Open.
TEST_F(IntegrityTest, ColumnsCheckedOnFirstReadGetTheRangeChecks) {
  const std::pair<Column, const char*> ranged[] = {
      {Column::kSource, "account id"}, {Column::kPaidCurrency, "currency id"},
      {Column::kReceivedScale, "scale"}, {Column::kChannel, "channel"},
      {Column::kLocation, "location id"}, {Column::kTypology, "string id"},
      {Column::kLabel, "label"}, {Column::kSourceFile, "source index"}};
  for (const auto& [column, what] : ranged) {
    const std::string name = std::string(ColumnName(column)) + ".col";
    SCOPED_TRACE(name);
    const fs::path copy = dir_ / "copy";
    fs::remove_all(copy);
    fs::copy(store_, copy, fs::copy_options::recursive);
    const fs::path file = copy / "segments" / "seg-000001" / name;
    std::string bytes = *ReadFileToString(file);
    bytes.back() = '\xfe';  // the last element's high byte: out of every range here
    ASSERT_TRUE(WriteFileDurably(file, bytes).ok());
    Result<Store> lazy = Store::Open(copy, {.columns = ColumnSet(), .check_block_crcs = false});
    ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
    const Status st = lazy->CheckColumns(ColumnSet::All());
    ASSERT_EQ(st.code(), StatusCode::kDataLoss);
    EXPECT_NE(st.message().find("seg-000001/" + name), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find(what), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find("transaction " + std::to_string(kRowsPerSegment - 1)),
              std::string::npos)
        << st.ToString();
  }
}

// A lazily opened two-segment store read from several threads at once: each column is checked
// and concatenated once, and every thread sees the rows the eager Open gives.
TEST_F(IntegrityTest, ColumnsCheckedOnFirstReadFromManyThreadsAgree) {
  const Store eager = *Store::Open(store_);
  int64_t expected = 0;
  for (uint64_t t = 0; t < eager.transaction_count(); ++t) {
    expected += eager.time()[t] + eager.source()[t] + eager.amount_paid_units()[t] +
                eager.label()[t] + eager.source_line()[t];
  }
  for (int round = 0; round < 20; ++round) {
    const Store lazy = *Store::Open(store_, {.columns = ColumnSet()});
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        int64_t sum = 0;
        for (uint64_t t = 0; t < lazy.transaction_count(); ++t) {
          sum += lazy.time()[t] + lazy.source()[t] + lazy.amount_paid_units()[t] +
                 lazy.label()[t] + lazy.source_line()[t];
        }
        if (sum != expected) ++wrong;
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0) << "round " << round;
  }
}

// `moneytrail info` opens with no column checked: the summary checks the columns it reads, so a
// corrupt one is DataLoss and a corrupt column it does not read changes nothing it prints.
TEST_F(IntegrityTest, TheSummaryChecksTheColumnsItReads) {
  const std::string intact =
      Summarize(*Store::Open(store_, {.columns = ColumnSet()}))->ToJson().dump();
  for (int c = 0; c < kColumnCount; ++c) {
    const Column column = static_cast<Column>(c);
    const std::string name = std::string(ColumnName(column)) + ".col";
    SCOPED_TRACE(name);
    const fs::path copy = dir_ / "copy";
    fs::remove_all(copy);
    fs::copy(store_, copy, fs::copy_options::recursive);
    const fs::path file = copy / "segments" / "seg-000001" / name;
    FlipBit(file, fs::file_size(file) - 1, 0);
    Result<Store> s = Store::Open(copy, {.columns = ColumnSet()});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Result<StoreSummary> summary = Summarize(*s);
    if (kSummaryColumns.contains(column)) {
      ASSERT_EQ(summary.status().code(), StatusCode::kDataLoss);
      EXPECT_NE(summary.status().message().find(name), std::string::npos);
    } else {
      ASSERT_TRUE(summary.ok()) << summary.status().ToString();
      std::string json = summary->ToJson().dump();
      // The store's path differs; nothing else may.
      const std::string copy_dir = copy.string(), store_dir = store_.string();
      for (size_t at; (at = json.find(copy_dir)) != std::string::npos;) {
        json.replace(at, copy_dir.size(), store_dir);
      }
      EXPECT_EQ(json, intact);
    }
  }
}

TEST_F(IntegrityTest, AStoreWrittenBeforeChecksumsOpensAndVerifiesWithANote) {
  // Rewrite the manifest as format 3 did: no checksums, no own checksum.
  store_internal::Manifest m =
      *store_internal::ParseManifest("MANIFEST", *ReadFileToString(store_ / "MANIFEST"));
  m.version = 3;
  for (auto& seg : m.segments) {
    seg.checksums.clear();
    seg.commit_files.clear();
    seg.file_bytes.erase("checks.json");
  }
  ASSERT_TRUE(WriteFileDurably(store_ / "MANIFEST", store_internal::SerializeManifest(m)).ok());
  fs::remove(store_ / "segments" / "seg-000001" / "checks.json");
  ASSERT_EQ(ReadFileToString(store_ / "MANIFEST")->find("manifest_checksum"), std::string::npos);
  ASSERT_TRUE(Store::Open(store_).ok());
  Result<VerifyReport> r = VerifyStore(store_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact()) << r->problems[0].ToString();
  EXPECT_NE(r->notes[0].find("written before checksums"), std::string::npos) << r->notes[0];
  // Appending writes a version 4 manifest; the old segments stay unchecked, the new one is not.
  {
    auto w = *StoreWriter::Open(store_);
    ASSERT_TRUE(w->Commit().ok());
  }
  m = *store_internal::ParseManifest("MANIFEST", *ReadFileToString(store_ / "MANIFEST"));
  EXPECT_EQ(m.version, kStoreFormatVersion);
  EXPECT_TRUE(m.self_checked);
  EXPECT_TRUE(m.segments[0].checksums.empty());
  EXPECT_FALSE(m.segments[2].checksums.empty());
}

}  // namespace
}  // namespace moneytrail::store

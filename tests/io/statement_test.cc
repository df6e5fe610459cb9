// Statement layouts end to end through moneytrail::Ingest (docs/format/mapping.md): the three
// shipped US layouts on their samples, encodings, hostile bytes, stray quotes, file-level
// integrity, unknown mapping keys and the choice of a mapping per file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/ingester.h"
#include "moneytrail/file_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;

const fs::path kSamples = fs::path(__FILE__).parent_path() / "data" / "statements";
const fs::path kMappings = fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "mappings";

const char kNativeHeader[] =
    "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
    "amount_paid,currency_paid,amount_received,currency_received,channel,city,region,country,mcc,"
    "counterparty,is_laundering,typology\n";

std::string NativeRow(int i, std::string city = "") {
  return "2022-09-01T00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) +
         ":00Z,account,B,A" + std::to_string(i) + ",account,B,Z,1.00,USD,,,wire," + city +
         ",,,,,,\n";
}

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_statement_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& contents) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p;
  }
  fs::path store() const { return dir_ / "store"; }

  Result<IngestReport> Run(const std::vector<fs::path>& files, const std::string& format,
                           std::vector<fs::path> maps = {}) {
    options_.format = format;
    options_.mappings = std::move(maps);
    return Ingest(store(), files, options_);
  }

  // The account's id by label "BANK:NUMBER".
  static AccountId Find(const store::Store& s, std::string_view bank, std::string_view number) {
    std::optional<AccountId> id = s.FindAccount(NodeKind::kAccount, bank, number);
    EXPECT_TRUE(id.has_value()) << bank << ":" << number;
    return id.value_or(kNoAccount);
  }

  fs::path dir_;
  IngestOptions options_;
};

TEST_F(StatementTest, CreditUnionBannerGivesAccountHolderPeriodAndOpeningBalance) {
  Result<IngestReport> r = Run({kSamples / "credit-union.csv"}, "mapped",
                               {kMappings / "us-credit-union-banner.toml"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 4u);
  const AccountId own = Find(s, "SUMMIT-RIDGE-FCU", "4821");
  // In: $2,500.00. Out: ($450.00), -$200.00 (a two-digit year), 420.00-.
  EXPECT_EQ(s.destination()[0], own);
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "2500.00");
  // The description, read by the built-in us-banks grammar: a cash deposit at branch 3355 of
  // the statement's bank in Indianapolis, IN (docs/format/mapping.md, Enrichment and checks).
  EXPECT_EQ(static_cast<Channel>(s.channel()[0]), Channel::kCashDeposit);
  EXPECT_EQ(s.account(s.source()[0]).kind, NodeKind::kCash);
  EXPECT_EQ(s.account(s.source()[0]).number, "branch 3355");
  EXPECT_EQ(s.string(s.location_entry(s.location()[0]).city), "INDIANAPOLIS");
  EXPECT_EQ(s.string(s.location_entry(s.location()[0]).region), "IN");
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(s.source()[i], own) << i;
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "450.00");
  EXPECT_EQ(FormatDecimal(s.amount_paid(2)), "200.00");
  EXPECT_EQ(s.time()[2], 1741305600);  // 2025-03-07
  EXPECT_EQ(FormatDecimal(s.amount_paid(3)), "420.00");
  // The zero row is rejected with its reason; the Total line is skipped, not rejected.
  const store::SourceRecord& src = s.sources()[0];
  EXPECT_EQ(src.rows_read, 5u);
  EXPECT_EQ(src.rows_rejected, 1u);
  EXPECT_EQ(src.lines_skipped, 1u);
  EXPECT_EQ(src.encoding, "utf-8");
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_NE(r->first_rejects[0].reason.find("is zero"), std::string::npos);
  EXPECT_EQ(r->first_rejects[0].line, 13u);
  // The banner's beginning balance is the account's opening balance.
  ASSERT_TRUE(s.account_attributes(own).opening_balance.has_value());
  EXPECT_EQ(FormatDecimal(*s.account_attributes(own).opening_balance), "1204.33");
  EXPECT_EQ(s.currency(s.account_attributes(own).balance_currency), "USD");
}

TEST_F(StatementTest, BigBankFileHoldsSeveralAccountsAndZeroInTheUnusedColumn) {
  Result<IngestReport> r = Run({kSamples / "big-bank.csv"}, "mapped",
                               {kMappings / "us-bigbank-debit-credit.toml"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 4u);
  const AccountId a = Find(s, "BIGBANK", "000111222"), b = Find(s, "BIGBANK", "000333444");
  EXPECT_EQ(s.source()[0], a);                          // debit 9,800.00 with 0.00 credit
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "9800.00");
  EXPECT_EQ(s.destination()[1], a);                     // credit with 0.00 debit
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "2150.75");
  EXPECT_EQ(s.source()[2], b);                          // a negative debit is a debit
  EXPECT_EQ(FormatDecimal(s.amount_paid(2)), "500.00");
  EXPECT_EQ(s.source()[3], a);                          // empty credit
  ASSERT_EQ(r->first_rejects.size(), 2u);
  EXPECT_NE(r->first_rejects[0].reason.find("neither debit nor credit"), std::string::npos);
  EXPECT_NE(r->first_rejects[1].reason.find("both debit (10.00) and credit (20.00)"), std::string::npos)
      << r->first_rejects[1].reason;
}

TEST_F(StatementTest, Windows1252FileIsDecodedAndItsEncodingKeptInCustody) {
  Result<IngestReport> r = Run({kSamples / "signed-cr-dr.csv"}, "mapped",
                               {kMappings / "us-signed-cr-dr.toml"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 2u);
  // The grammar names the originator of the wire (the description is decoded first).
  EXPECT_EQ(s.string(s.counterparty()[0]), "TRANSPORTES M\xC3\x89XICO SA");
  EXPECT_EQ(s.destination()[0], Find(s, "FIRSTSTATE", "000123456789"));
  EXPECT_EQ(s.source()[1], Find(s, "FIRSTSTATE", "000123456789"));
  const store::SourceRecord& src = s.sources()[0];
  EXPECT_EQ(src.encoding, "windows-1252");
  // Custody hashes the original bytes, not the decoded text.
  EXPECT_EQ(src.sha256, Sha256Hex(*ReadFileToString(kSamples / "signed-cr-dr.csv")));
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_NE(r->first_rejects[0].reason.find("is not a direction"), std::string::npos);
  EXPECT_EQ(src.lines_skipped, 1u);
}

TEST_F(StatementTest, StatementDetailsKeepDescriptionBalanceDirectionAndReference) {
  Result<io_internal::RowSpec> spec = io_internal::MappedSpec(kMappings / "us-signed-cr-dr.toml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  std::unique_ptr<store::StoreWriter> writer = *store::StoreWriter::Open(store());
  IngestOptions options;
  io_internal::Ingester ingester(*writer, options, 1);
  auto file = ingester.ReadStatementFile(kSamples / "signed-cr-dr.csv", *spec);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const io_internal::StatementFile& f = **file;
  ASSERT_EQ(f.rows.size(), 2u);
  io_internal::StagedRow row;
  io_internal::StatementDetail d0, d1;
  f.rows.Get(0, row, d0);
  f.rows.Get(1, row, d1);
  EXPECT_EQ(d0.reference, "TRN0001");
  EXPECT_EQ(d0.direction, io_internal::Direction::kCredit);
  EXPECT_EQ(FormatDecimal(*d0.balance), "8000.00");
  EXPECT_EQ(d1.direction, io_internal::Direction::kDebit);
  EXPECT_EQ(d1.description, "MONEYGRAM SEND GUATEMALA");
  EXPECT_EQ(d1.statement_account, "000123456789");
  EXPECT_EQ(f.rows.description(1), "MONEYGRAM SEND GUATEMALA");
  EXPECT_EQ(FormatDecimal(*f.rows.balance(0)), "8000.00");
  EXPECT_EQ(f.rows.whole_rows(), 0u);  // every row of the CSV path is kept compact
  EXPECT_EQ(f.banner.statement_account, "000123456789");
  EXPECT_EQ(*f.banner.period_start, 1740787200);  // 2025-03-01
  EXPECT_EQ(*f.banner.period_end, 1743379200);    // 2025-03-31
}

TEST_F(StatementTest, UndeclaredInvalidByteRejectsItsRowAndNeverReachesTheStore) {
  fs::path f = Write("native.csv", std::string(kNativeHeader) + NativeRow(1, "M\xC9XICO") +
                                       NativeRow(2, "TIJUANA") + NativeRow(3, "LEÓN"));
  Result<IngestReport> r = Run({f}, "native");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_accepted, 2u);
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_EQ(r->first_rejects[0].line, 2u);
  EXPECT_NE(r->first_rejects[0].reason.find("(0xC9) is not valid UTF-8"), std::string::npos)
      << r->first_rejects[0].reason;
  EXPECT_NE(r->first_rejects[0].value.find("M\\xC9XICO"), std::string::npos);
  store::Store s = *store::Store::Open(store());
  for (uint32_t i = 0; i < s.transaction_count(); ++i) {
    EXPECT_NE(s.location()[i], store::kNoLocation);
    EXPECT_NE(s.string(s.location_entry(s.location()[i]).city), "M\xC9XICO");
  }
}

TEST_F(StatementTest, InvalidByteInABalancesFileRejectsItsRow) {
  fs::path tx = Write("tx.csv", std::string(kNativeHeader) + NativeRow(1) + NativeRow(2));
  options_.balances = Write("balances.csv", "bank,account,currency,balance\nB,A1,USD,10.00\n"
                                            "B,A\xC9,USD,5.00\n");
  Result<IngestReport> r = Run({tx}, "native");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_EQ(r->first_rejects[0].line, 3u);
  EXPECT_NE(r->first_rejects[0].reason.find("not valid UTF-8"), std::string::npos);
}

TEST_F(StatementTest, NulAnywhereRejectsItsRow) {
  std::string body = kNativeHeader;
  for (int i = 0; i < 200; ++i) body += NativeRow(i);
  std::string bad = NativeRow(999);
  bad[30] = '\0';
  body += bad;
  Result<IngestReport> r = Run({Write("nul.csv", body)}, "native");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_accepted, 200u);
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_NE(r->first_rejects[0].reason.find("NUL"), std::string::npos);
}

TEST_F(StatementTest, OverlongFieldIsRejectedAndQuotedShort) {
  std::string body = std::string(kNativeHeader) + NativeRow(1) + NativeRow(2, std::string(5000, 'X'));
  Result<IngestReport> r = Run({Write("long.csv", body)}, "native");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_NE(r->first_rejects[0].reason.find("5000 bytes long"), std::string::npos);
  EXPECT_LT(r->first_rejects[0].value.size(), 300u);
}

TEST_F(StatementTest, HugeHeaderIsQuotedShortInTheError) {
  Result<IngestReport> r = Run({Write("h.csv", std::string(100000, 'H') + "\n1\n")}, "native");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 1200u);
}

TEST_F(StatementTest, ImplausibleTimesAreRejectedUnlessTheRangeIsWidened) {
  std::string body = std::string(kNativeHeader) + NativeRow(1) + NativeRow(2) +
                     "2500-01-01T00:00:00Z,account,B,A,account,B,Z,1.00,USD,,,wire,,,,,,,\n";
  fs::path f = Write("t.csv", body);
  Result<IngestReport> r = Run({f}, "native");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_NE(r->first_rejects[0].reason.find("outside the plausible range 1900-01-01..2100-12-31"),
            std::string::npos) << r->first_rejects[0].reason;
  fs::remove_all(store());
  options_.max_time = 32503680000;  // 3000-01-01
  r = Run({f}, "native");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows_accepted, 3u);
}

// A stray quote rejects its record only; reading resumes on the next line, in the parallel
// path (small chunks) as in the serial one.
TEST_F(StatementTest, StrayQuoteRejectsOneRecordAndParsingResumes) {
  for (size_t chunk : {size_t{1} << 20, size_t{256}}) {
    std::string body = kNativeHeader;
    for (int i = 0; i < 500; ++i) {
      std::string row = NativeRow(i);
      if (i == 9) row.replace(row.find(",wire,"), 6, ",\"wire,");
      body += row;
    }
    fs::remove_all(store());
    options_.chunk_bytes = chunk;
    Result<IngestReport> r = Run({Write("q.csv", body)}, "native");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rows_accepted, 499u) << chunk;
    ASSERT_EQ(r->first_rejects.size(), 1u);
    EXPECT_EQ(r->first_rejects[0].line, 11u);
    EXPECT_NE(r->first_rejects[0].reason.find("stray quote"), std::string::npos);
    store::Store s = *store::Store::Open(store());
    EXPECT_EQ(s.sources()[0].lines, 500u);
    EXPECT_EQ(s.sources()[0].lines_rejected, 1u);
  }
}

TEST_F(StatementTest, FileWithoutAnyAcceptedRowCommitsNothingAndCorrectionIsNotRefused) {
  fs::path f = Write("s.csv", "Date,Description,Amount\n2025-03-01,X,1.00\n2025-03-02,Y,2.00\n");
  fs::path wrong = Write("wrong.toml", "[format]\ntimestamp_format = \"%m/%d/%Y\"\n[columns]\n"
                                       "timestamp = \"Date\"\ndescription = \"Description\"\n"
                                       "amount = \"Amount\"\n[constants]\nstatement_account = \"1\"\n"
                                       "currency_paid = \"USD\"\n");
  Result<IngestReport> r = Run({f}, "mapped", {wrong});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("none of its 2 rows was accepted"), std::string_view::npos)
      << r.status().ToString();
  EXPECT_FALSE(fs::exists(store()));
  fs::path right = Write("right.toml", *ReadFileToString(wrong));
  {
    std::string text = *ReadFileToString(right);
    text.replace(text.find("%m/%d/%Y"), 8, "%Y-%m-%d");
    Write("right.toml", text);
  }
  r = Run({f}, "mapped", {right});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_accepted, 2u);
}

TEST_F(StatementTest, MostlyRejectedFileFailsTheIngest) {
  std::string body = kNativeHeader;
  for (int i = 0; i < 10; ++i) body += i < 6 ? "garbage\n" : NativeRow(i);
  Result<IngestReport> r = Run({Write("m.csv", body)}, "native");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cover 6 of its 10 lines"), std::string_view::npos)
      << r.status().ToString();
}

TEST_F(StatementTest, UnknownKeysAnywhereNameTheNearestValidKey) {
  struct Case {
    std::string toml, key, nearest;
  };
  const Case cases[] = {
      {"[format]\ntimestamp_fromat = \"%Y\"\n", "timestamp_fromat", "timestamp_format"},
      {"[colums]\ntimestamp = \"D\"\n", "colums", "columns"},
      {"[columns]\ndescripton = \"D\"\n", "descripton", "description"},
      {"[constants]\ncurency_paid = \"USD\"\n", "curency_paid", "currency_paid"},
      {"[banner]\nholdr = \"(x)\"\n", "holdr", "holder"},
      {"[enrich]\ngramar = \"g.toml\"\n", "gramar", "grammar"},
  };
  fs::path f = Write("x.csv", "D\n1\n");
  for (const Case& c : cases) {
    Result<IngestReport> r = Run({f}, "mapped", {Write("m.toml", c.toml)});
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_NE(r.status().message().find("unknown key '" + c.key + "'"), std::string_view::npos)
        << r.status().ToString();
    EXPECT_NE(r.status().message().find("did you mean '" + c.nearest + "'"), std::string_view::npos)
        << r.status().ToString();
  }
}

TEST_F(StatementTest, StatementAccountByHeaderNameIsAStatementMapping) {
  fs::path map = Write("m.toml", "[format]\ntimestamp_format = \"%Y-%m-%d\"\n[columns]\n"
                                 "statement_account = \"Acct\"\ntimestamp = \"Date\"\n"
                                 "amount = \"Amt\"\n[constants]\ncurrency_paid = \"USD\"\n");
  fs::path f = Write("s.csv", "Acct,Date,Amt\n1,2025-03-01,5.00\n2,2025-03-01,-5.00\n");
  Result<IngestReport> r = Run({f}, "mapped", {map});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  // No description, no counterparty: each account has its own unidentified payer/payee.
  EXPECT_EQ(s.account(s.source()[0]).number, "1 unidentified payer");
  EXPECT_EQ(s.account(s.destination()[1]).number, "2 unidentified payee");
  EXPECT_EQ(s.string(s.counterparty()[0]), "");
}

TEST_F(StatementTest, EachFileIsReadWithTheOneMappingThatFitsIt) {
  std::vector<fs::path> maps = {kMappings / "us-credit-union-banner.toml",
                                kMappings / "us-bigbank-debit-credit.toml",
                                kMappings / "us-signed-cr-dr.toml"};
  Result<IngestReport> r = Run({kSamples / "signed-cr-dr.csv", kSamples / "credit-union.csv",
                                kSamples / "big-bank.csv"},
                               "mapped", maps);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sources.size(), 3u);
  EXPECT_NE(r->sources[0].mapping.find("us-signed-cr-dr.toml"), std::string::npos);
  EXPECT_NE(r->sources[1].mapping.find("us-credit-union-banner.toml"), std::string::npos);
  EXPECT_NE(r->sources[2].mapping.find("us-bigbank-debit-credit.toml"), std::string::npos);
  EXPECT_EQ(r->rows_accepted, 10u);

  fs::remove_all(store());
  r = Run({Write("other.csv", "a,b\n1,2\n")}, "mapped", maps);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("none of the 3 mappings"), std::string_view::npos);
  EXPECT_NE(r.status().message().find("us-signed-cr-dr.toml"), std::string_view::npos);

  r = Run({kSamples / "big-bank.csv"}, "mapped", {maps[1], Write("copy.toml", *ReadFileToString(maps[1]))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("several mappings fit it"), std::string_view::npos);
}

TEST_F(StatementTest, Utf16WithByteOrderMarkIsDecoded) {
  std::string text = "Date,Description,Amount\n2025-03-01,CAF\xC3\x89 M\xC3\x89XICO,-4.50\n";
  // UTF-16LE by hand (the text is in the Basic Multilingual Plane).
  std::string utf16 = "\xFF\xFE";
  for (size_t i = 0; i < text.size();) {
    unsigned c = static_cast<unsigned char>(text[i]);
    unsigned cp = c;
    if (c >= 0xC0) {
      cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      i += 2;
    } else {
      ++i;
    }
    utf16 += static_cast<char>(cp & 0xFF);
    utf16 += static_cast<char>(cp >> 8);
  }
  fs::path map = Write("m.toml", "[format]\nencoding = \"utf-16\"\ntimestamp_format = \"%Y-%m-%d\"\n"
                                 "[columns]\ntimestamp = \"Date\"\ndescription = \"Description\"\n"
                                 "amount = \"Amount\"\n[constants]\nstatement_account = \"9\"\n"
                                 "currency_paid = \"USD\"\n");
  Result<IngestReport> r = Run({Write("u.csv", utf16)}, "mapped", {map});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.string(s.counterparty()[0]), "CAF\xC3\x89 M\xC3\x89XICO");
  EXPECT_EQ(s.sources()[0].encoding, "utf-16");
}


// What a file read with the fit of its mapping (MappingFit) holds: everything ReadStatementFile
// derives from the header, banner and mapping, and every row, in one comparable text.
std::string Describe(const io_internal::StatementFile& f) {
  std::string out = "header_line " + std::to_string(f.header_line) + "\nbanner " +
                    f.banner.statement_account + "|" + f.banner.holder + "|" +
                    std::to_string(f.banner.holder_line) + "|" +
                    std::to_string(f.banner.period_start.value_or(-1)) + "|" +
                    std::to_string(f.banner.period_end.value_or(-1)) + "|" +
                    (f.banner.opening_balance ? FormatDecimal(*f.banner.opening_balance) : "-") + "|" +
                    (f.banner.closing_balance ? FormatDecimal(*f.banner.closing_balance) : "-") + "\n";
  for (const std::string& line : f.banner.lines) out += "banner line " + line + "\n";
  for (int i = 0; i < io_internal::kFieldCount; ++i) {
    const io_internal::FieldSource& s = f.spec.fields[i];
    out += "field " + std::to_string(i) + " " + std::to_string(s.column) + " " + s.column_name +
           " " + (s.has_constant ? s.constant : "-") + "\n";
  }
  for (size_t i = 0; i < f.rows.size(); ++i) {
    io_internal::StagedRow r;
    io_internal::StatementDetail d;
    f.rows.Get(i, r, d);
    out += "row " + std::to_string(r.line) + " " + std::to_string(r.time) + " " +
           std::string(r.source_bank) + ":" + std::string(r.source_account) + " -> " +
           std::string(r.dest_bank) + ":" + std::string(r.dest_account) + " " + FormatDecimal(r.paid) +
           " " + std::string(r.paid_currency) + " " + std::string(d.description) + " " +
           (d.balance ? FormatDecimal(*d.balance) : "-") + "\n";
  }
  for (const RejectedRow& r : f.rejects) out += "reject " + r.ToString() + "\n";
  out += "counts " + std::to_string(f.rows_read) + " " + std::to_string(f.lines) + " " +
         std::to_string(f.lines_skipped) + " " + std::to_string(f.lines_rejected) + " " + f.sha256 + "\n";
  return out;
}

// ingest picks a file's mapping with MappingMisfit and hands what it found (MappingFit: the
// header's place, the banner, the resolved columns) to ReadStatementFile, which then does not
// find them again: the file read must be the same as one read from scratch, for every sample
// and every mapping that fits it, and for a file too long for the fit's prefix (whose fit is
// not taken).
TEST_F(StatementTest, AFileReadWithItsMappingsFitEqualsOneReadFromScratch) {
  std::vector<fs::path> files = {kSamples / "big-bank.csv", kSamples / "credit-union.csv",
                                 kSamples / "signed-cr-dr.csv"};
  // Longer than SourceProbe::kFitBytes: the fit is found in the first kFitBytes only.
  Result<std::string> big = ReadFileToString(kSamples / "big-bank.csv");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  const size_t header_end = big->find('\n') + 1;
  std::string long_file = *big;
  const std::string body = big->substr(header_end);
  ASSERT_FALSE(body.empty());
  while (long_file.size() <= io_internal::SourceProbe::kFitBytes) long_file += body;
  files.push_back(Write("long-big-bank.csv", long_file));
  std::unique_ptr<store::StoreWriter> writer = *store::StoreWriter::Open(store());
  IngestOptions options;
  io_internal::Ingester ingester(*writer, options, 1);
  int fitted = 0;
  for (const fs::path& mapping : fs::directory_iterator(kMappings)) {
    Result<io_internal::RowSpec> spec = io_internal::MappedSpec(mapping);
    ASSERT_TRUE(spec.ok()) << mapping << ": " << spec.status().ToString();
    if (!spec->statement_path()) continue;
    for (const fs::path& file : files) {
      SCOPED_TRACE(file.string() + " with " + mapping.string());
      io_internal::SourceProbe probe(file);
      io_internal::MappingFit fit;
      if (!io_internal::MappingMisfit(*spec, probe, &fit).empty()) continue;
      ++fitted;
      EXPECT_EQ(fit.text_data != nullptr, true);
      auto with_fit = ingester.ReadStatementFile(probe, *spec, &fit);
      auto from_scratch = ingester.ReadStatementFile(file, *spec);
      ASSERT_EQ(with_fit.ok(), from_scratch.ok());
      if (!with_fit.ok()) {
        EXPECT_EQ(with_fit.status().ToString(), from_scratch.status().ToString());
        continue;
      }
      EXPECT_FALSE((*with_fit)->rows.empty());
      EXPECT_EQ(Describe(**with_fit), Describe(**from_scratch));
    }
  }
  EXPECT_GE(fitted, 4);  // each sample fits its own mapping, and the long file too
}

// SourceProbe answers "no such file" and "is a directory" from one open and fstat, with the
// messages it gave before it stopped asking the file system twice more per file.
TEST_F(StatementTest, AProbeOfAMissingFileOrADirectorySaysWhich) {
  Result<io_internal::RowSpec> mapped = io_internal::MappedSpec(kMappings / "us-signed-cr-dr.toml");
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  const io_internal::RowSpec& spec = *mapped;
  io_internal::SourceProbe missing(dir_ / "nope.csv");
  std::string_view text;
  Status s = missing.Text(spec, false, text);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("nope.csv: no such file"), std::string_view::npos) << s.ToString();
  fs::create_directories(dir_ / "sub.csv");
  io_internal::SourceProbe directory(dir_ / "sub.csv");
  s = directory.Text(spec, false, text);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("is a directory"), std::string_view::npos) << s.ToString();
  io_internal::SourceProbe empty(Write("empty.csv", ""));
  s = empty.Text(spec, false, text);
  EXPECT_NE(s.message().find("is empty (0 bytes)"), std::string_view::npos) << s.ToString();
}

}  // namespace
}  // namespace moneytrail

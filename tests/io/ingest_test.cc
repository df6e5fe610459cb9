#include "moneytrail/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "moneytrail/csv.h"
#include "moneytrail/export.h"
#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_ingest_" + std::to_string(::getpid()) + "_" +
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

  Result<IngestReport> Run(const std::vector<fs::path>& files, std::string format,
                           uint64_t max_rejects = 1000) {
    IngestOptions o;
    o.format = std::move(format);
    o.max_rejects = max_rejects;
    o.mapping = mapping_;
    o.spill_rows = spill_rows_;
    o.max_reject_share = max_reject_share_;
    return Ingest(store(), files, o);
  }

  fs::path dir_;
  fs::path mapping_;
  size_t spill_rows_ = IngestOptions{}.spill_rows;
  double max_reject_share_ = IngestOptions{}.max_reject_share;
};

const char kIbmHeader[] =
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,"
    "Payment Currency,Payment Format,Is Laundering\n";

const char kNativeHeader[] =
    "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
    "amount_paid,currency_paid,amount_received,currency_received,channel,city,region,country,mcc,"
    "counterparty,is_laundering,typology\n";

TEST_F(IngestTest, IbmLayoutKeepsBankIdsAsTextAndAmountsExactly) {
  fs::path f = Write("ibm.csv", std::string(kIbmHeader) +
                                    "2022/09/01 00:20,010,8000EBD30,010,8000EBD30,0.000296,Bitcoin,"
                                    "0.000296,Bitcoin,Bitcoin,0\n"
                                    "2022/09/01 00:21,03208,8000F4580,001,8000F5340,1234.56,Yen,"
                                    "10.50,US Dollar,Cheque,1\n");
  Result<IngestReport> r = Run({f}, "ibm-aml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_read, 2u);
  EXPECT_EQ(r->rows_accepted, 2u);
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 2u);
  EXPECT_EQ(s.account(s.source()[0]).bank, "010");
  EXPECT_EQ(s.source()[0], s.destination()[0]);  // a self-transfer
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "0.000296");
  EXPECT_EQ(s.currency(s.paid_currency()[0]), "Bitcoin");
  EXPECT_EQ(FormatDecimal(s.amount_received(1)), "1234.56");
  EXPECT_EQ(s.currency(s.received_currency()[1]), "Yen");
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "10.50");
  EXPECT_EQ(static_cast<Channel>(s.channel()[0]), Channel::kCrypto);
  EXPECT_EQ(static_cast<Channel>(s.channel()[1]), Channel::kCheque);
  EXPECT_EQ(static_cast<Label>(s.label()[1]), Label::kLaundering);
  EXPECT_EQ(s.time()[1], 1661991660);
  EXPECT_EQ(s.source_line()[0], 2u);
  EXPECT_EQ(s.source_line()[1], 3u);
  ASSERT_EQ(s.sources().size(), 1u);
  EXPECT_EQ(s.sources()[0].sha256, Sha256Hex(*ReadFileToString(f)));
}

TEST_F(IngestTest, BomCrlfAndTrailingEmptyLinesAreHandled) {
  fs::path f = Write("ibm.csv", "\xEF\xBB\xBF" + std::string(kIbmHeader).substr(0, sizeof(kIbmHeader) - 2) +
                                    "\r\n2022/09/01 00:20,1,A,2,B,5.00,Euro,5.00,Euro,Wire,0\r\n\r\n\n");
  Result<IngestReport> r = Run({f}, "ibm-aml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_read, 1u);
  EXPECT_EQ(r->rows_rejected, 0u);
}

struct RejectCase {
  const char* name;
  const char* row;
  const char* field;
  const char* reason_part;
};

TEST_F(IngestTest, EveryRejectReasonIsRecordedWithLineColumnAndValue) {
  max_reject_share_ = 1.0;  // the file is mostly bad rows on purpose
  const RejectCase cases[] = {
      {"bad time", "2022/09/01 00:00,account,1,A,account,2,B,1.00,USD,,,wire,,,,,,,", "timestamp", ""},
      {"bad amount", "2022-09-01T00:00:00Z,account,1,A,account,2,B,1.0.0,USD,,,wire,,,,,,,", "amount_paid", "not a decimal"},
      {"negative", "2022-09-01T00:00:00Z,account,1,A,account,2,B,-5,USD,,,wire,,,,,,,", "amount_paid", "negative"},
      {"too many digits", "2022-09-01T00:00:00Z,account,1,A,account,2,B,12345678901234567890,USD,,,wire,,,,,,,", "amount_paid", "18"},
      {"empty account", "2022-09-01T00:00:00Z,account,1,,account,2,B,1,USD,,,wire,,,,,,,", "source_account", "empty"},
      {"bad channel", "2022-09-01T00:00:00Z,account,1,A,account,2,B,1,USD,,,pigeon,,,,,,,", "channel", "not a channel"},
      {"bad kind", "2022-09-01T00:00:00Z,bank,1,A,account,2,B,1,USD,,,wire,,,,,,,", "source_kind", "node kind"},
      {"bad mcc", "2022-09-01T00:00:00Z,account,1,A,merchant,2,B,1,USD,,,card,,,,54,,,", "mcc", "4-digit"},
      {"bad label", "2022-09-01T00:00:00Z,account,1,A,account,2,B,1,USD,,,wire,,,,,,maybe,", "is_laundering", "label"},
      {"empty currency", "2022-09-01T00:00:00Z,account,1,A,account,2,B,1,,,,wire,,,,,,,", "currency_paid", "empty"},
      {"short row", "2022-09-01T00:00:00Z,account,1,A", "(row)", "fields"},
  };
  std::string body = kNativeHeader;
  body += "2022-09-01T00:00:00Z,account,1,A,account,2,B,1.00,USD,,,wire,,,,,,,\n";  // good
  for (const RejectCase& c : cases) body += std::string(c.row) + "\n";
  body += "\n";  // an empty line in the middle is a rejected row
  body += "2022-09-01T00:00:00Z,account,1,A,account,2,B,2.00,USD,,,wire,,,,,,,\n";  // good
  fs::path f = Write("native.csv", body);
  Result<IngestReport> r = Run({f}, "native");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const size_t n = std::size(cases);
  EXPECT_EQ(r->rows_read, n + 3);
  EXPECT_EQ(r->rows_accepted, 2u);
  EXPECT_EQ(r->rows_rejected, n + 1);
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.sources().size(), 1u);
  const store::SourceRecord& src = s.sources()[0];
  EXPECT_EQ(src.rows_read, src.rows_accepted + src.rows_rejected);
  ASSERT_FALSE(src.rejects_file.empty());
  std::string rejects = *ReadFileToString(store() / src.rejects_file);
  CsvRecordReader reader(rejects, CsvDialect{});
  std::vector<std::string_view> fields;
  ASSERT_TRUE(reader.Next(fields));  // header
  EXPECT_EQ(fields[1], "line");
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(reader.Next(fields)) << cases[i].name;
    EXPECT_EQ(fields[1], std::to_string(i + 3)) << cases[i].name;  // header is line 1, good row 2
    EXPECT_NE(fields[3].find(cases[i].field), std::string_view::npos)
        << cases[i].name << ": field " << fields[3];
    EXPECT_NE(fields[5].find(cases[i].reason_part), std::string_view::npos)
        << cases[i].name << ": reason " << fields[5];
  }
  ASSERT_TRUE(reader.Next(fields));
  EXPECT_EQ(fields[5], "empty line");
  EXPECT_EQ(s.source_line()[1], n + 4);
}

TEST_F(IngestTest, TooManyRejectsCommitsNothingAndNamesTheFirstBadLines) {
  max_reject_share_ = 1.0;  // this test is about --max-rejects
  fs::path good = Write("good.csv", std::string(kIbmHeader) + "2022/09/01 00:20,1,A,2,B,5.00,Euro,5.00,Euro,Wire,0\n");
  ASSERT_TRUE(Run({good}, "ibm-aml").ok());
  fs::path bad = Write("bad.csv", std::string(kIbmHeader) +
                                      "2022/09/01 00:20,1,A,2,B,5.00,Euro,5.00,Euro,Wire,0\n"
                                      "2022/09/01 00:20,1,A,2,B,x,Euro,5.00,Euro,Wire,0\n"
                                      "2022/09/01 00:20,1,A,2,B,5.00,Euro,5.00,Euro,Teleport,0\n");
  Result<IngestReport> r = Run({bad}, "ibm-aml", 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  std::string msg(r.status().message());
  EXPECT_NE(msg.find("bad.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bad.csv:4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nothing was committed"), std::string::npos) << msg;
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.transaction_count(), 1u);
  EXPECT_EQ(s.sources().size(), 1u);
  // The same when the accepted rows were already written ahead to the new segment's files:
  // they are removed with it.
  spill_rows_ = 1;
  ASSERT_FALSE(Run({bad}, "ibm-aml", 1).ok());
  EXPECT_EQ(store::Store::Open(store())->transaction_count(), 1u);
  size_t segments = 0;
  for (const auto& e : fs::directory_iterator(store() / "segments")) segments += e.is_directory();
  EXPECT_EQ(segments, 1u);
  // With enough allowance the same file goes in, its rejects recorded.
  Result<IngestReport> ok = Run({bad}, "ibm-aml", 2);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->rows_rejected, 2u);
}

TEST_F(IngestTest, FilesThatAreNotCsvGetOneClearError) {
  struct Case {
    std::string name, contents, format, expect;
  } cases[] = {
      {"empty.csv", "", "ibm-aml", "is empty"},
      {"binary.csv", std::string("PK\x03\x04\0\0\x14", 7), "ibm-aml", "a zip archive (an Excel .xlsx workbook?)"},
      {"binary2.csv", std::string("\x7f" "ELF\0\0\x14", 7), "ibm-aml", "NUL"},
      {"wrong.csv", "a,b,c\n1,2,3\n", "ibm-aml", "is not the ibm-aml header"},
      {"unknown.csv", std::string(kNativeHeader).substr(0, sizeof(kNativeHeader) - 2) + ",extra\n", "native", "unknown column 'extra'"},
      {"missing.csv", "timestamp,source_bank\n", "native", "required column"},
      {"amlsim.csv", "src,dst\n", "amlsim", "header"},
  };
  for (const Case& c : cases) {
    fs::path f = Write(c.name, c.contents);
    Result<IngestReport> r = Run({f}, c.format);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.status().message().find(c.expect), std::string_view::npos)
        << c.name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(c.name), std::string_view::npos) << c.name;
    EXPECT_FALSE(fs::exists(store() / "MANIFEST")) << c.name;
  }
  Result<IngestReport> missing = Run({dir_ / "nope.csv"}, "ibm-aml");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(store()));
}

TEST_F(IngestTest, DuplicateSourceIsRefusedUnlessAllowed) {
  fs::path f = Write("a.csv", std::string(kIbmHeader) + "2022/09/01 00:20,1,A,2,B,5.00,Euro,5.00,Euro,Wire,0\n");
  ASSERT_TRUE(Run({f}, "ibm-aml").ok());
  Result<IngestReport> again = Run({f}, "ibm-aml");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  IngestOptions o;
  o.format = "ibm-aml";
  o.allow_duplicate_source = true;
  ASSERT_TRUE(Ingest(store(), {f}, o).ok());
  EXPECT_EQ(store::Store::Open(store())->transaction_count(), 2u);
}

TEST_F(IngestTest, AppendingContinuesIdsAndDictionaries) {
  fs::path a = Write("a.csv", std::string(kIbmHeader) + "2022/09/01 00:20,1,A,2,B,5.00,Euro,5.00,Euro,Wire,0\n");
  fs::path b = Write("b.csv", std::string(kIbmHeader) + "2022/09/02 00:20,2,B,3,C,7.25,Yuan,7.25,Yuan,ACH,1\n");
  ASSERT_TRUE(Run({a}, "ibm-aml").ok());
  ASSERT_TRUE(Run({b}, "ibm-aml").ok());
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 2u);
  EXPECT_EQ(s.account_count(), 3u);
  EXPECT_EQ(s.destination()[0], s.source()[1]);  // 2:B is one account across segments
  EXPECT_EQ(s.source_file()[1], 1u);
  EXPECT_EQ(s.sources()[1].first_transaction, 1u);
  EXPECT_EQ(s.currency(s.paid_currency()[1]), "Yuan");
  EXPECT_EQ(*s.FindAccount(NodeKind::kAccount, "3", "C"), 2u);
  EXPECT_FALSE(s.FindAccount(NodeKind::kCash, "3", "C").has_value());
}

TEST_F(IngestTest, MappedStatementWithSignedAmountsAndCommaDecimals) {
  mapping_ = Write("bank.toml", R"(
[format]
delimiter = ";"
decimal_separator = ","
group_separator = "."
timestamp_format = "%d/%m/%Y"
signed_amounts = true

[columns]
timestamp = "Datum"
amount = "Betrag"
counterparty = "Empfaenger"
counterparty_account = "IBAN"

[constants]
statement_bank = "DEUTDEFF"
statement_account = "DE001"
currency_paid = "EUR"
channel = "wire"
)");
  fs::path f = Write("stmt.csv",
                     "Datum;Betrag;Empfaenger;IBAN\n"
                     "01/09/2022;-1.250,00;\"Miete; Wohnung\";DE002\n"
                     "02/09/2022;3.000,50;Arbeitgeber GmbH;\n");
  Result<IngestReport> r = Run({f}, "mapped");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 2u);
  EXPECT_EQ(s.AccountLabel(s.source()[0]), "DEUTDEFF:DE001");
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "1250.00");
  EXPECT_EQ(s.string(s.counterparty()[0]), "Miete; Wohnung");
  EXPECT_EQ(s.account(s.source()[1]).kind, NodeKind::kExternal);
  EXPECT_EQ(s.account(s.source()[1]).number, "Arbeitgeber GmbH");
  EXPECT_EQ(s.AccountLabel(s.destination()[1]), "DEUTDEFF:DE001");
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "3000.50");
  EXPECT_NE(s.sources()[0].mapping.find("sha256:"), std::string::npos);
}

TEST_F(IngestTest, MappedEdgeListWithoutHeader) {
  mapping_ = Write("edges.toml", R"(
[format]
delimiter = "space"
header = false
timestamp_format = "epoch"
[columns]
source_account = 1
dest_account = 2
timestamp = 3
[constants]
amount_paid = "1"
currency_paid = "XXX"
)");
  fs::path f = Write("g.txt", "1 2 100\n2 3 200\n3 1 300\n");
  Result<IngestReport> r = Run({f}, "mapped");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 3u);
  EXPECT_EQ(s.time()[2], 300);
  EXPECT_EQ(s.destination()[2], s.source()[0]);
  EXPECT_EQ(s.source_line()[0], 1u);
}

TEST_F(IngestTest, MappingErrorsNameTheFileAndTheProblem) {
  mapping_ = Write("bad.toml", "[columns]\ntimestamp = \"T\"\nwhatever = 3\n");
  fs::path f = Write("x.csv", "T\n1\n");
  Result<IngestReport> r = Run({f}, "mapped");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.toml"), std::string_view::npos);
  EXPECT_NE(r.status().message().find("whatever"), std::string_view::npos);
}

// Property: random rows written as native CSV, ingested and exported, come back identical,
// amounts exactly.
TEST_F(IngestTest, NativeRoundTripOnRandomRows) {
  const uint64_t seed = 424242;
  std::mt19937_64 rng(seed);
  const char* kinds[] = {"account", "cash", "merchant", "external"};
  const char* names[] = {"", "ACME, Inc.", "say \"hi\"", "two\nlines", "Ünïcödé"};
  std::string body = kNativeHeader;
  for (int i = 0; i < 3000; ++i) {
    Timestamp t = 1600000000 + static_cast<Timestamp>(rng() % 100000000);
    auto amount = [&] {
      int scale = static_cast<int>(rng() % 7);
      return FormatDecimal(Decimal{static_cast<int64_t>(rng() % 1000000000000LL),
                                   static_cast<uint8_t>(scale)});
    };
    std::string row = FormatIsoTime(t) + "," + kinds[rng() % 4] + ",0" + std::to_string(rng() % 30) +
                      ",ACC" + std::to_string(rng() % 500) + "," + kinds[rng() % 4] + ",0" +
                      std::to_string(rng() % 30) + ",ACC" + std::to_string(rng() % 500) + "," +
                      amount() + ",USD," + amount() + "," + (rng() % 2 ? "EUR" : "USD") + "," +
                      std::string(ChannelName(static_cast<Channel>(rng() % kChannelCount))) + "," +
                      (rng() % 2 ? "El Paso,TX,US" : ",,") + "," +
                      (rng() % 3 == 0 ? "5411" : "") + ",";
    AppendCsvField(names[rng() % 5], row);
    row += std::string(",") + (rng() % 3 == 0 ? "" : rng() % 2 ? "1" : "0") + "," +
           (rng() % 4 == 0 ? "funnel_account" : "") + "\n";
    body += row;
  }
  fs::path f = Write("rows.csv", body);
  Result<IngestReport> r = Run({f}, "native", 0);
  ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_TRUE(ExportTransactions(s, dir_ / "out.csv", ExportFormat::kNative).ok());
  EXPECT_EQ(*ReadFileToString(dir_ / "out.csv"), body) << "seed " << seed;
}

// Small chunks, with quoted newlines and stray quotes that break the quote-parity split: the
// result must equal a one-chunk ingest, row for row and line for line.
TEST_F(IngestTest, ChunkedParsingEqualsSerialParsingEvenWithStrayQuotes) {
  const uint64_t seed = 77;
  std::mt19937_64 rng(seed);
  std::string body = kNativeHeader;
  for (int i = 0; i < 2000; ++i) {
    std::string counterparty;
    switch (rng() % 5) {
      case 0: counterparty = "\"multi\nline, name\""; break;
      case 1: counterparty = "12\" pipe supply"; break;  // a stray quote: literal
      case 2: counterparty = "\"say \"\"hi\"\"\""; break;
      default: counterparty = "plain"; break;
    }
    body += "2022-09-01T00:00:" + std::to_string(10 + i % 50) + "Z,account,1,A" +
            std::to_string(rng() % 50) + ",account,2,B" + std::to_string(rng() % 50) + "," +
            std::to_string(rng() % 10000) + ".00,USD,,,wire,,,,," + counterparty + ",,\n";
    if (rng() % 97 == 0) body += "2022-09-01,broken row\n";
  }
  fs::path f = Write("q.csv", body);
  auto ingest = [&](const fs::path& dir, size_t chunk_bytes) {
    IngestOptions o;
    o.format = "native";
    o.chunk_bytes = chunk_bytes;
    Result<IngestReport> r = Ingest(dir, {f}, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : IngestReport{};
  };
  IngestReport serial = ingest(dir_ / "serial", 1 << 30);
  IngestReport chunked = ingest(dir_ / "chunked", 997);
  EXPECT_EQ(serial.rows_read, chunked.rows_read) << "seed " << seed;
  EXPECT_EQ(serial.rows_rejected, chunked.rows_rejected) << "seed " << seed;
  EXPECT_GT(serial.rows_rejected, 0u);
  store::Store a = *store::Store::Open(dir_ / "serial");
  store::Store b = *store::Store::Open(dir_ / "chunked");
  ASSERT_EQ(a.transaction_count(), b.transaction_count());
  for (TransactionId t = 0; t < a.transaction_count(); ++t) {
    ASSERT_EQ(a.source_line()[t], b.source_line()[t]) << "seed " << seed << " tx " << t;
    ASSERT_EQ(a.string(a.counterparty()[t]), b.string(b.counterparty()[t])) << "tx " << t;
    ASSERT_EQ(a.AccountLabel(a.source()[t]), b.AccountLabel(b.source()[t]));
  }
  EXPECT_EQ(*ReadFileToString(dir_ / "serial" / a.sources()[0].rejects_file),
            *ReadFileToString(dir_ / "chunked" / b.sources()[0].rejects_file));
}

// The parallel path (cuts at newlines, then quote-parity cuts, then a serial rest; account ids
// looked up on the parsing threads; rows written ahead in batches) against one serial chunk, on many random files: quoted
// fields with newlines and CRLF, doubled quotes, stray quotes, broken rows, an unterminated quote
// at the end, trailing empty lines; chunk sizes down to a few bytes; 1 and 2 threads.
TEST_F(IngestTest, ParallelIngestEqualsSerialOnRandomFiles) {
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    std::mt19937_64 rng(seed);
    const int quoting = static_cast<int>(seed % 4);  // 0: none, 1: newlines, 2: + stray, 3: + end
    const char* eol = rng() % 3 == 0 ? "\r\n" : "\n";
    std::string body = kNativeHeader;
    const int rows = 20 + static_cast<int>(rng() % 300);
    const int accounts = 2 + static_cast<int>(rng() % 40);
    for (int i = 0; i < rows; ++i) {
      std::string counterparty = "plain";
      int kind = static_cast<int>(rng() % 6);
      if (quoting >= 1 && kind == 0) counterparty = std::string("\"multi") + eol + "line, name\"";
      if (quoting >= 1 && kind == 1) counterparty = "\"say \"\"hi\"\"\"";
      if (quoting >= 2 && kind == 2 && rng() % 4 == 0) counterparty = "12\" pipe";
      body += "2022-09-01T00:00:" + std::to_string(10 + i % 50) + "Z,account,1,A" +
              std::to_string(rng() % accounts) + ",account,2,B" +
              std::to_string(rng() % accounts) + "," + std::to_string(rng() % 10000) +
              ".00,USD,,,wire,,,,," + counterparty + ",," + eol;
      if (rng() % 23 == 0) body += std::string("2022-09-01,broken row") + eol;
    }
    if (quoting == 3) body += "2022-09-01T00:00:00Z,account,1,A1,account,2,B2,1.00,USD,,,wire,,,,,\"open";
    if (rng() % 2 == 0) body += std::string(eol) + eol;
    const fs::path f = Write("r" + std::to_string(seed) + ".csv", body);
    auto ingest = [&](const fs::path& dir, size_t chunk_bytes, int threads) {
      IngestOptions o;
      o.format = "native";
      o.chunk_bytes = chunk_bytes;
      o.threads = threads;
      // Small chunkings also write their rows ahead in small batches (SpillPending).
      if (chunk_bytes < 100) o.spill_rows = 1 + chunk_bytes;
      o.max_rejects = 1 << 20;
      Result<IngestReport> r = Ingest(dir, {f}, o);
      EXPECT_TRUE(r.ok()) << "seed " << seed << ": " << r.status().ToString();
    };
    const fs::path serial_dir = dir_ / ("s" + std::to_string(seed));
    ingest(serial_dir, size_t{1} << 30, 1);
    store::Store a = *store::Store::Open(serial_dir);
    const std::string serial_rejects = *ReadFileToString(serial_dir / a.sources()[0].rejects_file);
    EXPECT_EQ(a.sources()[0].sha256, Sha256Hex(body)) << "seed " << seed;
    const std::pair<size_t, int> runs[] = {{1, 2}, {7, 1}, {64 + rng() % 512, 2}};
    for (auto [chunk_bytes, threads] : runs) {
      {
        const fs::path dir = dir_ / ("p" + std::to_string(seed) + "_" +
                                     std::to_string(chunk_bytes) + "_" + std::to_string(threads));
        ingest(dir, chunk_bytes, threads);
        store::Store b = *store::Store::Open(dir);
        const std::string where = "seed " + std::to_string(seed) + " chunk_bytes " +
                                  std::to_string(chunk_bytes) + " threads " +
                                  std::to_string(threads);
        ASSERT_EQ(a.sources()[0].rows_read, b.sources()[0].rows_read) << where;
        ASSERT_EQ(a.sources()[0].rows_rejected, b.sources()[0].rows_rejected) << where;
        EXPECT_EQ(a.sources()[0].sha256, b.sources()[0].sha256) << where;
        ASSERT_EQ(a.transaction_count(), b.transaction_count()) << where;
        ASSERT_EQ(a.account_count(), b.account_count()) << where;
        for (TransactionId t = 0; t < a.transaction_count(); ++t) {
          ASSERT_EQ(a.source_line()[t], b.source_line()[t]) << where << " tx " << t;
          ASSERT_EQ(a.source()[t], b.source()[t]) << where << " tx " << t;
          ASSERT_EQ(a.destination()[t], b.destination()[t]) << where << " tx " << t;
          ASSERT_EQ(a.string(a.counterparty()[t]), b.string(b.counterparty()[t])) << where;
        }
        EXPECT_EQ(serial_rejects, *ReadFileToString(dir / b.sources()[0].rejects_file)) << where;
        // The segments' files are byte-identical (the column files written ahead included).
        size_t files = 0;
        for (const auto& e : fs::recursive_directory_iterator(serial_dir / "segments")) {
          if (!e.is_regular_file()) continue;
          const fs::path rel = fs::relative(e.path(), serial_dir);
          EXPECT_EQ(*ReadFileToString(e.path()), *ReadFileToString(dir / rel)) << where << " " << rel;
          ++files;
        }
        EXPECT_GE(files, 17u) << where;
      }
    }
  }
}

TEST_F(IngestTest, AmlsimStepIsOneDayAndLabelsBecomeAccountAttributes) {
  fs::path tx = Write("transactions.csv", "sourceNodeId,targetNodeId,value,time\n1,2,147.8,1\n2,1,10.00,3\n");
  fs::path nodes = Write("nodes.csv", "nodeid,isFraud,init_balance,fraudStep\n1,1,184.44,-1\n2,0,0.50,-1\n3,0,1,-1\n");
  IngestOptions o;
  o.format = "amlsim";
  o.labels = nodes;
  Result<IngestReport> r = Ingest(store(), {tx}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.time()[0], 86400);
  EXPECT_EQ(s.time()[1], 3 * 86400);
  EXPECT_EQ(s.account_count(), 3u);  // node 3 has no transactions but is known
  AccountId one = *s.FindAccount(NodeKind::kAccount, "amlsim", "1");
  EXPECT_EQ(s.account_attributes(one).label, Label::kLaundering);
  EXPECT_EQ(FormatDecimal(*s.account_attributes(one).opening_balance), "184.44");
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "147.8");
  EXPECT_EQ(s.sources().size(), 2u);
  EXPECT_EQ(s.sources()[1].format, "amlsim-labels");
}

TEST_F(IngestTest, NativeBalancesSetOpeningBalancesAndRejectBadRowsByLineAndField) {
  fs::path tx = Write("tx.csv", std::string(kNativeHeader) +
                                    "2022-09-01T00:00:00Z,account,1,A,account,2,B,1.00,USD,,,wire,,,,,,,\n");
  fs::path balances = Write("balances.csv",
                            "bank,account,currency,balance\n"
                            "1,A,USD,1500.25\n"
                            "2,B,EUR,0.000296\n"
                            "3,C,USD,-5.00\n"
                            "4,D,USD,abc\n"
                            "5,,USD,1\n"
                            "6,F,USD\n");
  IngestOptions o;
  o.format = "native";
  o.balances = balances;
  Result<IngestReport> r = Ingest(store(), {tx}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.sources().size(), 2u);
  const store::SourceRecord& b = s.sources()[1];
  EXPECT_EQ(b.format, "balances");
  EXPECT_EQ(b.rows_read, 6u);
  EXPECT_EQ(b.rows_accepted, 2u);
  EXPECT_EQ(b.rows_rejected, 4u);
  AccountId a = *s.FindAccount(NodeKind::kAccount, "1", "A");
  ASSERT_TRUE(s.account_attributes(a).opening_balance.has_value());
  EXPECT_EQ(FormatDecimal(*s.account_attributes(a).opening_balance), "1500.25");
  EXPECT_EQ(s.currency(s.account_attributes(a).balance_currency), "USD");
  AccountId bb = *s.FindAccount(NodeKind::kAccount, "2", "B");
  EXPECT_EQ(FormatDecimal(*s.account_attributes(bb).opening_balance), "0.000296");
  EXPECT_EQ(s.currency(s.account_attributes(bb).balance_currency), "EUR");
  EXPECT_FALSE(s.FindAccount(NodeKind::kAccount, "3", "C").has_value());
  // The rejects name line, field and value.
  std::vector<std::string> messages;
  for (const RejectedRow& row : r->first_rejects) messages.push_back(row.ToString());
  auto has = [&](const std::string& needle) {
    for (const std::string& m : messages) {
      if (m.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(":4: column 4 balance = '-5.00'")) << messages.size();
  EXPECT_TRUE(has(":5: column 4 balance = 'abc'"));
  EXPECT_TRUE(has(":6: column 2 account = ''"));
  EXPECT_TRUE(has(":7:"));
}

TEST_F(IngestTest, BalancesNeedTheRightHeaderAndAreNotForAmlsim) {
  fs::path tx = Write("tx.csv", std::string(kNativeHeader) +
                                    "2022-09-01T00:00:00Z,account,1,A,account,2,B,1.00,USD,,,wire,,,,,,,\n");
  fs::path wrong = Write("wrong.csv", "bank,account,balance\n1,A,5\n");
  IngestOptions o;
  o.format = "native";
  o.balances = wrong;
  Result<IngestReport> r = Ingest(store(), {tx}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("wrong.csv:1: the header is not 'bank,account,currency,balance'"),
            std::string::npos) << r.status().ToString();
  EXPECT_FALSE(fs::exists(store() / "MANIFEST"));
  o.format = "amlsim";
  r = Ingest(store(), {tx}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--balances"), std::string::npos);
}

}  // namespace
}  // namespace moneytrail

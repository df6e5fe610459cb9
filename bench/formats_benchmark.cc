// Statement format readers (include/moneytrail/formats.h, xlsx.h, pdf.h): entries per second of
// ParseCamt, ParseMt940, ParseOfx (1.x SGML and 2.x XML) and ReadXlsxAsCsv, pages per second of
// ReadPdfAsText (a Chromium-printed statement named by FORMATS_BENCH_PDF: tests/data/pdf/make_pdfs.py
// --bench DIR ROWS writes one), on generated files of realistic entries (a camt.053 Ntry with one TxDtls, parties,
// accounts, agents, remittance and a bank transaction code: ~1.4 KB; an MT940 :61:/:86: pair in
// the German structured form: ~200 bytes). Issue #24's goal: 500,000 entries/s.
// With FORMATS_BENCH_DIR set, the generated files are also written there (camt053.xml,
// statement.sta) for the peer (bench/RESULTS-formats.md: Python's xml.etree on the same file).
#include <benchmark/benchmark.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "moneytrail/file_util.h"
#include "moneytrail/formats.h"
#include "moneytrail/pdf.h"
#include "moneytrail/xlsx.h"

namespace {

std::string Cents(long c) {
  std::string s = std::to_string(c / 100) + "." + (c % 100 < 10 ? "0" : "") + std::to_string(c % 100);
  return s;
}

std::string CamtFile(int entries) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n"
      "  <BkToCstmrStmt>\n    <GrpHdr>\n      <MsgId>BENCH</MsgId>\n    </GrpHdr>\n    <Stmt>\n"
      "      <Id>S1</Id>\n      <Acct>\n        <Id>\n          <IBAN>NL91ABNA0417164300</IBAN>\n"
      "        </Id>\n        <Ccy>EUR</Ccy>\n      </Acct>\n";
  long balance = 0;
  std::string body;
  for (int i = 0; i < entries; ++i) {
    const long c = 100 + (i * 7919L) % 1000000;
    const bool in = i % 3 != 0;
    balance += in ? c : -c;
    const std::string day = "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10);
    body += "      <Ntry>\n        <Amt Ccy=\"EUR\">" + Cents(c) + "</Amt>\n        <CdtDbtInd>" +
            (in ? "CRDT" : "DBIT") + "</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt>\n          <Dt>" + day +
            "</Dt>\n        </BookgDt>\n        <ValDt>\n          <Dt>" + day +
            "</Dt>\n        </ValDt>\n        <AcctSvcrRef>REF" + std::to_string(i) +
            "</AcctSvcrRef>\n        <BkTxCd>\n          <Domn>\n            <Cd>PMNT</Cd>\n            <Fmly>\n"
            "              <Cd>" + (in ? "RCDT" : "ICDT") + "</Cd>\n              <SubFmlyCd>ESCT</SubFmlyCd>\n"
            "            </Fmly>\n          </Domn>\n        </BkTxCd>\n        <NtryDtls>\n          <TxDtls>\n"
            "            <Refs>\n              <EndToEndId>E2E" + std::to_string(i) + "</EndToEndId>\n            </Refs>\n"
            "            <RltdPties>\n              <Dbtr>\n                <Nm>DEBTOR NAME " + std::to_string(i % 500) +
            " GMBH</Nm>\n              </Dbtr>\n              <DbtrAcct>\n                <Id>\n"
            "                  <IBAN>DE" + std::to_string(10000000000L + i) + "</IBAN>\n                </Id>\n"
            "              </DbtrAcct>\n              <Cdtr>\n                <Nm>CREDITOR NAME " + std::to_string(i % 300) +
            " BV</Nm>\n              </Cdtr>\n              <CdtrAcct>\n                <Id>\n"
            "                  <IBAN>NL" + std::to_string(20000000000L + i) + "</IBAN>\n                </Id>\n"
            "              </CdtrAcct>\n            </RltdPties>\n            <RltdAgts>\n              <DbtrAgt>\n"
            "                <FinInstnId>\n                  <BIC>DEUTDEFF</BIC>\n                </FinInstnId>\n"
            "              </DbtrAgt>\n            </RltdAgts>\n            <RmtInf>\n              <Ustrd>INVOICE " +
            std::to_string(i) + " ORDER 4711 PAYMENT FOR GOODS DELIVERED</Ustrd>\n            </RmtInf>\n"
            "          </TxDtls>\n        </NtryDtls>\n      </Ntry>\n";
  }
  auto bal = [](const char* type, long v) {
    return std::string("      <Bal>\n        <Tp>\n          <CdOrPrtry>\n            <Cd>") + type +
           "</Cd>\n          </CdOrPrtry>\n        </Tp>\n        <Amt Ccy=\"EUR\">" + Cents(v < 0 ? -v : v) +
           "</Amt>\n        <CdtDbtInd>" + (v < 0 ? "DBIT" : "CRDT") +
           "</CdtDbtInd>\n        <Dt>\n          <Dt>2024-09-30</Dt>\n        </Dt>\n      </Bal>\n";
  };
  return x + bal("OPBD", 0) + bal("CLBD", balance) + body + "    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n";
}

std::string SwiftAmount(long c) {
  std::string s = Cents(c);
  s[s.size() - 3] = ',';
  return s;
}

std::string Mt940File(int entries) {
  long balance = 0;
  std::string body;
  for (int i = 0; i < entries; ++i) {
    const long c = 100 + (i * 7919L) % 1000000;
    const bool in = i % 3 != 0;
    balance += in ? c : -c;
    const std::string day = "240" + std::to_string(1 + i % 9) + "1" + std::to_string(i % 10);
    body += ":61:" + day + day.substr(2) + (in ? "C" : "D") + SwiftAmount(c) + "NTRFNONREF//B" + std::to_string(i) +
            "\r\n:86:166?00GUTSCHRIFT?20EREF+E2E" + std::to_string(i) + "?21SVWZ+INVOICE " + std::to_string(i) +
            "?30DEUTDEFF?31DE" + std::to_string(10000000000L + i) + "?32DEBTOR NAME " + std::to_string(i % 500) +
            "\r\n";
  }
  return ":20:BENCH\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n:60F:C240101EUR0,00\r\n" + body +
         ":62F:" + (balance < 0 ? "D" : "C") + "240930EUR" + SwiftAmount(balance < 0 ? -balance : balance) + "\r\n-\r\n";
}

void WriteForPeer(const char* name, const std::string& text) {
  if (const char* dir = std::getenv("FORMATS_BENCH_DIR")) std::ofstream(std::string(dir) + "/" + name) << text;
}

void BM_ParseCamt053(benchmark::State& state) {
  const std::string file = CamtFile(static_cast<int>(state.range(0)));
  WriteForPeer("camt053.xml", file);
  for (auto _ : state) {
    auto p = moneytrail::formats::ParseCamt(file, "bench.xml");
    if (!p.ok() || p->statements[0].entries.size() != static_cast<size_t>(state.range(0)) || !p->findings.empty()) {
      state.SkipWithError("camt did not read as generated");
      break;
    }
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.size()));
}
BENCHMARK(BM_ParseCamt053)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ParseMt940(benchmark::State& state) {
  const std::string file = Mt940File(static_cast<int>(state.range(0)));
  WriteForPeer("statement.sta", file);
  for (auto _ : state) {
    auto p = moneytrail::formats::ParseMt940(file, "bench.sta");
    if (!p.ok() || p->statements[0].entries.size() != static_cast<size_t>(state.range(0)) || !p->findings.empty()) {
      state.SkipWithError("MT940 did not read as generated");
      break;
    }
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.size()));
}
BENCHMARK(BM_ParseMt940)->Arg(100000)->Unit(benchmark::kMillisecond);

// A bank download of `entries` STMTTRNs as a consumer bank writes them (TRNTYPE, DTPOSTED with
// a zone, TRNAMT, FITID, NAME, MEMO; ~250 bytes each), OFX 1.02 SGML or 2.2 XML.
std::string OfxFile(int entries, bool xml) {
  auto leaf = [&](const char* tag, const std::string& v) {
    return std::string("<") + tag + ">" + v + (xml ? std::string("</") + tag + ">" : std::string()) + "\n";
  };
  std::string x = xml ? "<?xml version=\"1.0\"?>\n<?OFX OFXHEADER=\"200\" VERSION=\"220\"?>\n"
                      : "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n";
  x += "<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n" + leaf("TRNUID", "1") + "<STMTRS>\n" + leaf("CURDEF", "USD") +
       "<BANKACCTFROM>\n" + leaf("BANKID", "121000248") + leaf("ACCTID", "4455667788") + leaf("ACCTTYPE", "CHECKING") +
       "</BANKACCTFROM>\n<BANKTRANLIST>\n" + leaf("DTSTART", "20240101") + leaf("DTEND", "20241231");
  static const char* kTypes[] = {"DEBIT", "CREDIT", "ATM", "POS", "CHECK", "DIRECTDEP", "XFER"};
  for (int i = 0; i < entries; ++i) {
    const long c = 1 + (i * 7919L) % 250000;
    const bool out = i % 3 != 0;
    x += "<STMTTRN>\n" + leaf("TRNTYPE", kTypes[i % 7]) +
         leaf("DTPOSTED", "2024" + std::string(i % 12 < 9 ? "0" : "") + std::to_string(1 + i % 12) + "15120000.000[-5:EST]") +
         leaf("TRNAMT", (out ? "-" : "") + Cents(c)) + leaf("FITID", "2024" + std::to_string(1000000 + i)) +
         leaf("NAME", "MERCHANT " + std::to_string(i % 997)) +
         leaf("MEMO", "POS PURCHASE CARD 1234 MERCHANT " + std::to_string(i % 997) + " HOUSTON TX") + "</STMTTRN>\n";
  }
  return x + "</BANKTRANLIST>\n<LEDGERBAL>\n" + leaf("BALAMT", "0.00") + leaf("DTASOF", "20241231") +
         "</LEDGERBAL>\n</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n";
}

void BM_ParseOfx(benchmark::State& state) {
  const bool xml = state.range(1) == 1;
  const std::string file = OfxFile(static_cast<int>(state.range(0)), xml);
  WriteForPeer(xml ? "statement2.ofx" : "statement1.ofx", file);
  for (auto _ : state) {
    auto p = moneytrail::formats::ParseOfx(file, "bench.ofx");
    if (!p.ok() || p->statements[0].entries.size() != static_cast<size_t>(state.range(0))) {
      state.SkipWithError("OFX did not read as generated");
      break;
    }
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.size()));
}
BENCHMARK(BM_ParseOfx)->Args({100000, 0})->Args({100000, 1})->Unit(benchmark::kMillisecond);

// A statement workbook of `rows` rows written by libxlsxwriter (date cell, description, amount,
// balance: shared strings, a date style, numbers), read back as CSV text.
std::string XlsxFile(int rows) {
  const char* dir = std::getenv("FORMATS_BENCH_DIR");
  const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/statement.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Statement");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "mm/dd/yyyy");
  worksheet_write_string(ws, 0, 0, "Date", nullptr);
  worksheet_write_string(ws, 0, 1, "Description", nullptr);
  worksheet_write_string(ws, 0, 2, "Amount", nullptr);
  worksheet_write_string(ws, 0, 3, "Balance", nullptr);
  long balance = 0;
  for (int i = 1; i <= rows; ++i) {
    const long c = (1 + (i * 7919L) % 250000) * (i % 3 == 0 ? 1 : -1);
    balance += c;
    lxw_datetime d{2024, 1 + i % 12, 1 + i % 28, 0, 0, 0};
    worksheet_write_datetime(ws, static_cast<lxw_row_t>(i), 0, &d, date);
    worksheet_write_string(ws, static_cast<lxw_row_t>(i), 1, ("POS PURCHASE MERCHANT " + std::to_string(i % 997)).c_str(), nullptr);
    worksheet_write_number(ws, static_cast<lxw_row_t>(i), 2, static_cast<double>(c) / 100, nullptr);
    worksheet_write_number(ws, static_cast<lxw_row_t>(i), 3, static_cast<double>(balance) / 100, nullptr);
  }
  workbook_close(wb);
  auto bytes = moneytrail::ReadFileToString(path);
  return bytes.ok() ? *bytes : std::string();
}

void BM_ReadXlsx(benchmark::State& state) {
  const std::string file = XlsxFile(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto s = moneytrail::formats::ReadXlsxAsCsv(file, "bench.xlsx", {});
    if (!s.ok() || s->rows != static_cast<uint64_t>(state.range(0)) + 1) {
      state.SkipWithError(s.ok() ? "XLSX did not read as generated" : s.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.size()));
}
BENCHMARK(BM_ReadXlsx)->Arg(200000)->Unit(benchmark::kMillisecond);

// A text PDF statement (FORMATS_BENCH_PDF), read with its table header's columns as the ingest
// reads it: items are pages.
// Arg 1: with a statement template of that layout (its colgroup's x-ranges, a row starts at a
// date), as a mapping's [pdf] table would give it.
void BM_ReadPdf(benchmark::State& state) {
  const char* path = std::getenv("FORMATS_BENCH_PDF");
  auto file = moneytrail::ReadFileToString(path != nullptr ? path : "");
  if (path == nullptr || !file.ok()) {
    state.SkipWithError("set FORMATS_BENCH_PDF to a PDF (tests/data/pdf/make_pdfs.py --bench DIR ROWS)");
    return;
  }
  moneytrail::formats::PdfOptions options;
  options.is_header = [](std::string_view line) { return line.substr(0, 17) == "Date,Description,"; };
  moneytrail::formats::PdfTemplate layout;
  layout.columns = {{43.2, 115.2}, {115.2, 352.8}, {352.8, 439.2}, {439.2, 525.6}};
  layout.top = 40, layout.bottom = 740;
  layout.row_start = "^\\d{2}/\\d{2}/\\d{4}$";
  if (state.range(0) == 1) options.layout = &layout;
  uint64_t pages = 0;
  for (auto _ : state) {
    auto t = moneytrail::formats::ReadPdfAsText(*file, "bench.pdf", options);
    if (!t.ok()) {
      state.SkipWithError(t.status().ToString().c_str());
      break;
    }
    pages = t->pages;
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pages));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file->size()));
}
BENCHMARK(BM_ReadPdf)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

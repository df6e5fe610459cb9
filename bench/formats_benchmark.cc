// Statement format readers (include/moneytrail/formats.h): entries per second of ParseCamt and
// ParseMt940 on generated files of realistic entries (a camt.053 Ntry with one TxDtls, parties,
// accounts, agents, remittance and a bank transaction code: ~1.4 KB; an MT940 :61:/:86: pair in
// the German structured form: ~200 bytes). Issue #24's goal: 500,000 entries/s.
// With FORMATS_BENCH_DIR set, the generated files are also written there (camt053.xml,
// statement.sta) for the peer (bench/RESULTS-formats.md: Python's xml.etree on the same file).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "moneytrail/formats.h"

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

}  // namespace

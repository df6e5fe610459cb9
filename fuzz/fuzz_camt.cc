// libFuzzer harness: the camt.052/053/054 (src/formats/camt.cc, docs/format/camt.md) reader, a pure function from bytes to formats::ParsedStatements.
// Besides the sanitizers it checks the reader's promises (include/moneytrail/formats.h): an
// error has a message naming the file; a read file has statements with an account and a
// currency, every text is valid UTF-8 without NUL, every entry cites a line, and the declared
// balance check is exact (a finding exactly when opening + entries != closing).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "moneytrail/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Result<formats::ParsedStatements> p = formats::ParseCamt(bytes, "fuzz.in");
  if (!p.ok()) {
    fuzz::ExpectExplained(p.status(), "ParseCamt failed without a message");
    fuzz::Expect(p.status().message().substr(0, 7) == "fuzz.in", "an error does not name the file");
    return 0;
  }
  fuzz::Expect(!p->statements.empty(), "a read file has no statement");
  size_t closing_breaks = 0;
  for (const formats::Statement& s : p->statements) {
    fuzz::Expect(!s.account.empty(), "a statement without an account");
    fuzz::ExpectCleanText(s.account, "account");
    fuzz::ExpectCleanText(s.currency, "currency");
    DecimalSum sum;
    bool exact = s.opening && s.closing && sum.Add(s.opening->amount).ok();
    for (const formats::Entry& e : s.entries) {
      fuzz::Expect(e.position.line > 0, "an entry cites no line");
      for (std::string_view text : {std::string_view(e.description), std::string_view(e.counterparty_name),
                                    std::string_view(e.counterparty_account), std::string_view(e.counterparty_bank),
                                    std::string_view(e.reference), std::string_view(e.currency)}) {
        fuzz::ExpectCleanText(text, "entry text");
      }
      exact = exact && sum.Add(e.amount).ok();
    }
    if (exact && sum.Subtract(s.closing->amount).ok() && sum.raw_units() != 0) ++closing_breaks;
  }
  size_t closing_findings = 0;
  for (const std::string& f : p->findings) {
    if (f.find("declared closing balance") != std::string::npos) ++closing_findings;
  }
  fuzz::Expect(closing_findings == closing_breaks, "closing-balance findings disagree with the entries");
  return 0;
}

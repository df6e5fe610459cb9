// Shared by the harnesses of the bank statement readers (fuzz_camt, fuzz_mt940, fuzz_bai2, fuzz_ofx): the
// readers' promises (include/moneytrail/formats.h) checked on one result. An error has a message
// naming the file; a read file has statements with an account and a currency, every text is valid
// UTF-8 without NUL, every entry cites a line, and the declared balance check is exact (a finding
// exactly when opening + entries != closing, or the sum leaves the exact range). Header-only:
// only these harnesses link formats.
#ifndef MONEYTRAIL_FUZZ_FORMAT_CHECKS_H_
#define MONEYTRAIL_FUZZ_FORMAT_CHECKS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "moneytrail/formats.h"

namespace moneytrail::fuzz {

// `reader` names the function in failure messages; `file` is the name the input was read under.
inline void ExpectReaderPromises(const Result<formats::ParsedStatements>& p, const std::string& reader,
                                 std::string_view file) {
  if (!p.ok()) {
    ExpectExplained(p.status(), reader + " failed without a message");
    Expect(p.status().message().substr(0, file.size()) == file, "an error does not name the file");
    return;
  }
  Expect(!p->statements.empty(), "a read file has no statement");
  size_t closing_findings = 0;  // expected from CheckDeclaredBalances: breaks and range failures
  for (const formats::Statement& s : p->statements) {
    Expect(!s.account.empty(), "a statement without an account");
    ExpectCleanText(s.account, "account");
    ExpectCleanText(s.currency, "currency");
    DecimalSum sum;
    const bool declared = s.opening && s.closing;
    bool exact = declared && sum.Add(s.opening->amount).ok();
    for (const formats::Entry& e : s.entries) {
      Expect(e.position.line > 0, "an entry cites no line");
      for (std::string_view text : {std::string_view(e.description), std::string_view(e.counterparty_name),
                                    std::string_view(e.counterparty_account), std::string_view(e.counterparty_bank),
                                    std::string_view(e.reference), std::string_view(e.currency)}) {
        ExpectCleanText(text, "entry text");
      }
      exact = exact && sum.Add(e.amount).ok();
    }
    exact = exact && sum.Subtract(s.closing->amount).ok();
    if (declared && (!exact || sum.raw_units() != 0)) ++closing_findings;
  }
  // The reader's balance findings are exactly CheckDeclaredBalances's on its result (matched by
  // whole line: a phrase search would be fooled by an account named "declared closing balance").
  formats::ParsedStatements again;
  again.statements = p->statements;
  formats::CheckDeclaredBalances(std::string(file), again);
  Expect(again.findings.size() == closing_findings, "closing-balance findings disagree with the entries");
  for (const std::string& f : again.findings) {
    bool found = false;
    for (const std::string& g : p->findings) found = found || g == f;
    Expect(found, "a closing-balance finding is missing from the reader's findings");
  }
}

}  // namespace moneytrail::fuzz

#endif  // MONEYTRAIL_FUZZ_FORMAT_CHECKS_H_

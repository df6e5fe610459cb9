// libFuzzer harness: the camt.052/053/054 (src/formats/camt.cc, docs/format/camt.md) reader, a pure function from bytes to formats::ParsedStatements.
// Besides the sanitizers it checks the reader's promises (fuzz/format_checks.h), that the
// entries parsed in windows (as documents above 4 MiB are; here forced, windows of 64 bytes and
// of 1 MiB) give what the whole document gives (the same entries or the same error), and that
// the fast path (FastXmlReader, src/formats/xml_fast.h: the windows, or the whole document)
// gives what pugixml gives: every field of every statement, balance and entry, the findings, or
// the same error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "format_checks.h"
#include "formats/camt_internal.h"
#include "moneytrail/formats.h"

namespace {

using moneytrail::formats::Balance;
using moneytrail::formats::ParsedStatements;

bool SameBalance(const std::optional<Balance>& a, const std::optional<Balance>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->type == b->type && a->amount.units == b->amount.units && a->amount.scale == b->amount.scale &&
                a->day == b->day && a->position.line == b->position.line);
}

// Every field the reader fills.
bool Same(const ParsedStatements& x, const ParsedStatements& y) {
  if (x.variant != y.variant || x.findings != y.findings || x.statements.size() != y.statements.size()) return false;
  for (size_t i = 0; i < x.statements.size(); ++i) {
    const auto& s = x.statements[i];
    const auto& t = y.statements[i];
    if (s.id != t.id || s.account != t.account || s.account_bank != t.account_bank || s.currency != t.currency ||
        s.period_start != t.period_start || s.period_end != t.period_end || s.position.line != t.position.line ||
        !SameBalance(s.opening, t.opening) || !SameBalance(s.closing, t.closing) ||
        s.other_balances.size() != t.other_balances.size() || s.entries.size() != t.entries.size()) {
      return false;
    }
    for (size_t j = 0; j < s.other_balances.size(); ++j) {
      if (!SameBalance(s.other_balances[j], t.other_balances[j])) return false;
    }
    for (size_t j = 0; j < s.entries.size(); ++j) {
      const auto& a = s.entries[j];
      const auto& b = t.entries[j];
      if (a.booking_date != b.booking_date || a.value_date != b.value_date || a.amount.units != b.amount.units ||
          a.amount.scale != b.amount.scale || a.reversal != b.reversal || a.currency != b.currency ||
          a.description != b.description || a.counterparty_name != b.counterparty_name ||
          a.counterparty_account != b.counterparty_account || a.counterparty_bank != b.counterparty_bank ||
          a.reference != b.reference || a.bank_code != b.bank_code || a.channel != b.channel ||
          a.position.line != b.position.line || a.position.column != b.position.column) {
        return false;
      }
    }
  }
  return true;
}

bool Same(const moneytrail::Result<ParsedStatements>& x, const moneytrail::Result<ParsedStatements>& y) {
  if (x.ok() != y.ok()) return false;
  return x.ok() ? Same(*x, *y) : x.status().message() == y.status().message();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Result<formats::ParsedStatements> whole = formats::ParseCamt(bytes, "fuzz.in");
  for (const size_t window_bytes : {size_t{64}, size_t{1} << 20}) {
    const formats_internal::XmlSplit split{"Ntry", 0, window_bytes};
    using formats_internal::CamtFast;
    Result<formats::ParsedStatements> fast = formats_internal::ParseCamtSplit(bytes, "fuzz.in", split, CamtFast::kWindows);
    Result<formats::ParsedStatements> slow = formats_internal::ParseCamtSplit(bytes, "fuzz.in", split, CamtFast::kOff);
    if (!Same(fast, slow)) {
      std::fprintf(stderr, "the fast path and pugixml disagree (windows of %zu bytes)\n", window_bytes);
      std::abort();
    }
    if (!Same(formats_internal::ParseCamtSplit(bytes, "fuzz.in", split, CamtFast::kWhole), slow)) {
      std::fprintf(stderr, "the fast path on the whole document and pugixml disagree\n");
      std::abort();
    }
    if (whole.ok() != fast.ok() || (!whole.ok() && whole.status().message() != fast.status().message())) {
      std::fprintf(stderr, "whole and split disagree on ok or error\n");
      std::abort();
    }
    if (whole.ok()) {
      if (whole->statements.size() != fast->statements.size()) std::abort();
      for (size_t i = 0; i < whole->statements.size(); ++i) {
        const auto& a = whole->statements[i].entries;
        const auto& b = fast->statements[i].entries;
        if (a.size() != b.size()) std::abort();
        for (size_t j = 0; j < a.size(); ++j) {
          if (a[j].amount.units != b[j].amount.units || a[j].description != b[j].description ||
              a[j].position.line != b[j].position.line) {
            std::abort();
          }
        }
      }
    }
  }
  fuzz::ExpectReaderPromises(whole, "ParseCamt", "fuzz.in");
  return 0;
}

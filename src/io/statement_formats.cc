#include "statement_formats.h"

#include <algorithm>

#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/time_format.h"
#include "statement_row.h"
#include "text_checks.h"

namespace moneytrail::io_internal {
namespace {

std::string_view Keep(StatementFile& f, std::string text) {
  if (text.empty()) return {};
  f.arena.push_back(std::move(text));
  return f.arena.back();
}

Decimal Magnitude(Decimal d) { return Decimal{d.units < 0 ? -d.units : d.units, d.scale}; }

// The RowSpec a statement of `format` is read "with": no columns, the statement account, bank
// and currency as constants, the built-in description grammar.
RowSpec FormatSpec(const FormatFile& ff, const formats::Statement& s) {
  RowSpec spec;
  spec.format = std::string(formats::FormatName(ff.format));
  spec.mapping = ff.variant;  // custody names the variant ("camt.053.001.02", "MT940")
  spec.header = false;
  spec.statement = true;
  spec.encoding = ff.variant.find("ISO-8859-1") != std::string::npos ? "iso-8859-1" : "utf-8";
  FieldSource& account = spec.at(Field::kStatementAccount);
  account.has_constant = true;
  account.constant = s.account;
  account.column_name = spec.format;
  FieldSource& bank = spec.at(Field::kStatementBank);
  bank.has_constant = !s.account_bank.empty();
  bank.constant = s.account_bank;
  FieldSource& currency = spec.at(Field::kCurrencyPaid);
  currency.has_constant = true;
  currency.constant = s.currency;
  return spec;
}

uint64_t CountLines(std::string_view text) {
  uint64_t n = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
  return n + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

// The first text field of `e` over kMaxFieldBytes (the ingest's bound on every field), or null.
const std::string* LongestField(const formats::Entry& e) {
  for (const std::string* field : {&e.description, &e.counterparty_name, &e.counterparty_account,
                                   &e.counterparty_bank, &e.reference, &e.currency}) {
    if (field->size() + 9 > kMaxFieldBytes) return field;  // + "REVERSAL "
  }
  return nullptr;
}

// Appends the entries of `s` to `f` as statement rows (or rejects).
void AddEntries(const formats::Statement& s, Timestamp min_time, Timestamp max_time, StatementFile& f) {
  const std::string name = f.path.string();
  const std::string_view own_account = Keep(f, s.account);
  const std::string_view own_bank = Keep(f, s.account_bank);
  for (const formats::Entry& e : s.entries) {
    ++f.rows_read;
    auto reject = [&](std::string field, std::string value, std::string reason) {
      RejectedRow r;
      r.file = name;
      r.line = e.position.line;
      r.column = static_cast<int>(e.position.column);
      r.field = std::move(field);
      r.value = std::move(value);
      r.reason = std::move(reason);
      ++f.lines_rejected;
      BoundReject(r);
      f.rejects.push_back(std::move(r));
    };
    if (e.amount.units == 0) {
      reject("amount", FormatDecimal(e.amount), "is zero: no money moved");
      continue;
    }
    if (e.booking_date < min_time || e.booking_date > max_time) {
      reject("booking_date", FormatIsoTime(e.booking_date), "is outside the plausible time range (--time-range)");
      continue;
    }
    if (const std::string* long_field = LongestField(e); long_field != nullptr) {
      reject("(row)", *long_field, "a field of the entry is longer than " + std::to_string(kMaxFieldBytes) + " bytes");
      continue;
    }
    if (e.position.line > 0xFFFFFFFFull) {
      reject("(row)", "", "beyond line 4,294,967,295");
      continue;
    }
    StagedRow row;
    StatementDetail d;
    const Direction direction = e.amount.units < 0 ? Direction::kDebit : Direction::kCredit;
    std::string description = e.description;
    if (e.reversal) description = "REVERSAL " + description;
    d.description = Keep(f, description);
    d.reference = Keep(f, e.reference);
    SetStatementEnds(own_bank, own_account, Keep(f, e.counterparty_bank), Keep(f, e.counterparty_account),
                     Keep(f, e.counterparty_name), direction, Magnitude(e.amount), f.arena, row, d);
    row.time = e.booking_date;
    row.paid_currency = row.received_currency = Keep(f, e.currency.empty() ? s.currency : e.currency);
    row.channel = e.channel;
    row.line = static_cast<uint32_t>(e.position.line);
    HashEnds(row);
    f.rows.Add(row, d);
  }
}

}  // namespace

bool IsStatementFormatName(std::string_view format) {
  return format == "camt" || format == "mt940" || format == "mt942" || format == "bai2" ||
         format == "ofx" || format == "pacs008" || format == "auto";
}

Result<FormatFile> ReadFormatFile(const std::filesystem::path& path, formats::StatementFormat format,
                                  Timestamp min_time, Timestamp max_time) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return InvalidArgumentError(name + " is a directory");
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  if (file.size() == 0) return InvalidArgumentError(name + " is empty (0 bytes)");
  FormatFile ff;
  ff.format = format == formats::StatementFormat::kUnknown ? formats::SniffFormat(file.view()) : format;
  MT_ASSIGN_OR_RETURN(formats::ParsedStatements parsed,
                      formats::ParseStatements(file.view(), name, ff.format));
  ff.variant = parsed.variant;
  ff.findings = std::move(parsed.findings);
  const std::string sha256 = Sha256Hex(file.view());
  const uint64_t lines = CountLines(file.view());
  for (const formats::Statement& s : parsed.statements) {
    // The statement checks cite each row by its line: two entries on one line (minified XML)
    // could not be told apart in the evidence.
    for (size_t i = 1; i < s.entries.size(); ++i) {
      if (s.entries[i].position.line <= s.entries[i - 1].position.line) {
        return InvalidArgumentError(
            name + ":" + std::to_string(s.entries[i].position.line) +
            ": two entries on one line (minified XML?): each row must cite a line of its own; "
            "pretty-print the file (xmllint --format) and ingest that file");
      }
    }
    auto sf = std::make_unique<StatementFile>();
    sf->path = path;
    sf->spec = FormatSpec(ff, s);
    MT_ASSIGN_OR_RETURN(sf->file, MappedFile::Open(path));
    sf->text = sf->file.view();
    sf->bytes = sf->file.view();
    sf->sha256 = sha256;
    sf->continues_previous = !ff.parts.empty();
    sf->lines = ff.parts.empty() ? lines : 0;  // the file's lines, counted once
    sf->banner.statement_account = s.account;
    if (s.opening) sf->banner.opening_balance = s.opening->amount;
    if (s.closing) sf->banner.closing_balance = s.closing->amount;
    sf->banner.period_start = s.period_start;
    sf->banner.period_end = s.period_end;
    AddEntries(s, min_time, max_time, *sf);
    ff.parts.push_back(std::move(sf));
  }
  return ff;
}

}  // namespace moneytrail::io_internal

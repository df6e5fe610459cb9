#include "generate/statement_writer.h"

#include <fmt/format.h>
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <tuple>

#include "generate/calendar.h"
#include "generate/csv_writer.h"
#include "generate/rng.h"
#include "generate/statement_describe.h"

namespace moneytrail::generate_internal {
namespace {

// One line of the truth: what line `line` of a file is.
enum class LineKind : uint8_t { kBanner, kBlank, kHeader, kRow, kFooter };

struct Entry {       // one transaction on one covered account's ledger
  uint32_t tx = 0;   // index into the collected transactions
  bool debit = false;
  int32_t day = 0;
  int64_t balance = 0;  // after this entry
};

struct StatementFile {
  uint32_t slot = 0;          // covered account
  int32_t first_day = 0, last_day = 0;
  bool download = false;      // an overlapping download, not a statement of the cycle
  uint32_t omit_entry = kNone;  // planted missing_row fault: this entry is not printed
  std::string path;           // relative to statements/
  std::vector<LineKind> kinds;  // per line
  std::vector<uint32_t> entry_of_line;  // per line, kNone unless a row
};

struct Fault {
  std::string kind, file;
  uint32_t slot = 0, line = 0;
  int32_t from = 0, to = 0;
  std::vector<uint64_t> ids;
};

std::string Date(Layout layout, int32_t day) {
  CivilDate d = CivilFromDays(day);
  switch (layout) {
    case Layout::kFirstCoast: return fmt::format("{:02d}/{:02d}/{:04d}", d.month, d.day, d.year);
    case Layout::kPrairie: return fmt::format("{:02d}/{:02d}/{:02d}", d.month, d.day, d.year % 100);
    case Layout::kSonoran: break;
  }
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

std::string IsoDate(int32_t day) { return Date(Layout::kSonoran, day); }

// 2500.00 -> "2,500.00" (magnitude).
std::string Grouped(int64_t cents) {
  uint64_t v = static_cast<uint64_t>(cents < 0 ? -cents : cents);
  const std::string digits = fmt::format("{}", v / 100);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return fmt::format("{}.{:02d}", out, v % 100);
}

// A balance or amount as the layout prints it (negative: money out or an overdrawn balance).
std::string Money(Layout layout, int64_t cents) {
  switch (layout) {
    case Layout::kFirstCoast: return (cents < 0 ? "-$" : "$") + Grouped(cents);
    case Layout::kPrairie: return (cents < 0 ? "-" : "") + Grouped(cents);
    case Layout::kSonoran: break;
  }
  return cents < 0 ? "(" + Grouped(cents) + ")" : Grouped(cents);
}

std::string CsvField(std::string_view s, bool always_quote) {
  if (!always_quote && s.find_first_of(",\"") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvLine(std::initializer_list<std::string_view> fields, bool always_quote) {
  std::string out;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ',';
    first = false;
    out += CsvField(f, always_quote);
  }
  return out;
}

// UTF-8 -> windows-1252 through iconv; one converter for all the files of a run.
class Windows1252 {
 public:
  Windows1252() : cd_(iconv_open("WINDOWS-1252", "UTF-8")) {}
  ~Windows1252() {
    if (ok()) iconv_close(cd_);
  }
  Windows1252(const Windows1252&) = delete;
  Windows1252& operator=(const Windows1252&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  Result<std::string> Convert(const std::string& utf8, const std::string& path) {
    if (!ok()) return IoError("iconv has no UTF-8 to WINDOWS-1252 converter");
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // reset the state
    std::string out(utf8.size(), '\0');  // never longer than its UTF-8
    char* in = const_cast<char*>(utf8.data());
    size_t in_left = utf8.size(), out_left = out.size();
    char* o = out.data();
    if (iconv(cd_, &in, &in_left, &o, &out_left) == static_cast<size_t>(-1)) {
      return InvalidArgumentError(fmt::format("{}: text not representable in windows-1252 at byte {}", path,
                                              utf8.size() - in_left));
    }
    out.resize(out.size() - out_left);
    return out;
  }

 private:
  iconv_t cd_;
};

Status WriteWhole(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return ErrnoError("cannot create " + path, errno);
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return IoError("cannot write " + path);
  return Status::Ok();
}

// The day (days since the epoch) on which the statement cycle containing `day` ends: the next
// day whose day of the month is `cycle_day` (1..28).
int32_t CycleEnd(int32_t day, uint32_t cycle_day) {
  while (CivilFromDays(day).day != cycle_day) ++day;
  return day;
}

}  // namespace

StatementBook::StatementBook(const World& world, const Plan& plan, const generate::GenerateOptions& options)
    : world_(world), options_(options), slot_of_node_(world.nodes().size(), kNone) {
  std::vector<uint8_t> planted(world.account_count(), 0);
  for (const Instance& inst : plan.instances) {
    for (uint32_t node : inst.nodes) {
      if (world.nodes()[node].kind == NodeKind::kAccount) planted[world.nodes()[node].account] = 1;
    }
  }
  uint32_t eligible = 0;
  for (const Account& a : world.accounts()) eligible += a.bank < kLayoutCount;
  const double sample = std::max(0.01, 20.0 / std::max<uint32_t>(eligible, 1));
  for (uint32_t a = 0; a < world.account_count(); ++a) {
    if (world.accounts()[a].bank >= kLayoutCount) continue;
    Rng rng(StreamSeed(options.seed, kDomainStatement, a, 0));
    bool take = planted[a] || options.statements == generate::StatementAccounts::kAll || rng.Bernoulli(sample);
    if (!take) continue;
    slot_of_node_[world.accounts()[a].node] = static_cast<uint32_t>(covered_.size());
    covered_.push_back({a, planted[a] != 0});
  }
}

void StatementBook::Collect(std::span<const Tx> txs, uint64_t first_id) {
  for (size_t i = 0; i < txs.size(); ++i) {
    const Tx& tx = txs[i];
    if (slot_of_node_[tx.source] == kNone && slot_of_node_[tx.dest] == kNone) continue;
    txs_.push_back(tx);
    ids_.push_back(first_id + i);
  }
}

// The state of one Write(): ledgers, files, faults and the line of every copy of a transaction.
struct StatementBook::Run {
  struct Copy {
    uint64_t id;
    uint8_t side;  // 0: the debit (source) side, 1: the credit side
    uint32_t file, line;
  };
  using AddLine = std::function<void(std::string, LineKind, uint32_t)>;

  explicit Run(const StatementBook& book, std::string root)
      : world_(book.world_), options_(book.options_), covered_(book.covered_), slot_of_node_(book.slot_of_node_),
        txs_(book.txs_), ids_(book.ids_), root_(std::move(root)), n_(book.covered_accounts()),
        world_first_(book.world_.params().start_day),
        world_last_(world_first_ + static_cast<int32_t>(book.world_.params().days) - 1) {}

  void BuildLedgers();
  void PlanFiles();
  Status RenderFile(uint32_t fi);
  void AddBanner(const StatementFile& f, Layout layout, const std::string& number, const std::string& holder,
                 int64_t begin, int64_t end, const AddLine& add) const;
  static std::string RowLine(Layout layout, const Entry& entry, const Tx& tx, const LineText& text);
  void NameGapFiles();
  std::string TruthCsv();
  std::string AccountsCsv() const;
  std::string FaultsCsv() const;

  const World& world_;
  const generate::GenerateOptions& options_;
  const std::vector<Covered>& covered_;
  const std::vector<uint32_t>& slot_of_node_;
  const std::vector<Tx>& txs_;
  const std::vector<uint64_t>& ids_;
  const std::string root_;
  const uint32_t n_;
  const int32_t world_first_, world_last_;
  std::vector<std::vector<Entry>> ledger;
  std::vector<int64_t> opening;
  std::vector<StatementFile> files;
  std::vector<Fault> faults;
  std::vector<Copy> copies;
  Windows1252 windows1252_;
};

void StatementBook::Run::BuildLedgers() {
  const uint32_t n = n_;
  ledger.resize(n);
  opening.resize(n);
  // Each covered account's ledger, in world order.
  for (uint32_t t = 0; t < txs_.size(); ++t) {
    const int32_t day = static_cast<int32_t>(txs_[t].time / 86400);
    if (uint32_t s = slot_of_node_[txs_[t].source]; s != kNone) ledger[s].push_back({t, true, day, 0});
    if (uint32_t s = slot_of_node_[txs_[t].dest]; s != kNone) ledger[s].push_back({t, false, day, 0});
  }
  // Opening balance at the world's first day: the account's debits over the whole run rounded up
  // to $100, plus $250-$5,000 drawn per account, so that no balance is ever negative.
  for (uint32_t s = 0; s < n; ++s) {
    Rng rng(StreamSeed(options_.seed, kDomainStatement, covered_[s].account, 1));
    int64_t debits = 0;
    for (const Entry& e : ledger[s]) debits += e.debit ? txs_[e.tx].amount : 0;
    opening[s] = (debits + 9999) / 10000 * 10000 + rng.Between(250, 5000) * 100;
    int64_t balance = opening[s];
    for (Entry& e : ledger[s]) {
      balance += e.debit ? -txs_[e.tx].amount : txs_[e.tx].amount;
      e.balance = balance;
    }
  }
}

// Statement cycles, overlapping downloads and (with --statement-faults) planted faults.
void StatementBook::Run::PlanFiles() {
  const uint32_t n = n_;
  const int32_t world_first = world_first_, world_last = world_last_;
  uint32_t gaps_left = options_.statement_faults ? 2 : 0, breaks_left = options_.statement_faults ? 3 : 0;
  for (uint32_t s = 0; s < n; ++s) {
    Rng rng(StreamSeed(options_.seed, kDomainStatement, covered_[s].account, 2));
    const uint32_t cycle_day = 1 + rng.Below(28);
    const size_t first_file = files.size();
    for (int32_t from = world_first; from <= world_last;) {
      int32_t to = std::min(world_last, CycleEnd(from, cycle_day));
      StatementFile f;
      f.slot = s, f.first_day = from, f.last_day = to;
      files.push_back(f);
      from = to + 1;
    }
    const size_t periods = files.size() - first_file;
    const bool download = rng.Bernoulli(0.25);
    const uint32_t k = 2 + rng.Below(4);
    if (download) {
      StatementFile f;
      f.slot = s, f.download = true, f.last_day = world_last;
      const auto shift = static_cast<int32_t>(k);
      f.first_day = periods >= 2 ? files.back().first_day - shift : world_first + shift;
      f.first_day = std::clamp(f.first_day, world_first, world_last);
      files.push_back(f);
      continue;
    }
    if (gaps_left > 0 && periods >= 2 && files.back().last_day - files.back().first_day >= 2) {
      // A gap: the last statement of the cycle starts 1-2 days late.
      StatementFile& f = files.back();
      const int32_t skipped = 1 + static_cast<int32_t>(rng.Below(2));
      faults.push_back({"gap", "", s, 0, f.first_day, f.first_day + skipped - 1, {}});
      for (const Entry& e : ledger[s]) {
        if (e.day >= f.first_day && e.day < f.first_day + skipped) faults.back().ids.push_back(ids_[e.tx]);
      }
      f.first_day += skipped;
      --gaps_left;
      continue;
    }
    if (breaks_left > 0) {
      // A balance break: one row of a statement is missing; its other end is not covered, so the
      // transaction is in no other file.
      for (size_t fi = first_file; fi < files.size() && breaks_left > 0; ++fi) {
        std::vector<uint32_t> rows;
        for (uint32_t e = 0; e < ledger[s].size(); ++e) {
          const Entry& entry = ledger[s][e];
          if (entry.day < files[fi].first_day || entry.day > files[fi].last_day) continue;
          const Tx& tx = txs_[entry.tx];
          if (slot_of_node_[entry.debit ? tx.dest : tx.source] == kNone) rows.push_back(e);
        }
        if (rows.size() < 3) continue;
        files[fi].omit_entry = rows[1 + rng.Below(static_cast<uint32_t>(rows.size() - 2))];
        const Entry& entry = ledger[s][files[fi].omit_entry];
        faults.push_back({"missing_row", "", s, 0, entry.day, entry.day, {ids_[entry.tx]}});
        --breaks_left;
        break;
      }
    }
  }
}

// Writes files[fi]: banner, header, rows (and footer); records each row's line in `copies` and
// the line where a missing_row fault shows.
Status StatementBook::Run::RenderFile(uint32_t fi) {
  StatementFile& f = files[fi];
  const Covered& c = covered_[f.slot];
  const Account& account = world_.accounts()[c.account];
  const auto layout = static_cast<Layout>(account.bank);
  const std::string number = AccountNumber(c.account);
  f.path = fmt::format("{}/{}_{}_{}{}.csv", LayoutFolder(layout), number, IsoDate(f.first_day), IsoDate(f.last_day),
                       f.download ? "_download" : "");
  // The balance before the period and at its end.
  int64_t begin = opening[f.slot], end = opening[f.slot];
  for (const Entry& e : ledger[f.slot]) {
    if (e.day < f.first_day) begin = e.balance;
    if (e.day <= f.last_day) end = e.balance;
  }
  const std::string holder = PartyName(world_, account.party);
  std::vector<std::string> lines;
  auto add = [&](std::string text, LineKind kind, uint32_t entry = kNone) {
    lines.push_back(std::move(text));
    f.kinds.push_back(kind);
    f.entry_of_line.push_back(entry);
  };
  AddBanner(f, layout, number, holder, begin, end, add);
  int64_t debits = 0, credits = 0;
  for (uint32_t e = 0; e < ledger[f.slot].size(); ++e) {
    const Entry& entry = ledger[f.slot][e];
    if (entry.day < f.first_day || entry.day > f.last_day || e == f.omit_entry) continue;
    const Tx& tx = txs_[entry.tx];
    const LineText text = Describe(world_, layout, tx, ids_[entry.tx], entry.debit, options_.seed);
    const std::string date = Date(layout, entry.day), balance = Money(layout, entry.balance);
    (entry.debit ? debits : credits) += tx.amount;
    std::string line = RowLine(layout, entry, tx, text);
    add(std::move(line), LineKind::kRow, e);
    copies.push_back({ids_[entry.tx], static_cast<uint8_t>(entry.debit ? 0 : 1), fi,
                      static_cast<uint32_t>(lines.size())});
    if (e > f.omit_entry && f.omit_entry != kNone) {
      for (Fault& fault : faults) {
        if (fault.kind == "missing_row" && fault.slot == f.slot && fault.line == 0) {
          fault.line = static_cast<uint32_t>(lines.size());
          fault.file = f.path;
        }
      }
    }
  }
  if (layout == Layout::kSonoran) {
    add(CsvLine({"Total Debits", "", "", "", Money(layout, -debits), ""}, false), LineKind::kFooter);
    add(CsvLine({"Total Credits", "", "", "", Money(layout, credits), ""}, false), LineKind::kFooter);
  }
  std::string text;
  const char* eol = layout == Layout::kPrairie ? "\r\n" : "\n";
  for (const std::string& l : lines) text += l + eol;
  if (layout == Layout::kPrairie) {
    MT_ASSIGN_OR_RETURN(text, windows1252_.Convert(text, root_ + f.path));
  }
  return WriteWhole(root_ + f.path, text);
}

void StatementBook::Run::AddBanner(const StatementFile& f, Layout layout, const std::string& number,
                                   const std::string& holder, int64_t begin, int64_t end, const AddLine& add) const {
  const std::string from = Date(layout, f.first_day), to = Date(layout, f.last_day);
  switch (layout) {
    case Layout::kFirstCoast:
      add("First Coast National Bank", LineKind::kBanner, kNone);
      add(f.download ? "Account Activity Download" : "Account Statement", LineKind::kBanner, kNone);
      add("Account Number: " + number, LineKind::kBanner, kNone);
      add("Account Holder: " + Upper(holder), LineKind::kBanner, kNone);
      add(fmt::format("Statement Period: {} - {}", from, to), LineKind::kBanner, kNone);
      add("Beginning Balance: " + Money(layout, begin), LineKind::kBanner, kNone);
      add("Ending Balance: " + Money(layout, end), LineKind::kBanner, kNone);
      add("", LineKind::kBlank, kNone);
      add("Date,Description,Debit,Credit,Balance", LineKind::kHeader, kNone);
      break;
    case Layout::kPrairie:
      add("Prairie Federal Credit Union", LineKind::kBanner, kNone);
      add(f.download ? "Share Draft Checking - Online Download" : "Member Statement - Share Draft Checking",
          LineKind::kBanner, kNone);
      add("Member Name: " + Accented(holder), LineKind::kBanner, kNone);
      add("Account Number: " + number, LineKind::kBanner, kNone);
      add(fmt::format("Statement Period: {} to {}", from, to), LineKind::kBanner, kNone);
      add("Beginning Balance: " + Money(layout, begin), LineKind::kBanner, kNone);
      add("Ending Balance: " + Money(layout, end), LineKind::kBanner, kNone);
      add("", LineKind::kBlank, kNone);
      add(CsvLine({"Posted Date", "Reference", "Description", "Amount", "CR/DR", "Balance"}, true),
          LineKind::kHeader, kNone);
      break;
    case Layout::kSonoran:
      add("SONORAN COMMUNITY BANK", LineKind::kBanner, kNone);
      add(f.download ? "ACCOUNT HISTORY" : "STATEMENT OF ACCOUNT", LineKind::kBanner, kNone);
      add("Account: " + number, LineKind::kBanner, kNone);
      add("Name: " + Upper(holder), LineKind::kBanner, kNone);
      add(fmt::format("Period: {} through {}", from, to), LineKind::kBanner, kNone);
      add("Opening Balance: " + Money(layout, begin), LineKind::kBanner, kNone);
      add("Closing Balance: " + Money(layout, end), LineKind::kBanner, kNone);
      add("Transaction Date,Check No,Description,Reference,Amount,Balance", LineKind::kHeader, kNone);
      break;
  }
}

std::string StatementBook::Run::RowLine(Layout layout, const Entry& entry, const Tx& tx, const LineText& text) {
  std::string line;
  const std::string date = Date(layout, entry.day), balance = Money(layout, entry.balance);
  switch (layout) {
    case Layout::kFirstCoast: {
      std::string amount = Money(layout, tx.amount);
      line = CsvLine({date, text.description, entry.debit ? amount : "0.00", entry.debit ? "0.00" : amount, balance},
                     false);
      break;
    }
    case Layout::kPrairie:
      line = CsvLine({date, text.reference, text.description, Money(layout, entry.debit ? -tx.amount : tx.amount),
                      entry.debit ? "DR" : "CR", balance},
                     true);
      break;
    case Layout::kSonoran:
      line = CsvLine({date, text.check_number ? fmt::format("{}", text.check_number) : "", text.description,
                      text.reference, Money(layout, entry.debit ? -tx.amount : tx.amount), balance},
                     false);
      break;
  }
  return line;
}

void StatementBook::Run::NameGapFiles() {
  for (Fault& fault : faults) {
    if (fault.kind != "gap") continue;
    for (const StatementFile& f : files) {
      if (f.slot == fault.slot && f.first_day == fault.to + 1 && !f.download) fault.file = f.path;
    }
  }
}

std::string StatementBook::Run::TruthCsv() {
  // The truth: per transaction, its first debit-side line is the original; the other debit-side
  // lines duplicate it; the first credit-side line mirrors it (or is the original when the debit
  // side is not covered); other credit-side lines duplicate the first credit-side line.
  std::sort(copies.begin(), copies.end(), [](const Copy& a, const Copy& b) {
    return std::tie(a.id, a.side, a.file, a.line) < std::tie(b.id, b.side, b.file, b.line);
  });
  struct Role {
    std::string_view kind;
    uint64_t id = 0;
    uint32_t of_file = kNone, of_line = 0;
  };
  std::vector<std::vector<Role>> roles(files.size());
  for (uint32_t fi = 0; fi < files.size(); ++fi) roles[fi].resize(files[fi].kinds.size());
  for (size_t i = 0; i < copies.size();) {
    size_t j = i;
    while (j < copies.size() && copies[j].id == copies[i].id) ++j;
    const Copy* original = nullptr;
    const Copy* side_first = nullptr;
    for (size_t k = i; k < j; ++k) {
      const Copy& c = copies[k];
      Role& r = roles[c.file][c.line - 1];
      r.id = c.id;
      if (k == i || c.side != copies[k - 1].side) {
        side_first = &c;
        if (original == nullptr) {
          original = &c;
          r.kind = "transaction";
        } else {
          r.kind = "mirror", r.of_file = original->file, r.of_line = original->line;
        }
      } else {
        r.kind = "duplicate", r.of_file = side_first->file, r.of_line = side_first->line;
      }
    }
    i = j;
  }
  std::string truth = "file,line,kind,transaction_id,copy_of_file,copy_of_line\n";
  for (uint32_t fi = 0; fi < files.size(); ++fi) {
    const StatementFile& f = files[fi];
    for (uint32_t l = 0; l < f.kinds.size(); ++l) {
      constexpr std::string_view kKindNames[] = {"banner", "blank", "header", "", "footer"};
      const Role& r = roles[fi][l];
      if (f.kinds[l] != LineKind::kRow) {
        truth += fmt::format("{},{},{},,,\n", f.path, l + 1, kKindNames[static_cast<int>(f.kinds[l])]);
      } else if (r.of_file == kNone) {
        truth += fmt::format("{},{},{},{},,\n", f.path, l + 1, r.kind, r.id);
      } else {
        truth += fmt::format("{},{},{},{},{},{}\n", f.path, l + 1, r.kind, r.id, files[r.of_file].path, r.of_line);
      }
    }
  }
  return truth;
}

std::string StatementBook::Run::AccountsCsv() const {
  const uint32_t n = n_;
  const int32_t world_first = world_first_, world_last = world_last_;
  std::string accounts = "bank,account,layout,holder,reason,opening_balance,covered_from,covered_to,files\n";
  std::vector<uint32_t> file_count(n, 0);
  for (const StatementFile& f : files) ++file_count[f.slot];
  for (uint32_t s = 0; s < n; ++s) {
    const Account& account = world_.accounts()[covered_[s].account];
    accounts += fmt::format("{},{},{},{},{},{}.{:02d},{},{},{}\n", world_.bank_id(account.bank),
                            AccountNumber(covered_[s].account), LayoutFolder(static_cast<Layout>(account.bank)),
                            CsvField(PartyName(world_, account.party), false),
                            covered_[s].planted ? "planted"
                            : options_.statements == generate::StatementAccounts::kAll ? "all"
                                                                                       : "sample",
                            opening[s] / 100, opening[s] % 100, IsoDate(world_first), IsoDate(world_last),
                            file_count[s]);
  }
  return accounts;
}

std::string StatementBook::Run::FaultsCsv() const {
  std::string fault_text = "kind,bank,account,file,line,from,to,transaction_ids\n";
  for (const Fault& fault : faults) {
    const uint32_t a = covered_[fault.slot].account;
    std::string ids;
    for (uint64_t id : fault.ids) ids += fmt::format("{}{}", ids.empty() ? "" : " ", id);
    fault_text += fmt::format("{},{},{},{},{},{},{},{}\n", fault.kind, world_.bank_id(world_.accounts()[a].bank),
                              AccountNumber(a), fault.file, fault.line ? fmt::format("{}", fault.line) : "",
                              IsoDate(fault.from), IsoDate(fault.to), ids);
  }
  return fault_text;
}

Status StatementBook::Write(const std::string& out_dir, generate::GenerateSummary& summary) {
  namespace fs = std::filesystem;
  const std::string root = out_dir + "/statements/";
  std::error_code ec;
  for (int l = 0; l < kLayoutCount; ++l) {
    fs::create_directories(root + std::string(LayoutFolder(static_cast<Layout>(l))), ec);
    if (ec) return IoError(fmt::format("cannot create {}: {}", root, ec.message()));
  }
  Run run(*this, root);
  run.BuildLedgers();
  run.PlanFiles();
  for (uint32_t fi = 0; fi < run.files.size(); ++fi) MT_RETURN_IF_ERROR(run.RenderFile(fi));
  run.NameGapFiles();
  MT_RETURN_IF_ERROR(WriteWhole(root + "truth.csv", run.TruthCsv()));
  MT_RETURN_IF_ERROR(WriteWhole(root + "accounts.csv", run.AccountsCsv()));
  MT_RETURN_IF_ERROR(WriteWhole(root + "faults.csv", run.FaultsCsv()));
  summary.statement_accounts = covered_accounts();
  summary.statement_files = run.files.size();
  summary.statement_rows = run.copies.size();
  return Status::Ok();
}

}  // namespace moneytrail::generate_internal

// The SAR-style summary (moneytrail/sar_summary.h). Reads only what the case wrote and the store
// it names; every figure is exact (DecimalSum) and every transaction in the attachment names
// its source file and line.
#include "exports/case_text.h"
#include "moneytrail/sar_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "moneytrail/csv.h"
#include "moneytrail/exports.h"
#include "moneytrail/file_util.h"
#include "moneytrail/money.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct SubjectLine {
  std::string rank, subject, holder, rules, related;
  std::vector<std::string> accounts;
};


Result<std::vector<SubjectLine>> ReadSubjects(const fs::path& path, size_t top) {
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  CsvRecordReader reader(StripBom(text), CsvDialect{});
  std::vector<std::string_view> f;
  if (!reader.Next(f)) return InvalidArgumentError(path.string() + ": empty");
  std::map<std::string, size_t> col;
  for (size_t k = 0; k < f.size(); ++k) col[std::string(f[k])] = k;
  for (const char* need : {"rank", "subject", "holder", "rules", "accounts", "related_parties"}) {
    if (!col.count(need)) {
      return InvalidArgumentError(fmt::format("{}: line 1: no column '{}'", path.string(), need));
    }
  }
  std::vector<SubjectLine> out;
  while (out.size() < top && reader.Next(f)) {
    if (f.size() <= col["related_parties"] || f.size() <= col["accounts"]) continue;
    SubjectLine s{std::string(f[col["rank"]]), Unneutralised(f[col["subject"]]), Unneutralised(f[col["holder"]]),
                  std::string(f[col["rules"]]), std::string(f[col["related_parties"]]),
                  SplitSpaces(f[col["accounts"]])};
    out.push_back(std::move(s));
  }
  if (!reader.status().ok()) {
    return InvalidArgumentError(fmt::format("{}: line {}: {}", path.string(), reader.line(),
                                            reader.status().message()));
  }
  return out;
}

// Exact totals per currency, "12,345.67 USD + 10.00 EUR".
class Totals {
 public:
  Status Add(std::string_view currency, Decimal amount) {
    auto& entry = sums_[std::string(currency)];
    ++entry.first;
    return entry.second.Add(amount);
  }
  uint64_t count() const {
    uint64_t n = 0;
    for (const auto& [c, e] : sums_) n += e.first;
    return n;
  }
  std::string Text() const {
    std::string out;
    for (const auto& [currency, e] : sums_) {
      if (!out.empty()) out += " + ";
      Result<Decimal> v = e.second.value();
      out += (v.ok() ? FormatDecimalGrouped(*v) : e.second.ToString()) + " " + currency;
    }
    return out.empty() ? "nothing" : out;
  }

 private:
  std::map<std::string, std::pair<uint64_t, DecimalSum>> sums_;
};

std::string Wrap(std::string_view text, size_t width, std::string_view indent) {
  std::string out;
  size_t col = 0;
  for (const std::string& w : SplitSpaces(text)) {
    if (col > 0 && col + 1 + w.size() > width) {
      out += "\n";
      col = 0;
    }
    if (col == 0) {
      out += indent;
      col = indent.size();
    } else {
      out += ' ';
      ++col;
    }
    out += w;
    col += w.size();
  }
  return out + "\n";
}

}  // namespace

Result<SarSummary> MakeSarSummary(const fs::path& case_dir, const SarOptions& options) {
  MT_ASSIGN_OR_RETURN(std::string custody_text, ReadFileToString(case_dir / "custody.json"));
  Json custody = Json::parse(custody_text, nullptr, false);
  if (!custody.is_object() || !custody.contains("store") || !custody["store"].is_object() ||
      !custody["store"].contains("dir") || !custody["store"]["dir"].is_string()) {
    return InvalidArgumentError((case_dir / "custody.json").string() +
                                ": key 'store.dir': expected the case's store directory");
  }
  MT_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(custody["store"]["dir"].get<std::string>()));
  MT_ASSIGN_OR_RETURN(std::vector<SubjectLine> subjects,
                      ReadSubjects(case_dir / "subjects.csv", options.top));
  MT_ASSIGN_OR_RETURN(Parties parties, LoadParties(store, {}));

  // The subjects' accounts and transactions.
  std::vector<AccountId> accounts;
  std::map<AccountId, std::string> subject_of;
  std::set<std::string> subject_ids;
  for (const SubjectLine& s : subjects) {
    subject_ids.insert(s.subject);
    for (const std::string& label : s.accounts) {
      const size_t colon = label.find(':');
      if (colon == std::string::npos) continue;
      std::optional<AccountId> a = store.FindAccount(NodeKind::kAccount, std::string_view(label).substr(0, colon),
                                                     std::string_view(label).substr(colon + 1));
      if (!a) continue;
      accounts.push_back(*a);
      subject_of[*a] = s.subject;
    }
  }
  std::vector<TransactionId> txs = TransactionsOf(store, accounts);
  std::stable_sort(txs.begin(), txs.end(), [&](TransactionId a, TransactionId b) {
    return store.time()[a] < store.time()[b];
  });

  // Alerts of the subjects (by entity or account).
  struct Alert {
    std::string start, rule, title, citation, sentence;
  };
  std::vector<Alert> alerts;
  std::map<std::string, std::pair<std::string, std::set<std::string>>> rules;  // rule -> title+citation, subjects
  std::map<std::string, uint64_t> rule_alerts;
  bool smuggling = false;
  MT_ASSIGN_OR_RETURN(std::string alerts_text, ReadFileToString(case_dir / "alerts.jsonl"));
  size_t pos = 0;
  uint64_t line_no = 0;
  while (pos < alerts_text.size()) {
    size_t end = alerts_text.find('\n', pos);
    if (end == std::string::npos) end = alerts_text.size();
    ++line_no;
    std::string_view line(alerts_text.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    Json a = Json::parse(line, nullptr, false);
    if (!a.is_object()) {
      return InvalidArgumentError(fmt::format("{}: line {}: not a JSON object",
                                              (case_dir / "alerts.jsonl").string(), line_no));
    }
    if (a.value("record", std::string()) != "alert") {
      if (a.contains("packs") && a["packs"].is_array()) {
        for (const Json& p : a["packs"]) {
          if (p.is_object() && p.value("id", std::string()).find("smuggling") != std::string::npos) smuggling = true;
        }
      }
      continue;
    }
    std::string who = a.value("entity", std::string());
    bool mine = subject_ids.count(who) > 0;
    if (a.contains("subjects") && a["subjects"].is_array()) {
      for (const Json& s : a["subjects"]) {
        if (!s.is_string()) continue;
        if (subject_ids.count(s.get<std::string>())) mine = true;
        const std::string label = s.get<std::string>();
        for (const auto& [acc, subj] : subject_of) {
          if (store.AccountLabel(acc) == label) mine = true;
        }
      }
    }
    if (!mine) continue;
    Alert al;
    if (a.contains("window") && a["window"].is_object()) al.start = a["window"].value("start", std::string());
    al.rule = a.value("rule_id", std::string());
    al.title = a.value("title", std::string());
    al.citation = a.value("citation", std::string());
    al.sentence = a.value("sentence", std::string());
    if (al.citation.find("FIN-2023-Alert001") != std::string::npos) smuggling = true;
    rules[al.rule].first = al.title + " (" + al.citation + ")";
    rules[al.rule].second.insert(who.empty() ? "" : who);
    ++rule_alerts[al.rule];
    alerts.push_back(std::move(al));
  }
  std::stable_sort(alerts.begin(), alerts.end(),
                   [](const Alert& a, const Alert& b) { return a.start < b.start; });

  std::string t;
  t += "SAR-STYLE CASE SUMMARY - DRAFT FOR THE FILER TO EDIT\n";
  t += "Generated by moneytrail from the case " + fs::absolute(case_dir).lexically_normal().string() +
       "; it files nothing. Verify every statement against the records before use.\n";
  t += fmt::format("Store {} (manifest SHA-256 {}).\n\n", store.dir().string(), store.manifest_sha256());
  if (smuggling) {
    t += "Key term: FIN-2023-HUMANSMUGGLING (FinCEN Alert FIN-2023-Alert001, on human smuggling\n"
         "along the southwest border: FinCEN asks filers to use this key term in the SAR's field 2\n"
         "and in the narrative when the activity is related).\n\n";
  }
  t += "WHO\n";
  for (const SubjectLine& s : subjects) {
    std::vector<std::string> acc_text;
    for (const std::string& a : s.accounts) acc_text.push_back("account " + a);
    t += Wrap(fmt::format("{}. {}{}: {}{}.", s.rank, s.holder.empty() ? "holder unknown" : s.holder,
                          s.holder.empty() || s.subject == s.holder ? "" : " (subject " + s.subject + ")",
                          fmt::join(acc_text, ", "),
                          s.related.empty() ? "" : "; paid by related parties " + s.related),
                  96, "  ");
  }
  // WHAT: channels; WHERE: places and counterparty banks.
  std::map<std::string, Totals> in_by_channel, out_by_channel;
  std::map<std::string, uint64_t> places, banks;
  std::vector<bool> own(store.account_count(), false);
  for (AccountId a : accounts) own[a] = true;
  for (TransactionId x : txs) {
    const bool in = own[store.destination()[x]];
    const std::string channel(ChannelName(static_cast<Channel>(store.channel()[x])));
    const Decimal amount = in ? store.amount_received(x) : store.amount_paid(x);
    const std::string currency(store.currency(in ? store.received_currency()[x] : store.paid_currency()[x]));
    MT_RETURN_IF_ERROR((in ? in_by_channel : out_by_channel)[channel].Add(currency, amount));
    if (store.location()[x] != store::kNoLocation) {
      const store::Location& l = store.location_entry(store.location()[x]);
      std::string place;
      for (uint32_t id : {l.city, l.region, l.country}) {
        if (id == store::kNoString) continue;
        if (!place.empty()) place += ", ";
        place += store.string(id);
      }
      if (!place.empty()) ++places[place];
    }
    const AccountId other = in ? store.source()[x] : store.destination()[x];
    const store::AccountKey& k = store.account(other);
    if (!own[other]) ++banks[std::string(NodeKindName(k.kind)) + " at bank " + k.bank];
  }
  t += "\nWHAT (instruments and channels of the subjects' transactions)\n";
  for (const auto& [channel, totals] : in_by_channel) {
    t += fmt::format("  in,  {}: {} transactions, {}\n", channel, totals.count(), totals.Text());
  }
  for (const auto& [channel, totals] : out_by_channel) {
    t += fmt::format("  out, {}: {} transactions, {}\n", channel, totals.count(), totals.Text());
  }
  t += "\nWHEN\n";
  if (txs.empty()) {
    t += "  The records hold no transaction of these subjects.\n";
  } else {
    t += fmt::format("  From {} to {} ({} transactions).\n", FormatIsoTime(store.time()[txs.front()]).substr(0, 10),
                     FormatIsoTime(store.time()[txs.back()]).substr(0, 10), txs.size());
  }
  t += "\nWHERE (places the records give; counterparties' banks)\n";
  if (places.empty()) t += "  The records give no branch or merchant location.\n";
  for (const auto& [place, n] : places) t += fmt::format("  {}: {} transactions\n", place, n);
  for (const auto& [bank, n] : banks) t += fmt::format("  counterparty {}: {} transactions\n", bank, n);
  t += "\nWHY (red flags, each with the advisory or regulation it encodes)\n";
  if (rules.empty()) t += "  No red-flag alert names these subjects.\n";
  for (const auto& [rule, info] : rules) {
    t += Wrap(fmt::format("{}: {}: {} alert{}.", rule, info.first, rule_alerts[rule],
                          rule_alerts[rule] == 1 ? "" : "s"), 96, "  ");
  }
  t += "\nHOW (where the traced money went, from the case's trails)\n";
  std::error_code ec;
  std::vector<fs::path> trails;
  for (const fs::directory_entry& e : fs::directory_iterator(case_dir / "trails", ec)) trails.push_back(e.path());
  std::sort(trails.begin(), trails.end());
  for (const fs::path& trail : trails) {
    Result<std::string> sched = ReadFileToString(trail / "schedule.csv");
    if (!sched.ok()) continue;
    CsvRecordReader reader(*sched, CsvDialect{});
    std::vector<std::string_view> f;
    if (!reader.Next(f)) continue;
    int disp = -1, cur = -1, amt = -1;
    for (size_t k = 0; k < f.size(); ++k) {
      if (f[k] == "disposition") disp = static_cast<int>(k);
      if (f[k] == "currency") cur = static_cast<int>(k);
      if (f[k] == "traced_amount") amt = static_cast<int>(k);
    }
    if (disp < 0 || cur < 0 || amt < 0) continue;
    std::map<std::string, Totals> by;
    while (reader.Next(f)) {
      if (static_cast<int>(f.size()) <= std::max({disp, cur, amt})) continue;
      Result<Decimal> d = ParseDecimal(f[amt]);
      if (!d.ok()) continue;
      MT_RETURN_IF_ERROR(by[std::string(f[disp])].Add(f[cur], *d));
    }
    std::string parts;
    for (const auto& [disposition, totals] : by) {
      if (!parts.empty()) parts += "; ";
      parts += disposition + ": " + totals.Text();
    }
    t += Wrap(trail.filename().string() + ": " + parts + ".", 96, "  ");
  }
  t += "\nNARRATIVE (chronological)\n";
  for (const Alert& a : alerts) {
    t += Wrap(fmt::format("{}: {} [{}; {}]", a.start.substr(0, 10), a.sentence, a.rule, a.citation), 96, "  ");
  }

  // The attachment: the subjects' transactions, chronological, cut to the limit.
  SarSummary out;
  std::string csv =
      "time,transaction,subject,from_account,from_holder,to_account,to_holder,channel,amount,"
      "currency,counterparty_name,source_file,source_line\n";
  const auto& sources = store.sources();
  for (TransactionId x : txs) {
    const AccountId from = store.source()[x], to = store.destination()[x];
    auto holder = [&](AccountId a) {
      return a < parties.by_account.size() ? parties.by_account[a].name : std::string();
    };
    const std::string subject = subject_of.count(to) ? subject_of[to] : subject_of[from];
    const uint32_t file = store.source_file()[x];
    std::string row = fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{}\n", FormatIsoTime(store.time()[x]), x,
        SpreadsheetCsvField(subject), SpreadsheetCsvField(store.AccountLabel(from)),
        SpreadsheetCsvField(holder(from)), SpreadsheetCsvField(store.AccountLabel(to)),
        SpreadsheetCsvField(holder(to)), ChannelName(static_cast<Channel>(store.channel()[x])),
        FormatDecimal(store.amount_paid(x)), SpreadsheetCsvField(store.currency(store.paid_currency()[x])),
        SpreadsheetCsvField(store.counterparty()[x] != store::kNoString ? store.string(store.counterparty()[x]) : ""),
        SpreadsheetCsvField(file < sources.size() ? sources[file].path : ""), store.source_line()[x]);
    if (out.rows_cut > 0 || csv.size() + row.size() > options.attachment_limit) {
      ++out.rows_cut;
      continue;
    }
    csv += row;
    ++out.attachment_rows;
  }
  t += "\nATTACHMENT\n";
  t += Wrap(fmt::format(
      "sar-transactions.csv: {} transactions of the subjects in chronological order, each with "
      "its source file and line ({} bytes; the limit is {} bytes).{}",
      out.attachment_rows, csv.size(), options.attachment_limit,
      out.rows_cut == 0 ? std::string(" Nothing was cut.")
                        : fmt::format(" {} later transactions were cut to stay within the limit; "
                                      "the case's exhibit packs and exports hold them all.",
                                      out.rows_cut)), 96, "  ");
  out.text = std::move(t);
  out.attachment = std::move(csv);
  return out;
}

}  // namespace moneytrail::exports

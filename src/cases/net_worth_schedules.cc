// The net worth schedules of the case report (net_worth_schedules.h).
#include "net_worth_schedules.h"

#include <fmt/format.h>

#include <set>

#include "moneytrail/file_util.h"
#include "moneytrail/money.h"

namespace moneytrail::cases {

namespace {

std::string Amount(int64_t units, uint8_t scale, const std::string& currency) {
  return FormatDecimalGrouped(Decimal{units, scale}) + " " + currency;
}

std::string Lines(const std::vector<uint64_t>& lines) {
  std::string out;
  for (uint64_t l : lines) out += (out.empty() ? "" : " ") + std::to_string(l);
  return out;
}

}  // namespace

Result<std::vector<NetWorthFile>> LoadNetWorthFiles(
    const std::vector<std::pair<std::string, std::filesystem::path>>& given) {
  std::vector<NetWorthFile> out;
  std::set<std::string> seen;
  for (const auto& [subject, path] : given) {
    const std::string where = fmt::format("--net-worth {}={}", subject, path.string());
    if (subject.empty()) return InvalidArgumentError(where + ": expected SUBJECT=FILE with a subject");
    if (!seen.insert(subject).second) {
      return InvalidArgumentError(where + ": subject " + subject + " is given a net worth file twice");
    }
    NetWorthFile f;
    f.subject = subject;
    f.path = path;
    Result<std::string> bytes = ReadFileToString(path);
    if (!bytes.ok()) return bytes.status().WithContext(where);
    f.sha256 = Sha256Hex(*bytes);
    Result<proof::NetWorthInput> in = proof::ReadNetWorthFile(path);
    if (!in.ok()) return in.status().WithContext(where);
    Result<proof::NetWorthStatement> st = proof::ComputeNetWorth(*in);
    if (!st.ok()) return st.status().WithContext(where);
    f.statement = std::move(*st);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<report::ScheduleView> NetWorthSchedules(const NetWorthFile& file, const std::string& csv) {
  const proof::NetWorthStatement& st = file.statement;
  report::ScheduleView worth;
  worth.title = "Net worth: assets, liabilities and the statement of changes, by year";
  worth.columns = {"Year", "", "Item", "Amount", "File lines"};
  worth.numeric = {false, false, false, true, false};
  for (const proof::NetWorthYear& y : st.years) {
    for (const proof::WorthLine& l : y.lines) {
      worth.rows.push_back({std::to_string(y.year), l.sign == 0 ? "=" : (l.sign > 0 ? "+" : "-"),
                            l.item, Amount(l.amount, st.scale, st.currency), Lines(l.lines)});
    }
  }
  worth.rows_total = worth.rows.size();
  worth.csv = csv;
  worth.note = fmt::format(
      "The net worth method (IRS Internal Revenue Manual 9.5.9; Holland v. United States, 348 U.S. "
      "121 (1954)), computed from the investigator's net worth file {} (SHA-256 {}), not from the "
      "bank records: each line cites the file's lines behind it. The first year is the base "
      "year (opening net worth).",
      file.path.filename().string(), file.sha256);
  report::ScheduleView defence;
  defence.title = "Net worth: the likely defence lines";
  defence.columns = {"Year", "Topic", "What the file establishes", "File lines"};
  defence.numeric = {false, false, false, false};
  for (const proof::NetWorthYear& y : st.years) {
    for (const proof::DefenceLine& d : y.defence) {
      defence.rows.push_back({std::to_string(y.year), d.topic, d.finding, Lines(d.lines)});
    }
  }
  defence.rows_total = defence.rows.size();
  defence.csv = csv;
  defence.note = "Cash on hand, nontaxable sources, loans and gifts: the points a defence raises "
                 "against a net worth computation (IRM 9.5.9.5), and what the file shows on each.";
  return {std::move(worth), std::move(defence)};
}

}  // namespace moneytrail::cases

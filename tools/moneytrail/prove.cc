// `moneytrail prove STORE --subject BANK:ACCT[,...] --from DATE --to DATE
//  --method bank-deposits|source-application [--reported-income AMOUNT] [--assets FILE]
//  --out proof.json [--schedule proof.csv]`: adapter over proof::Prove; and
//  `moneytrail prove --method net-worth --net-worth FILE [--currency USD] --out net_worth.json
//  [--schedule net_worth.csv]`: adapter over proof::ComputeNetWorth (no store needed).
#include <fmt/format.h>

#include <fstream>

#include "moneytrail/file_util.h"
#include "moneytrail/money.h"
#include "moneytrail/net_worth.h"
#include "moneytrail/proof.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store, subject, from, to, method, reported_income, assets, out, schedule;
  std::string net_worth, currency = "USD";
};

// Written beside and renamed into place: a failed run leaves no truncated output.
Status WriteText(const std::string& path, const std::string& text) { return WriteFileAtomically(path, text); }

Result<Timestamp> ParseDate(const std::string& text, bool end_of_day, std::string_view option) {
  std::string t = text.size() == 10 ? text + (end_of_day ? "T23:59:59" : "T00:00:00") : text;
  Result<Timestamp> v = TimeFormat::Iso8601().Parse(t);
  if (!v.ok()) return v.status().WithContext(option);
  return v;
}

// The net worth method reads the investigator's file only (docs/methods-of-proof.md).
Status RunNetWorth(const Options& o) {
  if (o.net_worth.empty()) return InvalidArgumentError("--method net-worth needs --net-worth FILE");
  MT_RETURN_IF_ERROR(cli::CheckOutputs(nullptr, {{"--out", o.out}, {"--schedule", o.schedule}}));
  MT_ASSIGN_OR_RETURN(proof::NetWorthInput in, proof::ReadNetWorthFile(o.net_worth));
  in.currency = o.currency;
  MT_ASSIGN_OR_RETURN(proof::NetWorthStatement st, proof::ComputeNetWorth(in));
  MT_RETURN_IF_ERROR(WriteText(o.out, proof::NetWorthJson(st)));
  if (!o.schedule.empty()) MT_RETURN_IF_ERROR(WriteText(o.schedule, proof::NetWorthCsv(st)));
  for (const proof::NetWorthYear& y : st.years) {
    fmt::print("{}\n", y.year);
    for (const proof::WorthLine& l : y.lines) {
      fmt::print("  {} {:<70} {:>18}\n", l.sign == 0 ? '=' : (l.sign > 0 ? '+' : '-'), l.item,
                 FormatDecimalGrouped(Decimal{l.amount, st.scale}));
    }
    for (const proof::DefenceLine& d : y.defence) fmt::print("  defence: {}: {}\n", d.topic, d.finding);
  }
  return Status::Ok();
}

Status Run(const Options& o) {
  if (o.method == "net-worth") return RunNetWorth(o);
  for (auto [flag, value] : {std::pair{"store", &o.store}, {"--subject", &o.subject},
                             {"--from", &o.from}, {"--to", &o.to}}) {
    if (value->empty()) return InvalidArgumentError(fmt::format("{} is required for --method {}", flag, o.method));
  }
  MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(o.store));
  MT_RETURN_IF_ERROR(cli::CheckOutputs(&s, {{"--out", o.out}, {"--schedule", o.schedule}}));
  proof::ProofOptions options;
  MT_ASSIGN_OR_RETURN(options.method, proof::ParseProofMethod(o.method));
  size_t begin = 0;
  while (begin <= o.subject.size()) {
    size_t end = o.subject.find(',', begin);
    if (end == std::string::npos) end = o.subject.size();
    std::string_view spec(o.subject.data() + begin, end - begin);
    size_t colon = spec.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgumentError(fmt::format("--subject '{}': expected BANK:ACCOUNT", spec));
    }
    auto a = s.FindAccount(NodeKind::kAccount, spec.substr(0, colon), spec.substr(colon + 1));
    if (!a) return NotFoundError(fmt::format("--subject '{}': no such account in the store", spec));
    options.subject.push_back(*a);
    begin = end + 1;
  }
  MT_ASSIGN_OR_RETURN(options.from, ParseDate(o.from, false, "--from"));
  MT_ASSIGN_OR_RETURN(options.to, ParseDate(o.to, true, "--to"));
  // A first pass finds the subject's currency scale for the amounts given on the command line.
  MT_ASSIGN_OR_RETURN(proof::Proof probe, proof::Prove(s, options));
  if (!o.reported_income.empty()) {
    MT_ASSIGN_OR_RETURN(Decimal d, ParseDecimal(o.reported_income));
    if (d.scale > probe.scale) {
      return InvalidArgumentError("--reported-income has more decimals than the currency");
    }
    int64_t units = d.units;
    for (int k = d.scale; k < probe.scale; ++k) units *= 10;
    options.reported_income = units;
  }
  if (!o.assets.empty()) {
    MT_ASSIGN_OR_RETURN(options.outside, proof::ReadOutsideItems(o.assets, probe.scale));
  }
  MT_ASSIGN_OR_RETURN(proof::Proof p, proof::Prove(s, options));
  MT_RETURN_IF_ERROR(WriteText(o.out, proof::ProofJson(p, s, options)));
  if (!o.schedule.empty()) MT_RETURN_IF_ERROR(WriteText(o.schedule, proof::ProofScheduleCsv(p, s)));
  std::string currency(s.currency(p.currency));
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const proof::ScheduleLine& l = p.lines[i];
    fmt::print("{:>3} {} {:<78} {:>18}{}\n", i + 1, l.sign == 0 ? '=' : (l.sign > 0 ? '+' : '-'),
               l.item, FormatDecimalGrouped(Decimal{l.amount, p.scale}), l.review ? "  (review)" : "");
  }
  return Status::Ok();
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory (not for net-worth)");
  app.add_option("--subject", o->subject, "The subject's accounts, BANK:ACCT[,BANK:ACCT...]");
  app.add_option("--from", o->from, "First day of the period (YYYY-MM-DD)");
  app.add_option("--to", o->to, "Last day of the period (YYYY-MM-DD, inclusive)");
  app.add_option("--method", o->method, "bank-deposits, source-application or net-worth")->required();
  app.add_option("--net-worth", o->net_worth,
                 "net-worth: CSV year,kind,description,amount of assets, liabilities and flows");
  app.add_option("--currency", o->currency, "net-worth: the file's currency (a label; default USD)");
  app.add_option("--reported-income", o->reported_income, "Income the subject reported");
  app.add_option("--assets", o->assets, "CSV kind,date,amount,description of outside facts");
  app.add_option("--out", o->out, "proof.json to write")->required();
  app.add_option("--schedule", o->schedule, "Schedule CSV to write");
  run = [o] {
    Status st = Run(*o);
    return st.ok() ? cli::kExitOk : cli::ReportError("prove", st);
  };
}

const moneytrail::cli::VerbRegistration kProve(
    "prove", "Indirect methods of proof: bank deposits, source and application of funds, net worth", Setup);

}  // namespace

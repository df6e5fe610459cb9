#include "report/report_test_util.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace moneytrail::report_test {
namespace {

using report::Money;
using report::TxView;

constexpr Timestamp kDay = 86400;
constexpr Timestamp kStart = 1767225600;  // 2026-01-01T00:00:00Z

Decimal Dec(int64_t units, uint8_t scale) { return Decimal{units, scale}; }

TxView Tx(TransactionId id, Timestamp time, std::string from, std::string to,
          std::string channel, Decimal amount, std::string currency = "USD") {
  TxView tx;
  tx.id = id;
  tx.time = time;
  tx.from = std::move(from);
  tx.to = std::move(to);
  tx.channel = std::move(channel);
  tx.amount = Money{amount, std::move(currency)};
  tx.source = report::SourceRef{0, "transactions.csv", id + 2};
  return tx;
}

report::SubjectView RichSubject() {
  report::SubjectView s;
  s.rank = 1;
  s.account = "022:87EFEA51A";
  s.holder = "Acme Imports & Sons";
  s.kind = "account";
  s.accounts = {"022:87EFEA51A"};
  s.score = 0.9731;
  s.score_basis = "model score (bundled default model)";
  s.reasons = {{"cash deposits just under 10,000.00 in 7 days (+1.20)", 1.2},
               {"fan-in of 14 senders (+0.80)", 0.8},
               {"account age over 5 years (-0.30)", -0.3}};
  s.transactions = 412;
  s.total_in = {{Dec(123456789, 2), "USD"}, {Dec(296, 6), "Bitcoin"}};
  s.total_out = {{Dec(98765400, 2), "USD"}};

  report::AlertView structuring;
  structuring.alert_id = "A-000017";
  structuring.rule_id = "ctr.structuring";
  structuring.title = "Structured cash deposits";
  structuring.citation = "FIN-2014-A008; 31 CFR 1010.313";
  structuring.severity = "high";
  structuring.sentence = "Seven cash deposits of 9,000.00 to 9,900.00 USD within 6 days.";
  structuring.window_start = kStart + 2 * kDay;
  structuring.window_end = kStart + 8 * kDay;
  structuring.figures = {{"deposits", "7"}, {"total", "66,150.00 USD"}};
  structuring.currency = "USD";
  for (TransactionId i = 0; i < 7; ++i) {
    structuring.evidence.push_back(Tx(100 + i, kStart + (2 + i) * kDay + 3600 * i,
                                      "cash:022:ATM-3", s.account, "cash_deposit",
                                      Dec(900000 + 15000 * i, 2)));
  }
  structuring.evidence_total = 9;
  report::AlertView odd;
  odd.alert_id = "A-000018";
  odd.rule_id = "ht.odd<rule>";
  odd.title = "Odd \"quoted\" title & <b>bold</b>";
  odd.severity = "Medium";
  odd.sentence = "It's <img src=x onerror=alert(1)> & done";
  odd.window_start = kStart;
  odd.window_end = kStart + 30 * kDay;
  odd.evidence = {Tx(101, kStart + 3 * kDay + 3600, "cash:022:ATM-3", s.account, "cash_deposit",
                     Dec(915000, 2)),
                  Tx(500, kStart + 12 * kDay, s.account, "BTC:wallet-9", "crypto", Dec(296, 6),
                     "Bitcoin")};
  odd.evidence_total = 2;
  s.alerts = {structuring, odd};
  s.alerts_total = 5;

  report::PatternView cycle;
  cycle.kind = "temporal_cycle";
  cycle.accounts = {s.account, "011:B1", "011:B2", "033:C3"};
  cycle.transactions = {Tx(200, kStart + 10 * kDay, s.account, "011:B1", "wire", Dec(500000, 2)),
                        Tx(201, kStart + 11 * kDay, "011:B1", "011:B2", "wire", Dec(490000, 2)),
                        Tx(202, kStart + 12 * kDay, "011:B2", "033:C3", "ach", Dec(480000, 2)),
                        Tx(203, kStart + 13 * kDay, "033:C3", s.account, "wire", Dec(470000, 2))};
  cycle.first_time = kStart + 10 * kDay;
  cycle.last_time = kStart + 13 * kDay;
  report::PatternView scatter;
  scatter.kind = "scatter_gather";
  scatter.accounts = {"044:SRC", "M1", "M2", "M3", s.account};
  TransactionId id = 300;
  for (const char* mid : {"M1", "M2", "M3"}) {
    scatter.transactions.push_back(
        Tx(id, kStart + 15 * kDay + id, "044:SRC", mid, "wire", Dec(300000, 2)));
    ++id;
  }
  for (const char* mid : {"M1", "M2", "M3"}) {
    scatter.transactions.push_back(
        Tx(id, kStart + 16 * kDay + id, mid, s.account, "wire", Dec(290000, 2)));
    ++id;
  }
  scatter.transactions.push_back(
      Tx(id++, kStart + 16 * kDay + 999, "M1", s.account, "wire", Dec(1000, 2)));
  scatter.first_time = scatter.transactions.front().time;
  scatter.last_time = scatter.transactions.back().time;
  report::PatternView fan;
  fan.kind = "fan_in";
  for (int i = 0; i < 20; ++i) {
    std::string sender = fmt::format("077:SENDER{:02d}", i);
    fan.accounts.push_back(sender);
    fan.transactions.push_back(Tx(400 + i, kStart + 20 * kDay + 600 * i, sender, s.account,
                                  i % 2 ? "money_transmitter" : "wire", Dec(25000 + i, 2)));
  }
  fan.accounts.push_back(s.account);
  fan.first_time = fan.transactions.front().time;
  fan.last_time = fan.transactions.back().time;
  s.patterns = {cycle, scatter, fan};
  s.patterns_total = 4;

  report::TraceView& t = s.trace;
  t.method = "libr";
  t.seeds = "account 022:87EFEA51A";
  t.totals = {{"USD", Dec(1000000, 2), Dec(250000, 2), {{"cash_withdrawal", Dec(700000, 2)},
                                                        {"merchant", Dec(50000, 2)}}, {}},
              {"Bitcoin", Dec(296, 6), Dec(0, 6), {{"external", Dec(296, 6)}}, {}}};
  TxView mexico = Tx(650, kStart + 15 * kDay, "011:B1", "external:BANAMEX:778", "wire",
                     Dec(120000, 2));
  mexico.counterparty = "Banco Azteca; Mexico City, MX";
  t.flows = {{Tx(200, kStart + 10 * kDay, s.account, "011:B1", "wire", Dec(500000, 2)),
              {Dec(500000, 2), "USD"}, 1, "followed"},
             {mexico, {Dec(120000, 2), "USD"}, 2, "cross-border wire to MX (converted USD to MXN)"},
             {Tx(600, kStart + 14 * kDay, "011:B1", "cash:011:ATM-1", "cash_withdrawal",
                 Dec(700000, 2)),
              {Dec(450000, 2), "USD"}, 2, "cash_withdrawal"},
             {Tx(500, kStart + 12 * kDay, s.account, "BTC:wallet-9", "crypto", Dec(296, 6),
                 "Bitcoin"),
              {Dec(296, 6), "Bitcoin"}, 1, "external"}};
  t.flows_total = 17;
  t.payees = {{"Banco Azteca", "Mexico City, MX", "cross-border wire", {Dec(120000, 2), "USD"}, 1}};
  t.payees_total = 1;
  t.holdings = {{"011:B2", {Dec(250000, 2), "USD"}, {Dec(260000, 2), "USD"}, 2}};
  t.holdings_total = 1;
  t.flow_chart_svg = SampleGraphvizSvg();
  t.trail_dir = "trails/01-022-87EFEA51A";

  for (int i = 0; i < 30; ++i) {
    report::TimelineEvent e;
    e.time = kStart + i * kDay / 2;
    e.channel = i % 3 == 0 ? "cash_deposit" : (i % 3 == 1 ? "wire" : "cash_withdrawal");
    e.inflow = i % 3 == 0 || i % 5 == 0;
    e.amount = {Dec(100000 + 37000 * i, 2), "USD"};
    e.id = 700 + i;
    s.timeline.push_back(e);
  }
  s.timeline.push_back({kStart + 12 * kDay, "crypto", false, {Dec(296, 6), "Bitcoin"}, 500});
  s.timeline_total = 44;
  s.shared.push_back({"phone", "9155550142", {"E17", "E<b>bold"}, {"022:87EFEA51B", "0311:AC0110"}});
  s.shared_total = 3;
  return s;
}

}  // namespace

std::string SampleGraphvizSvg() {
  return R"svg(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Generated by graphviz version 2.43.0 (0)
 -->
<svg width="344pt" height="116pt"
 viewBox="0.00 0.00 344.00 116.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 112)">
<title>flow</title>
<polygon fill="white" stroke="transparent" points="-4,4 -4,-112 340,-112 340,4 -4,4"/>
<!-- a -->
<g id="node1" class="node"><title>022:87EFEA51A</title>
<ellipse fill="none" stroke="black" cx="60" cy="-90" rx="58" ry="18"/>
<text text-anchor="middle" x="60" y="-86.3" font-family="Times,serif" font-size="14.00">022:87EFEA51A</text>
</g>
<g id="node2" class="node"><title>011:B1</title>
<ellipse fill="none" stroke="black" cx="280" cy="-90" rx="40" ry="18"/>
<text text-anchor="middle" x="280" y="-86.3" font-family="Times,serif" font-size="14.00">011:B1</text>
</g>
<g id="edge1" class="edge"><title>a&#45;&gt;b</title>
<path fill="none" stroke="black" d="M118,-90C160,-90 200,-90 230,-90"/>
<polygon fill="black" stroke="black" points="230,-93.5 240,-90 230,-86.5 230,-93.5"/>
<text text-anchor="middle" x="180" y="-95" font-family="Times,serif" font-size="14.00">5,000.00 USD</text>
</g>
</g>
</svg>
)svg";
}

report::CaseReportData SampleCase(int subjects) {
  report::CaseReportData d;
  d.title = "Case report: demo-out/store";
  d.generated_at = "2026-03-04T14:05:00Z";
  d.version = "0.1.0";
  d.store_dir = "demo-out/store";
  d.manifest_sha256 = std::string(64, 'a');
  d.transactions = 1234567;
  d.accounts = 4321;
  d.first_time = kStart;
  d.last_time = kStart + 89 * kDay + 3600;
  d.volume = {{Dec(123456789, 2), "USD"}, {Dec(296, 6), "Bitcoin"}};
  d.alerts_total = 57;
  d.alerts_per_rule = {{"ctr.structuring", 40}, {"ht.odd<rule>", 17}};
  d.pattern_instances = 12;
  d.subjects_total = 250;
  d.findings = {"Account 022:87EFEA51A received 7 structured cash deposits.",
                "Money went round a 4-account cycle in 3 days & came back."};

  report::SubjectView rich = RichSubject();
  report::SubjectView empty;
  empty.rank = 2;
  empty.account = "099:EMPTY";
  empty.kind = "account";
  empty.accounts = {"099:EMPTY"};
  empty.score = 0.5;
  report::SubjectView odd = RichSubject();
  odd.rank = 3;
  odd.account = "entity:E-7";
  odd.kind = "entity";
  odd.accounts = {"033:C3", "033:C4"};
  odd.holder = "<script>alert(\"x\")</script> & 'co'";
  odd.score = 0.25;
  odd.patterns.resize(1);
  odd.trace.flow_chart_svg = "<svg><script>alert(1)</script></svg>";
  odd.trace.totals[0].remaining = Dec(250001, 2);  // does not reconcile by 0.01
  // Stored out of rank order: the report must sort them.
  d.subjects = {odd, rich, empty};
  for (int r = 4; r <= subjects; ++r) {
    report::SubjectView more = RichSubject();
    more.rank = static_cast<uint32_t>(r);
    more.account = fmt::format("055:MORE{}", r);
    more.patterns.resize(1);
    more.alerts.resize(1);
    d.subjects.push_back(more);
  }

  d.custody = {{"cases/<odd> & 'name'.csv", std::string(64, 'f'), 123456789, 1000, 998, 2,
                "ibm_aml", "2026-03-04T13:00:00Z"},
               {"kyc.csv", std::string(64, '0'), 2048, 10, 10, 0, "kyc", "2026-03-04T13:00:01Z"}};
  d.configuration = {{"rules", "rules/red_flags.toml"}, {"top", "3"}, {"model", "<default>"}};
  d.outputs = {{"report.html", "this report"}, {"alerts.jsonl", "every alert"}};
  return d;
}

namespace {

bool IsVoid(std::string_view name) {
  static constexpr std::string_view kVoid[] = {"meta", "br", "hr", "img", "input", "link",
                                               "area", "base", "col", "wbr", "source"};
  return std::find(std::begin(kVoid), std::end(kVoid), name) != std::end(kVoid);
}

}  // namespace

std::string TagBalanceError(std::string_view html) {
  std::vector<std::string> open;
  size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    if (html.compare(at, 4, "<!--") == 0) {
      at = html.find("-->", at);
      if (at == std::string_view::npos) return "unclosed comment";
      continue;
    }
    size_t end = html.find('>', at);
    if (end == std::string_view::npos) return fmt::format("unclosed tag at {}", at);
    std::string_view tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.empty() || tag[0] == '!') continue;
    bool closing = tag[0] == '/';
    if (closing) tag.remove_prefix(1);
    size_t name_end = 0;
    while (name_end < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[name_end])) ||
                                     tag[name_end] == '-' || tag[name_end] == ':')) {
      ++name_end;
    }
    std::string name(tag.substr(0, name_end));
    if (name.empty()) return fmt::format("a '<' that opens no tag at {}", at);
    if (closing) {
      if (open.empty() || open.back() != name) {
        return fmt::format("</{}> at {} closes <{}>", name, at, open.empty() ? "" : open.back());
      }
      open.pop_back();
      continue;
    }
    if (tag.back() == '/' || IsVoid(name)) continue;
    if (name == "style") {  // raw text up to </style>
      at = html.find("</style>", at);
      if (at == std::string_view::npos) return "unclosed <style>";
      at += 8;
      continue;
    }
    open.push_back(name);
  }
  if (!open.empty()) return fmt::format("<{}> is never closed", open.back());
  return "";
}

std::vector<std::string> AttributeValues(std::string_view html, std::string_view name) {
  std::vector<std::string> out;
  std::string key = " " + std::string(name) + "=\"";
  for (size_t at = html.find(key); at != std::string_view::npos; at = html.find(key, at + 1)) {
    size_t begin = at + key.size();
    size_t end = html.find('"', begin);
    out.emplace_back(html.substr(begin, end - begin));
  }
  return out;
}

size_t CountOf(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace moneytrail::report_test

// The ranking and the traces: rank, trace (moneytrail/investigation.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "investigation_state.h"
#include "moneytrail/money.h"
#include "moneytrail/trace_report.h"
#include "subject_sections.h"

namespace moneytrail::cases {

namespace {

// A payment is "bulk" (PaymentFact::bulk) when the payee received at least nine tenths of what
// the payer sent: docs/investigate.md, Feeders, says where the fraction came from.
constexpr int kBulkNumerator = 9;
constexpr int kBulkDenominator = 10;

// a >= b, exactly (both non-negative sums of amounts).
bool AtLeast(const DecimalSum& a, const DecimalSum& b) {
  DecimalSum d = a;
  const Result<Decimal> bv = b.value();
  if (!bv.ok() || !d.Subtract(*bv).ok()) return false;
  return d.raw_units() >= 0;
}

std::string SafeName(std::string_view label) {
  std::string out;
  for (char c : label) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
  return out;
}

}  // namespace

Status RunRank(Investigation::State& st) {
  const store::Store& s = *st.store;
  const uint64_t n = s.transaction_count();
  const InvestigateOptions& o = st.o;
  const rules::ScanResult& scan = st.scan;
  const patterns::InstanceSet& instances = st.instances;
  const Scored& scored = st.scored;
  const std::optional<rules::HolderTable>& holders = st.holders;
  const std::optional<HolderNames>& names = st.names;
  std::vector<uint32_t>& subject_of = st.subject_of;
  std::vector<SubjectInfo>& subjects = st.subjects;
  std::vector<int64_t>& top_tx = st.top_tx;
  std::vector<uint64_t>& subject_tx = st.subject_tx;
  std::vector<uint64_t>& flagged_in = st.flagged_in;
  std::vector<uint64_t>& flagged_out = st.flagged_out;
  std::vector<std::vector<uint32_t>>& alerts_of = st.alerts_of;
  std::vector<std::vector<uint32_t>>& patterns_of = st.patterns_of;
  std::set<std::string> excluded;
  for (const Exclusion& e : st.exclusions) excluded.insert(e.alert_id);
  // Subjects: bank accounts with at least one transaction, grouped by entity when an
  // entity map is given.
  std::vector<uint64_t> tx_count(s.account_count(), 0);
  for (uint64_t t = 0; t < n; ++t) {
    ++tx_count[s.source()[t]];
    if (s.destination()[t] != s.source()[t]) ++tx_count[s.destination()[t]];
  }
  subject_of.assign(s.account_count(), kNoSubject);
  subjects.clear();
  {
    std::unordered_map<std::string, uint32_t> entity_subject;
    for (AccountId a = 0; a < s.account_count(); ++a) {
      if (tx_count[a] == 0 || s.account(a).kind != NodeKind::kAccount) continue;
      std::string entity;
      if (!o.entities.empty()) entity = std::string(holders->text(holders->entity(a)));
      if (!entity.empty()) {
        auto [it, fresh] = entity_subject.emplace(entity, static_cast<uint32_t>(subjects.size()));
        if (fresh) {
          SubjectInfo info;
          info.label = entity;
          info.kind = "entity";
          subjects.push_back(std::move(info));
        }
        subject_of[a] = it->second;
        subjects[it->second].accounts.push_back(a);
      } else {
        subject_of[a] = static_cast<uint32_t>(subjects.size());
        SubjectInfo info;
        info.label = s.AccountLabel(a);
        info.kind = "account";
        info.accounts = {a};
        subjects.push_back(std::move(info));
      }
    }
    for (SubjectInfo& info : subjects) {
      if (!names) continue;
      for (AccountId a : info.accounts) {
        info.holder = names->NameOf(s.account(a).bank, s.account(a).number);
        if (!info.holder.empty()) break;
      }
    }
  }
  const size_t subject_count = subjects.size();
  std::vector<double> model_score(subject_count, 0.0);
  top_tx.assign(subject_count, -1);
  subject_tx.assign(subject_count, 0);
  flagged_in.assign(subject_count, 0);
  flagged_out.assign(subject_count, 0);
  for (uint64_t t = 0; t < n; ++t) {
    const uint32_t ss = subject_of[s.source()[t]];
    const uint32_t sd = subject_of[s.destination()[t]];
    for (uint32_t sub : {ss, sd}) {
      if (sub == kNoSubject || !scored.applies) continue;
      const double v = scored.score[t];
      if (top_tx[sub] < 0 || v > model_score[sub]) {
        model_score[sub] = v;
        top_tx[sub] = static_cast<int64_t>(t);
      }
    }
    if (ss != kNoSubject) ++subject_tx[ss];
    if (sd != kNoSubject && sd != ss) ++subject_tx[sd];
    if (ss != sd && scored.applies && scored.flag[t]) {
      if (ss != kNoSubject) ++flagged_out[ss];
      if (sd != kNoSubject) ++flagged_in[sd];
    }
  }
  // Who paid whom among the subjects (the ranking's flow points).
  std::vector<PaymentFact> payments;
  for (uint64_t t = 0; t < n; ++t) {
    const uint32_t ss = subject_of[s.source()[t]];
    const uint32_t sd = subject_of[s.destination()[t]];
    if (ss != kNoSubject && sd != kNoSubject && ss != sd) payments.push_back({ss, sd});
  }
  std::sort(payments.begin(), payments.end(), [](const PaymentFact& x, const PaymentFact& y) {
    return std::tie(x.payer, x.payee) < std::tie(y.payer, y.payee);
  });
  payments.erase(std::unique(payments.begin(), payments.end(),
                             [](const PaymentFact& x, const PaymentFact& y) {
                               return x.payer == y.payer && x.payee == y.payee;
                             }),
                 payments.end());
  // Bulk payments: nearly all (at least kBulkNumerator / kBulkDenominator, nine tenths) of what
  // the payer sent (in some currency, exactly) went to the payee (docs/investigate.md, Feeders).
  {
    std::map<std::pair<uint32_t, uint16_t>, DecimalSum> sent;                 // payer, currency
    std::map<std::tuple<uint32_t, uint32_t, uint16_t>, DecimalSum> sent_to;  // + payee
    for (uint64_t t = 0; t < n; ++t) {
      const uint32_t ss = subject_of[s.source()[t]];
      const uint32_t sd = subject_of[s.destination()[t]];
      if (ss == kNoSubject || ss == sd) continue;
      const uint16_t currency = s.paid_currency()[t];
      const Decimal amount = s.amount_paid(static_cast<TransactionId>(t));
      DecimalSum& all_sent = sent[std::make_pair(ss, currency)];
      MT_RETURN_IF_ERROR(all_sent.Add(amount));
      if (sd == kNoSubject) continue;
      DecimalSum& to_payee = sent_to[std::make_tuple(ss, sd, currency)];
      MT_RETURN_IF_ERROR(to_payee.Add(amount));
    }
    for (const auto& [key, part] : sent_to) {
      const auto& [payer, payee, currency] = key;
      const DecimalSum& whole = sent.at(std::make_pair(payer, currency));
      // part * kBulkDenominator >= whole * kBulkNumerator, in exact sums (overflow: an error).
      DecimalSum scaled_part, scaled_whole;
      MT_ASSIGN_OR_RETURN(const Decimal part_value, part.value());
      MT_ASSIGN_OR_RETURN(const Decimal whole_value, whole.value());
      for (int k = 0; k < kBulkDenominator; ++k) MT_RETURN_IF_ERROR(scaled_part.Add(part_value));
      for (int k = 0; k < kBulkNumerator; ++k) MT_RETURN_IF_ERROR(scaled_whole.Add(whole_value));
      if (!AtLeast(scaled_part, scaled_whole)) continue;
      auto it = std::lower_bound(payments.begin(), payments.end(), PaymentFact{payer, payee},
                                 [](const PaymentFact& x, const PaymentFact& y) {
                                   return std::tie(x.payer, x.payee) < std::tie(y.payer, y.payee);
                                 });
      if (it != payments.end() && it->payer == payer && it->payee == payee) it->bulk = true;
    }
  }
  // Distinct counterparties per subject (the last key before the index): (subject, account)
  // pairs across its boundary.
  std::vector<uint64_t> counterparties(subject_count, 0);
  {
    std::vector<std::pair<uint32_t, AccountId>> ends;
    for (uint64_t t = 0; t < n; ++t) {
      const AccountId src = s.source()[t], dst = s.destination()[t];
      const uint32_t ss = subject_of[src], sd = subject_of[dst];
      if (ss == sd) continue;
      if (ss != kNoSubject) ends.emplace_back(ss, dst);
      if (sd != kNoSubject) ends.emplace_back(sd, src);
    }
    std::sort(ends.begin(), ends.end());
    ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
    for (const auto& [sub, other] : ends) ++counterparties[sub];
  }
  std::vector<AlertFact> alert_facts;
  alerts_of.assign(subject_count, {});
  for (size_t i = 0; i < scan.alerts.size(); ++i) {
    const rules::Alert& a = scan.alerts[i];
    if (excluded.count(a.alert_id) != 0) continue;  // a manual exclusion: not evidence
    AlertFact f;
    f.rule_id = a.rule_id;
    f.severity = a.severity;
    for (AccountId acc : a.subjects) {
      uint32_t sub = acc < subject_of.size() ? subject_of[acc] : kNoSubject;
      if (sub == kNoSubject) continue;
      if (std::find(f.subjects.begin(), f.subjects.end(), sub) != f.subjects.end()) continue;
      f.subjects.push_back(sub);
      alerts_of[sub].push_back(static_cast<uint32_t>(i));
    }
    // Payers whose payments into a named subject are evidence (the related-party rule).
    for (const rules::EvidenceItem& e : a.evidence) {
      if (e.transaction >= n) continue;
      const uint32_t from = subject_of[s.source()[e.transaction]];
      const uint32_t to = subject_of[s.destination()[e.transaction]];
      for (uint32_t end : {from, to}) {
        if (end != kNoSubject) f.evidence.push_back({end, e.transaction});
      }
      if (from == kNoSubject || to == kNoSubject || from == to) continue;
      if (std::find(f.subjects.begin(), f.subjects.end(), to) == f.subjects.end()) continue;
      f.payers.push_back(from);
    }
    alert_facts.push_back(std::move(f));
  }
  std::vector<PatternFact> pattern_facts;
  patterns_of.assign(subject_count, {});
  for (size_t i = 0; i < instances.instances.size(); ++i) {
    PatternFact f;
    const patterns::PatternInstance& inst = instances.instances[i];
    f.kind = static_cast<uint8_t>(inst.kind);
    // A fan is evidence about its hub, not about each of the many who paid or were paid by it.
    std::vector<AccountId> evidence_about(1, inst.hub);
    if (inst.hub == kNoAccount) evidence_about = inst.accounts;
    for (AccountId acc : evidence_about) {
      uint32_t sub = subject_of[acc];
      if (sub == kNoSubject) continue;
      if (std::find(f.subjects.begin(), f.subjects.end(), sub) != f.subjects.end()) continue;
      f.subjects.push_back(sub);
      patterns_of[sub].push_back(static_cast<uint32_t>(i));
    }
    pattern_facts.push_back(std::move(f));
  }
  std::vector<ModelFact> model_facts(subject_count);
  for (size_t k = 0; k < subject_count; ++k) {
    // The calibrated probability of its top transaction; 0 (no model input) when the model
    // does not apply.
    model_facts[k].top_score =
        top_tx[k] < 0 ? 0.0 : scored.probability[static_cast<size_t>(top_tx[k])];
    model_facts[k].flagged = flagged_in[k] + flagged_out[k];
  }
  st.ranking =
      RankSubjects(subject_count, model_facts, alert_facts, pattern_facts, subject_tx, payments,
                   counterparties);
  st.top = std::min(o.top, st.ranking.ranked.size());
  return Status::Ok();
}


Status RunTrace(Investigation::State& st) {
  const store::Store& s = *st.store;
  const uint64_t n = s.transaction_count();
  const InvestigateOptions& o = st.o;
  const ViewMaker& views = *st.views;
  const rules::ScanResult& scan = st.scan;
  const Scored& scored = st.scored;
  const std::vector<uint32_t>& subject_of = st.subject_of;
  const std::vector<SubjectInfo>& subjects = st.subjects;
  const std::vector<std::vector<uint32_t>>& alerts_of = st.alerts_of;
  const std::vector<SubjectScore>& ranked = st.ranking.ranked;
  const size_t top = st.top;
  // The proceeds that reached each top subject, forward, with LIBR.
  MT_ASSIGN_OR_RETURN(trace::Ledger built, trace::Ledger::FromStore(s));
  st.ledger = std::make_unique<trace::Ledger>(std::move(built));
  const trace::Ledger& ledger = *st.ledger;
  std::vector<SubjectTrace>& traces = st.traces;
  traces.assign(top, {});
  trace::TraceOptions combined;
  combined.method = trace::Method::kLowestIntermediateBalance;
  combined.max_hops = o.trace_hops;
  for (size_t r = 0; r < top; ++r) {
    st.Progress(static_cast<double>(r) / static_cast<double>(top + 1));
    const uint32_t sub = ranked[r].subject;
    const SubjectInfo& info = subjects[sub];
    SubjectTrace& st = traces[r];
    st.options.method = trace::Method::kLowestIntermediateBalance;
    st.options.max_hops = o.trace_hops;
    // Seeds: the suspicious money that came in: evidence of its alerts and transactions the
    // model flags, received by the subject.
    auto inflow = [&](TransactionId t) {
      return subject_of[s.destination()[t]] == sub && subject_of[s.source()[t]] != sub;
    };
    std::set<TransactionId> seeds;
    for (uint32_t ai : alerts_of[sub]) {
      for (const rules::EvidenceItem& e : scan.alerts[ai].evidence) {
        if (inflow(e.transaction)) seeds.insert(e.transaction);
      }
    }
    for (uint64_t t = 0; t < n; ++t) {
      if (scored.applies && scored.flag[t] && inflow(static_cast<TransactionId>(t))) {
        seeds.insert(static_cast<TransactionId>(t));
      }
    }
    const std::string& label = info.label;
    if (seeds.empty()) {
      st.options.seed_accounts = info.accounts;
      st.seeds = fmt::format("{} {} (all it held and received: no flagged inflow)", info.kind, label);
      combined.seed_accounts.insert(combined.seed_accounts.end(), info.accounts.begin(),
                                    info.accounts.end());
    } else {
      st.options.seed_transactions.assign(seeds.begin(), seeds.end());
      st.seeds = fmt::format("{} flagged inflow{} of {} {}", seeds.size(),
                             seeds.size() == 1 ? "" : "s", info.kind, label);
      combined.seed_transactions.insert(combined.seed_transactions.end(), seeds.begin(),
                                        seeds.end());
    }
    Result<trace::Trail> trail = trace::TraceForward(ledger, st.options);
    if (!trail.ok()) return trail.status().WithContext("trace " + label);
    MT_RETURN_IF_ERROR(trail->Reconcile());
    st.trail = std::move(*trail);
    st.dir = fmt::format("trails/{:02d}-{}", r + 1, SafeName(label));
  }
  std::sort(combined.seed_transactions.begin(), combined.seed_transactions.end());
  combined.seed_transactions.erase(
      std::unique(combined.seed_transactions.begin(), combined.seed_transactions.end()),
      combined.seed_transactions.end());
  std::sort(combined.seed_accounts.begin(), combined.seed_accounts.end());
  Result<trace::Trail> combined_trail = trace::TraceForward(ledger, combined);
  if (!combined_trail.ok()) return combined_trail.status().WithContext("trace (all subjects)");
  MT_RETURN_IF_ERROR(combined_trail->Reconcile());
  {
    report::TraceView all;  // the exits of all subjects together, in words, for the findings
    all.totals = TotalsView(s, ledger, *combined_trail);
    DescribeExits(views, ledger, *combined_trail, all);
    st.traced = std::move(all.totals);
  }
  return Status::Ok();
}

}  // namespace moneytrail::cases

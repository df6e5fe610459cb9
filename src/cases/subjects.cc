#include "subjects.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "moneytrail/check.h"

namespace moneytrail::cases {

uint32_t SeverityPoints(std::string_view severity) {
  if (severity == "high") return 8;
  if (severity == "medium") return 4;
  if (severity == "low") return 2;
  if (severity == "report") return 1;
  return 2;
}

std::string_view EvidenceTierText(EvidenceTier tier) {
  switch (tier) {
    case EvidenceTier::kStrong:
      return "high-severity red flag, or a typology pattern with a medium or high red flag";
    case EvidenceTier::kModerate:
      return "medium or low red flag, or a typology pattern";
    case EvidenceTier::kReportOnly:
      return "reporting obligation only (CTR)";
    case EvidenceTier::kModelOnly:
      return "model flags only";
    case EvidenceTier::kNone:
      return "nothing against it";
  }
  return "?";
}

namespace {

double ClampProbability(double p) {
  if (std::isnan(p) || p < 0) return 0;
  return std::min(p, 1.0);
}

EvidenceTier TierOf(bool any_high, bool any_medium_or_high, bool any_medium_or_low, bool any_alert,
                    uint64_t patterns, uint64_t flagged) {
  if (any_high || (patterns > 0 && any_medium_or_high)) return EvidenceTier::kStrong;
  if (any_medium_or_low || patterns > 0) return EvidenceTier::kModerate;
  if (any_alert) return EvidenceTier::kReportOnly;
  if (flagged > 0) return EvidenceTier::kModelOnly;
  return EvidenceTier::kNone;
}

bool Before(const SubjectScore& a, const SubjectScore& b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  if (a.RanksAfterItsTier() != b.RanksAfterItsTier()) return !a.RanksAfterItsTier();
  if (a.rule_points != b.rule_points) return a.rule_points > b.rule_points;
  if (a.high_rules != b.high_rules) return a.high_rules > b.high_rules;
  if (a.flow_points != b.flow_points) return a.flow_points > b.flow_points;
  if (a.pattern_points != b.pattern_points) return a.pattern_points > b.pattern_points;
  if (a.report_points != b.report_points) return a.report_points > b.report_points;
  if (a.model_probability != b.model_probability) return a.model_probability > b.model_probability;
  if (a.counterparties != b.counterparties) return a.counterparties > b.counterparties;
  return a.subject < b.subject;
}

std::string Displayed(double p, int digits) { return fmt::format("{:.{}f}", p, digits); }

}  // namespace

RankedSubjects RankSubjects(size_t subject_count, std::span<const ModelFact> model,
                            std::span<const AlertFact> alerts,
                            std::span<const PatternFact> patterns,
                            std::span<const uint64_t> transactions,
                            std::span<const PaymentFact> payments,
                            std::span<const uint64_t> counterparties) {
  MT_CHECK(model.size() == subject_count);
  MT_CHECK(transactions.empty() || transactions.size() == subject_count);
  MT_CHECK(counterparties.empty() || counterparties.size() == subject_count);
  std::vector<SubjectScore> all(subject_count);
  // Per subject: rule id -> highest severity points; pattern kind -> instances.
  std::vector<std::map<std::string, uint32_t>> best(subject_count);
  // Per subject: rule id -> its distinct evidence transactions (the incidental test).
  std::vector<std::map<std::string, std::vector<uint64_t>>> evidence(subject_count);
  std::vector<std::map<uint8_t, uint64_t>> kinds(subject_count);
  std::vector<uint8_t> any_alert(subject_count, 0);
  for (const AlertFact& a : alerts) {
    const uint32_t points = SeverityPoints(a.severity);
    for (uint32_t s : a.subjects) {
      MT_CHECK(s < subject_count);
      ++all[s].alerts;
      any_alert[s] = 1;
      uint32_t& b = best[s][a.rule_id];
      b = std::max(b, points);
    }
    for (const EvidenceFact& e : a.evidence) {
      MT_CHECK(e.subject < subject_count);
      if (std::find(a.subjects.begin(), a.subjects.end(), e.subject) == a.subjects.end()) continue;
      evidence[e.subject][a.rule_id].push_back(e.transaction);
    }
  }
  // Kinds found on more than a tenth of the subjects describe the data, not a scheme: they are
  // shown but are not evidence.
  RankedSubjects out;
  {
    std::map<uint8_t, std::vector<uint32_t>> subjects_of_kind;
    for (const PatternFact& p : patterns) {
      for (uint32_t s : p.subjects) {
        MT_CHECK(s < subject_count);
        subjects_of_kind[p.kind].push_back(s);
      }
    }
    for (auto& [kind, list] : subjects_of_kind) {
      std::sort(list.begin(), list.end());
      const uint64_t with = static_cast<uint64_t>(std::unique(list.begin(), list.end()) - list.begin());
      if (with * kCommonPatternDivisor > subject_count) out.common_kinds.push_back(kind);
    }
  }
  auto common = [&](uint8_t kind) {
    return std::find(out.common_kinds.begin(), out.common_kinds.end(), kind) != out.common_kinds.end();
  };
  for (const PatternFact& p : patterns) {
    for (uint32_t s : p.subjects) {
      ++all[s].patterns;
      if (!common(p.kind)) ++kinds[s][p.kind];
    }
  }
  std::vector<uint8_t> flagged(subject_count, 0);  // a medium or high rule, not incidental
  // Per subject: the rules that count medium or high for it (after the incidental test).
  std::vector<std::vector<std::string>> strong_rules(subject_count);
  for (uint32_t s = 0; s < subject_count; ++s) {
    SubjectScore& r = all[s];
    r.subject = s;
    r.model_probability = ClampProbability(model[s].top_score);
    r.counterparties = counterparties.empty() ? 0 : counterparties[s];
    r.flagged = model[s].flagged;
    bool any_medium_or_low = false, any_medium_or_high = false;
    const uint64_t n = transactions.empty() ? 0 : transactions[s];
    for (const auto& [rule, severity_points] : best[s]) {
      r.rules.push_back(rule);
      uint32_t points = severity_points;
      if (n > 0 && points > SeverityPoints("low")) {
        std::vector<uint64_t>& ev = evidence[s][rule];
        std::sort(ev.begin(), ev.end());
        const uint64_t distinct =
            static_cast<uint64_t>(std::unique(ev.begin(), ev.end()) - ev.begin());
        if (distinct * kIncidentalDivisor < n) {
          points = SeverityPoints("low");
          r.incidental_rules.push_back(rule);
        }
      }
      if (points == SeverityPoints("report")) {
        ++r.report_points;
      } else {
        r.rule_points += points;
      }
      r.high_rules += points == SeverityPoints("high");
      any_medium_or_low |= points == SeverityPoints("medium") || points == SeverityPoints("low");
      any_medium_or_high |= points >= SeverityPoints("medium");
      if (points >= SeverityPoints("medium")) strong_rules[s].push_back(rule);
    }
    for (const auto& [kind, count] : kinds[s]) {
      ++r.pattern_kinds;
      r.pattern_points += static_cast<uint32_t>(std::bit_width(count));
    }
    r.tier = TierOf(r.high_rules > 0, any_medium_or_high, any_medium_or_low, any_alert[s] != 0,
                    r.pattern_kinds, r.flagged);
    flagged[s] = any_medium_or_high;
  }
  // Flow points: distinct flagged payers. Bulk payers with any evidence of their own (an alert,
  // a pattern or model flags: own tier up to kModelOnly) for the collection accounts.
  std::vector<std::vector<uint32_t>> payers_of(subject_count);
  std::vector<std::vector<uint32_t>> bulk_payers(subject_count);
  for (const PaymentFact& p : payments) {
    MT_CHECK(p.payer < subject_count && p.payee < subject_count);
    if (p.payer == p.payee) continue;
    if (p.bulk && all[p.payer].tier <= EvidenceTier::kModelOnly) bulk_payers[p.payee].push_back(p.payer);
    if (!flagged[p.payer]) continue;
    payers_of[p.payee].push_back(p.payer);
  }
  // A collection account: at least kConduitMinPayers subjects with evidence of their own send it
  // the bulk of their money, at least one of them with a medium or high red flag; each flagged
  // one is its feeder (its conduit).
  for (uint32_t g = 0; g < subject_count; ++g) {
    std::vector<uint32_t>& b = bulk_payers[g];
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    if (b.size() < kConduitMinPayers) continue;
    std::vector<uint32_t>& c = all[g].conduits;
    for (uint32_t p : b) {
      if (flagged[p]) c.push_back(p);
    }
    for (uint32_t p : c) all[p].feeds.push_back(g);
  }
  for (uint32_t s = 0; s < subject_count; ++s) {
    std::vector<uint32_t>& list = payers_of[s];
    std::sort(list.begin(), list.end());
    all[s].flagged_payers =
        static_cast<uint32_t>(std::unique(list.begin(), list.end()) - list.begin());
    all[s].flow_points = static_cast<uint32_t>(std::bit_width(all[s].flagged_payers));
  }
  // Feeders: the scheme is ranked by the account its flagged money gathers in.
  for (uint32_t g = 0; g < subject_count; ++g) {
    if (!flagged[g]) continue;
    for (uint32_t p : payers_of[g]) {  // flagged payers (a unique prefix, then leftovers)
      if (all[p].rule_points <= all[g].rule_points &&
          all[p].flagged_payers < all[g].flagged_payers) {
        all[p].feeds.push_back(g);
      }
    }
  }
  for (uint32_t s = 0; s < subject_count; ++s) {
    std::vector<uint32_t>& f = all[s].feeds;
    std::sort(f.begin(), f.end());
    f.erase(std::unique(f.begin(), f.end()), f.end());
  }
  // A collection account is ranked with the evidence of its strongest flagged sender when that
  // is stronger than its own (tier, then rule points, then high rules, from the senders' own
  // keys: one step only): the scheme's red flags count once, where its money gathers, and the
  // senders rank after their tier as its feeders.
  {
    struct Keys {
      EvidenceTier tier;
      uint32_t rule_points, high_rules;
    };
    auto stronger = [](const Keys& x, const Keys& y) {
      if (x.tier != y.tier) return x.tier < y.tier;
      if (x.rule_points != y.rule_points) return x.rule_points > y.rule_points;
      return x.high_rules > y.high_rules;
    };
    std::vector<Keys> own(subject_count);
    for (uint32_t s = 0; s < subject_count; ++s) {
      own[s] = {all[s].tier, all[s].rule_points, all[s].high_rules};
    }
    for (uint32_t s = 0; s < subject_count; ++s) {
      Keys best = own[s];
      for (uint32_t p : all[s].conduits) {
        if (stronger(own[p], best)) best = own[p];
      }
      all[s].tier = best.tier;
      all[s].rule_points = best.rule_points;
      all[s].high_rules = best.high_rules;
    }
  }
  // Secondary parties of shared alerts: every red-flag alert naming P also names G, and G has a
  // medium or high rule (for G) from an alert that does not name P.
  {
    std::vector<std::vector<const AlertFact*>> red_flags_of(subject_count);
    for (const AlertFact& a : alerts) {
      if (a.severity == "report") continue;
      for (uint32_t s : a.subjects) red_flags_of[s].push_back(&a);
    }
    auto names = [](const AlertFact& a, uint32_t s) {
      return std::find(a.subjects.begin(), a.subjects.end(), s) != a.subjects.end();
    };
    for (uint32_t p = 0; p < subject_count; ++p) {
      if (!flagged[p] || red_flags_of[p].empty()) continue;
      std::vector<uint32_t> shared = red_flags_of[p].front()->subjects;  // named by all of them
      std::sort(shared.begin(), shared.end());
      shared.erase(std::unique(shared.begin(), shared.end()), shared.end());
      std::erase_if(shared, [&](uint32_t g) {
        if (g == p) return true;
        for (const AlertFact* a : red_flags_of[p]) {
          if (!names(*a, g)) return true;
        }
        return false;
      });
      for (uint32_t g : shared) {
        bool independent = false;  // a medium or high rule of G from an alert without P
        for (const AlertFact* a : red_flags_of[g]) {
          if (names(*a, p)) continue;
          const std::vector<std::string>& strong = strong_rules[g];
          independent |= std::find(strong.begin(), strong.end(), a->rule_id) != strong.end();
        }
        if (independent) all[p].secondary_to.push_back(g);
      }
    }
  }
  // Related parties: no alert of their own, no pattern, and a payer of an alert with many payers.
  std::vector<uint8_t> related(subject_count, 0);
  for (const AlertFact& a : alerts) {
    std::vector<uint32_t> payers = a.payers;
    std::sort(payers.begin(), payers.end());
    payers.erase(std::unique(payers.begin(), payers.end()), payers.end());
    std::erase_if(payers, [&](uint32_t p) {
      return std::find(a.subjects.begin(), a.subjects.end(), p) != a.subjects.end();
    });
    if (payers.size() < kRelatedPartyMinPayers) continue;
    for (uint32_t p : payers) {
      MT_CHECK(p < subject_count);
      if (any_alert[p] || all[p].patterns > 0) continue;
      related[p] = 1;
      for (uint32_t named : a.subjects) all[named].related.push_back(p);
    }
  }
  for (uint32_t s = 0; s < subject_count; ++s) {
    std::vector<uint32_t>& list = all[s].related;
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    if (related[s]) out.related_parties.push_back(s);
  }
  for (uint32_t s = 0; s < subject_count; ++s) {
    if (!related[s]) out.ranked.push_back(std::move(all[s]));
  }
  std::sort(out.ranked.begin(), out.ranked.end(), Before);
  for (size_t i = 1; i < out.ranked.size(); ++i) {
    const SubjectScore& p = out.ranked[i - 1];
    SubjectScore& c = out.ranked[i];
    c.tied_with_previous = p.tier == c.tier && p.RanksAfterItsTier() == c.RanksAfterItsTier() &&
                           p.rule_points == c.rule_points &&
                           p.high_rules == c.high_rules &&
                           p.flow_points == c.flow_points &&
                           p.pattern_points == c.pattern_points &&
                           p.report_points == c.report_points &&
                           Displayed(p.model_probability, kModelMaxDigits) ==
                               Displayed(c.model_probability, kModelMaxDigits);
  }
  return out;
}

std::vector<std::string> DisplayedProbabilities(std::span<const double> probabilities,
                                                std::span<const uint64_t> ranks) {
  MT_CHECK(ranks.size() == probabilities.size());
  const size_t n = probabilities.size();
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double p = probabilities[i];
    if (std::isnan(p)) {
      out.emplace_back(1, '-');
      continue;
    }
    int digits = kModelDigits;
    for (; digits < kModelMaxDigits; ++digits) {
      const std::string mine = Displayed(p, digits);
      bool apart = true;
      for (size_t j = 0; j < n && apart; ++j) {
        apart = j == i || std::isnan(probabilities[j]) || Displayed(probabilities[j], digits) != mine;
      }
      if (apart) break;
    }
    std::string shown = Displayed(p, digits);
    if (digits == kModelMaxDigits) {
      for (size_t j = 0; j < i; ++j) {
        if (!std::isnan(probabilities[j]) && Displayed(probabilities[j], digits) == shown) {
          shown += fmt::format(" (= #{})", ranks[j]);
          break;
        }
      }
    }
    out.push_back(std::move(shown));
  }
  return out;
}

}  // namespace moneytrail::cases

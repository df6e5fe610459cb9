// Ranking subjects for a human look (docs/investigate.md, Ranking). Pure functions over plain
// inputs, so tests can check them against a brute-force restatement.
//
// The order is lexicographic, so each step can be defended on its own: the evidence tier first
// (a high-severity red flag, or a typology pattern together with a medium or high red flag,
// before low alerts and patterns alone, before reporting obligations such as CTRs, before model
// flags alone), feeders (flagged accounts that pass money on to a more flagged account where it
// gathers, e.g. structuring smurfs) and secondary parties (flagged only by alerts they share
// with a subject that has evidence of its own) after the rest of their tier, then the red-flag evidence (distinct rules weighted by severity), then money
// gathered from other flagged subjects, then the pattern evidence (instances by kind), then
// reporting obligations (CTRs), and the model's probability only to break ties. Volume (how
// many transactions the model flags) never moves a subject. A rule whose evidence is a sliver
// of a busy subject's transactions (under a tenth: "incidental") counts as low severity.
//
//   std::vector<ModelFact> model = {{0.99, 500}, {0.10, 0}};     // a busy shop, a quiet account
//   std::vector<AlertFact> alerts = {{{1}, "ST-STRUCT", "high", {}, {}}};
//   RankedSubjects r = RankSubjects(2, model, alerts, {});
//   // r.ranked[0].subject == 1 (tier 1), r.ranked[1].subject == 0 (tier 4: model only)
#ifndef MONEYTRAIL_CASES_SUBJECTS_H_
#define MONEYTRAIL_CASES_SUBJECTS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moneytrail::cases {

// The rule points of one distinct rule at this severity: "high" 8, "medium" 4, "low" 2,
// "report" 1 (reporting obligations such as CTRs), anything else 2 (as low).
uint32_t SeverityPoints(std::string_view severity);

// Sort key of a severity, most severe first (alerts in the report): the same as SeverityPoints.
inline uint32_t SeverityOrder(std::string_view severity) { return SeverityPoints(severity); }

// Evidence tiers, strongest first (docs/investigate.md, Ranking).
enum class EvidenceTier : uint8_t {
  kStrong = 1,     // a high-severity alert, or a pattern instance with a medium or high alert
  kModerate = 2,   // a medium or low alert, or a pattern instance
  kReportOnly = 3, // only reporting-obligation alerts (severity "report": CTRs)
  kModelOnly = 4,  // only transactions the model flags
  kNone = 5,       // nothing against it
};

// "high-severity red flag, or a typology pattern with a medium or high red flag", ...: the tier
// in words.
std::string_view EvidenceTierText(EvidenceTier tier);

// One evidence transaction of an alert that a named subject sent or received.
struct EvidenceFact {
  uint32_t subject = 0;      // a subject the alert names (others are ignored)
  uint64_t transaction = 0;  // transaction id
};

// What the ranking knows of one alert.
struct AlertFact {
  std::vector<uint32_t> subjects;  // subject indices it names
  std::string rule_id;
  std::string severity;
  // Subjects (other than those named) whose payments into a named subject are evidence of the
  // alert: the payers of a fee collector, for example. Duplicates are ignored.
  std::vector<uint32_t> payers;
  // Its evidence transactions per named subject (for the incidental test). Duplicates, across
  // this and other alerts of the same rule, count once.
  std::vector<EvidenceFact> evidence;
};

// What the ranking knows of one pattern instance.
struct PatternFact {
  std::vector<uint32_t> subjects;  // subject indices it involves
  uint8_t kind = 0;                // patterns::PatternKind, as a number
};

// The model's view of one subject.
struct ModelFact {
  double top_score = 0;   // largest score of its transactions (NaN or negative: 0; above 1: 1)
  uint64_t flagged = 0;   // its transactions (across its boundary) the model flags
};

// An alert's payers become related parties, not subjects, when the alert has at least this
// many distinct payers ("one of many small payers").
inline constexpr size_t kRelatedPartyMinPayers = 3;

// A subject P is a feeder of a subject G when P has a medium or high red flag (after the
// incidental test), P paid G, and either (a) G has a medium or high red flag too, at least P's
// rule points and more distinct flagged payers than P has: P's flagged money moves on into an
// account at least as flagged where more such money gathers; or (b) G is a collection account:
// at least kConduitMinPayers subjects with evidence of their own (own tier kModelOnly or
// stronger: an alert, a pattern or model flags), at least one of them with a medium or high red
// flag, each send G the bulk of their money (PaymentFact::bulk: nearly all of what they
// sent); the flagged ones among them are its feeders. G is then ranked with the evidence keys
// (tier, rule points, high rules) of the strongest of those flagged payers (their own keys) when
// stronger than its own: the scheme's red flags count once, where its money gathers
// (structuring smurfs sweeping their deposits to a controller with no flag of its own;
// docs/investigate.md, "Feeders"). A business with more red flags than the account it pays a few wages into is not
// its feeder; a flagged account forwarding its money alone is not one.
inline constexpr size_t kConduitMinPayers = 2;
// A rule is incidental for a subject when the distinct evidence transactions of its alerts that
// the subject sent or received, times kIncidentalDivisor, are fewer than the subject's
// transactions (under a tenth of them). An incidental rule counts at most as "low" (2 points,
// never tier 1); a "report" rule stays 1. docs/investigate.md says where the tenth came from.
inline constexpr uint64_t kIncidentalDivisor = 10;

// A pattern kind with instances on more than 1/kCommonPatternDivisor of the subjects (kind
// found on more than a tenth of them) is common in this data: its instances are shown but give
// no pattern points and no tier (on whole-day data, gather-scatter marks about half of AMLSim's
// accounts; docs/investigate.md says where the tenth came from).
inline constexpr uint64_t kCommonPatternDivisor = 10;

struct SubjectScore {
  uint32_t subject = 0;  // index
  // tier, rule_points and high_rules: its own, or for a collection account (non-empty conduits)
  // those of its strongest conduit when stronger (tier, then rule points, then high rules).
  EvidenceTier tier = EvidenceTier::kNone;
  // Sum over the distinct red-flag rules (highest severity above "report") with an alert naming
  // it of SeverityPoints at the rule's highest severity, 2 ("low") for an incidental rule.
  uint32_t rule_points = 0;
  // bit_width(flagged_payers): 1 payer 1 point, 2-3 two, 4-7 three, ...
  uint32_t flow_points = 0;
  // Distinct other subjects that paid it and have a medium or high rule (after the incidental
  // test): the account their money gathers in.
  uint32_t flagged_payers = 0;
  // The subjects it is a feeder of (see above), ascending: non-empty makes it a feeder, ranked
  // after the subjects of its tier that are not feeders.
  std::vector<uint32_t> feeds;
  // When it is a collection account (feeders by (b)): the flagged subjects that send it the bulk
  // of their money, ascending (it is ranked with the strongest of their keys, if stronger than
  // its own); else empty.
  std::vector<uint32_t> conduits;
  // A secondary party of a shared alert: it has a medium or high red flag, every red-flag alert
  // (severity other than "report") naming it also names G, and G has a medium or high rule (for
  // G, after the incidental test) from an alert that does not name it. The alert describes the
  // pair; G carries evidence of its own and it carries none: a wage-collection account of a
  // trafficking business named with the business on ST-WAGES-ONE-ACCOUNT. Ascending; non-empty
  // ranks it after the subjects of its tier that are neither feeders nor secondary.
  std::vector<uint32_t> secondary_to;
  // A feeder or a secondary party: ranked after the other subjects of its tier.
  bool RanksAfterItsTier() const { return !feeds.empty() || !secondary_to.empty(); }
  // Distinct "report" rules (CTRs) with an alert naming it: an obligation, ranked after patterns.
  uint32_t report_points = 0;
  // Sum over the pattern kinds it takes part in, except common kinds (kCommonPatternDivisor),
  // of bit_width(instances of that kind):
  // 1 instance 1 point, 2-3 two, 4-7 three, ... (each kind is evidence; repeats add slowly).
  uint32_t pattern_points = 0;
  double model_probability = 0;  // its largest transaction score, clamped to [0, 1]
  // Distinct other subjects and outside counterparties it paid or was paid by: orders subjects
  // equal on every other key (instead of the index), never evidence, never shown as a
  // difference (equal keys above stay a tie).
  uint64_t counterparties = 0;
  uint64_t flagged = 0;          // shown, never ranked on
  uint64_t alerts = 0;
  uint64_t patterns = 0;        // instances it takes part in, of any kind
  uint32_t pattern_kinds = 0;   // kinds that count (not common) with an instance
  std::vector<std::string> rules;  // distinct rule ids hit, sorted
  uint32_t high_rules = 0;         // of which at high severity (not incidental)
  // Rules above low severity counted as low because they are incidental, sorted.
  std::vector<std::string> incidental_rules;
  // Subjects listed as its related parties (payers into it of an alert naming it), ascending.
  std::vector<uint32_t> related;
  // Same tier, ranked after its tier or not, rule points, high rules, flow, pattern and report
  // points and model probability at the finest displayed precision (kModelMaxDigits decimals)
  // as the subject ranked just before it: shown as a tie.
  bool tied_with_previous = false;
};

// The model probability is shown with kModelDigits decimals, or with up to kModelMaxDigits
// where that is what tells two listed subjects apart (DisplayedProbabilities).
inline constexpr int kModelDigits = 4;
inline constexpr int kModelMaxDigits = 6;

// The model probabilities of a shown list of subjects (in rank order; ranks[i] is the rank of
// probabilities[i]) as the report and the summary display them (docs/investigate.md, "The
// displayed score"): each with kModelDigits decimals, or with the fewest more decimals, up to
// kModelMaxDigits, that make it differ from every other value of the list. A value equal to an
// earlier one's at kModelMaxDigits decimals (typically the same transaction, the top one of
// both subjects) is shown at kModelMaxDigits followed by " (= #R)", R that earlier subject's
// rank, so that the two entries still read differently and the equality is said. NaN (no model
// input): "-". The digits past the fourth only tell listed subjects apart; they are not a claim of
// accuracy. REQUIRES: ranks.size() == probabilities.size().
std::vector<std::string> DisplayedProbabilities(std::span<const double> probabilities,
                                                std::span<const uint64_t> ranks);

struct RankedSubjects {
  // The subjects in rank order: by tier ascending, then subjects that are neither feeders nor
  // secondary parties before those that are (RanksAfterItsTier), then
  // descending rule points, high rules,
  // flow points, pattern points, report points, model probability and counterparties, then
  // index ascending (deterministic). High rules after rule points: two medium rules tie one high rule on
  // points, and the high rule goes first, so the model never decides between them.
  std::vector<SubjectScore> ranked;
  // Subjects not ranked because their only evidence is paying, among at least
  // kRelatedPartyMinPayers payers, into a subject named by an alert (no alert names them and no
  // pattern instance involves them), ascending. Each appears in the `related` of every
  // subject it is a related party of.
  std::vector<uint32_t> related_parties;
  // Pattern kinds (PatternFact::kind) common in this input (kCommonPatternDivisor), ascending:
  // not counted as evidence.
  std::vector<uint8_t> common_kinds;
};

// One payment (or many) from one subject to another.
struct PaymentFact {
  uint32_t payer = 0;
  uint32_t payee = 0;
  // Nearly all (the caller's threshold: investigate uses nine tenths) of the money the payer
  // sent (in some currency) went to the payee: the payer's money moves on into the payee (a
  // conduit; see Feeders).
  bool bulk = false;
};

// Scores every subject (0..subject_count-1) and ranks them. `transactions[s]` is how many
// transactions subject s sent or received; empty (or 0 for a subject) means unknown, and then no
// rule is incidental for it. `payments`: who paid whom (duplicates and self-payments ignored),
// for the flow points. `counterparties[s]`: distinct counterparties of s (the last key before
// the index; empty: all 0). A pattern instance counts for every subject in its `subjects` (the
// caller names only a fan's hub). REQUIRES: model.size() == subject_count; transactions and
// counterparties empty or of size subject_count; every index in the facts < subject_count.
RankedSubjects RankSubjects(size_t subject_count, std::span<const ModelFact> model,
                            std::span<const AlertFact> alerts,
                            std::span<const PatternFact> patterns,
                            std::span<const uint64_t> transactions = {},
                            std::span<const PaymentFact> payments = {},
                            std::span<const uint64_t> counterparties = {});

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_SUBJECTS_H_

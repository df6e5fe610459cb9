// Red-flag rules (issue 5): declarative TOML rule packs (docs/rules.md) evaluated over a store,
// producing alerts that name their rule, citation, subject accounts, window, evidence
// transactions (with source file and line) and a plain-English sentence.
//
// Example:
//   MT_ASSIGN_OR_RETURN(rules::RulePack pack, rules::RulePack::Load("rules/smuggling-trafficking.toml"));
//   MT_ASSIGN_OR_RETURN(store::Store store, store::Store::Open("case.store"));
//   MT_ASSIGN_OR_RETURN(rules::HolderTable holders, rules::HolderTable::LoadGenerated(store, "world/"));
//   MT_RETURN_IF_ERROR(holders.AttachEntities("entities.csv"));  // optional: per-entity rules
//   rules::ScanOptions options;
//   options.holders = &holders;                    // optional: rules on KYC facts need it
//   const rules::RulePack* packs[] = {&pack};
//   MT_ASSIGN_OR_RETURN(rules::ScanResult result, rules::Scan(store, packs, options));
//   for (const rules::Alert& a : result.alerts) out << rules::AlertJsonLine(store, a) << "\n";
//
// Determinism: the same store, packs, holders and parameters give the same alerts in the same
// order with the same ids, whatever the thread count.
#ifndef MONEYTRAIL_RULES_H_
#define MONEYTRAIL_RULES_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "moneytrail/transaction.h"

namespace moneytrail::rules {

namespace rules_internal {
struct CompiledPack;
}

// What a rule says about itself, for listings and outputs.
struct RuleInfo {
  std::string id;
  std::string title;
  std::string citation;
  std::string description;
  // Parameters with their effective values as written in TOML (after overrides).
  std::vector<std::pair<std::string, std::string>> params;
  bool needs_holders = false;  // uses KYC facts (party kind, industry, home city, phone, address)
};

// A parsed and validated rule pack. Move-only; immutable after Load/Parse.
class RulePack {
 public:
  // Parameter overrides: "RULE_ID.param" -> TOML value text (e.g. "ST-CTR.threshold" -> "9000.00").
  using Overrides = std::map<std::string, std::string>;

  // Reads and compiles a pack. InvalidArgument names the file, the rule and the key on any
  // error (unknown key, wrong type, unknown list or parameter, bad template placeholder).
  static Result<RulePack> Load(const std::filesystem::path& path, const Overrides& overrides = {});
  // The same from text; `origin` names it in messages.
  static Result<RulePack> Parse(std::string_view toml_text, std::string_view origin,
                                const Overrides& overrides = {});

  RulePack(RulePack&&) noexcept;
  RulePack& operator=(RulePack&&) noexcept;
  ~RulePack();

  const std::string& id() const;
  const std::string& origin() const;
  // SHA-256 (hex) of the pack's text.
  const std::string& sha256() const;
  std::vector<RuleInfo> rules() const;

  const rules_internal::CompiledPack& compiled() const { return *pack_; }

 private:
  explicit RulePack(std::unique_ptr<rules_internal::CompiledPack> pack);
  std::unique_ptr<rules_internal::CompiledPack> pack_;
};

enum class PartyKind : uint8_t { kUnknown = 0, kPerson = 1, kBusiness = 2 };

// KYC facts about an account's holder. String-valued facts are ids into HolderTable::text().
struct Holder {
  uint32_t party = 0;           // 1-based party number; 0 = holder unknown
  PartyKind kind = PartyKind::kUnknown;
  uint32_t industry_code = 0;   // NAICS; 0 = none
  uint32_t home = 0;            // "City, REGION" of the holder's address; 0 = unknown
  uint32_t phone = 0;           // normalised phone; 0 = none
  uint32_t address = 0;         // normalised street address with city and postcode; 0 = none
};

// Holders of the accounts of one store, indexed by AccountId. Not thread-safe for writing;
// safe to read from many threads.
class HolderTable {
 public:
  explicit HolderTable(size_t account_count = 0);

  // Loads DIR/parties.csv and DIR/accounts.csv as `moneytrail generate` writes them
  // (accounts.csv: bank,account,kind,holder_party_id,opened; parties.csv: party_id,kind,...,
  // address,city,region,postcode,country,phone,...,industry_code). Accounts of the CSV that the
  // store does not know are ignored. InvalidArgument names the file, line and column.
  // The two files are read concurrently (two threads).
  static Result<HolderTable> LoadGenerated(const store::Store& store,
                                           const std::filesystem::path& dir);
  // The same with the two files named (LoadGenerated reads DIR/parties.csv and DIR/accounts.csv).
  static Result<HolderTable> LoadFiles(const store::Store& store, const std::filesystem::path& parties_csv,
                                       const std::filesystem::path& accounts_csv);
  // The holders attached to the store by `moneytrail resolve --store`, with their entities
  // (store::Store::holders()). NotFound when the store has none.
  static Result<HolderTable> LoadAttached(const store::Store& store);

  // Reads an entity map (`moneytrail resolve` output or the generator's truth/entities.csv:
  // columns party_id,entity_id, others ignored) and gives each account whose holder party is in
  // it that entity. Accounts whose holder is not in the map keep no entity (rules with
  // subject = "entity" treat them per account). REQUIRES: loaded by LoadGenerated (party ids are
  // matched against parties.csv's). InvalidArgument names the file, line, field and value on an
  // empty party_id or entity_id, or a party mapped to two entities; also when no account of the
  // store gets an entity (the map does not belong to these parties). NotFound if absent.
  Status AttachEntities(const std::filesystem::path& entities_csv);
  // The interned entity id (see text()) of the account's holder; 0 = none.
  uint32_t entity(AccountId account) const { return account < entities_.size() ? entities_[account] : 0; }
  // REQUIRES: account < account_count(); `entity` from Intern (0 clears).
  void SetEntity(AccountId account, uint32_t entity) {
    if (entities_.empty()) entities_.assign(holders_.size(), 0);
    entities_[account] = entity;
  }
  bool has_entities() const { return !entities_.empty(); }

  // Interns `text` (id 0 is the empty string).
  uint32_t Intern(std::string_view text);
  // The text of an id from Intern; the view stays valid until the next Intern.
  std::string_view text(uint32_t id) const {
    return std::string_view(arena_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  // Returns the id of `text` or 0 when it was never interned.
  uint32_t Find(std::string_view text) const;

  // REQUIRES: account < account_count().
  void Set(AccountId account, const Holder& holder) { holders_[account] = holder; }
  const Holder& at(AccountId account) const {
    static const Holder kNone;
    return account < holders_.size() ? holders_[account] : kNone;
  }
  size_t account_count() const { return holders_.size(); }
  size_t known_count() const;

 private:
  void Grow();

  std::vector<Holder> holders_;
  std::vector<uint32_t> entities_;  // per account: interned entity id; empty = no entity map
  // Holder::party of each party id that is not of the form P<digits> (LoadGenerated).
  std::unordered_map<std::string, uint32_t> other_party_numbers_;
  // Interned texts, back to back in one arena: text i is arena_[offsets_[i], offsets_[i + 1]).
  std::string arena_;
  std::vector<uint32_t> offsets_;
  // Open addressing (linear probing) over text ids; 0 marks an empty slot (id 0, "", is never
  // stored). Size a power of two, at most half full.
  std::vector<uint32_t> slots_;
};

// Which stream of its rule an evidence transaction belongs to.
enum class EvidenceRole : uint8_t { kMatch = 0, kFirst = 1, kThen = 2 };
std::string_view EvidenceRoleName(EvidenceRole role);

struct EvidenceItem {
  TransactionId transaction = 0;
  EvidenceRole role = EvidenceRole::kMatch;
  // Why a date-only row counts as following an earlier row of the same date, when it does: "same
  // day, posted after the inflow: line 41 after line 37 of FILE" (docs/rules.md, Date-only rows).
  // Empty otherwise (different days, or rows with times).
  std::string order_basis;
  // When the row's channel is unknown and it matched a cash filter through the cash node at one of
  // its ends: "channel inferred from the cash counterparty: cash_deposit" (docs/rules.md, Channel
  // from the cash counterparty). Empty otherwise.
  std::string channel_basis;
};

struct Alert {
  std::string alert_id;     // "<rule id>-<6-digit sequence>", unique within a scan
  std::string pack_id;
  std::string rule_id;
  std::string title;
  std::string citation;
  std::string severity;  // as the rule says; "report" marks reporting obligations (CTRs)
  // The account (per counterparty pair, both accounts; per entity, every account of the entity
  // with evidence, in label order).
  std::vector<AccountId> subjects;
  std::string entity;  // the entity id of a subject = "entity" rule's alert; empty otherwise
  Timestamp window_start = 0;       // time of the first evidence transaction
  Timestamp window_end = 0;         // time of the last evidence transaction
  std::vector<EvidenceItem> evidence;  // in (time, id) order
  // Exact figures of the evidence, name -> text: "count", "sum" (decimal), "ratio" ("0.93"),
  // "distinct_regions", "first.sum", "then.sum", "peer_median", ...
  std::vector<std::pair<std::string, std::string>> figures;
  std::string currency;  // currency of the amounts in figures
  std::string sentence;
};

struct ScanOptions {
  // KYC facts; rules that need them are skipped (and listed in ScanResult::skipped) when null.
  // Its entity map (AttachEntities), when present, groups subject = "entity" rules; without it
  // those rules run per account.
  const HolderTable* holders = nullptr;
  unsigned threads = 0;  // 0 = hardware concurrency; never changes the result
};

// Whether the data can support a rule, counted before the scan (docs/rules.md, Data sufficiency).
// A rule runs when every one of its streams has at least one row that can support it (a row of
// its channels that carries the fields its filters and metrics read: a location with a city or a
// country, an MCC, a cash or external counterparty), the data has hours of day when it filters on
// hours, and KYC facts are given when it needs them. A rule that does not run says why in numbers.
struct RuleSupport {
  std::string pack_id;
  std::string rule_id;
  std::string severity;
  bool ran = false;
  uint64_t rows = 0;             // transactions in the store
  uint64_t supporting_rows = 0;  // rows that can support the rule (the fewest over its streams)
  std::string needs;             // what a supporting row is: "cash_deposit/cash rows with a location (first); ..."
  std::string reason;            // why it did not run ("0 of 491 rows are ..."); empty when it ran
  std::string note;              // a limit the run met (a bounded search), empty when none
  // It did not run because it needs what a date-only row cannot have (hours of the day) and no
  // row has it: "not applicable on date-only rows" (docs/rules.md, Date-only rows), not
  // "nothing found".
  bool not_applicable_on_date_only = false;
};

struct ScanResult {
  std::vector<Alert> alerts;  // by pack, then rule order, then subject label, then time
  // "RULE_ID: reason" for every rule that did not run (no KYC facts; data that cannot support it).
  std::vector<std::string> skipped;
  // One entry per rule of every pack, in pack and rule order: ran or not, and why.
  std::vector<RuleSupport> support;
  // Per rule id, the number of alerts.
  std::vector<std::pair<std::string, uint64_t>> alerts_per_rule;
};

// Evaluates every rule of every pack over the whole store.
// Errors: OutOfRange if an exact sum overflows (amounts beyond 10^26 in one window).
Result<ScanResult> Scan(const store::Store& store, std::span<const RulePack* const> packs,
                        const ScanOptions& options);

// "ST-FUNNEL: not run: 0 of 491 rows are ..." or "ST-STRUCT: ran (3,120 of 491,000 rows can support
// it: ...)": one line of the per-rule table `moneytrail scan` prints.
std::string SupportLine(const RuleSupport& support);
// The warning that must open any report of this scan when rules could not run, e.g.
// "7 of 20 rules could not run on this data, including high-severity ST-FUNNEL, ST-STRUCT: their
// absence of alerts is not evidence of absence"; empty when every rule ran.
std::string SupportHeadline(const ScanResult& result);
// The table as a JSON array (no newline): [{"pack","rule","severity","ran","rows","supporting_rows",
// "needs","reason"}, ...].
std::string SupportJson(std::span<const RuleSupport> support);

// One JSON object (no newline) describing the alert, with each evidence transaction's time,
// ends, channel, exact amount, currency, source file path and source line.
std::string AlertJsonLine(const store::Store& store, const Alert& alert);
// The first line of an alerts file: {"record":"scan", version, store manifest sha256, packs
// with their sha256 and effective parameters, skipped rules, counts}.
std::string ScanHeaderJsonLine(const store::Store& store, std::span<const RulePack* const> packs,
                               const ScanResult& result);
// A table of the alert's evidence for a person (`moneytrail scan --explain`).
std::string ExplainAlert(const store::Store& store, const Alert& alert);

// Reads the alerts of an alerts file (skipping the header and any non-alert record).
// Only the fields needed to evaluate and explain are restored (ids, rule, subjects by label,
// window, evidence, figures, sentence). InvalidArgument names the line on malformed JSON;
// NotFound if a subject label is not an account of `store`.
Result<std::vector<Alert>> ReadAlertsFile(const store::Store& store,
                                          const std::filesystem::path& path);

}  // namespace moneytrail::rules

#endif  // MONEYTRAIL_RULES_H_

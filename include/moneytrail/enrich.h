// Enrichment of bank-statement rows from their descriptions (issue #19, item 4): a grammar of
// ordered RE2 patterns with named captures, written in TOML (docs/format/grammar.md), that reads
// the channel, the counterparty (name, account, bank), the branch and its city/state, the
// country, a check number and a reference out of text such as
// "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX REF:88213". Each field set
// records the id of the pattern that set it, so that it can be shown beside the evidence. A
// description no pattern matches is left alone (Apply returns false): nothing is guessed.
//
// Example:
//   MT_ASSIGN_OR_RETURN(enrich::Grammar grammar, enrich::Grammar::UsBanks());
//   enrich::Enrichment e;
//   if (grammar.Apply("ZELLE FROM JOSE LUNA", /*outflow=*/false, e)) {
//     // e.pattern == "zelle-in", e.counterparty_name == "JOSE LUNA",
//     // e.counterparty_key == "JOSE LUNA", e.channel == Channel::kAch (see the grammar file)
//   }
#ifndef MONEYTRAIL_ENRICH_H_
#define MONEYTRAIL_ENRICH_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::enrich {

// What a grammar read from one description. Every string is empty when not set.
struct Enrichment {
  std::optional<Channel> channel;
  std::string counterparty_name;     // as written in the description, trimmed
  std::string counterparty_key;      // NormalizeName(counterparty_name): one node per beneficiary
  std::string counterparty_account;  // as written (e.g. "1234" of "...1234")
  std::string counterparty_bank;     // as written
  std::string branch;                // branch, ATM or store id as written
  std::string city;                  // as written
  std::string region;                // US state code as written (upper-cased)
  std::string country;  // ISO 3166 alpha-2 when the grammar's [countries] table knows the word
  std::string check_number;
  std::string reference;
  // Id of the first (primary) pattern that matched; "" when none did.
  std::string pattern;
  // One entry per field set, in the order set: (field name as above, e.g. "counterparty_name",
  // "channel", id of the pattern that set it).
  std::vector<std::pair<std::string, std::string>> provenance;

  // Empties every field, keeping the strings' capacity.
  void Clear();
  // The pattern id that set `field` ("" when the field is not set).
  std::string_view SetBy(std::string_view field) const;
};

// A compiled description grammar. Cheap to copy (shares its compiled patterns); immutable and
// safe to use from many threads at once.
class Grammar {
 public:
  // Reads and compiles a grammar file. Errors (InvalidArgument) name the file, the line, the
  // pattern id and the key or regex at fault (unknown keys with the nearest valid key).
  static Result<Grammar> Load(const std::filesystem::path& toml_file);
  // As Load, from text; `where` names the text in messages (a file name).
  static Result<Grammar> Parse(std::string_view toml_text, std::string_view where);
  // The shipped grammar for common US bank descriptions (config/grammars/us-banks.toml,
  // embedded at build time). Compiled once per process, on the first call (thread-safe);
  // later calls return a copy that shares it.
  static Result<Grammar> UsBanks();
  static std::string_view UsBanksToml();

  // Matches `description` (one row's description as in the statement) for a row whose money
  // leaves the account (`outflow` true) or enters it. Clears `out`, then, when a primary
  // pattern matches, fills it (see docs/format/grammar.md for the order of patterns and the
  // `also` layering) and returns true; returns false and leaves `out` cleared when none does.
  // Whitespace runs in the description are read as one space; matching ignores case. Never
  // fails on any bytes. Allocates only for the output strings and a per-thread scratch: a
  // small cache of results of descriptions seen more than once (statements repeat them),
  // keyed by the exact description, the direction and this grammar, so a repeated row costs a
  // copy.
  bool Apply(std::string_view description, bool outflow, Enrichment& out) const;
  // As Apply without the copy: the result (as Apply would fill `out`) or nullptr when no
  // primary pattern matches. The pointee belongs to this thread's scratch and stays valid
  // only until the next Lookup or Apply call on the same thread (of any grammar); copy what
  // must outlive it. For the hot loop of statement intake.
  const Enrichment* Lookup(std::string_view description, bool outflow) const;

  size_t pattern_count() const;
  // Ids of the patterns in file order.
  std::vector<std::string> pattern_ids() const;
  // The Enrichment fields (names as in `provenance`) that pattern `pattern_id` can set: its
  // captures, its constants, "channel", "counterparty_key" with a name, "country" when it looks
  // words up in [countries]. Empty for an unknown id.
  std::vector<std::string> Fields(std::string_view pattern_id) const;

  struct Impl;

 private:
  explicit Grammar(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// The key under which counterparty names are merged into one node: upper-case ASCII with
// Latin accents folded ("MÉXICO" -> "MEXICO", "Ñ" -> "N"), apostrophes and periods dropped
// ("O'BRIEN" -> "OBRIEN", "S.A." -> "SA"), "&" read as "AND", other punctuation read as a space,
// spaces collapsed, a leading "THE" dropped, and trailing legal-form suffixes dropped
// ("SA DE CV", "S DE RL DE CV", "LLC", "INC", "CORP", "CO", "LTD", ...) unless nothing else would
// remain. Word order is kept: "LUNA, JOSE" and "JOSE LUNA" stay distinct keys.
std::string NormalizeName(std::string_view name);

}  // namespace moneytrail::enrich

#endif  // MONEYTRAIL_ENRICH_H_

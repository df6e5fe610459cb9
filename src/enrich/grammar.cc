// The description grammar (include/moneytrail/enrich.h, docs/format/grammar.md).
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <toml++/toml.h>

#include "enrich/text.h"
#include "moneytrail/enrich.h"
#include "moneytrail/file_util.h"

namespace moneytrail::enrich {
namespace {

// The fields a pattern can capture or declare, by their capture names.
enum Field : int { kName, kAccount, kBank, kBranch, kCity, kState, kCountry, kCheck, kRef, kFieldCount };
constexpr std::array<std::string_view, kFieldCount> kCaptureNames = {
    "name", "account", "bank", "branch", "city", "state", "country", "check", "ref"};
// The Enrichment member each one fills, as named in provenance.
constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "counterparty_name", "counterparty_account", "counterparty_bank", "branch", "city",
    "region", "country", "check_number", "reference"};
constexpr std::array<std::string_view, 9> kPatternKeys = {
    "id",   "regex", "direction", "channel", "channel_in", "channel_out", "also", "when",
    "countries_from"};
constexpr std::array<std::string_view, 3> kTopKeys = {"pattern", "countries", "defs"};
// Capture groups a pattern may hold (they are read into a fixed array on the stack).
constexpr int kMaxGroups = 31;

std::string& FieldOf(Enrichment& e, int field) {
  switch (field) {
    case kName: return e.counterparty_name;
    case kAccount: return e.counterparty_account;
    case kBank: return e.counterparty_bank;
    case kBranch: return e.branch;
    case kCity: return e.city;
    case kState: return e.region;
    case kCountry: return e.country;
    case kCheck: return e.check_number;
    default: return e.reference;
  }
}

enum class Direction { kAny, kIn, kOut };

struct Pattern {
  std::string id;
  int64_t line = 0;
  std::unique_ptr<RE2> re;
  // The same regex compiled for Latin-1 text, when the regex is all ASCII; null otherwise.
  // On a text that is all ASCII it matches exactly as `re` does (same match, same groups):
  // every text byte is the same code point in both encodings, and a class such as \pL or a
  // case-folded letter differs between the two only in code points above 0x7F, which such a
  // text does not hold. Its program is much smaller (\pL is a few byte ranges instead of a
  // tree of UTF-8 sequences), so RE2 finds the groups with BitState rather than the NFA: 3-10x
  // less CPU on the long card, ACH, cheque and transfer patterns (bench/RESULTS-statements.md,
  // "Session 16").
  std::unique_ptr<RE2> re_ascii;
  Direction direction = Direction::kAny;
  std::optional<Channel> channel_in;
  std::optional<Channel> channel_out;
  bool also = false;
  // Capture group indexes per field ("ref", "ref2", ...: the first that captured text wins).
  std::array<std::vector<int>, kFieldCount> groups_of;
  std::vector<std::string> when_ids;  // with `also`: the primary patterns it adds to
  std::vector<size_t> when;           // their indexes
  std::array<std::string, kFieldCount> constant;
  std::vector<int> countries_from;  // fields whose words are looked up in [countries]
  int groups = 0;

  bool Applies(bool outflow) const {
    return direction == Direction::kAny || (direction == Direction::kOut) == outflow;
  }
};

std::vector<std::string_view> Names(auto const& array) {
  return std::vector<std::string_view>(array.begin(), array.end());
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Trims spaces and the separators that surround fields in descriptions.
std::string_view TrimField(std::string_view s) {
  constexpr std::string_view kTrim = " ,;:/*-";
  size_t b = s.find_first_not_of(kTrim);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kTrim);
  return s.substr(b, e - b + 1);
}

// Statements repeat descriptions (fees, payroll, the same merchant and payee every month):
// each thread keeps the results of each grammar in a small direct-mapped table, keyed by the
// exact description and direction. A grammar's id is never reused, so an entry never outlives
// its grammar's meaning. Most other descriptions are seen once (a reference number in every
// transfer); caching them would only evict the repeated ones. So a result enters the table
// only when its key was already seen (a "doorkeeper": a table of key hashes, as TinyLFU's
// admission filter), and a description seen once costs one hash probe more. Hits and misses
// give the same result as a fresh match: the key is compared in full.
struct CacheEntry {
  uint64_t grammar = 0;  // 0 = empty
  bool outflow = false;
  bool matched = false;
  std::string description;
  Enrichment result;
};
constexpr size_t kCacheEntries = 8192;   // a power of two
constexpr size_t kSeenEntries = 65536;   // a power of two
constexpr size_t kMaxCachedLength = 256;

// Per-thread scratch of Apply, so that a call allocates only for its output.
struct Scratch {
  std::string text;
  std::vector<int> hits;
  std::vector<CacheEntry> cache;
  std::vector<uint64_t> seen;  // doorkeeper: key hashes (with the grammar id) seen once
  Enrichment fresh;            // the result of a description not (yet) cached
};

std::atomic<uint64_t> next_grammar_id{1};

}  // namespace

struct Grammar::Impl {
  uint64_t id = next_grammar_id.fetch_add(1);
  std::vector<Pattern> patterns;
  std::unique_ptr<RE2::Set> set;
  std::unordered_map<std::string, std::string> countries;  // folded words -> alpha-2 code
  size_t max_country_tokens = 0;

  // The country of the rightmost, then longest, run of words of `text` in [countries].
  std::string_view LookupCountry(std::string_view text) const {
    if (countries.empty()) return {};
    std::string folded = FoldUpperAscii(text, /*drop_joiners=*/true);
    std::vector<std::string_view> tokens = SplitSpaces(folded);
    std::string key;
    for (size_t start = tokens.size(); start-- > 0;) {
      size_t longest = std::min(max_country_tokens, tokens.size() - start);
      for (size_t len = longest; len >= 1; --len) {
        key.clear();
        for (size_t t = start; t < start + len; ++t) {
          if (t > start) key += ' ';
          key += tokens[t];
        }
        auto it = countries.find(key);
        if (it != countries.end()) return it->second;
      }
    }
    return {};
  }

  void Set(Enrichment& out, int field, std::string_view value, const Pattern& p) const {
    std::string& dst = FieldOf(out, field);
    if (!dst.empty() || value.empty()) return;
    dst.assign(value);
    if (field == kState) {
      for (char& c : dst) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
    }
    out.provenance.emplace_back(kFieldNames[field], p.id);
  }

  // Applies one matched pattern: captures, then the country, then constants, then the channel.
  // Fields already set (by an earlier pattern) are kept.
  void ApplyPattern(const Pattern& p, std::string_view text, bool ascii, bool outflow,
                    Enrichment& out) const {
    std::array<re2::StringPiece, kMaxGroups + 1> subs;
    const RE2& re = ascii && p.re_ascii ? *p.re_ascii : *p.re;
    if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                     RE2::UNANCHORED, subs.data(), p.groups + 1)) {
      return;
    }
    auto captured = [&](int field) -> std::string_view {
      for (int g : p.groups_of[field]) {
        if (subs[g].data() == nullptr) continue;
        std::string_view v = TrimField(std::string_view(subs[g].data(), subs[g].size()));
        if (!v.empty()) return v;
      }
      return {};
    };
    for (int f = 0; f < kFieldCount; ++f) {
      if (f != kCountry) Set(out, f, captured(f), p);
    }
    if (out.country.empty()) {
      std::string_view written = captured(kCountry);
      if (!written.empty()) {
        std::string_view code = LookupCountry(written);
        if (!code.empty()) {
          Set(out, kCountry, code, p);
        } else {
          std::string folded = FoldUpperAscii(written, /*drop_joiners=*/true);
          std::vector<std::string_view> tokens = SplitSpaces(folded);
          std::string joined;
          for (std::string_view t : tokens) joined += joined.empty() ? std::string(t) : " " + std::string(t);
          Set(out, kCountry, joined, p);
        }
      }
      for (int f : p.countries_from) {
        if (!out.country.empty()) break;
        std::string_view words = captured(f);
        if (words.empty()) words = p.constant[f];
        Set(out, kCountry, LookupCountry(words), p);
      }
    }
    for (int f = 0; f < kFieldCount; ++f) Set(out, f, p.constant[f], p);
    if (!out.channel) {
      const std::optional<Channel>& channel = outflow ? p.channel_out : p.channel_in;
      if (channel) {
        out.channel = channel;
        out.provenance.emplace_back("channel", p.id);
      }
    }
  }

  // The result for (description, outflow): a view into this thread's scratch, valid until
  // the next call on this thread (of any grammar). nullptr when no primary pattern matched.
  const Enrichment* Lookup(std::string_view description, bool outflow) const {
    thread_local Scratch scratch;
    if (description.size() > kMaxCachedLength) {
      return Match(scratch, description, outflow, scratch.fresh) ? &scratch.fresh : nullptr;
    }
    if (scratch.cache.empty()) {
      scratch.cache.resize(kCacheEntries);
      scratch.seen.assign(kSeenEntries, 0);
    }
    const uint64_t h = std::hash<std::string_view>()(description) ^
                       (outflow ? 0x9E3779B97F4A7C15u : 0) ^ (id * 0xC2B2AE3D27D4EB4Fu);
    CacheEntry& entry = scratch.cache[h & (kCacheEntries - 1)];
    if (entry.grammar == id && entry.outflow == outflow && entry.description == description) {
      return entry.matched ? &entry.result : nullptr;
    }
    uint64_t& seen = scratch.seen[(h >> 20) & (kSeenEntries - 1)];
    const uint64_t tag = h | 1;  // never 0 (empty)
    if (seen != tag) {
      seen = tag;  // first sight: match without caching
      return Match(scratch, description, outflow, scratch.fresh) ? &scratch.fresh : nullptr;
    }
    entry.grammar = id;
    entry.outflow = outflow;
    entry.matched = Match(scratch, description, outflow, entry.result);
    entry.description.assign(description);
    return entry.matched ? &entry.result : nullptr;
  }

  bool Apply(std::string_view description, bool outflow, Enrichment& out) const {
    const Enrichment* e = Lookup(description, outflow);
    if (e == nullptr) {
      out.Clear();
      return false;
    }
    out = *e;
    return true;
  }

  bool Match(Scratch& scratch, std::string_view description, bool outflow,
             Enrichment& out) const {
    out.Clear();
    std::string& text = scratch.text;
    text.clear();
    bool pending_space = false;
    unsigned char high = 0;  // the OR of every byte: bit 7 set iff some byte is not ASCII
    for (char c : description) {
      high |= static_cast<unsigned char>(c);
      if (IsSpace(c)) {
        pending_space = !text.empty();
        continue;
      }
      if (pending_space) text += ' ';
      pending_space = false;
      text += c;
    }
    const bool ascii = (high & 0x80) == 0;
    std::vector<int>& hits = scratch.hits;
    hits.clear();
    RE2::Set::ErrorInfo error{};
    re2::StringPiece piece(text.data(), text.size());
    if (!set->Match(piece, &hits, &error) && error.kind != RE2::Set::kNoError) {
      // The set's DFA ran out of memory: try each pattern on its own (same answer, slower).
      hits.clear();
      for (size_t i = 0; i < patterns.size(); ++i) {
        if (RE2::PartialMatch(piece, *patterns[i].re)) hits.push_back(static_cast<int>(i));
      }
    }
    std::sort(hits.begin(), hits.end());
    const Pattern* primary = nullptr;
    for (int i : hits) {
      const Pattern& p = patterns[static_cast<size_t>(i)];
      if (!p.also && p.Applies(outflow)) {
        primary = &p;
        break;
      }
    }
    if (primary == nullptr) return false;
    out.pattern = primary->id;
    ApplyPattern(*primary, text, ascii, outflow, out);
    size_t primary_index = static_cast<size_t>(primary - patterns.data());
    for (int i : hits) {
      const Pattern& p = patterns[static_cast<size_t>(i)];
      if (!p.also || !p.Applies(outflow)) continue;
      if (!p.when.empty() &&
          std::find(p.when.begin(), p.when.end(), primary_index) == p.when.end()) {
        continue;
      }
      ApplyPattern(p, text, ascii, outflow, out);
    }
    if (!out.counterparty_name.empty()) {
      out.counterparty_key = NormalizeName(out.counterparty_name);
      if (!out.counterparty_key.empty()) {
        out.provenance.emplace_back("counterparty_key", out.SetBy("counterparty_name"));
      }
    }
    return true;
  }
};

namespace {

// Builds a grammar from a parsed TOML document; errors name `where` and the line.
class Parser {
 public:
  explicit Parser(std::string_view where) : where_(where) {}

  Result<std::shared_ptr<Grammar::Impl>> Parse(const toml::table& root) {
    auto impl = std::make_shared<Grammar::Impl>();
    for (const auto& [key, node] : root) {
      if (std::find(kTopKeys.begin(), kTopKeys.end(), key.str()) == kTopKeys.end()) {
        return Error(node, "", fmt::format("unknown top-level key '{}'; did you mean '{}'?",
                                           key.str(), Nearest(key.str(), Names(kTopKeys))));
      }
    }
    if (const toml::node* defs = root.get("defs")) {
      MT_RETURN_IF_ERROR(ParseDefs(*defs));
    }
    if (const toml::node* countries = root.get("countries")) {
      MT_RETURN_IF_ERROR(ParseCountries(*countries, *impl));
    }
    if (defs_.count("COUNTRIES") == 0) {
      // The built-in {{COUNTRIES}}: every [countries] word, longest first, as written and folded.
      std::vector<std::string> words = country_words_;
      std::sort(words.begin(), words.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
      });
      words.erase(std::unique(words.begin(), words.end()), words.end());
      std::string alternation;
      for (const std::string& w : words) {
        if (!alternation.empty()) alternation += '|';
        alternation += RE2::QuoteMeta(w);
      }
      defs_.emplace("COUNTRIES", alternation.empty() ? std::string("\\b\\B") : alternation);
    }
    const toml::node* patterns = root.get("pattern");
    if (patterns == nullptr) {
      return InvalidArgumentError(
          fmt::format("{}: no [[pattern]] entries; a grammar needs at least one", where_));
    }
    const toml::array* array = patterns->as_array();
    if (array == nullptr) {
      return Error(*patterns, "", "'pattern' must be an array of tables: write [[pattern]]");
    }
    std::map<std::string, int64_t, std::less<>> ids;
    for (const toml::node& node : *array) {
      const toml::table* table = node.as_table();
      if (table == nullptr) return Error(node, "", "each [[pattern]] entry must be a table");
      MT_ASSIGN_OR_RETURN(Pattern p, ParsePattern(*table));
      auto [it, inserted] = ids.emplace(p.id, p.line);
      if (!inserted) {
        return Error(node, p.id,
                     fmt::format("duplicate id (first used on line {})", it->second));
      }
      impl->patterns.push_back(std::move(p));
    }
    for (Pattern& p : impl->patterns) {
      for (const std::string& id : p.when_ids) {
        auto it = std::find_if(impl->patterns.begin(), impl->patterns.end(),
                               [&](const Pattern& q) { return q.id == id; });
        if (it == impl->patterns.end() || it->also) {
          std::vector<std::string_view> primaries;
          for (const Pattern& q : impl->patterns) {
            if (!q.also) primaries.push_back(q.id);
          }
          return InvalidArgumentError(fmt::format(
              "{}:{}: pattern '{}': when names '{}', which is not {}; did you mean '{}'?", where_,
              p.line, p.id, id, it == impl->patterns.end() ? "a pattern id" : "a primary pattern",
              Nearest(id, primaries)));
        }
        p.when.push_back(static_cast<size_t>(it - impl->patterns.begin()));
      }
    }
    if (std::none_of(impl->patterns.begin(), impl->patterns.end(),
                     [](const Pattern& p) { return !p.also; })) {
      return InvalidArgumentError(fmt::format(
          "{}: every pattern has also = true; at least one primary pattern is needed", where_));
    }
    RE2::Options options = Options();
    options.set_max_mem(64 << 20);
    impl->set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    for (const Pattern& p : impl->patterns) {
      std::string error;
      if (impl->set->Add(p.re->pattern(), &error) < 0) {
        return InvalidArgumentError(
            fmt::format("{}:{}: pattern '{}': bad regex: {}", where_, p.line, p.id, error));
      }
    }
    if (!impl->set->Compile()) {
      return ResourceExhaustedError(fmt::format(
          "{}: the {} patterns together are too large for RE2::Set (64 MiB)", where_,
          impl->patterns.size()));
    }
    return impl;
  }

 private:
  static RE2::Options Options() {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    return options;
  }

  Status Error(const toml::node& node, std::string_view id, std::string_view what) const {
    int64_t line = node.source().begin.line;
    if (id.empty()) return InvalidArgumentError(fmt::format("{}:{}: {}", where_, line, what));
    return InvalidArgumentError(fmt::format("{}:{}: pattern '{}': {}", where_, line, id, what));
  }

  Status ParseDefs(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Error(node, "", "[defs] must be a table of name = \"regex\"");
    for (const auto& [key, value] : *table) {
      const std::string* text = value.as_string() ? &value.as_string()->get() : nullptr;
      if (text == nullptr) {
        return Error(value, "", fmt::format("[defs] {} must be a string (a regex fragment)",
                                            key.str()));
      }
      defs_.emplace(std::string(key.str()), *text);
    }
    return Status::Ok();
  }

  Status ParseCountries(const toml::node& node, Grammar::Impl& impl) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Error(node, "", "[countries] must be a table of WORD = \"XX\"");
    for (const auto& [key, value] : *table) {
      const toml::value<std::string>* code = value.as_string();
      auto valid = [](std::string_view c) {
        return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
      };
      if (code == nullptr || !valid(code->get())) {
        return Error(value, "", fmt::format("[countries] '{}' must map to an ISO 3166 alpha-2 "
                                            "code in capitals (e.g. \"MX\")", key.str()));
      }
      std::string folded = FoldUpperAscii(key.str(), /*drop_joiners=*/true);
      std::vector<std::string_view> tokens = SplitSpaces(folded);
      if (tokens.empty()) {
        return Error(value, "", fmt::format("[countries] key '{}' has no letters", key.str()));
      }
      std::string joined;
      for (std::string_view t : tokens) {
        if (!joined.empty()) joined += ' ';
        joined += t;
      }
      impl.max_country_tokens = std::max(impl.max_country_tokens, tokens.size());
      country_words_.emplace_back(key.str());
      country_words_.push_back(joined);
      impl.countries[joined] = code->get();
    }
    return Status::Ok();
  }

  // Replaces each {{NAME}} by its [defs] fragment.
  Result<std::string> Expand(const toml::node& node, std::string_view id,
                             std::string_view regex) const {
    std::string out;
    size_t i = 0;
    while (i < regex.size()) {
      size_t open = regex.find("{{", i);
      if (open == std::string_view::npos) break;
      size_t close = regex.find("}}", open + 2);
      if (close == std::string_view::npos) {
        return Error(node, id, "regex has '{{' without a closing '}}'");
      }
      std::string_view name = regex.substr(open + 2, close - open - 2);
      auto it = defs_.find(name);
      if (it == defs_.end()) {
        std::vector<std::string_view> names;
        for (const auto& [n, _] : defs_) names.push_back(n);
        return Error(node, id,
                     names.empty()
                         ? fmt::format("regex uses {{{{{}}}}} but the grammar has no [defs]", name)
                         : fmt::format("regex uses {{{{{}}}}}, which [defs] does not define; "
                                       "did you mean '{}'?", name, Nearest(name, names)));
      }
      out.append(regex.substr(i, open - i));
      out += "(?:";
      out += it->second;
      out += ')';
      i = close + 2;
    }
    out.append(regex.substr(std::min(i, regex.size())));
    return out;
  }

  Result<std::optional<Channel>> ParseChannelKey(const toml::table& t, std::string_view key,
                                                 std::string_view id) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return std::optional<Channel>();
    const toml::value<std::string>* s = node->as_string();
    std::optional<Channel> channel = s ? ParseChannel(s->get()) : std::nullopt;
    if (!channel) {
      std::vector<std::string_view> names;
      for (int c = 0; c < kChannelCount; ++c) names.push_back(ChannelName(static_cast<Channel>(c)));
      std::string written = s ? s->get() : "(not a string)";
      return Error(*node, id, fmt::format("{} = '{}' is not a channel; did you mean '{}'?", key,
                                          written, Nearest(written, names)));
    }
    return channel;
  }

  Result<Pattern> ParsePattern(const toml::table& t) {
    Pattern p;
    p.line = t.source().begin.line;
    const toml::node* id = t.get("id");
    if (id == nullptr || !id->is_string() || id->as_string()->get().empty()) {
      return Error(t, "", "[[pattern]] needs id = \"...\" (a non-empty string)");
    }
    p.id = id->as_string()->get();
    for (char c : p.id) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
      if (!ok) return Error(t, p.id, "id may hold only letters, digits, '-', '_' and '.'");
    }
    std::vector<std::string_view> valid = Names(kPatternKeys);
    valid.insert(valid.end(), kCaptureNames.begin(), kCaptureNames.end());
    for (const auto& [key, node] : t) {
      if (std::find(valid.begin(), valid.end(), key.str()) == valid.end()) {
        return Error(node, p.id, fmt::format("unknown key '{}'; did you mean '{}'?", key.str(),
                                             Nearest(key.str(), valid)));
      }
    }
    const toml::node* regex = t.get("regex");
    if (regex == nullptr || !regex->is_string() || regex->as_string()->get().empty()) {
      return Error(t, p.id, "needs regex = \"...\" (a non-empty string)");
    }
    MT_ASSIGN_OR_RETURN(std::string expanded, Expand(*regex, p.id, regex->as_string()->get()));
    p.re = std::make_unique<RE2>(expanded, Options());
    if (!p.re->ok()) {
      return Error(*regex, p.id, fmt::format("bad regex: {} (regex: {})", p.re->error(), expanded));
    }
    if (std::all_of(expanded.begin(), expanded.end(),
                    [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; })) {
      RE2::Options latin1 = Options();
      latin1.set_encoding(RE2::Options::EncodingLatin1);
      p.re_ascii = std::make_unique<RE2>(expanded, latin1);
      if (!p.re_ascii->ok() ||
          p.re_ascii->NumberOfCapturingGroups() != p.re->NumberOfCapturingGroups() ||
          p.re_ascii->NamedCapturingGroups() != p.re->NamedCapturingGroups()) {
        p.re_ascii.reset();  // (never seen) keep to the UTF-8 program alone
      }
    }
    p.groups = p.re->NumberOfCapturingGroups();
    if (p.groups > kMaxGroups) {
      return Error(*regex, p.id, fmt::format("regex has {} capture groups; at most {} (write "
                                             "(?:...) for groups that capture nothing)",
                                             p.groups, kMaxGroups));
    }
    for (const auto& [name, index] : p.re->NamedCapturingGroups()) {
      // "ref2", "ref3", ...: further groups for the same field.
      std::string_view base(name);
      while (!base.empty() && base.back() >= '0' && base.back() <= '9') base.remove_suffix(1);
      auto it = std::find(kCaptureNames.begin(), kCaptureNames.end(), base);
      if (it == kCaptureNames.end()) {
        return Error(*regex, p.id,
                     fmt::format("unknown capture (?P<{}>...); did you mean '{}'? (captures: "
                                 "name, account, bank, branch, city, state, country, check, ref)",
                                 name, Nearest(name, Names(kCaptureNames))));
      }
      p.groups_of[static_cast<size_t>(it - kCaptureNames.begin())].push_back(index);
    }
    // Groups in the order they open in the regex, so that the leftmost alternative wins.
    for (std::vector<int>& g : p.groups_of) std::sort(g.begin(), g.end());
    if (const toml::node* d = t.get("direction")) {
      const toml::value<std::string>* s = d->as_string();
      if (s && s->get() == "in") {
        p.direction = Direction::kIn;
      } else if (s && s->get() == "out") {
        p.direction = Direction::kOut;
      } else {
        return Error(*d, p.id, "direction must be \"in\" or \"out\" (leave it out for both)");
      }
    }
    if (const toml::node* a = t.get("also")) {
      if (!a->is_boolean()) return Error(*a, p.id, "also must be true or false");
      p.also = a->as_boolean()->get();
    }
    if (const toml::node* w = t.get("when")) {
      const toml::array* list = w->as_array();
      if (list == nullptr || !p.also) {
        return Error(*w, p.id, "when is a list of primary pattern ids, for a pattern with "
                               "also = true");
      }
      for (const toml::node& item : *list) {
        if (!item.is_string()) return Error(item, p.id, "when: each entry is a pattern id");
        p.when_ids.push_back(item.as_string()->get());
      }
    }
    MT_ASSIGN_OR_RETURN(std::optional<Channel> both, ParseChannelKey(t, "channel", p.id));
    MT_ASSIGN_OR_RETURN(p.channel_in, ParseChannelKey(t, "channel_in", p.id));
    MT_ASSIGN_OR_RETURN(p.channel_out, ParseChannelKey(t, "channel_out", p.id));
    if (both) {
      if (p.channel_in || p.channel_out) {
        return Error(t, p.id, "give either channel or channel_in/channel_out, not both");
      }
      p.channel_in = p.channel_out = both;
    }
    for (int f = 0; f < kFieldCount; ++f) {
      const toml::node* c = t.get(kCaptureNames[f]);
      if (c == nullptr) continue;
      const toml::value<std::string>* s = c->as_string();
      if (s == nullptr || TrimField(s->get()).empty()) {
        return Error(*c, p.id, fmt::format("{} must be a non-empty string (a constant for the "
                                           "field)", kCaptureNames[f]));
      }
      std::string value(TrimField(s->get()));
      if (f == kState) {
        for (char& ch : value) {
          if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        }
      }
      if (f == kCountry && !(value.size() == 2 && std::isupper(static_cast<unsigned char>(value[0])) &&
                             std::isupper(static_cast<unsigned char>(value[1])))) {
        return Error(*c, p.id, fmt::format("country = '{}': a constant country is an ISO 3166 "
                                           "alpha-2 code in capitals (e.g. \"US\")", value));
      }
      p.constant[f] = std::move(value);
    }
    if (const toml::node* from = t.get("countries_from")) {
      const toml::array* list = from->as_array();
      if (list == nullptr) {
        return Error(*from, p.id, "countries_from must be a list of field names, e.g. [\"bank\"]");
      }
      for (const toml::node& item : *list) {
        const toml::value<std::string>* s = item.as_string();
        std::string name = s ? s->get() : "(not a string)";
        auto it = std::find(kCaptureNames.begin(), kCaptureNames.end(), name);
        if (it == kCaptureNames.end() || *it == "country") {
          return Error(item, p.id,
                       fmt::format("countries_from: '{}' is not a field; did you mean '{}'?",
                                   name, Nearest(name, Names(kCaptureNames))));
        }
        p.countries_from.push_back(static_cast<int>(it - kCaptureNames.begin()));
      }
    }
    return p;
  }

  std::string where_;
  std::map<std::string, std::string, std::less<>> defs_;
  std::vector<std::string> country_words_;
};

}  // namespace

void Enrichment::Clear() {
  channel.reset();
  counterparty_name.clear();
  counterparty_key.clear();
  counterparty_account.clear();
  counterparty_bank.clear();
  branch.clear();
  city.clear();
  region.clear();
  country.clear();
  check_number.clear();
  reference.clear();
  pattern.clear();
  provenance.clear();
}

std::string_view Enrichment::SetBy(std::string_view field) const {
  for (const auto& [f, id] : provenance) {
    if (f == field) return id;
  }
  return {};
}

Result<Grammar> Grammar::Parse(std::string_view toml_text, std::string_view where) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(where));
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(fmt::format("{}:{}:{}: {}", where, e.source().begin.line,
                                            e.source().begin.column, e.description()));
  }
  Parser parser(where);
  MT_ASSIGN_OR_RETURN(std::shared_ptr<Grammar::Impl> impl, parser.Parse(root));
  return Grammar(std::move(impl));
}

Result<Grammar> Grammar::Load(const std::filesystem::path& toml_file) {
  Result<std::string> text = ReadFileToString(toml_file);
  if (!text.ok()) return text.status().WithContext("reading grammar");
  return Parse(*text, toml_file.string());
}

Result<Grammar> Grammar::UsBanks() {
  // Compiled once per process (a thread-safe static): compiling the ~60 patterns and their
  // RE2::Set costs milliseconds, which every ingest call and fuzz input used to pay.
  static const Result<Grammar> built = Parse(UsBanksToml(), "config/grammars/us-banks.toml");
  return built;
}

bool Grammar::Apply(std::string_view description, bool outflow, Enrichment& out) const {
  return impl_->Apply(description, outflow, out);
}

const Enrichment* Grammar::Lookup(std::string_view description, bool outflow) const {
  return impl_->Lookup(description, outflow);
}

size_t Grammar::pattern_count() const { return impl_->patterns.size(); }

std::vector<std::string> Grammar::Fields(std::string_view pattern_id) const {
  std::vector<std::string> fields;
  for (const Pattern& p : impl_->patterns) {
    if (p.id != pattern_id) continue;
    if (p.channel_in || p.channel_out) fields.emplace_back("channel");
    for (int f = 0; f < kFieldCount; ++f) {
      bool country_lookup = f == kCountry && !p.countries_from.empty();
      if (!p.groups_of[f].empty() || !p.constant[f].empty() || country_lookup) {
        fields.emplace_back(kFieldNames[f]);
        if (f == kName) fields.emplace_back("counterparty_key");
      }
    }
  }
  return fields;
}

std::vector<std::string> Grammar::pattern_ids() const {
  std::vector<std::string> ids;
  for (const Pattern& p : impl_->patterns) ids.push_back(p.id);
  return ids;
}

}  // namespace moneytrail::enrich

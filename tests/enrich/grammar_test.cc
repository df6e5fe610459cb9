// The grammar language (docs/format/grammar.md): ordering, direction, constants, `also`/`when`
// layering, [countries], [defs], errors; and a property test on random descriptions.
#include <algorithm>
#include <map>
#include <tuple>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/enrich.h"

namespace moneytrail::enrich {
namespace {

Grammar MustParse(std::string_view text) {
  Result<Grammar> g = Grammar::Parse(text, "t.toml");
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  if (!g.ok()) std::abort();
  return *std::move(g);
}

std::string ParseError(std::string_view text) {
  Result<Grammar> g = Grammar::Parse(text, "t.toml");
  EXPECT_FALSE(g.ok());
  return g.ok() ? std::string() : std::string(g.status().message());
}

constexpr std::string_view kSmall = R"(
[defs]
ST = 'TX|IN'
[[pattern]]
id = "cash"
regex = '^CASH (?:DEPOSIT|WITHDRAWAL)(?: BR (?P<branch>\d+))?(?: (?P<city>[A-Z ]+?) (?P<state>{{ST}}))?$'
channel_in = "cash_deposit"
channel_out = "cash_withdrawal"
country = "US"
[[pattern]]
id = "zelle-in"
regex = '^ZELLE FROM (?P<name>.+)$'
direction = "in"
channel = "ach"
[[pattern]]
id = "zelle-any"
regex = '^ZELLE\b'
channel = "ach"
[[pattern]]
id = "wire"
regex = '^WIRE'
channel = "wire"
[[pattern]]
id = "wire-bnf"
also = true
when = ["wire"]
regex = 'BNF:(?P<name>.+?)(?: BBK:|$)'
[[pattern]]
id = "wire-bbk"
also = true
when = ["wire"]
regex = 'BBK:(?P<bank>.+?)(?: REF:|$)'
countries_from = ["bank"]
[[pattern]]
id = "ref-anywhere"
also = true
regex = 'REF:(?P<ref>\S+)|#(?P<ref2>\d+)'
[[pattern]]
id = "where"
regex = '^PAID IN (?P<country>.+)$'
[countries]
MX = "MX"
MEXICO = "MX"
BANORTE = "MX"
"EL SALVADOR" = "SV"
)";

TEST(GrammarTest, CashByDirectionWithLocation) {
  Grammar g = MustParse(kSmall);
  EXPECT_EQ(g.pattern_count(), 8u);
  Enrichment e;
  ASSERT_TRUE(g.Apply("CASH DEPOSIT BR 3355 INDIANAPOLIS IN", false, e));
  EXPECT_EQ(e.pattern, "cash");
  EXPECT_EQ(e.channel, Channel::kCashDeposit);
  EXPECT_EQ(e.branch, "3355");
  EXPECT_EQ(e.city, "INDIANAPOLIS");
  EXPECT_EQ(e.region, "IN");
  EXPECT_EQ(e.country, "US");
  EXPECT_EQ(e.SetBy("country"), "cash");
  EXPECT_EQ(e.SetBy("channel"), "cash");
  EXPECT_EQ(e.SetBy("reference"), "");
  ASSERT_TRUE(g.Apply("cash   withdrawal br 12 el paso tx", true, e));
  EXPECT_EQ(e.channel, Channel::kCashWithdrawal);
  EXPECT_EQ(e.city, "el paso");
  EXPECT_EQ(e.region, "TX");  // states are upper-cased
  EXPECT_EQ(e.provenance.size(), 5u);  // channel, branch, city, region, country
}

TEST(GrammarTest, DirectionSelectsThePattern) {
  Grammar g = MustParse(kSmall);
  Enrichment e;
  ASSERT_TRUE(g.Apply("ZELLE FROM JOSE LUNA", false, e));
  EXPECT_EQ(e.pattern, "zelle-in");
  EXPECT_EQ(e.counterparty_name, "JOSE LUNA");
  EXPECT_EQ(e.counterparty_key, "JOSE LUNA");
  EXPECT_EQ(e.SetBy("counterparty_key"), "zelle-in");
  ASSERT_TRUE(g.Apply("ZELLE FROM JOSE LUNA", true, e));  // an outflow: not zelle-in
  EXPECT_EQ(e.pattern, "zelle-any");
  EXPECT_EQ(e.counterparty_name, "");
  EXPECT_EQ(e.channel, Channel::kAch);
}

TEST(GrammarTest, AlsoPatternsAddFieldsToTheirPrimaries) {
  Grammar g = MustParse(kSmall);
  Enrichment e;
  ASSERT_TRUE(g.Apply("WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX REF:OW1",
                      true, e));
  EXPECT_EQ(e.pattern, "wire");
  EXPECT_EQ(e.counterparty_name, "COMERCIALIZADORA DEL NORTE SA DE CV");
  EXPECT_EQ(e.counterparty_key, "COMERCIALIZADORA DEL NORTE");
  EXPECT_EQ(e.counterparty_bank, "BANORTE MX");
  EXPECT_EQ(e.country, "MX");
  EXPECT_EQ(e.reference, "OW1");
  EXPECT_EQ(e.SetBy("counterparty_name"), "wire-bnf");
  EXPECT_EQ(e.SetBy("country"), "wire-bbk");
  EXPECT_EQ(e.SetBy("reference"), "ref-anywhere");
  // `when` limits wire-bnf to the wire pattern; ref-anywhere has no `when`.
  ASSERT_TRUE(g.Apply("ZELLE FROM ANA BNF:X REF:77", false, e));
  EXPECT_EQ(e.counterparty_name, "ANA BNF:X REF:77");
  EXPECT_EQ(e.reference, "77");
  EXPECT_EQ(e.SetBy("reference"), "ref-anywhere");
}

TEST(GrammarTest, NumberedCapturesFillOneField) {
  Grammar g = MustParse(kSmall);
  Enrichment e;
  ASSERT_TRUE(g.Apply("WIRE IN #4455", false, e));
  EXPECT_EQ(e.reference, "4455");
}

TEST(GrammarTest, CountriesTable) {
  Grammar g = MustParse(kSmall);
  Enrichment e;
  ASSERT_TRUE(g.Apply("PAID IN El Salvador", true, e));
  EXPECT_EQ(e.country, "SV");
  ASSERT_TRUE(g.Apply("PAID IN MÉXICO", true, e));
  EXPECT_EQ(e.country, "MX");
  ASSERT_TRUE(g.Apply("PAID IN Atlantis", true, e));  // not in the table: as written, folded
  EXPECT_EQ(e.country, "ATLANTIS");
  ASSERT_TRUE(g.Apply("WIRE BBK:FIRST BANK OF TEXAS", true, e));
  EXPECT_EQ(e.country, "");  // nothing guessed from a bank the table does not know
  EXPECT_EQ(e.counterparty_bank, "FIRST BANK OF TEXAS");
}

TEST(GrammarTest, UnmatchedIsNotGuessed) {
  Grammar g = MustParse(kSmall);
  Enrichment e;
  e.city = "stale";
  EXPECT_FALSE(g.Apply("SOMETHING ELSE", true, e));
  EXPECT_EQ(e.pattern, "");
  EXPECT_EQ(e.city, "");
  EXPECT_TRUE(e.provenance.empty());
  // Only `also` patterns match: still no match.
  EXPECT_FALSE(g.Apply("REF:12345", true, e));
  EXPECT_FALSE(g.Apply("", true, e));
}

TEST(GrammarTest, FirstMatchWins) {
  Grammar g = MustParse(R"(
[[pattern]]
id = "a"
regex = 'X (?P<name>\w+)'
[[pattern]]
id = "b"
regex = '^X'
channel = "card"
name = "CONSTANT"
)");
  Enrichment e;
  ASSERT_TRUE(g.Apply("X JOHN", true, e));
  EXPECT_EQ(e.pattern, "a");
  EXPECT_EQ(e.counterparty_name, "JOHN");
  EXPECT_FALSE(e.channel.has_value());
  ASSERT_TRUE(g.Apply("X", true, e));
  EXPECT_EQ(e.pattern, "b");
  EXPECT_EQ(e.counterparty_name, "CONSTANT");
  EXPECT_EQ(e.channel, Channel::kCard);
  EXPECT_EQ(g.Fields("b"), (std::vector<std::string>{"channel", "counterparty_name",
                                                      "counterparty_key"}));
  EXPECT_TRUE(g.Fields("zzz").empty());
}

TEST(GrammarErrorTest, UnknownKeysNameTheNearestKey) {
  std::string m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\nchanel = \"wire\"\n");
  EXPECT_NE(m.find("t.toml:4"), std::string::npos) << m;
  EXPECT_NE(m.find("pattern 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("'chanel'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'channel'"), std::string::npos) << m;
  m = ParseError("[[patern]]\nid = \"a\"\nregex = 'x'\n");
  EXPECT_NE(m.find("did you mean 'pattern'"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\ncontry = \"MX\"\n");
  EXPECT_NE(m.find("did you mean 'country'"), std::string::npos) << m;
}

TEST(GrammarErrorTest, BadRegexNamesThePatternAndRe2sMessage) {
  std::string m = ParseError("[[pattern]]\nid = \"ok\"\nregex = 'x'\n"
                             "[[pattern]]\nid = \"broken\"\nregex = 'WIRE (?P<name>[A-Z'\n");
  EXPECT_NE(m.find("pattern 'broken'"), std::string::npos) << m;
  EXPECT_NE(m.find("bad regex: missing ]"), std::string::npos) << m;
  EXPECT_NE(m.find("t.toml:6"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"p\"\nregex = '(?P<nmae>x)'\n");
  EXPECT_NE(m.find("unknown capture (?P<nmae>"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'name'"), std::string::npos) << m;
  // Backreferences are not RE2.
  m = ParseError("[[pattern]]\nid = \"p\"\nregex = '(a)\\1'\n");
  EXPECT_NE(m.find("pattern 'p': bad regex"), std::string::npos) << m;
}

TEST(GrammarErrorTest, OtherMistakes) {
  EXPECT_NE(ParseError("").find("no [[pattern]]"), std::string::npos);
  EXPECT_NE(ParseError("[[pattern]]\nregex = 'x'\n").find("needs id"), std::string::npos);
  EXPECT_NE(ParseError("[[pattern]]\nid = \"a\"\n").find("needs regex"), std::string::npos);
  EXPECT_NE(ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\n[[pattern]]\nid = \"a\"\n"
                       "regex = 'y'\n").find("duplicate id (first used on line 1)"),
            std::string::npos);
  std::string m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\nchannel = \"wir\"\n");
  EXPECT_NE(m.find("'wir' is not a channel; did you mean 'wire'"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\ndirection = \"inbound\"\n");
  EXPECT_NE(m.find("direction must be \"in\" or \"out\""), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\ncountry = \"Mexico\"\n");
  EXPECT_NE(m.find("alpha-2"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x{{NOPE}}'\n[defs]\nNOPE2 = 'y'\n");
  EXPECT_NE(m.find("{{NOPE}}, which [defs] does not define; did you mean 'NOPE2'"),
            std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\n[[pattern]]\nid = \"b\"\nalso = true\n"
                 "when = [\"aa\"]\nregex = 'y'\n");
  EXPECT_NE(m.find("when names 'aa', which is not a pattern id; did you mean 'a'"),
            std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\nwhen = [\"a\"]\n");
  EXPECT_NE(m.find("also = true"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nalso = true\nregex = 'x'\n");
  EXPECT_NE(m.find("at least one primary pattern"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\n[countries]\nMEXICO = \"Mexico\"\n");
  EXPECT_NE(m.find("[countries] 'MEXICO' must map to an ISO 3166 alpha-2"), std::string::npos)
      << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\ncountries_from = [\"bnak\"]\n");
  EXPECT_NE(m.find("'bnak' is not a field; did you mean 'bank'"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x'\n[[pattern]]\nid = \"a b\"\nregex = 'x'\n");
  EXPECT_NE(m.find("id may hold only"), std::string::npos) << m;
  m = ParseError("[pattern]\nid = \"a\"\n");
  EXPECT_NE(m.find("write [[pattern]]"), std::string::npos) << m;
  m = ParseError("[[pattern]]\nid = \"a\"\nregex = 'x\n");  // TOML syntax
  EXPECT_NE(m.find("t.toml:3"), std::string::npos) << m;
}

TEST(GrammarErrorTest, LoadNamesAMissingFile) {
  Result<Grammar> g = Grammar::Load("/nonexistent/grammar.toml");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("/nonexistent/grammar.toml"), std::string_view::npos)
      << g.status().ToString();
}

// Random descriptions built from the grammar's own vocabulary and random bytes: Apply never
// crashes, a true result always names a pattern, and each field set was declared by the pattern
// that provenance says set it (a capture, a constant or a [countries] lookup).
void CheckRandomDescriptions(const Grammar& g, uint32_t seed, int count) {
  static const std::vector<std::string> kWords = {
      "CASH", "DEPOSIT", "WITHDRAWAL", "ATM", "BR", "3355", "EL", "PASO", "TX", "IN", "MX",
      "ZELLE", "FROM", "TO", "WIRE", "OUT", "BNF:", "BBK:", "REF:", "ORIG:", "OBI:", "ACH",
      "DEBIT", "CREDIT", "CHECK", "#1043", "POS", "PURCHASE", "WALMART", "#", ":", "*", "...1234",
      "VENMO", "CASH APP*", "PAYPAL", "FEE", "INTEREST", "ONLINE", "TRANSFER", "CHK", "DES:",
      "ID:", "INDN:", "MEXICO", "BANORTE", "\xC9", "\xE2\x82\xAC", "\t", "  ", "TELLER", "MOBILE",
      "WESTERN UNION", "MONEYGRAM", "REMITLY", "ORIG CO NAME:", "SA DE CV", "JOSE", "LUNA"};
  std::mt19937 rng(seed);
  Enrichment e;
  for (int i = 0; i < count; ++i) {
    std::string d;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (rng() % 8 == 0) {
        d += static_cast<char>(rng() % 256);
      } else {
        d += kWords[rng() % kWords.size()];
      }
      if (rng() % 4) d += ' ';
    }
    bool outflow = rng() % 2;
    bool matched = g.Apply(d, outflow, e);
    if (!matched) {
      ASSERT_EQ(e.pattern, "") << d;
      ASSERT_TRUE(e.provenance.empty()) << d;
      ASSERT_FALSE(e.channel.has_value()) << d;
      continue;
    }
    ASSERT_NE(e.pattern, "") << d;
    std::set<std::string> seen;
    for (const auto& [field, id] : e.provenance) {
      ASSERT_TRUE(seen.insert(field).second) << "field set twice: " << field << " in " << d;
      std::vector<std::string> declared = g.Fields(id);
      bool ok = std::find(declared.begin(), declared.end(), field) != declared.end();
      ASSERT_TRUE(ok) << "pattern " << id << " set undeclared " << field << " in '" << d << "'";
    }
    // Every non-empty field appears in provenance, and vice versa.
    auto check = [&](std::string_view field, const std::string& value) {
      ASSERT_EQ(!value.empty(), seen.count(std::string(field)) == 1) << field << " in " << d;
    };
    check("counterparty_name", e.counterparty_name);
    check("counterparty_key", e.counterparty_key);
    check("counterparty_account", e.counterparty_account);
    check("counterparty_bank", e.counterparty_bank);
    check("branch", e.branch);
    check("city", e.city);
    check("region", e.region);
    check("country", e.country);
    check("check_number", e.check_number);
    check("reference", e.reference);
    ASSERT_EQ(e.channel.has_value(), seen.count("channel") == 1) << d;
  }
}

TEST(GrammarPropertyTest, RandomDescriptionsSmallGrammar) {
  Grammar g = MustParse(kSmall);
  CheckRandomDescriptions(g, 1, 20000);
}

TEST(GrammarPropertyTest, RandomDescriptionsShippedGrammar) {
  Result<Grammar> g = Grammar::UsBanks();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  for (uint32_t seed = 1; seed <= 4; ++seed) CheckRandomDescriptions(*g, seed, 10000);
}

TEST(GrammarPropertyTest, ThreadsShareOneGrammar) {
  Result<Grammar> g = Grammar::UsBanks();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const Grammar grammar = *g;  // copies share the compiled patterns
  std::vector<std::string> results(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      Enrichment e;
      std::string out;
      for (int i = 0; i < 2000; ++i) {
        grammar.Apply(i % 2 ? "ZELLE FROM JOSE LUNA" : "CASH DEPOSIT BR 3355 INDIANAPOLIS IN",
                      /*outflow=*/false, e);
        out += e.pattern;
      }
      results[static_cast<size_t>(t)] = out;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(results[0], results[1]);
  EXPECT_NE(results[0].find("zelle-in"), std::string::npos);
  EXPECT_NE(results[0].find("cash-deposit"), std::string::npos);
}

}  // namespace
}  // namespace moneytrail::enrich

namespace moneytrail::enrich {
namespace {

// Apply keeps recent results per thread; a result must never leak between grammars, directions
// or descriptions.
TEST(GrammarCacheTest, RepeatedCallsGiveTheSameResultPerGrammarAndDirection) {
  Grammar a = MustParse("[[pattern]]\nid = \"a\"\nregex = '^X (?P<name>.+)'\n");
  Grammar b = MustParse("[[pattern]]\nid = \"b\"\nregex = '^X (?P<city>.+)'\ndirection = \"in\"\n");
  Enrichment e;
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(a.Apply("X ONE", true, e));
    EXPECT_EQ(e.pattern, "a");
    EXPECT_EQ(e.counterparty_name, "ONE");
    EXPECT_EQ(e.city, "");
    EXPECT_FALSE(b.Apply("X ONE", true, e));
    EXPECT_EQ(e.pattern, "");
    ASSERT_TRUE(b.Apply("X ONE", false, e));
    EXPECT_EQ(e.city, "ONE");
    EXPECT_EQ(e.counterparty_name, "");
    ASSERT_TRUE(a.Apply("X TWO", true, e));
    EXPECT_EQ(e.counterparty_name, "TWO");
  }
  // A grammar destroyed and another made in its place does not see its results.
  for (int i = 0; i < 5; ++i) {
    Grammar c = MustParse(i % 2 ? "[[pattern]]\nid = \"odd\"\nregex = 'Z'\n"
                                : "[[pattern]]\nid = \"even\"\nregex = 'Z'\n");
    ASSERT_TRUE(c.Apply("Z", true, e));
    EXPECT_EQ(e.pattern, i % 2 ? "odd" : "even");
  }
  // Long descriptions (not cached) too.
  std::string long_text = "X " + std::string(1000, 'Q');
  ASSERT_TRUE(a.Apply(long_text, true, e));
  EXPECT_EQ(e.counterparty_name.size(), 1000u);
}

// Every field of an Enrichment, for comparing two results.
std::string Fingerprint(const Enrichment& e) {
  std::string s = e.channel ? std::to_string(static_cast<int>(*e.channel)) : "-";
  for (const std::string* f :
       {&e.counterparty_name, &e.counterparty_key, &e.counterparty_account, &e.counterparty_bank,
        &e.branch, &e.city, &e.region, &e.country, &e.check_number, &e.reference, &e.pattern}) {
    s += "|" + *f;
  }
  for (const auto& [field, id] : e.provenance) s += "|" + field + "=" + id;
  return s;
}

// The cache admits a description only when seen before and keeps results per thread: on a
// seeded random stream of repeated and one-off descriptions, interleaved over two grammars
// and both directions, Lookup and Apply give exactly what a freshly compiled grammar (whose
// first call cannot hit any cache) gives.
TEST(GrammarCacheTest, LookupAndApplyEqualAFreshGrammarOnRandomStreams) {
  const std::string text_a =
      "[[pattern]]\nid = \"in\"\nregex = '^PAY FROM (?P<name>[A-Z ]+?)(?: REF (?P<ref>[0-9]+))?$'\n"
      "direction = \"in\"\nchannel = \"ach\"\n"
      "[[pattern]]\nid = \"any\"\nregex = '^PAY (?:FROM|TO) (?P<name>[A-Z ]+?)(?: REF [0-9]+)?$'\n"
      "channel = \"wire\"\n"
      "[[pattern]]\nid = \"ref\"\nalso = true\nregex = ' REF (?P<ref>[0-9]+)$'\n";
  const std::string text_b =
      "[[pattern]]\nid = \"b\"\nregex = '^PAY (?:FROM|TO) (?P<city>[A-Z]+)'\n"
      "channel_in = \"cash_deposit\"\nchannel_out = \"cash_withdrawal\"\n";
  Grammar a = MustParse(text_a);
  Grammar b = MustParse(text_b);
  const uint32_t seed = 20261206;
  std::mt19937 rng(seed);
  const std::vector<std::string> names = {"ANA", "JOSE LUNA", "MARIA", "ROSA PEREZ", "Q"};
  std::vector<std::string> pool;
  for (int i = 0; i < 40; ++i) {
    pool.push_back(std::string(rng() % 2 ? "PAY FROM " : "PAY TO ") + names[rng() % names.size()] +
                   (rng() % 2 ? " REF " + std::to_string(rng() % 1000) : ""));
  }
  // The oracle: each distinct (grammar, direction, description) once through a freshly
  // compiled grammar (a new id: no cached result can apply to it).
  std::map<std::tuple<bool, bool, std::string>, std::pair<bool, std::string>> oracle;
  Enrichment via_apply;
  for (int i = 0; i < 4000; ++i) {
    // Half repeats from a small pool, half one-off descriptions (as transfers with references).
    std::string d = rng() % 2 ? pool[rng() % pool.size()]
                              : "PAY FROM " + names[rng() % names.size()] + " REF " +
                                    std::to_string(rng());
    if (rng() % 50 == 0) d = "NOTHING " + d;
    const bool outflow = rng() % 2;
    const bool use_b = rng() % 4 == 0;
    const Grammar& g = use_b ? b : a;
    auto [it, inserted] = oracle.try_emplace({use_b, outflow, d});
    if (inserted) {
      Enrichment expected;
      it->second.first = MustParse(use_b ? text_b : text_a).Apply(d, outflow, expected);
      it->second.second = Fingerprint(expected);
    }
    const auto& [want_match, want] = it->second;
    const Enrichment* e = g.Lookup(d, outflow);
    ASSERT_EQ(e != nullptr, want_match) << "seed " << seed << " query " << i << ": " << d;
    if (e != nullptr) {
      ASSERT_EQ(Fingerprint(*e), want) << "seed " << seed << " query " << i << ": " << d;
    }
    ASSERT_EQ(g.Apply(d, outflow, via_apply), want_match) << "seed " << seed << ": " << d;
    ASSERT_EQ(Fingerprint(via_apply), want) << "seed " << seed << " query " << i << ": " << d;
  }
}

// The same on the shipped grammar and the descriptions of the grammar's own tests: every
// description a second and third time (cached) equals its first, uncached, result.
TEST(GrammarCacheTest, UsBanksRepeatedLookupsEqualTheFirst) {
  Result<Grammar> g = Grammar::UsBanks();
  ASSERT_TRUE(g.ok());
  Result<Grammar> fresh = Grammar::Parse(Grammar::UsBanksToml(), "us-banks.toml");
  ASSERT_TRUE(fresh.ok());
  const std::vector<std::string> descriptions = {
      "CASH DEPOSIT BR 3355 INDIANAPOLIS IN", "ZELLE FROM JOSE LUNA ACCT ...4577 REF:611889670262",
      "POS PURCHASE SHOPNET ONLINE #4856 HOUSTON TX", "Debit Card Purchase METRO TRANSIT #6452 Miami FL",
      "ACH DEBIT MENDOZA UTILITIES PAYMENT ACCT ...5184 REF:325259934883",
      "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX REF:OW1",
      "CASH WITHDRAWAL - BRANCH 1842 - SALT LAKE CITY, UT", "CHECK #1043", "MONTHLY SERVICE FEE",
      "SOMETHING ELSE"};
  // Each (description, direction) once through `fresh`: a first sight, never cached.
  std::map<std::pair<std::string, bool>, std::pair<bool, std::string>> expected;
  for (const std::string& d : descriptions) {
    for (bool outflow : {false, true}) {
      Enrichment e;
      const bool matched = fresh->Apply(d, outflow, e);
      expected[{d, outflow}] = {matched, Fingerprint(e)};
    }
  }
  for (int round = 0; round < 3; ++round) {
    for (const std::string& d : descriptions) {
      for (bool outflow : {false, true}) {
        const auto& [matched, want] = expected[{d, outflow}];
        const Enrichment* e = g->Lookup(d, outflow);
        ASSERT_EQ(e != nullptr, matched) << d;
        if (e != nullptr) {
          EXPECT_EQ(Fingerprint(*e), want) << d;
        }
      }
    }
  }
}

}  // namespace
}  // namespace moneytrail::enrich

// Channel from the counterparty's country and rows without a channel (docs/rules.md): a row whose
// channel is unknown between a bank account and an outside account whose country the row gives
// matches a filter naming both wire and money_transmitter with a listed counterparty country (a
// transfer abroad, whichever of the two it was); a filter naming `unknown` itself counts rows
// without a channel and says so; nothing else is inferred. Checked against a brute-force
// restatement on random rows, and end to end with the shipped pack on records without channels.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::TestWorld;

std::string Rule(const std::string& body) {
  return test::kHeader + "\n[[rule]]\nid = \"R\"\ntitle = \"t\"\ncitation = \"c\"\nseverity = \"high\"\n" + body;
}

// End 0..3: accounts B:A0..B:A3; 4: a cash desk; 5: an outside account in MX; 6: an outside
// account in the US; 7: an outside account whose row gives no country; 8: a merchant in MX.
constexpr int kAccounts = 4, kCash = 4, kMx = 5, kUs = 6, kNoCountry = 7, kMerchant = 8;
std::string Label(int end) {
  switch (end) {
    case kCash: return "cash:B:BR1";
    case kMx: return "external:MX:1";
    case kUs: return "external:US:1";
    case kNoCountry: return "external:XX:1";
    case kMerchant: return "merchant:ACQ:M1";
    default: return "B:A" + std::to_string(end);
  }
}
std::string Country(int src, int dst) {
  for (int end : {src, dst}) {
    if (end == kMx || end == kMerchant) return "MX";
    if (end == kUs) return "US";
  }
  return "";
}

struct Row {
  int src, dst;
  Channel channel;
};

struct FilterCase {
  std::vector<Channel> channels;  // empty: any channel
  bool corridors = false;         // counterparty_country = ["MX", "GT"]
};

const std::vector<FilterCase> kFilters = {
    {{Channel::kWire, Channel::kMoneyTransmitter}, true},
    {{Channel::kWire, Channel::kMoneyTransmitter}, false},
    {{Channel::kWire}, true},
    {{Channel::kMoneyTransmitter}, true},
    {{Channel::kWire, Channel::kMoneyTransmitter, Channel::kUnknown}, true},
    {{Channel::kCashDeposit, Channel::kWire, Channel::kMoneyTransmitter}, true},
    {{Channel::kUnknown}, false},
    {{Channel::kUnknown, Channel::kAch}, false},
    {{Channel::kCashWithdrawal}, false},
    {{}, true},
    {{}, false},
};

bool Named(const std::vector<Channel>& filter, Channel c) {
  for (Channel f : filter) {
    if (f == c) return true;
  }
  return false;
}

enum class Basis { kNone, kCash, kAbroad, kUnrecorded };

// The documented definition, restated: does row `r`, seen from its account end `end` (receives:
// the destination), match the filter, and what does its evidence say about the channel?
bool Oracle(const Row& r, const FilterCase& f, bool receives, Basis& basis) {
  basis = Basis::kNone;
  const int other = receives ? r.src : r.dst;
  const bool external = other == kMx || other == kUs || other == kNoCountry;
  if (f.corridors && !(external && Country(r.src, r.dst) == "MX")) return false;  // counterparty_country
  bool channel_ok = f.channels.empty() || Named(f.channels, r.channel);
  if (!channel_ok && r.channel == Channel::kCash) {
    channel_ok = Named(f.channels, receives ? Channel::kCashDeposit : Channel::kCashWithdrawal);
  }
  const bool names_unknown = Named(f.channels, Channel::kUnknown);
  if (!channel_ok && r.channel == Channel::kUnknown && !names_unknown) {
    const bool src_cash = r.src == kCash, dst_cash = r.dst == kCash;
    if (src_cash != dst_cash) {
      const Channel by_cash = src_cash ? Channel::kCashDeposit : Channel::kCashWithdrawal;
      channel_ok = Named(f.channels, by_cash) || Named(f.channels, Channel::kCash);
      if (channel_ok) basis = Basis::kCash;
    } else if (Named(f.channels, Channel::kWire) && Named(f.channels, Channel::kMoneyTransmitter) && f.corridors &&
               external) {
      channel_ok = true;  // the country was tested above
      basis = Basis::kAbroad;
    }
  }
  if (!channel_ok) return false;
  if (r.channel == Channel::kUnknown && basis == Basis::kNone && names_unknown) basis = Basis::kUnrecorded;
  return true;
}

Basis BasisOf(const std::string& text) {
  if (text.empty()) return Basis::kNone;
  if (text.starts_with("channel inferred from the cash counterparty")) return Basis::kCash;
  if (text.starts_with("channel inferred from the counterparty's country")) return Basis::kAbroad;
  if (text.starts_with("channel not recorded")) return Basis::kUnrecorded;
  ADD_FAILURE() << "unexpected basis " << text;
  return Basis::kNone;
}

TEST(RuleChannelAbroadTest, MatchesTheBruteForceDefinitionOnRandomRows) {
  const Channel channels[] = {Channel::kUnknown, Channel::kUnknown, Channel::kUnknown, Channel::kWire,
                              Channel::kMoneyTransmitter, Channel::kAch, Channel::kCash, Channel::kCard};
  std::map<Basis, int> seen;
  int matched = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    std::mt19937_64 rng(seed * 7919);
    std::vector<Row> rows;
    TestWorld w;
    const int n = 12 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      Row r;
      do {
        r.src = static_cast<int>(rng() % 9);
        r.dst = static_cast<int>(rng() % 9);
      } while (r.src == r.dst || (r.src >= kAccounts && r.dst >= kAccounts));  // an account end always
      r.channel = channels[rng() % 8];
      rows.push_back(r);
      const std::string day = std::to_string(10 + i % 18);
      w.Add("2025-09-" + day + "T1" + std::to_string(i % 10) + ":00:00Z", Label(r.src), Label(r.dst), "100.00",
            r.channel, "", Country(r.src, r.dst));
    }
    for (const FilterCase& f : kFilters) {
      for (const std::string direction : {"", "in", "out"}) {
        std::string names;
        for (Channel c : f.channels) names += (names.empty() ? "\"" : ", \"") + std::string(ChannelName(c)) + "\"";
        std::string match = "window = \"400d\"\n[rule.match]\n";
        if (!f.channels.empty()) match += "channel = [" + names + "]\n";
        if (f.corridors) match += "counterparty_country = \"@corridors\"\n";
        if (!direction.empty()) match += "direction = \"" + direction + "\"\n";
        std::vector<Alert> alerts = w.Scan(Rule(match + "[rule.when]\ncount = { at_least = 1 }\n"));
        std::set<std::pair<std::string, TransactionId>> got, want;
        std::map<TransactionId, Basis> got_basis, want_basis;
        for (const Alert& a : alerts) {
          for (const EvidenceItem& e : a.evidence) {
            got.emplace(w.store().AccountLabel(a.subjects[0]), e.transaction);
            got_basis[e.transaction] = BasisOf(e.channel_basis);
          }
        }
        for (size_t t = 0; t < rows.size(); ++t) {
          for (bool receives : {true, false}) {
            const int end = receives ? rows[t].dst : rows[t].src;
            if (end >= kAccounts) continue;  // events are seen from bank accounts
            if ((direction == "in" && !receives) || (direction == "out" && receives)) continue;
            Basis basis;
            if (Oracle(rows[t], f, receives, basis)) {
              want.emplace(Label(end), static_cast<TransactionId>(t));
              want_basis[static_cast<TransactionId>(t)] = basis;
              ++seen[basis];
            }
          }
        }
        const std::string what = "seed " + std::to_string(seed) + " filter [" + names + "]" +
                                 (f.corridors ? " corridors" : "") + " direction " + direction;
        EXPECT_EQ(got, want) << what;
        EXPECT_EQ(got_basis, want_basis) << what;
        matched += static_cast<int>(want.size());
      }
    }
  }
  EXPECT_GT(seen[Basis::kAbroad], 30);  // the random rows exercise each reading
  EXPECT_GT(seen[Basis::kUnrecorded], 100);
  EXPECT_GT(seen[Basis::kCash], 5);  // cash in depth: rules_cash_counterparty_test.cc
  EXPECT_GT(matched, 1000);
}

// The evidence and sentence say what was inferred and from what; sufficiency counts the rows.
TEST(RuleChannelAbroadTest, EvidenceSentenceAndSupportSayWhatWasInferred) {
  TestWorld w;
  w.Add("2025-09-02T00:00:00Z", "cash:B:BR1", "B:S", "6000.00", Channel::kUnknown);
  w.Add("2025-09-03T00:00:00Z", "B:S", "external:GT:77", "5800.00", Channel::kUnknown, "", "GT");
  w.Add("2025-09-03T00:00:00Z", "B:S", "external:US:UTIL", "90.00", Channel::kUnknown, "", "US");
  const std::string sequence =
      "window = \"120h\"\n[rule.first]\nchannel = [\"cash_deposit\", \"wire\"]\ndirection = \"in\"\n"
      "[rule.then]\nchannel = [\"wire\", \"money_transmitter\"]\ndirection = \"out\"\n"
      "counterparty_country = [\"GT\", \"MX\"]\n[rule.when]\nratio = { at_least = \"0.9\", at_most = \"1.0\" }\n";
  std::vector<Alert> alerts = w.Scan(Rule(sequence));
  ASSERT_EQ(alerts.size(), 1u);
  ASSERT_EQ(TestWorld::Ids(alerts[0]), (std::vector<TransactionId>{0, 1}));
  EXPECT_EQ(alerts[0].evidence[0].channel_basis, "channel inferred from the cash counterparty: cash_deposit");
  EXPECT_EQ(alerts[0].evidence[1].channel_basis,
            "channel inferred from the counterparty's country: a transfer to an outside account in GT (wire or "
            "money transmitter)");
  bool figure = false;
  for (const auto& [k, v] : alerts[0].figures) figure = figure || (k == "channel_inferred_rows" && v == "2");
  EXPECT_TRUE(figure);
  EXPECT_NE(alerts[0].sentence.find("The channel of 1 of these rows is inferred from the outside counterparty's "
                                    "country"),
            std::string::npos)
      << alerts[0].sentence;
  ASSERT_EQ(w.support().size(), 1u);
  EXPECT_TRUE(w.support()[0].ran) << w.support()[0].reason;
  // Support is counted by the rows' shapes (a country given, not which one), as for known channels:
  // the payee in GT and the utility at home both can support it; only GT matches.
  EXPECT_NE(w.support()[0].note.find("2 of 3 rows have channel unknown and an outside counterparty with a country"),
            std::string::npos)
      << w.support()[0].note;
  // A filter naming wire alone, or without a counterparty country, infers nothing: the utility
  // bill at home and the payee abroad stay unknown.
  EXPECT_TRUE(w.Scan(Rule("window = \"7d\"\n[rule.match]\nchannel = [\"wire\"]\ncounterparty_country = [\"GT\"]\n"
                          "[rule.when]\ncount = { at_least = 1 }\n"))
                  .empty());
  EXPECT_TRUE(w.Scan(Rule("window = \"7d\"\n[rule.match]\nchannel = [\"wire\", \"money_transmitter\"]\n"
                          "[rule.when]\ncount = { at_least = 1 }\n"))
                  .empty());
  EXPECT_EQ(w.support()[0].reason, "0 of 3 rows are wire/money_transmitter (3 of 3 rows have channel unknown)");
}

// The shipped pack on records without channels: wages, fees and a pass-through to a corridor,
// each found from what the rows and KYC hold, each evidence row saying so.
TEST(RuleChannelAbroadTest, ShippedPackFindsWagesFeesAndCorridorsWithoutChannels) {
  TestWorld w;
  // A front business pays four transfers into one person's account on one day; the next day most
  // of it goes out in cash.
  for (const char* amount : {"700.00", "720.00", "690.00", "710.00"}) {
    w.Add("2025-09-05T00:00:00Z", "B:FRONT", "B:BOSS", amount, Channel::kUnknown);
  }
  w.Add("2025-09-06T00:00:00Z", "B:BOSS", "cash:B:BR1", "2700.00", Channel::kUnknown, "Denver, CO");
  // Five persons pay a person in El Paso; a landlord in El Paso receives the same from a
  // business's account (not a person's: no fee).
  for (int k = 0; k < 5; ++k) {
    w.Add("2025-09-1" + std::to_string(k) + "T00:00:00Z", "B:P" + std::to_string(k), "B:FEE", "2400.00",
          Channel::kUnknown);
    w.Add("2025-09-1" + std::to_string(k) + "T00:00:00Z", "B:CO" + std::to_string(k), "B:LANDLORD", "2400.00",
          Channel::kUnknown);
  }
  // A transfer in from a trading company, 96% of it to Guatemala two days later.
  w.Add("2025-09-20T00:00:00Z", "B:TRADING", "B:PASS", "12000.00", Channel::kUnknown);
  w.Add("2025-09-22T00:00:00Z", "B:PASS", "external:GT:9", "11520.00", Channel::kUnknown, "", "GT");
  using test::HolderRow;
  w.Holder(HolderRow{"B:FRONT", 1, PartyKind::kBusiness, 7349});
  w.Holder(HolderRow{"B:BOSS", 2, PartyKind::kPerson, 0, "denver, co"});
  w.Holder(HolderRow{"B:FEE", 3, PartyKind::kPerson, 0, "el paso, tx"});
  w.Holder(HolderRow{"B:LANDLORD", 4, PartyKind::kPerson, 0, "el paso, tx"});
  w.Holder(HolderRow{"B:PASS", 5, PartyKind::kPerson, 0, "omaha, ne"});
  w.Holder(HolderRow{"B:TRADING", 6, PartyKind::kBusiness, 5411});
  for (int k = 0; k < 5; ++k) {
    w.Holder(HolderRow{"B:P" + std::to_string(k), 10u + k, PartyKind::kPerson, 0, "chicago, il"});
    w.Holder(HolderRow{"B:CO" + std::to_string(k), 20u + k, PartyKind::kBusiness, 5411, "chicago, il"});
  }
  const store::Store& s = w.store();
  std::string text;  // TestWorld::Scan takes the pack's text (with the holders above)
  {
    std::FILE* f = std::fopen(MONEYTRAIL_SOURCE_DIR "/rules/smuggling-trafficking.toml", "rb");
    ASSERT_NE(f, nullptr);
    char buf[4096];
    for (size_t got; (got = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, got);
    std::fclose(f);
  }
  std::vector<Alert> alerts = w.Scan(text);
  std::map<std::string, std::set<std::string>> by_rule;
  for (const Alert& a : alerts) {
    for (AccountId subject : a.subjects) by_rule[a.rule_id].insert(s.AccountLabel(subject));
    if (a.rule_id != "ST-WAGES-ONE-ACCOUNT" && a.rule_id != "ST-WAGES-OUT" && a.rule_id != "ST-FEE" &&
        a.rule_id != "ST-RAPID-CORRIDOR") {
      continue;
    }
    for (const EvidenceItem& e : a.evidence) {  // every row is unknown: each says how it was read
      EXPECT_FALSE(e.channel_basis.empty()) << a.rule_id << " row " << e.transaction;
    }
  }
  EXPECT_EQ(by_rule["ST-WAGES-ONE-ACCOUNT"], (std::set<std::string>{"B:BOSS", "B:FRONT"}));
  EXPECT_EQ(by_rule["ST-WAGES-OUT"], (std::set<std::string>{"B:BOSS"}));
  EXPECT_EQ(by_rule["ST-FEE"], (std::set<std::string>{"B:FEE"}));  // not the landlord paid by businesses
  EXPECT_EQ(by_rule["ST-RAPID-CORRIDOR"], (std::set<std::string>{"B:PASS"}));
  for (const Alert& a : alerts) {
    if (a.rule_id != "ST-RAPID-CORRIDOR") continue;
    ASSERT_EQ(a.evidence.size(), 2u);
    EXPECT_EQ(a.evidence[0].channel_basis,
              "channel not recorded: a transfer between two bank accounts, which this rule counts whatever its "
              "channel");
    EXPECT_NE(a.evidence[1].channel_basis.find("a transfer to an outside account in GT"), std::string::npos);
    EXPECT_NE(a.sentence.find("1 of these rows have no channel in the records"), std::string::npos) << a.sentence;
  }
}

}  // namespace
}  // namespace moneytrail::rules

// Test helpers for tests/rules: small hand-made stores, holders and packs.
//
// Example:
//   TestWorld w;
//   w.Add("2025-09-02T10:00:00Z", "cash:B:BR-EL-PASO", "B:A1", "9400.00", Channel::kCashDeposit, "El Paso, TX");
//   std::vector<rules::Alert> alerts = w.Scan(kPackText);
#ifndef MONEYTRAIL_TESTS_RULES_RULES_TEST_UTIL_H_
#define MONEYTRAIL_TESTS_RULES_RULES_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"

namespace moneytrail::rules::test {

struct Row {
  std::string time;      // ISO 8601
  std::string from, to;  // "bank:number" (an account) or "kind:bank:number"
  std::string amount;
  Channel channel = Channel::kWire;
  std::string city_region;  // "El Paso, TX" or empty
  std::string country;      // "US", "MX" or empty
  int mcc = -1;
  std::string currency = "USD";
  int file = -1;      // index into Sources(); -1: the first source
  uint32_t line = 0;  // 0: the next line of a running count
};

struct HolderRow {
  std::string account;  // "bank:number"
  uint32_t party = 0;
  PartyKind kind = PartyKind::kPerson;
  uint32_t industry = 0;
  std::string home;     // "el paso, tx"
  std::string phone;
  std::string address;
  std::string entity;   // entity id ("E1"); empty = none
};

// ISO 8601, or "@SECONDS" for a raw time (far past or future, beyond what ISO 8601 writes).
inline Timestamp T(const std::string& iso) {
  if (!iso.empty() && iso[0] == '@') return std::stoll(iso.substr(1));
  return *TimeFormat::Iso8601().Parse(iso);
}

class TestWorld {
 public:
  TestWorld() {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("mt_rules_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
  }
  ~TestWorld() { std::filesystem::remove_all(dir_); }

  // Appends a row (the store is built at the first Scan/store()).
  TestWorld& Add(Row r) {
    rows_.push_back(std::move(r));
    return *this;
  }
  TestWorld& Add(std::string time, std::string from, std::string to, std::string amount, Channel channel,
                 std::string city_region = "", std::string country = "", int mcc = -1) {
    return Add(Row{std::move(time), std::move(from), std::move(to), std::move(amount), channel,
                   std::move(city_region), std::move(country), mcc});
  }
  // The store's source files (custody records), by path; one "/cases/hand-made.csv" by default.
  TestWorld& Sources(std::vector<std::string> paths) {
    source_paths_ = std::move(paths);
    return *this;
  }
  // A file stored with the commit (as an ingest stores statement-lines.csv).
  TestWorld& CommitFile(std::string name, std::string contents) {
    commit_files_.emplace_back(std::move(name), std::move(contents));
    return *this;
  }
  TestWorld& Holder(HolderRow h) {
    holder_rows_.push_back(std::move(h));
    return *this;
  }

  const store::Store& store() {
    if (!store_) Build();
    return *store_;
  }

  // Scans with `pack_text`; fails the test on a parse or scan error.
  std::vector<Alert> Scan(const std::string& pack_text, const RulePack::Overrides& overrides = {},
                          unsigned threads = 1) {
    const store::Store& s = store();
    Result<RulePack> pack = RulePack::Parse(pack_text, "test.toml", overrides);
    EXPECT_TRUE(pack.ok()) << pack.status().ToString();
    if (!pack.ok()) return {};
    HolderTable holders(s.account_count());
    for (const HolderRow& h : holder_rows_) {
      size_t colon = h.account.find(':');
      std::optional<AccountId> a = s.FindAccount(NodeKind::kAccount, h.account.substr(0, colon),
                                                 h.account.substr(colon + 1));
      EXPECT_TRUE(a.has_value()) << h.account;
      if (!a) continue;
      rules::Holder holder;
      holder.party = h.party;
      holder.kind = h.kind;
      holder.industry_code = h.industry;
      holder.home = h.home.empty() ? 0 : holders.Intern(h.home);
      holder.phone = h.phone.empty() ? 0 : holders.Intern(h.phone);
      holder.address = h.address.empty() ? 0 : holders.Intern(h.address);
      holders.Set(*a, holder);
      if (!h.entity.empty()) holders.SetEntity(*a, holders.Intern(h.entity));
    }
    ScanOptions options;
    options.holders = holder_rows_.empty() ? nullptr : &holders;
    options.threads = threads;
    const RulePack* packs[] = {&*pack};
    Result<ScanResult> r = rules::Scan(s, packs, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    skipped_ = r->skipped;
    support_ = r->support;
    return r->alerts;
  }

  const std::vector<std::string>& skipped() const { return skipped_; }
  // Per rule of the last Scan: whether it ran on this data and why not.
  const std::vector<RuleSupport>& support() const { return support_; }
  const std::filesystem::path& dir() const { return dir_; }

  // Transaction ids of an alert's evidence, in evidence order.
  static std::vector<TransactionId> Ids(const Alert& a) {
    std::vector<TransactionId> out;
    for (const EvidenceItem& e : a.evidence) out.push_back(e.transaction);
    return out;
  }

 private:
  static std::pair<NodeKind, std::pair<std::string, std::string>> Parse(const std::string& text) {
    size_t first = text.find(':');
    size_t second = text.find(':', first + 1);
    if (second == std::string::npos) return {NodeKind::kAccount, {text.substr(0, first), text.substr(first + 1)}};
    NodeKind kind = *ParseNodeKind(text.substr(0, first));
    return {kind, {text.substr(first + 1, second - first - 1), text.substr(second + 1)}};
  }

  void Build() {
    auto w = *store::StoreWriter::Open(dir_);
    store::TransactionColumns& c = w->columns();
    uint32_t line = 2;
    for (const Row& r : rows_) {
      auto [fk, fkey] = Parse(r.from);
      auto [tk, tkey] = Parse(r.to);
      AccountId a = *w->InternAccount(fk, fkey.first, fkey.second);
      AccountId b = *w->InternAccount(tk, tkey.first, tkey.second);
      Decimal amount = *ParseDecimal(r.amount);
      uint32_t location = store::kNoLocation;
      if (!r.city_region.empty() || !r.country.empty()) {
        std::string city, region;
        if (size_t comma = r.city_region.find(", "); comma != std::string::npos) {
          city = r.city_region.substr(0, comma);
          region = r.city_region.substr(comma + 2);
        }
        location = *w->InternLocation(city, region, r.country.empty() && !city.empty() ? "US" : r.country);
      }
      c.time.push_back(T(r.time));
      c.source.push_back(a);
      c.destination.push_back(b);
      c.amount_paid.push_back(amount.units);
      c.paid_scale.push_back(amount.scale);
      c.paid_currency.push_back(*w->InternCurrency(r.currency));
      c.amount_received.push_back(amount.units);
      c.received_scale.push_back(amount.scale);
      c.received_currency.push_back(c.paid_currency.back());
      c.channel.push_back(static_cast<uint8_t>(r.channel));
      c.location.push_back(location);
      c.mcc.push_back(r.mcc < 0 ? store::kNoMcc : static_cast<uint16_t>(r.mcc));
      c.counterparty.push_back(store::kNoString);
      c.label.push_back(static_cast<uint8_t>(Label::kUnknown));
      c.typology.push_back(store::kNoString);
      c.source_file.push_back(r.file < 0 ? 0 : static_cast<uint32_t>(r.file));
      c.source_line.push_back(r.line != 0 ? r.line : line++);
    }
    std::vector<std::string> paths = source_paths_.empty() ? std::vector<std::string>{"/cases/hand-made.csv"}
                                                           : source_paths_;
    for (size_t k = 0; k < paths.size(); ++k) {
      store::SourceRecord rec;
      rec.index = static_cast<uint32_t>(k);
      rec.path = paths[k];
      rec.sha256 = std::string(63, 'a') + static_cast<char>('a' + k % 6);
      for (const Row& r : rows_) rec.rows_read += (r.file < 0 ? 0u : static_cast<size_t>(r.file)) == k;
      rec.rows_accepted = rec.rows_read;
      rec.format = "native";
      w->AddSource(rec, "");
    }
    for (const auto& [name, contents] : commit_files_) EXPECT_TRUE(w->AddCommitFile(name, contents).ok());
    EXPECT_TRUE(w->Commit().ok());
    w.reset();
    Result<store::Store> s = store::Store::Open(dir_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store_.emplace(std::move(*s));
  }

  std::filesystem::path dir_;
  std::vector<Row> rows_;
  std::vector<HolderRow> holder_rows_;
  std::vector<std::string> source_paths_;
  std::vector<std::pair<std::string, std::string>> commit_files_;
  std::optional<store::Store> store_;
  std::vector<std::string> skipped_;
  std::vector<RuleSupport> support_;
};

// A pack header for tests: UTC, cutoff 17:00, 2025-09-01 (Labor Day) a holiday.
inline const std::string kHeader = R"(
[pack]
id = "test"
currency = "USD"
business_day_cutoff = "17:00"
holidays = ["2025-09-01"]
[lists]
border = ["El Paso, TX", "Laredo, TX"]
corridors = ["MX", "GT"]
)";

}  // namespace moneytrail::rules::test

#endif  // MONEYTRAIL_TESTS_RULES_RULES_TEST_UTIL_H_

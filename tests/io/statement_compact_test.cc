// CompactRows (src/io/statement_compact.h): every row added is given back exactly, field for
// field and view for view (same bytes at the same address), whether it was packed or kept whole.
#include "io/statement_compact.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "moneytrail/hash.h"

namespace moneytrail {
namespace {

using io_internal::CompactRows;
using io_internal::CounterpartySource;
using io_internal::Direction;
using io_internal::StagedRow;
using io_internal::StatementDetail;

bool SameView(std::string_view a, std::string_view b) {
  return a == b && (a.empty() || a.data() == b.data());
}

void ExpectSame(const StagedRow& a, const StatementDetail& ad, const StagedRow& b,
                const StatementDetail& bd, size_t i) {
  SCOPED_TRACE("row " + std::to_string(i));
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.source_kind, b.source_kind);
  EXPECT_EQ(a.dest_kind, b.dest_kind);
  EXPECT_TRUE(SameView(a.source_bank, b.source_bank));
  EXPECT_TRUE(SameView(a.source_account, b.source_account));
  EXPECT_TRUE(SameView(a.dest_bank, b.dest_bank));
  EXPECT_TRUE(SameView(a.dest_account, b.dest_account));
  EXPECT_EQ(a.paid.units, b.paid.units);
  EXPECT_EQ(a.paid.scale, b.paid.scale);
  EXPECT_EQ(a.received.units, b.received.units);
  EXPECT_EQ(a.received.scale, b.received.scale);
  EXPECT_EQ(a.paid_currency, b.paid_currency);
  EXPECT_EQ(a.received_currency, b.received_currency);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_TRUE(SameView(a.city, b.city));
  EXPECT_TRUE(SameView(a.region, b.region));
  EXPECT_TRUE(SameView(a.country, b.country));
  EXPECT_EQ(a.mcc, b.mcc);
  EXPECT_TRUE(SameView(a.counterparty, b.counterparty));
  EXPECT_EQ(a.label, b.label);
  EXPECT_TRUE(SameView(a.typology, b.typology));
  EXPECT_EQ(a.line, b.line);
  EXPECT_EQ(a.source_hash, b.source_hash);
  EXPECT_EQ(a.dest_hash, b.dest_hash);
  EXPECT_EQ(a.source_id, b.source_id);
  EXPECT_EQ(a.dest_id, b.dest_id);
  EXPECT_TRUE(SameView(ad.description, bd.description));
  EXPECT_TRUE(SameView(ad.reference, bd.reference));
  ASSERT_EQ(ad.balance.has_value(), bd.balance.has_value());
  if (ad.balance) {
    EXPECT_EQ(ad.balance->units, bd.balance->units);
    EXPECT_EQ(ad.balance->scale, bd.balance->scale);
  }
  EXPECT_EQ(ad.direction, bd.direction);
  EXPECT_EQ(ad.amount.units, bd.amount.units);
  EXPECT_EQ(ad.amount.scale, bd.amount.scale);
  EXPECT_TRUE(SameView(ad.statement_bank, bd.statement_bank));
  EXPECT_TRUE(SameView(ad.statement_account, bd.statement_account));
  EXPECT_EQ(ad.counterparty_source, bd.counterparty_source);
}

class Rows {
 public:
  explicit Rows(uint32_t seed) : rng_(seed) {
    for (int i = 0; i < 64; ++i) pool_.push_back("text" + std::to_string(i) + std::string(i % 7, 'x'));
    pool_.push_back(std::string(70000, 'L'));  // longer than a packed view holds
  }
  std::string_view Pick(int empty_in) {
    if (rng_() % empty_in == 0) return {};
    const std::string& s = pool_[rng_() % (pool_.size() - 1)];
    size_t from = rng_() % (s.size() + 1);
    return std::string_view(s).substr(from, rng_() % (s.size() - from + 1));
  }
  // A row as the statement path makes it (SetStatementEnds, ParseCommonFields), then, one in
  // `odd`, with one thing a packed row cannot carry.
  void Make(StagedRow& r, StatementDetail& d, int odd) {
    r = StagedRow();
    d = StatementDetail();
    r.time = static_cast<Timestamp>(rng_()) - (1ll << 31);
    r.paid = {static_cast<int64_t>(rng_() % 1000000000) + 1, static_cast<uint8_t>(rng_() % 4)};
    r.received = r.paid;
    r.paid_currency = r.received_currency = Pick(1000);
    r.channel = static_cast<Channel>(rng_() % 8);
    r.city = Pick(2);
    r.region = Pick(2);
    r.country = Pick(2);
    r.mcc = rng_() % 3 == 0 ? static_cast<uint16_t>(rng_() % 10000) : 0xFFFF;
    r.counterparty = Pick(3);
    r.label = static_cast<Label>(rng_() % 3);
    r.typology = Pick(5);
    r.line = static_cast<uint32_t>(rng_());
    d.description = Pick(4);
    d.reference = Pick(2);
    if (rng_() % 2) d.balance = Decimal{static_cast<int64_t>(rng_()) - (1ll << 31), static_cast<uint8_t>(rng_() % 5)};
    d.direction = static_cast<Direction>(rng_() % 3);
    d.counterparty_source = static_cast<CounterpartySource>(rng_() % 4);
    r.source_kind = static_cast<NodeKind>(rng_() % 3);
    r.dest_kind = static_cast<NodeKind>(rng_() % 3);
    r.source_bank = Pick(3);
    r.source_account = Pick(20);
    r.dest_bank = Pick(3);
    r.dest_account = Pick(20);
    if (d.direction != Direction::kNone) d.amount = r.paid;
    if (d.direction == Direction::kDebit) {
      d.statement_bank = r.source_bank;
      d.statement_account = r.source_account;
    } else if (d.direction == Direction::kCredit) {
      d.statement_bank = r.dest_bank;
      d.statement_account = r.dest_account;
    }
    r.source_hash = HashAccountKey(static_cast<uint8_t>(r.source_kind), r.source_bank, r.source_account);
    r.dest_hash = HashAccountKey(static_cast<uint8_t>(r.dest_kind), r.dest_bank, r.dest_account);
    if (rng_() % odd != 0) return;
    switch (rng_() % 8) {
      case 0: r.received.units += 1; break;
      case 1: r.received_currency = "EUR"; r.paid_currency = "USD"; break;
      case 2: r.source_id = 7; break;
      case 3: r.dest_id = 3; break;
      case 4: d.amount.units += 1; break;
      case 5: d.statement_account = "someone else"; break;
      case 6: d.description = pool_.back(); break;  // 70,000 bytes
      case 7: r.city = std::string_view(pool_.back()).substr(1); break;
    }
  }
  std::mt19937 rng_;

 private:
  std::vector<std::string> pool_;
};

TEST(CompactRowsTest, GivesBackEveryRowExactlyPackedOrWhole) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    Rows gen(seed);
    CompactRows rows;
    std::vector<std::pair<StagedRow, StatementDetail>> want(2000);
    for (auto& [r, d] : want) {
      gen.Make(r, d, 10);
      rows.Add(r, d);
    }
    // Rewrites, as enrichment and the mirrors do, some making a packed row odd and back.
    for (int n = 0; n < 600; ++n) {
      const size_t i = gen.rng_() % want.size();
      gen.Make(want[i].first, want[i].second, 4);
      rows.Set(i, want[i].first, want[i].second);
    }
    ASSERT_EQ(rows.size(), want.size());
    EXPECT_GT(rows.whole_rows(), 100u);  // the odd ones
    EXPECT_LT(rows.whole_rows(), 1000u);
    // One row and detail for every Get, as the intake reuses them: nothing of the previous
    // row may remain.
    StagedRow r;
    StatementDetail d;
    for (size_t i = 0; i < want.size(); ++i) {
      rows.Get(i, r, d);
      ExpectSame(want[i].first, want[i].second, r, d, i);
      EXPECT_EQ(rows.line(i), want[i].first.line);
      EXPECT_EQ(rows.time(i), want[i].first.time);
      EXPECT_EQ(rows.paid_currency(i), want[i].first.paid_currency);
      EXPECT_TRUE(SameView(rows.description(i), want[i].second.description));
      EXPECT_EQ(rows.balance(i).has_value(), want[i].second.balance.has_value());
      if (HasFailure()) return;
    }
  }
}

TEST(CompactRowsTest, AStatementRowIsPacked) {
  Rows gen(99);
  CompactRows rows;
  StagedRow r;
  StatementDetail d;
  for (int i = 0; i < 500; ++i) {
    gen.Make(r, d, 1'000'000'000);
    rows.Add(r, d);
  }
  EXPECT_EQ(rows.whole_rows(), 0u);
  static_assert(sizeof(io_internal::CompactRow) <= 152);
}

}  // namespace
}  // namespace moneytrail

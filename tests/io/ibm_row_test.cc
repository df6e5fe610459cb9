// The IBM-layout row parser (io/ibm_row.h) against its oracle, the general path
// (CheckRecordBytes + ParseRow): on random and mutated IBM records, whenever the fast parser
// accepts a record, the general path accepts it too and gives the same row; and the fast
// parser accepts every plain row, so that the comparison is not vacuous.
#include "io/ibm_row.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "io/ingester.h"
#include "io/row_parser.h"
#include "io/row_spec.h"
#include "io/text_checks.h"
#include "moneytrail/csv.h"
#include "moneytrail/time_format.h"

namespace moneytrail::io_internal {
namespace {

std::string Digits(std::mt19937_64& rng, int n, const char* alphabet = "0123456789") {
  const size_t k = std::char_traits<char>::length(alphabet);
  std::string s;
  for (int i = 0; i < n; ++i) s += alphabet[rng() % k];
  return s;
}

std::string Pick(std::mt19937_64& rng, const std::vector<std::string>& v) {
  return v[rng() % v.size()];
}

const std::vector<std::string> kCurrencies = {"US Dollar", "Euro", "Bitcoin", "Yuan",
                                              "UK Pound", "Swiss Franc", "Rupee"};
const std::vector<std::string> kFormats = {"Reinvestment", "Cheque", "Credit Card", "ACH",
                                           "Cash", "Wire", "Bitcoin"};

std::string PlainTime(std::mt19937_64& rng) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d/%02d/%02d %02d:%02d", 2019 + static_cast<int>(rng() % 5),
                1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28),
                static_cast<int>(rng() % 24), static_cast<int>(rng() % 60));
  return buf;
}

std::string PlainAmount(std::mt19937_64& rng) {
  return Digits(rng, 1 + static_cast<int>(rng() % 7)) + "." +
         Digits(rng, rng() % 4 == 0 ? 6 : 2);
}

// One plain IBM row's 11 fields.
std::vector<std::string> PlainRow(std::mt19937_64& rng) {
  const std::string cur = Pick(rng, kCurrencies);
  const std::string amount = PlainAmount(rng);
  return {PlainTime(rng),
          Digits(rng, 1 + static_cast<int>(rng() % 5)),
          Digits(rng, 9, "0123456789ABCDEF"),
          Digits(rng, 1 + static_cast<int>(rng() % 5)),
          Digits(rng, 9, "0123456789ABCDEF"),
          amount,
          cur,
          amount,
          cur,
          Pick(rng, kFormats),
          rng() % 100 == 0 ? "1" : "0"};
}

// Values that are unusual for one field: valid in other forms, or invalid.
std::string Mutant(std::mt19937_64& rng, int column) {
  static const std::vector<std::string> kTimes = {
      "2022/9/01 00:20", "2022/09/1 00:20", "2022/09/01 0:20", "2022/09/01 00:2",
      "2022/02/29 10:00", "2024/02/29 10:00", "2022/02/30 10:00", "2022/13/01 10:00",
      "2022/00/10 10:00", "2022/01/00 10:00", "2022/01/31 24:00", "2022/01/31 23:60",
      "2022/01/31 23:59", "2022-01-31 23:59", "2022/01/31T23:59", "2022/01/31 23:59 ",
      " 2022/01/31 23:59", "22/01/31 23:59", "1899/12/31 23:59", "2200/01/01 00:00",
      "2000/02/29 12:00", "1900/02/29 12:00", "0000/01/01 00:00", "", "abc",
      "2022/01/31 23:59:00", "2022/01/31 2359", "9999/12/31 23:59", "2022/1a/31 23:59"};
  static const std::vector<std::string> kAmounts = {
      "", "0", "0.00", ".5", "5.", ".", "-5.00", "+5.00", "1,000.00", "1.2.3", "1e5",
      "123456789012345678", "1234567890123456789", "0000000000000000001", "12345678.1234567890",
      "0.000000000000000001", "0.0000000000000000001", " 5", "5 ", "00012.50", "99999999999.99"};
  static const std::vector<std::string> kFormatsOdd = {
      "", "ach", "WIRE", "credit card", "Credit card", "cash_deposit", "unknown", "Bogus",
      "Wire ", "card", "Crédit"};
  static const std::vector<std::string> kLabels = {"", "1", "0", "true", "False", "yes", "NO",
                                                   "2", " 1", "10"};
  static const std::vector<std::string> kTexts = {"", " ", "x", "0524", "Euro€", "a\"b", "A"};
  switch (column) {
    case 0: return Pick(rng, kTimes);
    case 5: case 7: return Pick(rng, kAmounts);
    case 9: return Pick(rng, kFormatsOdd);
    case 10: return Pick(rng, kLabels);
    default: return Pick(rng, kTexts);
  }
}

void ExpectSameRow(const StagedRow& a, const StagedRow& b, const std::string& record) {
  EXPECT_EQ(a.time, b.time) << record;
  EXPECT_EQ(a.source_kind, b.source_kind) << record;
  EXPECT_EQ(a.dest_kind, b.dest_kind) << record;
  EXPECT_EQ(a.source_bank, b.source_bank) << record;
  EXPECT_EQ(a.source_account, b.source_account) << record;
  EXPECT_EQ(a.dest_bank, b.dest_bank) << record;
  EXPECT_EQ(a.dest_account, b.dest_account) << record;
  EXPECT_EQ(a.paid.units, b.paid.units) << record;
  EXPECT_EQ(a.paid.scale, b.paid.scale) << record;
  EXPECT_EQ(a.received.units, b.received.units) << record;
  EXPECT_EQ(a.received.scale, b.received.scale) << record;
  EXPECT_EQ(a.paid_currency, b.paid_currency) << record;
  EXPECT_EQ(a.received_currency, b.received_currency) << record;
  EXPECT_EQ(a.channel, b.channel) << record;
  EXPECT_EQ(a.city, b.city) << record;
  EXPECT_EQ(a.region, b.region) << record;
  EXPECT_EQ(a.country, b.country) << record;
  EXPECT_EQ(a.mcc, b.mcc) << record;
  EXPECT_EQ(a.counterparty, b.counterparty) << record;
  EXPECT_EQ(a.label, b.label) << record;
  EXPECT_EQ(a.typology, b.typology) << record;
  EXPECT_EQ(a.source_hash, b.source_hash) << record;
  EXPECT_EQ(a.dest_hash, b.dest_hash) << record;
  EXPECT_EQ(a.source_id, b.source_id) << record;
  EXPECT_EQ(a.dest_id, b.dest_id) << record;
}

struct Counts {
  size_t records = 0, plain = 0, fast = 0, general = 0;
};

// Reads `data` as ParseChunk does and compares the two parsers on every record.
Counts Compare(const RowSpec& spec, const std::string& data, const std::vector<bool>& plain) {
  Counts c;
  IbmRowParser fast(spec);
  CsvRecordReader reader(data, spec.dialect, 1);
  std::vector<std::string_view> fields;
  std::deque<std::string> arena;
  while (reader.Next(fields) || !reader.status().ok()) {
    if (!reader.status().ok()) {
      if (!reader.Resync()) break;
      continue;
    }
    const std::string_view raw =
        std::string_view(data).substr(reader.record_offset(), reader.offset() - reader.record_offset());
    const std::string record(raw);
    const size_t index = static_cast<size_t>(reader.line() - 1);
    ++c.records;
    StagedRow general_row;
    RejectedRow reject;
    const bool general = CheckRecordBytes(raw, fields, reader.last_record_ascii_without_nul(), reject) &&
                         ParseRow(spec, fields, data, arena, general_row, reject);
    c.general += general;
    StagedRow fast_row;
    const bool fast_ok = reader.last_record_ascii_without_nul() && raw.size() <= kMaxFieldBytes &&
                         fast.Parse(fields, fast_row);
    c.fast += fast_ok;
    // (A clean record next to one with non-ASCII bytes may be reported unchecked by the
    // reader's block path, and then goes to the general path: not counted.)
    if (index < plain.size() && plain[index] && reader.last_record_ascii_without_nul()) {
      ++c.plain;
      EXPECT_TRUE(fast_ok) << "a plain row the fast parser declined: " << record;
    }
    if (fast_ok) {
      EXPECT_TRUE(general) << "accepted by the fast parser only: " << record << " ("
                           << reject.ToString() << ")";
      if (general) ExpectSameRow(fast_row, general_row, record);
    }
  }
  return c;
}

TEST(IbmRowTest, AppliesOnlyToTheBuiltInLayout) {
  EXPECT_TRUE(IbmFastPathApplies(IbmAmlSpec()));
  RowSpec ranged = IbmAmlSpec();
  ranged.min_time = 0;
  ranged.max_time = 2000000000;
  EXPECT_TRUE(IbmFastPathApplies(ranged));
  EXPECT_FALSE(IbmFastPathApplies(NativeSpec()));
  EXPECT_FALSE(IbmFastPathApplies(AmlsimSpec("USD")));
  RowSpec comma = IbmAmlSpec();
  comma.decimal_point = ',';
  EXPECT_FALSE(IbmFastPathApplies(comma));
  RowSpec kinds = IbmAmlSpec();
  kinds.kind_values["x"] = NodeKind::kCash;
  EXPECT_FALSE(IbmFastPathApplies(kinds));
  RowSpec extra = IbmAmlSpec();
  extra.at(Field::kCity).has_constant = true;
  extra.at(Field::kCity).constant = "Paris";
  EXPECT_FALSE(IbmFastPathApplies(extra));
  RowSpec moved = IbmAmlSpec();
  std::swap(moved.at(Field::kAmountPaid).column, moved.at(Field::kAmountReceived).column);
  EXPECT_FALSE(IbmFastPathApplies(moved));
  RowSpec formats = IbmAmlSpec();
  formats.more_time_formats.push_back(TimeFormat::Iso8601());
  EXPECT_FALSE(IbmFastPathApplies(formats));
}

// Random plain rows and rows with one to three fields mutated, a few with the wrong number of
// fields, quotes, CRLF ends or non-ASCII bytes; the time range excludes some plain times.
TEST(IbmRowTest, AgreesWithTheGeneralPathOnRandomAndMutatedRows) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    RowSpec spec = IbmAmlSpec();
    if (seed % 2 == 0) {
      spec.min_time = *TimeFormat::Iso8601().Parse("2020-01-01T00:00:00");
      spec.max_time = *TimeFormat::Iso8601().Parse("2022-12-31T23:59:00");
    }
    std::string data;
    std::vector<bool> plain;
    for (int i = 0; i < 20000; ++i) {
      std::vector<std::string> f = PlainRow(rng);
      bool is_plain = true;
      const int kind = static_cast<int>(rng() % 10);
      if (kind >= 5) {
        is_plain = false;
        for (int m = 0, n = 1 + static_cast<int>(rng() % 3); m < n; ++m) {
          const int column = static_cast<int>(rng() % 11);
          f[column] = Mutant(rng, column);
        }
      }
      if (kind == 9) {
        switch (rng() % 4) {
          case 0: f.pop_back(); break;
          case 1: f.push_back(""); break;
          case 2: f[rng() % 11] = "\"quoted,\"\"text\"\"\""; break;
          case 3: f[rng() % 11] = std::string(kMaxFieldBytes + 1, '7'); break;
        }
      }
      std::string line;
      for (size_t k = 0; k < f.size(); ++k) line += (k ? "," : "") + f[k];
      // Only CRLF and LF rows that are plain in every field count as plain.
      const bool in_range = [&] {
        Result<Timestamp> t = spec.time_format.Parse(f[0]);
        return t.ok() && *t >= spec.min_time && *t <= spec.max_time;
      }();
      is_plain = is_plain && in_range;
      line += rng() % 8 == 0 ? "\r\n" : "\n";
      data += line;
      plain.push_back(is_plain);
    }
    const Counts c = Compare(spec, data, plain);
    EXPECT_EQ(c.records, plain.size());
    EXPECT_GT(c.plain, 5000u);
    EXPECT_GE(c.fast, c.plain);
    EXPECT_LT(c.general, c.records);  // some mutated rows are rejected
    EXPECT_GT(c.general, c.fast);     // and some accepted only by the general path
  }
}

}  // namespace
}  // namespace moneytrail::io_internal

// A small case for the view routes' tests: a random store (seeded; accounts, cash desks and
// outside counterparties; two currencies; times out of id order) and an investigation's outputs
// (subjects.csv, alerts.jsonl, patterns.jsonl, shared.jsonl, one trail) written into a directory
// laid out as a workspace case (<dir>/store, <dir>/run).
#ifndef MONEYTRAIL_TESTS_SERVER_CASE_FIXTURE_H_
#define MONEYTRAIL_TESTS_SERVER_CASE_FIXTURE_H_

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "moneytrail/store.h"

namespace moneytrail::server::testing {

struct RandomStoreShape {
  int accounts = 12;        // bank accounts 001:A0 ..
  int others = 3;           // cash desks and outside counterparties
  int transactions = 200;
  bool sorted_times = false;
};

// Writes a random store to `dir`; returns false on any failure (the test asserts).
inline bool WriteRandomStore(const std::filesystem::path& dir, uint32_t seed, const RandomStoreShape& shape) {
  auto w = store::StoreWriter::Open(dir);
  if (!w.ok()) return false;
  std::mt19937 rng(seed);
  std::vector<AccountId> ids;
  for (int i = 0; i < shape.accounts; ++i) ids.push_back(*(*w)->InternAccount(NodeKind::kAccount, "001", "A" + std::to_string(i)));
  for (int i = 0; i < shape.others; ++i) {
    ids.push_back(*(*w)->InternAccount(i % 2 ? NodeKind::kExternal : NodeKind::kCash, i % 2 ? "" : "001",
                                       "X" + std::to_string(i)));
  }
  const uint16_t usd = *(*w)->InternCurrency("USD");
  const uint16_t eur = *(*w)->InternCurrency("EUR");
  store::TransactionColumns& c = (*w)->columns();
  for (int t = 0; t < shape.transactions; ++t) {
    const Timestamp base = 1'756'684'800;  // 2025-09-01
    c.time.push_back(shape.sorted_times ? base + t * 3600 : base + static_cast<Timestamp>(rng() % (30 * 86400)));
    c.source.push_back(ids[rng() % ids.size()]);
    c.destination.push_back(rng() % 10 == 0 ? c.source.back() : ids[rng() % ids.size()]);
    const int64_t units = 100 + static_cast<int64_t>(rng() % 500000);
    const uint8_t scale = rng() % 5 == 0 ? 0 : 2;
    c.amount_paid.push_back(units);
    c.paid_scale.push_back(scale);
    c.paid_currency.push_back(rng() % 4 == 0 ? eur : usd);
    c.amount_received.push_back(units);
    c.received_scale.push_back(scale);
    c.received_currency.push_back(c.paid_currency.back());
    c.channel.push_back(static_cast<uint8_t>(1 + rng() % 9));
    c.location.push_back(store::kNoLocation);
    c.mcc.push_back(store::kNoMcc);
    c.counterparty.push_back(store::kNoString);
    c.label.push_back(static_cast<uint8_t>(Label::kUnknown));
    c.typology.push_back(store::kNoString);
    c.source_file.push_back(0);
    c.source_line.push_back(static_cast<uint32_t>(t + 2));
  }
  store::SourceRecord rec;
  rec.index = 0;
  rec.path = "/evidence/statements.csv";
  rec.sha256 = std::string(64, 'a');
  rec.rows_read = rec.rows_accepted = static_cast<uint64_t>(shape.transactions);
  rec.format = "native";
  (*w)->AddSource(rec, "");
  return (*w)->Commit().ok();
}

// An investigation's outputs for the store above: two subjects, three alerts, two pattern
// instances (the first on E1's accounts, the second on E2's), one shared-identifier group, one
// trail.
inline void WriteRun(const std::filesystem::path& run) {
  std::filesystem::create_directories(run / "trails" / "01-E1");
  std::ofstream(run / "subjects.csv")
      << "rank,subject,holder,tier,rule_points,alerts,rules,accounts,related_parties,reasons\n"
         "1,E1,Ann Example,1,28,2,ST-FEE ST-CTR,001:A0 001:A1,E2,\"channel wire (+1.43); amount paid 2647.00 (+0.81)\"\n"
         "2,E2,\"Bo, Example\",2,6,1,ST-FAN-IN,001:A2,,\n";
  std::ofstream(run / "alerts.jsonl")
      << R"({"record":"scan","transactions":200})" "\n"
      << R"({"record":"alert","alert_id":"ST-FEE-1","rule_id":"ST-FEE","title":"Fees","citation":"FIN-2014-A008","severity":"high","subjects":["001:A0"],"window":{"start":"2025-09-03T00:00:00Z","end":"2025-09-05T00:00:00Z"},"sentence":"Account 001:A0 received fees.","evidence":[{"transaction_id":3,"source_file":"/evidence/statements.csv","source_line":5}]})" "\n"
      << R"({"record":"alert","alert_id":"ST-CTR-1","rule_id":"ST-CTR","title":"CTR","citation":"31 CFR 1010.311","severity":"report","subjects":["001:A1"],"window":{"start":"2025-09-10T00:00:00Z","end":"2025-09-10T12:00:00Z"},"sentence":"Cash over 10,000.","evidence":[]})" "\n"
      << R"({"record":"alert","alert_id":"ST-FAN-IN-1","rule_id":"ST-FAN-IN","title":"Fan-in","citation":"FATF 2018","severity":"medium","subjects":["001:A2"],"window":{"start":"2025-09-12T00:00:00Z","end":"2025-09-20T00:00:00Z"},"sentence":"Many senders.","evidence":[]})" "\n";
  std::ofstream(run / "patterns.jsonl")
      << R"({"instance":1,"kind":"temporal_cycle","hub":"","accounts":["001:A0","001:A1","001:A3"],"transactions":[1,2,3],"total_amount_paid":{"USD":"1.00"},"first_time":"2025-09-02T00:00:00Z","last_time":"2025-09-03T00:00:00Z"})" "\n"
      << R"({"instance":2,"kind":"fan_in","hub":"001:A2","accounts":["001:A2","001:A4","001:A5","001:A6","001:A7","001:A8"],"transactions":[4,5,6,7,8],"total_amount_paid":{"USD":"2.00"},"first_time":"2025-09-04T00:00:00Z","last_time":"2025-09-06T00:00:00Z"})" "\n";
  std::ofstream(run / "shared.jsonl")
      << R"({"identifier":"phone","value":"+1 555 0100","entities":["E1","E9"],"accounts":["001:A1","001:A9"]})" "\n"
      << R"({"identifier":"address","value":"1 Main St","entities":["E7","E8"],"accounts":["001:A7","001:A8"]})" "\n";
  std::ofstream(run / "trails" / "01-E1" / "trail.json")
      << R"({"configuration":{"method":"libr"},"totals":[{"currency":"USD","traced_in":"100.00","remaining":"60.00","exited_total":"40.00"}],"remaining":[],"exits":[{"account":"001:A5","amount":"40.00"}]})";
}

}  // namespace moneytrail::server::testing

#endif  // MONEYTRAIL_TESTS_SERVER_CASE_FIXTURE_H_

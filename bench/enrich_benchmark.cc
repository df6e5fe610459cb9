// Description grammar throughput (issue #19 item 4; goal for the whole intake: >= 1M rows/s on
// one core). Descriptions come from templates of config/grammars/us-banks.toml's forms with
// seeded random names, ids and places.
//   BM_EnrichDistinct: every description different (no repetition: the grammar's raw speed).
//   BM_EnrichStatements: descriptions drawn from a pool of `pool` distinct ones, as statement
//     rows repeat their payees, merchants, fees and payroll (the per-thread result cache).
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "moneytrail/enrich.h"

namespace {

using moneytrail::enrich::Enrichment;
using moneytrail::enrich::Grammar;

struct Row {
  std::string description;
  bool outflow;
};

std::vector<Row> MakeRows(size_t count, uint32_t seed) {
  static const std::vector<std::string> kFirst = {"JOSE", "MARIA", "ANA", "LUIS", "PEDRO",
                                                  "ROSA", "JUAN", "CARMEN", "MIGUEL", "SOFIA"};
  static const std::vector<std::string> kLast = {"LUNA", "LOPEZ", "PEREZ", "GARCIA", "RUIZ",
                                                 "CASTRO", "MENDEZ", "DIAZ", "SANCHEZ", "REYES"};
  static const std::vector<std::string> kPlace = {"HOUSTON TX", "EL PASO TX", "PHOENIX AZ",
                                                  "INDIANAPOLIS IN", "SAN ANTONIO TX",
                                                  "LOS ANGELES CA", "TIJUANA MX", "DALLAS TX"};
  static const std::vector<std::string> kMerchant = {"WALMART", "SHELL OIL", "HOME DEPOT",
                                                     "OXXO", "TACO CABANA", "KROGER"};
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto num = [&](int digits) {
    std::string s;
    for (int i = 0; i < digits; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < count; ++i) {
    std::string name = pick(kFirst) + " " + pick(kLast);
    switch (rng() % 12) {
      case 0: rows.push_back({"CASH DEPOSIT BR " + num(4) + " " + pick(kPlace), false}); break;
      case 1: rows.push_back({"ATM WITHDRAWAL " + num(4) + " MAIN ST " + pick(kPlace), true}); break;
      case 2: rows.push_back({"ZELLE FROM " + name + " CONF# " + num(8), false}); break;
      case 3: rows.push_back({"ZELLE TO " + name, true}); break;
      case 4:
        rows.push_back({"WIRE OUT BNF:" + name + " SA DE CV BBK:BANORTE MX REF:OW" + num(7),
                        true});
        break;
      case 5: rows.push_back({"WIRE IN ORIG:" + name + " ORIG BK:BANRURAL OBI:FAMILIA", false}); break;
      case 6: rows.push_back({"POS PURCHASE " + pick(kMerchant) + " #" + num(3) + " " + pick(kPlace), true}); break;
      case 7: rows.push_back({"ACH DEBIT COMCAST CABLE " + num(9), true}); break;
      case 8: rows.push_back({"CHECK #" + num(4), true}); break;
      case 9: rows.push_back({"MONTHLY SERVICE FEE", true}); break;
      case 10: rows.push_back({"ONLINE TRANSFER TO CHK ..." + num(4), true}); break;
      default: rows.push_back({"CASH APP*" + name, true}); break;
    }
  }
  return rows;
}

void Run(benchmark::State& state, const std::vector<Row>& rows) {
  moneytrail::Result<Grammar> grammar = Grammar::UsBanks();
  if (!grammar.ok()) {
    state.SkipWithError("grammar did not load");
    return;
  }
  Enrichment e;
  size_t i = 0;
  size_t matched = 0;
  for (auto _ : state) {
    const Row& r = rows[i];
    matched += grammar->Apply(r.description, r.outflow, e);
    if (++i == rows.size()) i = 0;
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_EnrichDistinct(benchmark::State& state) {
  static const std::vector<Row> rows = MakeRows(200000, 7);
  Run(state, rows);
}
BENCHMARK(BM_EnrichDistinct);

void BM_EnrichStatements(benchmark::State& state) {
  std::vector<Row> pool = MakeRows(static_cast<size_t>(state.range(0)), 11);
  std::vector<Row> rows;
  std::mt19937 rng(13);
  for (size_t i = 0; i < 200000; ++i) rows.push_back(pool[rng() % pool.size()]);
  Run(state, rows);
}
BENCHMARK(BM_EnrichStatements)->Arg(200)->Arg(1000)->Arg(5000);

}  // namespace

// Micro benchmarks of the ingest hot path: decimal and timestamp parsing, CSV record splitting
// and the account hash.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "moneytrail/csv.h"
#include "moneytrail/hash.h"
#include "moneytrail/money.h"
#include "moneytrail/time_format.h"

namespace moneytrail {
namespace {

void BM_ParseDecimal(benchmark::State& state) {
  const char* amounts[] = {"1234.56", "0.000296", "9400.00", "17", "123456789.12"};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseDecimal(amounts[i++ % 5]));
  }
}
BENCHMARK(BM_ParseDecimal);

void BM_ParseIbmTimestamp(benchmark::State& state) {
  TimeFormat f = *TimeFormat::Compile("%Y/%m/%d %H:%M");
  for (auto _ : state) benchmark::DoNotOptimize(f.Parse("2022/09/01 00:20"));
}
BENCHMARK(BM_ParseIbmTimestamp);

void BM_HashAccountKey(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(HashAccountKey(0, "03208", "8000F4580"));
}
BENCHMARK(BM_HashAccountKey);

void BM_CsvRecords(benchmark::State& state) {
  std::string data;
  for (int i = 0; i < 10000; ++i) {
    data += "2022/09/01 00:20,010,8000EBD30,03208,8000F4580,1234.56,US Dollar,1234.56,US Dollar,"
            "Cheque,0\n";
  }
  std::vector<std::string_view> fields;
  for (auto _ : state) {
    CsvRecordReader reader(data, CsvDialect{});
    while (reader.Next(fields)) benchmark::DoNotOptimize(fields.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_CsvRecords);

}  // namespace
}  // namespace moneytrail

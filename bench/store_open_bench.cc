// Store::Open + Summarize (what `moneytrail info` does), wall and CPU seconds (bench/RESULTS-store.md).
// Alternates, ROUNDS rounds, three ways to open:
//   info   columns = {} (Summarize checks the seven it reads: CRCs and ranges), as `info` opens;
//   eager  every column checked at Open (CRCs and ranges), as every Open did before #25 (a);
//   nocrc  columns = {} and check_block_crcs = false (Summarize still range-checks its seven).
// Prints every sample and the CPU median of each. For the figure "checks disabled", link it with
// a store.cc whose Rep::CheckColumnOf returns Ok at once for a one-segment store (see
// bench/RESULTS-store.md): its "nocrc" line is then Open + Summarize with no column checked.
// Build: g++ -std=c++20 -O2 -Iinclude bench/store_open_bench.cc build/src/store/libmoneytrail_store.a build/src/common/libmoneytrail_common.a -lfmt -lcrypto -lisal -ltbb -lpthread -o store_open_bench
// Usage: store_open_bench STORE [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "moneytrail/store.h"
#include "moneytrail/store_summary.h"

using namespace moneytrail;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s STORE [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  const char* names[] = {"info", "eager", "nocrc"};
  const store::StoreOpenOptions options[] = {
      {.columns = store::ColumnSet()},
      {},
      {.columns = store::ColumnSet(), .check_block_crcs = false},
  };
  std::vector<double> cpu[3];
  std::string first;
  for (int round = 0; round < rounds; ++round) {
    for (int mode = 0; mode < 3; ++mode) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      auto s = store::Store::Open(argv[1], options[mode]);
      if (!s.ok()) {
        std::puts(std::string(s.status().message()).c_str());
        return 1;
      }
      auto summary = store::Summarize(*s);
      if (!summary.ok()) {
        std::puts(std::string(summary.status().message()).c_str());
        return 1;
      }
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double seconds = double(std::clock() - c0) / CLOCKS_PER_SEC;
      // Every way gives the same summary.
      const std::string text = summary->ToText();
      if (first.empty()) first = text;
      if (text != first) {
        std::printf("%s: a different summary\n", names[mode]);
        return 1;
      }
      cpu[mode].push_back(seconds);
      std::printf("%-5s wall %.3f cpu %.3f\n", names[mode], wall, seconds);
    }
  }
  for (int mode = 0; mode < 3; ++mode) {
    std::sort(cpu[mode].begin(), cpu[mode].end());
    std::printf("median cpu, %s: %.3f s (%zu samples)\n", names[mode], cpu[mode][cpu[mode].size() / 2],
                cpu[mode].size());
  }
}

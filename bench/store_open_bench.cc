// Store::Open + Summarize (what `moneytrail info` does), wall and CPU seconds (bench/RESULTS-store.md).
// Alternates Open with the block CRC32Cs (the default) and without (check_block_crcs = false),
// ROUNDS rounds, and prints every sample and the CPU medians of each.
// Build: g++ -std=c++20 -O2 -Iinclude bench/store_open_bench.cc build/src/store/libmoneytrail_store.a build/src/common/libmoneytrail_common.a -lfmt -lcrypto -lisal -ltbb -lpthread -o store_open_bench
// Usage: store_open_bench STORE [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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
  std::vector<double> cpu[2];
  for (int round = 0; round < rounds; ++round) {
    for (int crc = 1; crc >= 0; --crc) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      auto s = store::Store::Open(argv[1], {.check_block_crcs = crc == 1});
      if (!s.ok()) {
        std::puts(std::string(s.status().message()).c_str());
        return 1;
      }
      auto summary = store::Summarize(*s);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double seconds = double(std::clock() - c0) / CLOCKS_PER_SEC;
      cpu[crc].push_back(seconds);
      std::printf("crc=%d wall %.3f cpu %.3f\n", crc, wall, seconds);
    }
  }
  for (int crc = 1; crc >= 0; --crc) {
    std::sort(cpu[crc].begin(), cpu[crc].end());
    std::printf("median cpu, %s: %.3f s\n", crc ? "with block CRCs" : "without", cpu[crc][cpu[crc].size() / 2]);
  }
}

// Store::Open + Summarize (what `moneytrail info` does), 10 times, wall and CPU seconds (bench/RESULTS-store.md).
// Build: g++ -std=c++20 -O2 -Iinclude bench/store_open_bench.cc build/src/store/libmoneytrail_store.a build/src/common/libmoneytrail_common.a -lfmt -lcrypto -lpthread
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include "moneytrail/store.h"
#include "moneytrail/store_summary.h"
using namespace moneytrail;
int main(int argc, char** argv) {
  for (int rep = 0; rep < 5; ++rep) {
    for (int crc = 0; crc < 2; ++crc)  // two samples per round {
      auto t0 = std::chrono::steady_clock::now();
      std::clock_t c0 = std::clock();
      auto s = store::Store::Open(argv[1]);
      if (!s.ok()) { std::puts(std::string(s.status().message()).c_str()); return 1; }
      auto sum = store::Summarize(*s);
      double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
      std::printf("crc=%d wall %.3f cpu %.3f\n", crc, wall, cpu);
    }
  }
}

// A timeline of a long operation's phases, for measuring where the wall time goes: with the
// environment variable MONEYTRAIL_PHASES set, each PhaseMark("name") prints to stderr the wall
// time since the previous mark, the CPU time of the whole process in that interval (so how
// many cores were busy), and the resident set size. Without it, a mark costs one load of a
// cached flag. Diagnostics only: nothing in the output of a command depends on it.
#pragma once

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace moneytrail {

namespace phase_log_internal {
inline double Seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
inline long RssMb() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long pages = 0, resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * 4096 / (1 << 20) : -1;
}
}  // namespace phase_log_internal

inline bool PhaseLogOn() {
  static const bool on = std::getenv("MONEYTRAIL_PHASES") != nullptr;
  return on;
}

// Marks the end of phase `name` (see the file comment). Thread-safe.
inline void PhaseMark(const char* name) {
  if (!PhaseLogOn()) return;
  using namespace phase_log_internal;
  static std::mutex mutex;
  static double start_wall = -1, last_wall = 0, last_cpu = 0;
  std::lock_guard<std::mutex> lock(mutex);
  const double wall = Seconds(CLOCK_MONOTONIC), cpu = Seconds(CLOCK_PROCESS_CPUTIME_ID);
  if (start_wall < 0) {
    start_wall = last_wall = wall;
    last_cpu = cpu;
  }
  const double dw = wall - last_wall, dc = cpu - last_cpu;
  std::fprintf(stderr, "phase %-34s at %7.3f s: %7.3f s wall, %7.3f s CPU (%.2f cores), %ld MB\n",
               name, wall - start_wall, dw, dc, dw > 0 ? dc / dw : 0.0, RssMb());
  last_wall = wall;
  last_cpu = cpu;
}

// Sums the wall time of a part of a loop (Start/Stop around it) and prints it as a note.
class PhaseSum {
 public:
  void Start() {
    if (PhaseLogOn()) at_ = phase_log_internal::Seconds(CLOCK_MONOTONIC);
  }
  void Stop() {
    if (PhaseLogOn()) sum_ += phase_log_internal::Seconds(CLOCK_MONOTONIC) - at_;
  }
  void Print(const char* name) const {
    if (PhaseLogOn()) std::fprintf(stderr, "  of which %-30s %7.3f s wall\n", name, sum_);
  }

 private:
  double at_ = 0, sum_ = 0;
};

}  // namespace moneytrail

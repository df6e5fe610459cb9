// The generator's random numbers: SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014), written out here so that the output never
// depends on a standard library's engine or distributions. Every entity, day and planned
// instance draws from its own stream, derived from the seed with StreamSeed, so that output is
// independent of the thread count and of the order in which work is scheduled.
#ifndef MONEYTRAIL_SRC_GENERATE_RNG_H_
#define MONEYTRAIL_SRC_GENERATE_RNG_H_

#include <cmath>
#include <cstdint>

namespace moneytrail::generate_internal {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang extension; -Wpedantic-quiet
__extension__ typedef __int128 Int128;

// The SplitMix64 output function (a bijection on 64-bit words).
inline constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The seed of the stream named by (seed, domain, a, b).
inline constexpr uint64_t StreamSeed(uint64_t seed, uint64_t domain, uint64_t a = 0,
                                     uint64_t b = 0) {
  uint64_t h = Mix64(seed + 0x9E3779B97F4A7C15ULL * (domain + 1));
  h = Mix64(h ^ (a + 0x632BE59BD9B4E019ULL));
  return Mix64(h ^ (b + 0x85157AF5ULL));
}

// Stream domains: one per kind of consumer, so that adding a consumer never shifts another.
enum Domain : uint64_t {
  kDomainWorld = 1,
  kDomainParty = 2,
  kDomainAccount = 3,
  kDomainDay = 4,
  kDomainPlan = 5,
  kDomainInstance = 6,
  kDomainTieBreak = 7,
  kDomainStatement = 8,  // statements (statement_writer.cc): accounts chosen, cycles, faults
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix64(state_);
  }
  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-32 for n < 2^32).
  uint32_t Below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<Uint128>(Next()) * n) >> 64);
  }
  // Uniform integer in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal by the Box-Muller transform (one of the pair; simple beats fast here).
  double Normal() {
    double u1 = 1.0 - Uniform();
    double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // exp(N(log(median), sigma^2)).
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  // Poisson by inversion (Knuth); for the small means used here (< 20).
  uint32_t Poisson(double mean) {
    double limit = std::exp(-mean);
    double product = Uniform();
    uint32_t k = 0;
    while (product > limit && k < 200) {
      product *= Uniform();
      ++k;
    }
    return k;
  }

 private:
  uint64_t state_;
};

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_RNG_H_

// Normal life: the legitimate transactions of one account on one day (docs/generator.md,
// "Normal life"). Each (account, day) draws from its own random stream, so that any split of
// the accounts over threads gives the same transactions.
#ifndef MONEYTRAIL_SRC_GENERATE_NORMAL_LIFE_H_
#define MONEYTRAIL_SRC_GENERATE_NORMAL_LIFE_H_

#include <cstdint>
#include <vector>

#include "generate/rng.h"
#include "generate/tx.h"
#include "generate/world.h"

namespace moneytrail::generate_internal {

struct DayInfo {
  uint32_t index = 0;    // 0-based day of the run
  int32_t civil_day = 0; // days since 1970-01-01
  int64_t midnight = 0;  // seconds since the epoch
  uint32_t weekday = 0;  // 0 = Monday
  uint32_t mday = 1;     // day of the month
  uint32_t month = 1;
};
DayInfo MakeDayInfo(const World& world, uint32_t index);

// A time of day in seconds drawn from hour profile `profile` (tables.h, Mcc::hours).
uint32_t DrawTimeOfDay(uint32_t profile, Rng& rng);
// A time of day in seconds uniform in [from_hour, to_hour) (to_hour may pass midnight: 22..27).
uint32_t DrawHours(uint32_t from_hour, uint32_t to_hour, Rng& rng);

// Appends the legitimate transactions of `account` on `day` to `out`.
void NormalDay(const World& world, uint32_t account, const DayInfo& day, std::vector<Tx>& out);

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_NORMAL_LIFE_H_

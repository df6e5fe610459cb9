// Internal: the generator's output pipeline. Blocks are formatted in parallel and written in
// block order as soon as each is ready, so the writes overlap the formatting and copy blocks
// that are still in cache; the output does not depend on the thread count.
#ifndef MONEYTRAIL_SRC_GENERATE_ORDERED_BLOCKS_H_
#define MONEYTRAIL_SRC_GENERATE_ORDERED_BLOCKS_H_

#include <tbb/parallel_pipeline.h>

#include <cstddef>

namespace moneytrail::generate_internal {

// Calls format(k) for every block k in [0, blocks), in parallel with at most `tokens` blocks in
// flight, and write(k) for each in increasing k after its format(k). Block k may use buffer slot
// k % tokens: no two blocks in flight share a slot.
template <typename FormatFn, typename WriteFn>
void FormatAndWriteInOrder(size_t blocks, size_t tokens, FormatFn format, WriteFn write) {
  size_t next_block = 0;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> size_t {
                                       if (next_block == blocks) {
                                         fc.stop();
                                         return 0;
                                       }
                                       return next_block++;
                                     }) &
          tbb::make_filter<size_t, size_t>(tbb::filter_mode::parallel,
                                           [&](size_t k) {
                                             format(k);
                                             return k;
                                           }) &
          tbb::make_filter<size_t, void>(tbb::filter_mode::serial_in_order,
                                         [&](size_t k) { write(k); }));
}

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_ORDERED_BLOCKS_H_

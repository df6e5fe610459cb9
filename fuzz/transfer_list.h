// The ingest's read loop for transfer lists (IBM AMLworld, AMLSim, native CSV: one record per
// transaction), in memory and without the store, for the three parser harnesses. It follows
// Ingester::IngestFile and ParseChunk (src/io/ingest.cc) for one chunk, and checks what the
// ingest promises (include/moneytrail/ingest.h): every record is accepted or rejected with a
// reason, accepted text is valid UTF-8 without NUL, times lie in the plausible range, and the
// reader's block path reads the same records as its scalar path.
//
// Example:
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     moneytrail::fuzz::FuzzTransferList(moneytrail::io_internal::NativeSpec(), data, size);
//     return 0;
//   }
#ifndef MONEYTRAIL_FUZZ_TRANSFER_LIST_H_
#define MONEYTRAIL_FUZZ_TRANSFER_LIST_H_

#include <cstddef>
#include <cstdint>

#include "io/row_spec.h"

namespace moneytrail::fuzz {

// Reads `data` as a file of the format of `spec` (its header, then every record) and aborts on a
// broken promise. Returns the number of accepted rows.
size_t FuzzTransferList(io_internal::RowSpec spec, const uint8_t* data, size_t size);

}  // namespace moneytrail::fuzz

#endif  // MONEYTRAIL_FUZZ_TRANSFER_LIST_H_

// libFuzzer harness: an AMLSim transfer list read as the ingest reads it (transfer_list.h).
#include <cstddef>
#include <cstdint>

#include "io/row_spec.h"
#include "transfer_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  moneytrail::fuzz::FuzzTransferList(moneytrail::io_internal::AmlsimSpec("USD"), data, size);
  return 0;
}

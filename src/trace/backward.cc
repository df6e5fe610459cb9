// Backward tracing (to be filled in).
#include "moneytrail/trace.h"

namespace moneytrail::trace {

Result<Trail> TraceBackward(const Ledger&, const TraceOptions&) {
  return UnimplementedError("backward tracing is not implemented yet");
}

}  // namespace moneytrail::trace

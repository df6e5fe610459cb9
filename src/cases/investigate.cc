// The investigate pipeline (include/moneytrail/investigate.h, docs/investigate.md): every stage
// in order, by the stage runner of moneytrail/investigation.h.
#include "moneytrail/investigate.h"

#include "moneytrail/investigation.h"
#include "views.h"

namespace moneytrail::cases {

Result<std::vector<std::string>> LoadHolderNames(const store::Store& store,
                                                 const std::filesystem::path& dir) {
  MT_ASSIGN_OR_RETURN(HolderNames names, HolderNames::Load(dir));
  return names.ByAccount(store);
}

Result<CaseSummary> Investigate(const InvestigateOptions& options) {
  MT_ASSIGN_OR_RETURN(Investigation job, Investigation::Begin(options));
  MT_RETURN_IF_ERROR(job.RunThrough(Stage::kExhibits));
  return job.Summary();
}

}  // namespace moneytrail::cases

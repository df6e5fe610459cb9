// The `export` verb's formats for investigators' tools (docs/exhibits.md): ftm, i2, graphml,
// xlsx. Kept beside export.cc so that its native/ibm-aml path stays as it was.
#ifndef MONEYTRAIL_TOOLS_EXPORT_FORMATS_H_
#define MONEYTRAIL_TOOLS_EXPORT_FORMATS_H_

#include <string>

namespace moneytrail::cli {

// True for "ftm", "i2", "graphml", "xlsx".
bool IsToolFormat(const std::string& format);

// Writes `source` (a store, or a case directory whose custody.json names its store) to `out` in
// `format`; i2 also writes the import specification beside it (OUT.import-spec.xml). Returns
// the exit code.
int RunToolExport(const std::string& source, const std::string& out, const std::string& format);

}  // namespace moneytrail::cli

#endif  // MONEYTRAIL_TOOLS_EXPORT_FORMATS_H_

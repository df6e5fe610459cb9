// Where the files moneytrail ships (the rule pack, the default model) are found.
#include <filesystem>
#include <string_view>
#include <vector>

#include "moneytrail/investigate.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

fs::path FindShippedFile(std::string_view relative) {
  std::vector<fs::path> candidates = {fs::path(relative)};
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
      candidates.push_back(dir / relative);
    }
  }
#ifdef MONEYTRAIL_SHIPPED_DIR
  candidates.push_back(fs::path(MONEYTRAIL_SHIPPED_DIR) / relative);
#endif
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return fs::absolute(p, ec);
  }
  return {};
}

}  // namespace moneytrail::cases

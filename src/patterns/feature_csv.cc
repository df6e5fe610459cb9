// features.csv: the feature table as pandas reads it.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

#include "kernels.h"

namespace moneytrail::patterns {
namespace {

// Most values are small integers (counts, histogram bins, mostly 0): those skip fmt's format
// string, which cost more than the digits (the CSV took longer than the features on hi-small,
// bench/RESULTS-patterns.md). Same text as fmt's "{}" for both kinds.
void AppendValue(double v, fmt::memory_buffer& out) {
  if (std::isnan(v)) return;
  if (v == std::floor(v) && std::fabs(v) < 9e15) {
    if (v == 0) {
      out.push_back('0');
      return;
    }
    const fmt::format_int digits(static_cast<int64_t>(v));
    out.append(digits.data(), digits.data() + digits.size());
  } else {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), v);
  }
}

}  // namespace

Status WriteFeatureCsv(const FeatureTable& table, const std::filesystem::path& path,
                       bool append) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), append ? "ab" : "wb"),
                                             &std::fclose);
  if (!file) return ErrnoError("cannot create " + path.string(), errno);
  std::vector<size_t> order(table.rows());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return table.tx_ids[a] < table.tx_ids[b]; });
  fmt::memory_buffer buffer;
  if (!append) {
    fmt::format_to(std::back_inserter(buffer), "tx_id");
    for (const std::string& c : table.columns) {
      fmt::format_to(std::back_inserter(buffer), ",{}", c);
    }
    buffer.push_back('\n');
  }
  for (size_t r : order) {
    const fmt::format_int id(table.tx_ids[r]);
    buffer.append(id.data(), id.data() + id.size());
    for (double v : table.row(r)) {
      buffer.push_back(',');
      AppendValue(v, buffer);
    }
    buffer.push_back('\n');
    if (buffer.size() > (1 << 20)) {
      if (std::fwrite(buffer.data(), 1, buffer.size(), file.get()) != buffer.size()) {
        return ErrnoError("cannot write " + path.string(), errno);
      }
      buffer.clear();
    }
  }
  if (std::fwrite(buffer.data(), 1, buffer.size(), file.get()) != buffer.size() ||
      std::fflush(file.get()) != 0) {
    return ErrnoError("cannot write " + path.string(), errno);
  }
  if (std::fclose(file.release()) != 0) return ErrnoError("cannot close " + path.string(), errno);
  return Status::Ok();
}

}  // namespace moneytrail::patterns

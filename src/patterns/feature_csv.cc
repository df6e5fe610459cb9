// features.csv: the feature table as pandas reads it.
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

#include "kernels.h"

namespace moneytrail::patterns {
namespace {

void AppendValue(double v, fmt::memory_buffer& out) {
  if (std::isnan(v)) return;
  if (v == std::floor(v) && std::fabs(v) < 9e15) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<int64_t>(v));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
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
    fmt::format_to(std::back_inserter(buffer), "{}", table.tx_ids[r]);
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

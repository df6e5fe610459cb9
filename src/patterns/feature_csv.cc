// features.csv: the feature table as pandas reads it.
#include <fmt/compile.h>
#include <fmt/format.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
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
  if (!std::is_sorted(table.tx_ids.begin(), table.tx_ids.end())) {
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return table.tx_ids[a] < table.tx_ids[b]; });
  }
  fmt::memory_buffer header;
  if (!append) {
    fmt::format_to(std::back_inserter(header), "tx_id");
    for (const std::string& c : table.columns) {
      fmt::format_to(std::back_inserter(header), ",{}", c);
    }
    header.push_back('\n');
  }
  if (std::fwrite(header.data(), 1, header.size(), file.get()) != header.size()) {
    return ErrnoError("cannot write " + path.string(), errno);
  }
  // Chunks of rows are formatted in parallel (formatting was about half of `moneytrail
  // patterns`' time on hi-small) and written in order by one thread; at most two chunks per
  // thread are in flight, each in a buffer reused from chunk to chunk (a fresh one per chunk
  // cost its page faults: more system time than the formatting saved). Chunks leave the
  // in-order writing stage in order and each frees its token there, so the chunks in flight
  // are always `tokens` consecutive ones at most: chunk c can use buffer c % tokens.
  constexpr size_t kChunkRows = 8192;
  const size_t chunks = (order.size() + kChunkRows - 1) / kChunkRows;
  const auto tokens = static_cast<size_t>(2 * std::max(1, tbb::this_task_arena::max_concurrency()));
  std::vector<fmt::memory_buffer> buffers(tokens);
  size_t next = 0;
  bool failed = false;
  int error = 0;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> size_t {
                                       if (next == chunks || failed) {
                                         fc.stop();
                                         return 0;
                                       }
                                       return next++;
                                     }) &
          tbb::make_filter<size_t, fmt::memory_buffer*>(
              tbb::filter_mode::parallel,
              [&](size_t chunk) {
                fmt::memory_buffer* buffer = &buffers[chunk % tokens];
                buffer->clear();
                const size_t end = std::min(order.size(), (chunk + 1) * kChunkRows);
                for (size_t k = chunk * kChunkRows; k < end; ++k) {
                  const size_t r = order[k];
                  const fmt::format_int id(table.tx_ids[r]);
                  buffer->append(id.data(), id.data() + id.size());
                  for (double v : table.row(r)) {
                    buffer->push_back(',');
                    AppendValue(v, *buffer);
                  }
                  buffer->push_back('\n');
                }
                return buffer;
              }) &
          tbb::make_filter<fmt::memory_buffer*, void>(
              tbb::filter_mode::serial_in_order,
              [&](fmt::memory_buffer* buffer) {
                if (!failed && std::fwrite(buffer->data(), 1, buffer->size(), file.get()) !=
                                   buffer->size()) {
                  failed = true;
                  error = errno;
                }
              }));
  if (failed) return ErrnoError("cannot write " + path.string(), error);
  if (std::fflush(file.get()) != 0) return ErrnoError("cannot write " + path.string(), errno);
  if (std::fclose(file.release()) != 0) return ErrnoError("cannot close " + path.string(), errno);
  return Status::Ok();
}

}  // namespace moneytrail::patterns

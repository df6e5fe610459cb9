// Generate(): builds the world, plans the laundering, then streams day after day: the day's
// normal life is generated in parallel over fixed chunks of accounts, merged with the planted
// transactions of that day, sorted by (time, order), formatted in parallel blocks and appended
// to the files in order. Only the world and one day of transactions are ever in memory.
#include "moneytrail/json_text.h"
#include "moneytrail/generate.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "generate/calendar.h"
#include "generate/csv_writer.h"
#include "generate/huge_pages.h"
#include "generate/normal_life.h"
#include "generate/ordered_blocks.h"
#include "generate/plan.h"
#include "generate/statement_writer.h"
#include "generate/world.h"
#include "moneytrail/version.h"

namespace moneytrail::generate {
namespace {

using namespace generate_internal;  // NOLINT: the module's own internals

constexpr uint32_t kAccountsPerChunk = 2048;
constexpr size_t kRowsPerBlock = 8192;
constexpr size_t kSecondsPerDay = 86400;

std::string_view FormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kNative: return "native";
    case OutputFormat::kIbmAml: return "ibm-aml";
    case OutputFormat::kBoth: return "both";
  }
  return "native";
}

class File {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) return ErrnoError("cannot create " + path, errno);
    return Status::Ok();
  }
  Status Write(const char* data, size_t size) {
    if (file_ == nullptr || size == 0) return Status::Ok();
    if (std::fwrite(data, 1, size, file_) != size) return ErrnoError("cannot write " + path_, errno);
    return Status::Ok();
  }
  Status Close() {
    if (file_ == nullptr) return Status::Ok();
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return ErrnoError("cannot close " + path_, errno);
    return Status::Ok();
  }
  ~File() {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool is_open() const { return file_ != nullptr; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

Status Validate(const GenerateOptions& o) {
  if (o.out_dir.empty()) return InvalidArgumentError("--out: an output directory is required");
  if (o.accounts < 100 || o.accounts > 50'000'000) {
    return InvalidArgumentError(fmt::format("--accounts: {} is out of range; expected 100..50000000", o.accounts));
  }
  if (o.days < 1 || o.days > 3660) {
    return InvalidArgumentError(fmt::format("--days: {} is out of range; expected 1..3660", o.days));
  }
  if (!(o.laundering_rate >= 0 && o.laundering_rate <= 0.5)) {
    return InvalidArgumentError(fmt::format("--laundering-rate: {} is out of range; expected 0..0.5", o.laundering_rate));
  }
  if (!(o.activity > 0 && o.activity <= 50)) {
    return InvalidArgumentError(fmt::format("--activity: {} is out of range; expected (0, 50]", o.activity));
  }
  if (!ParseDate(o.start_date)) {
    return InvalidArgumentError(fmt::format("--start-date: '{}' is not a date YYYY-MM-DD", o.start_date));
  }
  return Status::Ok();
}

// Mean legitimate transactions per account-day, from a fixed sample of account-days.
double EstimateDailyRate(const World& world) {
  Rng rng(StreamSeed(world.params().seed, kDomainPlan, 1));
  std::vector<Tx> scratch;
  const uint32_t samples = 20000;
  for (uint32_t s = 0; s < samples; ++s) {
    uint32_t account = rng.Below(world.account_count());
    DayInfo day = MakeDayInfo(world, rng.Below(world.params().days));
    NormalDay(world, account, day, scratch);
  }
  return static_cast<double>(scratch.size()) / samples;
}

std::string InstancesJsonl(const World& world, const Plan& plan) {
  std::string out;
  for (size_t i = 0; i < plan.instances.size(); ++i) {
    const Instance& inst = plan.instances[i];
    out += fmt::format("{{\"instance_id\":{},\"typology\":\"{}\",\"accounts\":[", i, TypologyName(inst.typology));
    for (size_t k = 0; k < inst.nodes.size(); ++k) {
      out += fmt::format("{}\"{}\"", k ? "," : "", world.Key(inst.nodes[k]));
    }
    out += "],\"transaction_ids\":[";
    for (size_t k = 0; k < inst.transaction_ids.size(); ++k) {
      out += fmt::format("{}{}", k ? "," : "", inst.transaction_ids[k]);
    }
    uint32_t entity = 0;
    const Node& controller = world.nodes()[inst.controller];
    if (controller.kind == NodeKind::kAccount) {
      entity = world.parties()[world.accounts()[controller.account].party].entity;
    }
    out += fmt::format("],\"controller\":\"{}\",\"entity\":\"{}\"}}\n", world.Key(inst.controller), EntityId(entity));
  }
  return out;
}

}  // namespace

std::vector<std::string_view> PresetNames() { return {"tiny", "small", "hi-small", "hi-medium", "hi-large"}; }

Result<GenerateOptions> PresetOptions(std::string_view preset) {
  GenerateOptions o;
  o.preset = std::string(preset);
  if (preset == "tiny") {
    o.accounts = 400, o.days = 10, o.laundering_rate = 0.05;
  } else if (preset == "small") {
    o.accounts = 10'000, o.days = 10, o.laundering_rate = 0.01;
  } else if (preset == "hi-small") {
    o.accounts = 500'000, o.days = 10, o.laundering_rate = 0.001;
  } else if (preset == "hi-medium") {
    o.accounts = 2'000'000, o.days = 16, o.laundering_rate = 0.001;
  } else if (preset == "hi-large") {
    o.accounts = 2'000'000, o.days = 97, o.laundering_rate = 0.001;
  } else {
    return InvalidArgumentError(fmt::format("--preset: unknown preset '{}'; expected tiny, small, hi-small, "
                                            "hi-medium or hi-large", preset));
  }
  return o;
}

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "native") return OutputFormat::kNative;
  if (name == "ibm-aml") return OutputFormat::kIbmAml;
  if (name == "both") return OutputFormat::kBoth;
  return InvalidArgumentError(fmt::format("--format: unknown format '{}'; expected native, ibm-aml or both", name));
}

Result<StatementAccounts> ParseStatementAccounts(std::string_view name) {
  if (name == "none") return StatementAccounts::kNone;
  if (name == "subpoena") return StatementAccounts::kSubpoena;
  if (name == "all") return StatementAccounts::kAll;
  return InvalidArgumentError(
      fmt::format("--statement-accounts: unknown choice '{}'; expected none, subpoena or all", name));
}

Result<GenerateSummary> Generate(const GenerateOptions& options) {
  MT_RETURN_IF_ERROR(Validate(options));
  auto started = std::chrono::steady_clock::now();
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(options.out_dir) / "truth", ec);
  if (ec) return IoError(fmt::format("cannot create {}: {}", options.out_dir, ec.message()));
  const std::string dir = options.out_dir + "/";

  WorldParams params;
  params.seed = options.seed;
  params.accounts = options.accounts;
  params.days = options.days;
  params.start_day = *ParseDate(options.start_date);
  params.activity = options.activity;
  World world(params);
  const double daily_rate = EstimateDailyRate(world);
  const double expected_legit = daily_rate * options.accounts * options.days;
  const auto target = static_cast<uint64_t>(expected_legit * options.laundering_rate / (1 - options.laundering_rate));
  Plan plan = PlanLaundering(world, options.laundering_rate > 0 ? std::max<uint64_t>(target, 1) : 0);
  std::vector<std::vector<uint32_t>> planted_by_day(options.days);
  const int64_t begin = static_cast<int64_t>(params.start_day) * 86400;
  for (uint32_t i = 0; i < plan.txs.size(); ++i) {
    planted_by_day[static_cast<size_t>((plan.txs[i].time - begin) / 86400)].push_back(i);
  }
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  tbb::task_arena arena(static_cast<int>(threads));
  Status written;
  arena.execute([&] {
    written = WriteParties(world, dir + "parties.csv");
    if (written.ok()) written = WriteAccounts(world, dir + "accounts.csv");
    if (written.ok()) written = WriteEntities(world, dir + "truth/entities.csv");
  });
  MT_RETURN_IF_ERROR(written);

  const bool native = options.format != OutputFormat::kIbmAml;
  const bool ibm = options.format != OutputFormat::kNative;
  File native_file, ibm_file;
  if (native) {
    MT_RETURN_IF_ERROR(native_file.Open(dir + "transactions.csv"));
    MT_RETURN_IF_ERROR(native_file.Write(kNativeHeader, sizeof(kNativeHeader) - 1));
  }
  if (ibm) {
    MT_RETURN_IF_ERROR(ibm_file.Open(dir + "transactions_ibm.csv"));
    MT_RETURN_IF_ERROR(ibm_file.Write(kIbmHeader, sizeof(kIbmHeader) - 1));
  }

  std::vector<RowNode> row_nodes;
  arena.execute([&] { row_nodes = MakeRowNodes(world); });
  std::unique_ptr<StatementBook> statements;
  if (options.statements != StatementAccounts::kNone) statements = std::make_unique<StatementBook>(world, plan, options);
  const uint32_t chunks = (world.account_count() + kAccountsPerChunk - 1) / kAccountsPerChunk;
  std::vector<std::vector<Tx>> chunk_txs(chunks);
  // Counting-sort state: one array of per-second starts per part of the chunks, plus one for the
  // planted transactions.
  const size_t parts = std::clamp<size_t>(threads, 1, chunks);
  std::vector<std::vector<uint32_t>> part_start(parts + 1, std::vector<uint32_t>(kSecondsPerDay));
  std::vector<std::array<uint64_t, kChannelCount>> part_channels(parts);
  std::unique_ptr<Tx[]> day_txs;
  size_t day_capacity = 0;
  std::vector<std::pair<uint32_t, uint32_t>> planted_rows;  // (row of the day, instance)
  // A few more blocks in flight than threads, so that a thread never waits for a free buffer.
  const size_t tokens = 2 * static_cast<size_t>(threads) + 2;
  std::vector<Buffer> native_blocks(tokens), ibm_blocks(tokens);
  GenerateSummary summary;
  uint64_t by_typology[kTypologyCount] = {};
  uint64_t by_channel[kChannelCount] = {};
  uint64_t next_id = 0;
  for (uint32_t d = 0; d < options.days; ++d) {
    const DayInfo day = MakeDayInfo(world, d);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<uint32_t>(0, chunks, 1), [&](const tbb::blocked_range<uint32_t>& r) {
        for (uint32_t c = r.begin(); c != r.end(); ++c) {
          chunk_txs[c].clear();
          uint32_t end = std::min(world.account_count(), (c + 1) * kAccountsPerChunk);
          for (uint32_t a = c * kAccountsPerChunk; a < end; ++a) NormalDay(world, a, day, chunk_txs[c]);
        }
      });
    });
    // Sorting by (time, order): the chunks hold their accounts in ascending order and each
    // account's transactions in ascending order, and every planted order is above every normal
    // one and ascends in planning order, so chunks-then-planted is already in `order` order and
    // a stable counting sort on the second of the day gives the (time, order) order. The chunks
    // are cut into `parts` contiguous runs counted and scattered in parallel; part k's rows of a
    // second go after those of parts < k, so the result is the same for any number of parts.
    const size_t planted_part = parts;
    for (auto& start : part_start) std::fill(start.begin(), start.end(), 0u);
    arena.execute([&] {
      tbb::parallel_for(size_t{0}, parts, [&](size_t k) {
        uint32_t* start = part_start[k].data();
        for (size_t c = k * chunks / parts; c < (k + 1) * chunks / parts; ++c) {
          for (const Tx& tx : chunk_txs[c]) ++start[static_cast<size_t>(tx.time - day.midnight)];
        }
      });
    });
    for (uint32_t i : planted_by_day[d]) {
      ++part_start[planted_part][static_cast<size_t>(plan.txs[i].time - day.midnight)];
    }
    size_t count = 0;
    for (size_t t = 0; t < kSecondsPerDay; ++t) {
      for (auto& start : part_start) {
        const uint32_t n = start[t];
        start[t] = static_cast<uint32_t>(count);
        count += n;
      }
    }
    if (day_capacity < count) {
      day_capacity = std::max(count, day_capacity + day_capacity / 4);
      day_txs = std::make_unique_for_overwrite<Tx[]>(day_capacity);
      AdviseHugePages(day_txs.get(), day_capacity * sizeof(Tx));
    }
    arena.execute([&] {
      tbb::parallel_for(size_t{0}, parts, [&](size_t k) {
        uint32_t* start = part_start[k].data();
        uint64_t* channels = part_channels[k].data();
        std::fill(part_channels[k].begin(), part_channels[k].end(), uint64_t{0});
        for (size_t c = k * chunks / parts; c < (k + 1) * chunks / parts; ++c) {
          for (const Tx& tx : chunk_txs[c]) {
            ++channels[static_cast<int>(tx.channel)];
            day_txs[start[static_cast<size_t>(tx.time - day.midnight)]++] = tx;
          }
        }
      });
    });
    for (size_t k = 0; k < parts; ++k) {
      for (int c = 0; c < kChannelCount; ++c) by_channel[c] += part_channels[k][c];
    }
    planted_rows.clear();
    for (uint32_t i : planted_by_day[d]) {
      const Tx& tx = plan.txs[i];
      ++by_channel[static_cast<int>(tx.channel)];
      ++by_typology[static_cast<int>(tx.typology)];
      uint32_t row = part_start[planted_part][static_cast<size_t>(tx.time - day.midnight)]++;
      day_txs[row] = tx;
      planted_rows.emplace_back(row, tx.instance);
    }
    std::sort(planted_rows.begin(), planted_rows.end());
    for (const auto& [row, instance] : planted_rows) plan.instances[instance].transaction_ids.push_back(next_id + row);
    if (statements) statements->Collect(std::span<const Tx>(day_txs.get(), count), next_id);

    // Format blocks in parallel and write them in order as soon as they are ready, so that the
    // writes overlap the formatting and copy blocks that are still in cache.
    const size_t blocks = (count + kRowsPerBlock - 1) / kRowsPerBlock;
    Status day_written;
    arena.execute([&] {
      generate_internal::FormatAndWriteInOrder(
          blocks, tokens,
          [&](size_t k) {
            size_t from = k * kRowsPerBlock, to = std::min(count, from + kRowsPerBlock);
            Buffer& n = native_blocks[k % tokens];
            Buffer& b = ibm_blocks[k % tokens];
            n.clear();
            b.clear();
            FormatRows(world, row_nodes, std::span<const Tx>(day_txs.get() + from, to - from),
                       native ? &n : nullptr, ibm ? &b : nullptr);
          },
          [&](size_t k) {
            if (!day_written.ok()) return;
            day_written = native_file.Write(native_blocks[k % tokens].data(), native_blocks[k % tokens].size());
            if (day_written.ok()) {
              day_written = ibm_file.Write(ibm_blocks[k % tokens].data(), ibm_blocks[k % tokens].size());
            }
          });
    });
    MT_RETURN_IF_ERROR(day_written);
    next_id += count;
  }
  MT_RETURN_IF_ERROR(native_file.Close());
  MT_RETURN_IF_ERROR(ibm_file.Close());

  std::string instances = InstancesJsonl(world, plan);
  std::FILE* f = std::fopen((dir + "truth/instances.jsonl").c_str(), "wb");
  if (f == nullptr) return ErrnoError("cannot create " + dir + "truth/instances.jsonl", errno);
  bool ok = std::fwrite(instances.data(), 1, instances.size(), f) == instances.size();
  if (std::fclose(f) != 0 || !ok) return IoError("cannot write " + dir + "truth/instances.jsonl");

  if (statements) MT_RETURN_IF_ERROR(statements->Write(options.out_dir, summary));

  summary.transactions = next_id;
  for (int t = 1; t < kTypologyCount; ++t) {
    summary.laundering_transactions += by_typology[t];
    if (by_typology[t] > 0) summary.transactions_by_typology[std::string(kTypologyNames[t])] = by_typology[t];
  }
  summary.instances = plan.instances.size();
  summary.parties = world.parties().size();
  summary.entities = world.entity_count();
  summary.accounts = world.nodes().size();

  nlohmann::ordered_json manifest;
  manifest["generator"] = "moneytrail generate";
  manifest["generator_version"] = kVersion;
  manifest["seed"] = options.seed;
  manifest["preset"] = options.preset;
  manifest["parameters"] = {{"accounts", options.accounts},
                            {"days", options.days},
                            {"start_date", options.start_date},
                            {"laundering_rate", options.laundering_rate},
                            {"activity", options.activity},
                            {"format", FormatName(options.format)},
                            {"rate_table", "tables.cc kRates (units per USD): EUR 0.92, GBP 0.79, MXN 17.2, "
                                           "CNY 7.2, INR 83.1, CAD 1.36"}};
  nlohmann::ordered_json counts;
  counts["transactions"] = summary.transactions;
  counts["laundering_transactions"] = summary.laundering_transactions;
  counts["instances"] = summary.instances;
  counts["parties"] = summary.parties;
  counts["entities"] = summary.entities;
  counts["accounts"] = world.account_count();
  counts["nodes"] = summary.accounts;
  nlohmann::ordered_json typologies = nlohmann::ordered_json::object();
  uint64_t instances_by_typology[kTypologyCount] = {};
  for (const Instance& inst : plan.instances) ++instances_by_typology[static_cast<int>(inst.typology)];
  for (int t = 1; t < kTypologyCount; ++t) {
    typologies[std::string(kTypologyNames[t])] = {{"instances", instances_by_typology[t]},
                                                  {"transactions", by_typology[t]}};
  }
  counts["typologies"] = typologies;
  nlohmann::ordered_json channels = nlohmann::ordered_json::object();
  for (int c = 0; c < kChannelCount; ++c) {
    if (by_channel[c] > 0) channels[std::string(ChannelName(static_cast<Channel>(c)))] = by_channel[c];
  }
  counts["transactions_by_channel"] = channels;
  manifest["counts"] = counts;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  if (native) files.push_back("transactions.csv");
  if (ibm) files.push_back("transactions_ibm.csv");
  for (const char* name : {"parties.csv", "accounts.csv", "truth/entities.csv", "truth/instances.jsonl"}) {
    files.push_back(name);
  }
  if (statements) {
    counts["statements"] = {{"accounts", summary.statement_accounts},
                            {"files", summary.statement_files},
                            {"rows", summary.statement_rows}};
    manifest["counts"] = counts;
    manifest["statements"] = {
        {"accounts", options.statements == StatementAccounts::kAll ? "all" : "subpoena"},
        {"faults", options.statement_faults}};
    for (const char* name : {"statements/accounts.csv", "statements/truth.csv", "statements/faults.csv"}) {
      files.push_back(name);
    }
  }
  manifest["files"] = files;
  std::string text = JsonText(manifest, 2) + "\n";
  f = std::fopen((dir + "manifest.json").c_str(), "wb");
  if (f == nullptr) return ErrnoError("cannot create " + dir + "manifest.json", errno);
  ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) return IoError("cannot write " + dir + "manifest.json");
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace moneytrail::generate

// Readers during `moneytrail resolve --store` (issue #25, 5), at the command line: while one
// process replaces the store's holders attachment again and again, other processes run
// `moneytrail info --json` and `moneytrail export` on the same store. Each reader must see a
// complete store, the one before a replacement or the one after: exit 0 with the intact rows and
// totals and an attachment that is one of the two attached, never an error (a "busy" refusal
// would be allowed, named as such, but readers take no lock a writer holds) and never a mix.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::CommandLine;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;

#ifdef MONEYTRAIL_READERS_SLOW
constexpr int kReplacements = 120;
#else
constexpr int kReplacements = 12;
#endif

// What identifies an attachment in `info --json`: its party, linked-account and entity counts.
using HoldersFacts = std::tuple<uint64_t, uint64_t, uint64_t>;

HoldersFacts FactsOf(const nlohmann::json& info) {
  const nlohmann::json& h = info.at("holders");
  return {h.at("parties").get<uint64_t>(), h.at("linked_accounts").get<uint64_t>(),
          h.at("entities").get<uint64_t>()};
}

// info --json without what a replacement changes (the attachment) and the manifest's identity.
nlohmann::json WithoutAttachment(nlohmann::json info) {
  info.erase("holders");
  info.erase("manifest_sha256");
  info.erase("generation");
  return info;
}

// A refusal because a writer holds the store: the only error a reader may give here.
bool IsBusy(const std::string& err) {
  return err.find("busy") != std::string::npos ||
         err.find("being written by another") != std::string::npos;
}

TEST(StoreReadersCliTest, InfoAndExportSeeAWholeStoreWhileResolveReplacesTheAttachment) {
  TempDir dir;
  const fs::path world = dir.path() / "world";
  RunResult g = RunMoneytrail({"generate", "--out", world.string(), "--preset", "tiny", "--seed",
                               "5", "--accounts", "120", "--threads", "1"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const fs::path store = dir.path() / "store";
  RunResult i = RunMoneytrail({"ingest", store.string(), (world / "transactions.csv").string(),
                               "--format", "native"});
  ASSERT_EQ(i.exit_code, 0) << i.err;
  // Two different party files: all parties, and the first half of them.
  const fs::path all = world / "parties.csv";
  // resolve reads accounts.csv beside the parties file: keep the accounts whose holder is kept.
  fs::create_directories(dir.path() / "half");
  const fs::path half = dir.path() / "half" / "parties.csv";
  {
    const std::string csv = ReadWholeFile(all);
    size_t lines = 0, at = 0;
    for (size_t p = 0; (p = csv.find('\n', p)) != std::string::npos; ++p) ++lines;
    for (size_t k = 0; k < lines / 2 + 1; ++k) at = csv.find('\n', at) + 1;
    const std::string kept = csv.substr(0, at);  // the header and the first half of the rows
    WriteWholeFile(half, kept);
    std::set<std::string> parties;
    for (size_t p = kept.find('\n') + 1; p < kept.size(); p = kept.find('\n', p) + 1) {
      parties.insert(kept.substr(p, kept.find(',', p) - p));
    }
    const std::string accounts = ReadWholeFile(world / "accounts.csv");
    std::string out;
    for (size_t p = 0; p < accounts.size();) {
      const size_t end = accounts.find('\n', p);
      const std::string line = accounts.substr(p, end - p);
      const std::vector<std::string> fields = test_util::SplitCsvLine(line);
      if (p == 0 || fields.size() < 4 || fields[3].empty() || parties.count(fields[3]) > 0) {
        out += line + "\n";
      }
      if (end == std::string::npos) break;
      p = end + 1;
    }
    WriteWholeFile(dir.path() / "half" / "accounts.csv", out);
  }
  // The facts of each attachment, and the answers that do not depend on it.
  std::set<HoldersFacts> attached;
  nlohmann::json intact_info;
  for (const fs::path& parties : {half, all}) {
    RunResult r = RunMoneytrail({"resolve", parties.string(), "--store", store.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    RunResult info = RunMoneytrail({"info", store.string(), "--json"});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    const nlohmann::json j = nlohmann::json::parse(info.out);
    attached.insert(FactsOf(j));
    intact_info = WithoutAttachment(j);
  }
  ASSERT_EQ(attached.size(), 2u) << "the two party files should make different attachments";
  const fs::path intact_rows = dir.path() / "intact.csv";
  RunResult e = RunMoneytrail({"export", store.string(), "--out", intact_rows.string(),
                               "--format", "native"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const std::string rows = ReadWholeFile(intact_rows);

  std::atomic<bool> done{false};
  std::atomic<int> replacements{0};
  std::string writer_failure;
  std::thread writer([&] {
    for (int k = 0; k < kReplacements; ++k) {
      const fs::path& parties = k % 2 == 0 ? half : all;
      RunResult r = RunMoneytrail({"resolve", parties.string(), "--store", store.string()});
      if (r.exit_code != 0) {
        writer_failure = "resolve exit " + std::to_string(r.exit_code) + ": " + r.err;
        break;
      }
      ++replacements;
    }
    done = true;
  });
  int reads = 0, busy = 0;
  std::vector<std::string> failures;
  for (int k = 0; !done.load() || k < 4; ++k) {
    // info --json: exit 0, the same rows and custody, one of the two attachments.
    RunResult info = RunMoneytrail({"info", store.string(), "--json"});
    ++reads;
    if (info.exit_code != 0) {
      if (IsBusy(info.err)) {
        ++busy;
      } else {
        failures.push_back("info exit " + std::to_string(info.exit_code) + ": " + info.err);
      }
    } else {
      const nlohmann::json j = nlohmann::json::parse(info.out, nullptr, false);
      if (j.is_discarded() || !j.contains("holders")) {
        failures.push_back("info printed no attachment: " + info.out.substr(0, 200));
      } else if (WithoutAttachment(j) != intact_info) {
        failures.push_back("info gave a different summary: " + j.dump().substr(0, 300));
      } else if (attached.count(FactsOf(j)) == 0) {
        failures.push_back("info shows an attachment that was never made: " + j["holders"].dump());
      }
    }
    // export: exit 0 and the same rows.
    const fs::path out = dir.path() / ("rows-" + std::to_string(k % 2) + ".csv");
    fs::remove(out);
    const std::vector<std::string> args = {"export", store.string(), "--out", out.string(),
                                           "--format", "native"};
    RunResult x = RunMoneytrail(args);
    ++reads;
    if (x.exit_code != 0) {
      if (IsBusy(x.err)) {
        ++busy;
      } else {
        failures.push_back(CommandLine(args) + " exit " + std::to_string(x.exit_code) + ": " +
                           x.err);
      }
    } else if (ReadWholeFile(out) != rows) {
      failures.push_back("export wrote different rows");
    }
  }
  writer.join();
  EXPECT_EQ(writer_failure, "");
  EXPECT_EQ(replacements.load(), kReplacements);
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << reads << " reads failed; first: "
                                << failures.front();
  EXPECT_GT(reads, 4);
  RecordProperty("reads", reads);
  RecordProperty("busy", busy);
  std::printf("%d reads during %d replacements; %d busy refusals, %zu failures\n", reads,
              kReplacements, busy, failures.size());
}

}  // namespace
}  // namespace moneytrail

// Crash safety of `moneytrail resolve --store` (DESIGN.md, The store): a resolve killed with
// SIGKILL at any moment leaves the store at its previous attachment or the new one, never a mix,
// and the next `resolve --store` removes what the killed one left and commits on top. Runs the
// real binary (MONEYTRAIL_BINARY) on a generated tiny bank: the store first gets the attachment
// of a tight threshold, then each killed run attaches the default threshold's.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;

constexpr int kKillPoints = 8;

// The attachment a store's MANIFEST names: its directory and entities.csv's bytes ("" when none).
struct Attached {
  std::string name;
  std::string entities;
};

Attached AttachedOf(const fs::path& store) {
  nlohmann::json m = nlohmann::json::parse(ReadWholeFile(store / "MANIFEST"));
  if (!m.contains("holders")) return {};
  const std::string name = m["holders"]["name"].get<std::string>();
  return {name, ReadWholeFile(store / "holders" / name / "entities.csv")};
}

size_t HoldersDirs(const fs::path& store) {
  if (!fs::exists(store / "holders")) return 0;
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(store / "holders")) ++n;
  return n;
}

TEST(ResolveStoreCrashTest, KilledResolveLeavesThePreviousOrTheNewAttachment) {
  TempDir dir;
  const std::string world = (dir.path() / "world").string();
  const fs::path base = dir.path() / "base.store";
  ASSERT_EQ(RunMoneytrail({"generate", "--out", world, "--preset", "tiny", "--seed", "2"}).exit_code, 0);
  ASSERT_EQ(RunMoneytrail({"ingest", base.string(), world + "/transactions.csv", "--format", "native"}).exit_code, 0);
  const std::string parties = world + "/parties.csv";
  RunResult first = RunMoneytrail({"resolve", parties, "--store", base.string(), "--threshold", "20"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Attached before = AttachedOf(base);
  ASSERT_FALSE(before.entities.empty());

  // One uninterrupted run: the new attachment and the duration to spread kill points over.
  const fs::path full = dir.path() / "full.store";
  fs::copy(base, full, fs::copy_options::recursive);
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = RunMoneytrail({"resolve", parties, "--store", full.string()});
  const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Attached after = AttachedOf(full);
  ASSERT_NE(after.entities, before.entities) << "the two thresholds give the same entities";

  int saw_previous = 0, saw_new = 0;
  for (int k = 0; k < kKillPoints; ++k) {
    // Evenly over the run, the last two just before and after its end (the attachment's commit).
    const double delay = k < kKillPoints - 2 ? duration * k / (kKillPoints - 2) : duration * (k == kKillPoints - 2 ? 0.97 : 1.02);
    SCOPED_TRACE("kill point " + std::to_string(k) + " at " + std::to_string(delay) + " s");
    const fs::path store = dir.path() / ("kill-" + std::to_string(k) + ".store");
    fs::copy(base, store, fs::copy_options::recursive);
    pid_t pid = test_util::SpawnMoneytrail({"resolve", parties, "--store", store.string()});
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    test_util::WaitFor(pid);

    // The store opens (every file the manifest names has its recorded size) ...
    RunResult info = RunMoneytrail({"info", store.string(), "--json"});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    // ... at the previous attachment or the new one.
    const Attached now = AttachedOf(store);
    if (now.entities == before.entities) {
      ++saw_previous;
      EXPECT_EQ(now.name, before.name);
    } else {
      ++saw_new;
      EXPECT_EQ(now.entities, after.entities) << "neither the previous nor the new entities";
    }
    // The next writer removes what the killed one left and attaches on top.
    RunResult next = RunMoneytrail({"resolve", parties, "--store", store.string()});
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(AttachedOf(store).entities, after.entities);
    EXPECT_EQ(HoldersDirs(store), 1u) << "an uncommitted or replaced attachment was left behind";
    EXPECT_FALSE(fs::exists(store / "MANIFEST.tmp"));
    fs::remove_all(store);
  }
  std::printf("kill points: %d left the previous attachment, %d the new one\n", saw_previous, saw_new);
  EXPECT_GT(saw_previous, 0) << "no kill landed before the commit";
}

}  // namespace
}  // namespace moneytrail

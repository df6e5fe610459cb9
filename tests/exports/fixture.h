// Small seeded stores for the exports and exhibit tests: a native CSV of random transactions
// between a few accounts (names with quotes, formula-leading text and non-ASCII), ingested, with
// KYC holders attached for some accounts.
#ifndef MONEYTRAIL_TESTS_EXPORTS_FIXTURE_H_
#define MONEYTRAIL_TESTS_EXPORTS_FIXTURE_H_

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"

namespace moneytrail::exports_test {

namespace fs = std::filesystem;

// A fresh directory under the test temp dir, removed first.
inline fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("mt-exports-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline const std::vector<std::string>& NastyNames() {
  static const std::vector<std::string> names = {
      "Maria L. Lopez", "=HYPERLINK(\"http://x\",\"y\")", "O'Brien & Sons <Ltd>", "Zhāng Wěi 张伟",
      "+1 Trading", "-minus", "@at", "Comma, Inc.", "Quote \"Q\" Co"};
  return names;
}

struct World {
  fs::path store;
  fs::path csv;
  int accounts = 0;
  int transactions = 0;
};

// `n` transactions among `accounts` accounts of bank 011 (numbers A0, A1, ...) plus a cash desk,
// times increasing from 2025-01-01 by 1..3000 minutes; account k < accounts/2 has a KYC holder
// (a business when k is odd). Transaction t touches account A0 whenever t < 10 (so the first
// ten ids belong to subject A0).
inline World MakeWorld(const fs::path& dir, uint32_t seed, int accounts, int n) {
  std::mt19937 rng(seed);
  World w{dir / "store", dir / "tx.csv", accounts, n};
  std::string csv = "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
                    "amount_paid,currency_paid,channel,city,region,country,counterparty\n";
  int64_t minutes = 0;
  const auto& names = NastyNames();
  for (int t = 0; t < n; ++t) {
    minutes += 1 + static_cast<int64_t>(rng() % 3000);
    const int64_t secs = 1735689600 + minutes * 60;  // 2025-01-01T00:00:00Z
    const time_t tt = static_cast<time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    const std::string ts = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:00Z", tm.tm_year + 1900,
                                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    int a = static_cast<int>(rng() % static_cast<unsigned>(accounts));
    int b = static_cast<int>(rng() % static_cast<unsigned>(accounts));
    if (b == a) b = (a + 1) % accounts;
    if (t < 10) a = 0;
    const bool cash = rng() % 5 == 0;
    const std::string src_kind = cash ? "cash" : "account";
    const std::string src_acct = cash ? "branch 7" : fmt::format("A{}", a);
    const std::string amount = fmt::format("{}.{:02}", 1 + rng() % 9000, rng() % 100);
    const std::string currency = rng() % 7 == 0 ? "EUR" : "USD";
    const std::string channel = cash ? "cash_deposit" : (rng() % 2 ? "wire" : "ach");
    const std::string& cp = names[rng() % names.size()];
    std::string quoted = "\"";
    for (char c : cp) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    const std::string dest = cash ? fmt::format("A{}", t < 10 ? 0 : b) : fmt::format("A{}", b);
    csv += fmt::format("{},{},011,{},account,011,{},{},{},{},Tucson,AZ,US,{}\n", ts, src_kind,
                       src_acct, dest, amount, currency, channel, quoted);
  }
  EXPECT_TRUE(WriteFileDurably(w.csv, csv).ok());
  IngestOptions o;
  o.format = "native";
  o.threads = 1;
  Result<IngestReport> r = Ingest(w.store, {w.csv}, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::string parties = "party_id,first_name,middle_name,last_name,business_name\n";
  std::string accts = "bank,account,holder_party_id\n";
  for (int k = 0; k < accounts / 2; ++k) {
    const std::string& name = names[(k + seed) % names.size()];
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    q += "\"";
    if (k % 2 == 1) {
      parties += fmt::format("P{},,,,{}\n", k, q);
    } else {
      parties += fmt::format("P{},{},,Holder{},\n", k, q, k);
    }
    accts += fmt::format("011,A{},P{}\n", k, k);
  }
  auto writer = store::StoreWriter::Open(w.store);
  EXPECT_TRUE(writer.ok());
  store::HoldersAttachment attachment;
  attachment.files = {{"parties.csv", parties, ""}, {"accounts.csv", accts, ""}};
  attachment.method = "test fixture";
  attachment.parties = static_cast<uint64_t>(accounts / 2);
  attachment.linked_accounts = static_cast<uint64_t>(accounts / 2);
  EXPECT_TRUE((*writer)->AttachHolders(attachment).ok());
  return w;
}

// Runs `command` through the shell and returns its standard output; `status` gets the exit code.
inline std::string RunCommand(const std::string& command, int& status) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

}  // namespace moneytrail::exports_test

#endif  // MONEYTRAIL_TESTS_EXPORTS_FIXTURE_H_

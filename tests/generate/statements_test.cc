// `Generate` with statements (issue #19 item 8): the statement files are read back with a small
// test-side reader per layout, independently of the generator's code, and checked against the
// world's native ledger: determinism, running balances, the truth's coverage of every line,
// every covered transaction present once per account (copies aside), mirrors naming each
// other, Windows-1252 bytes, planted faults where the truth says.
#include "moneytrail/generate.h"

#include "cli/run_binary.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace moneytrail::generate {
namespace {

namespace fs = std::filesystem;
using test_util::SplitCsvLine;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::vector<std::vector<std::string>> ReadCsvRows(const fs::path& path) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : Lines(ReadFile(path))) rows.push_back(SplitCsvLine(line));
  return rows;
}

fs::path GenerateWorld(const std::string& name, unsigned threads, StatementAccounts which, bool faults,
                       uint64_t seed = 3) {
  auto options = PresetOptions("tiny");
  EXPECT_TRUE(options.ok());
  fs::path dir = fs::temp_directory_path() / ("moneytrail_statements_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  options->out_dir = dir.string();
  options->seed = seed;
  options->threads = threads;
  options->statements = which;
  options->statement_faults = faults;
  auto summary = Generate(*options);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  return dir;
}

// "$2,500.00", "-2,500.00", "(2,500.00)", "0.00" -> signed cents.
int64_t Cents(std::string s) {
  bool negative = false;
  if (!s.empty() && s.front() == '(' && s.back() == ')') negative = true, s = s.substr(1, s.size() - 2);
  if (!s.empty() && s.front() == '-') negative = true, s = s.substr(1);
  int64_t v = 0;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0'), digits = true;
    else EXPECT_TRUE(c == '$' || c == ',' || c == '.') << "unexpected character in amount '" << s << "'";
  }
  EXPECT_TRUE(digits) << s;
  return negative ? -v : v;
}

// "09/02/2025", "09/02/25", "2025-09-02" -> "2025-09-02".
std::string IsoDate(const std::string& s) {
  if (s.size() == 10 && s[4] == '-') return s;
  if (s.size() == 10) return s.substr(6, 4) + "-" + s.substr(0, 2) + "-" + s.substr(3, 2);
  EXPECT_EQ(s.size(), 8u) << s;
  return "20" + s.substr(6, 2) + "-" + s.substr(0, 2) + "-" + s.substr(3, 2);
}

struct Row {
  size_t line = 0;  // 1-based
  std::string date, description, reference;
  int64_t amount = 0;  // signed: credit positive
  int64_t balance = 0;
};

struct Statement {
  std::string layout, account;
  int64_t opening = 0, closing = 0;
  std::vector<Row> rows;
  std::map<size_t, std::string> other_lines;  // line -> banner|blank|header|footer
};

std::string After(const std::string& line, const std::string& label) {
  return line.rfind(label, 0) == 0 ? line.substr(label.size()) : std::string();
}

// The test's own reader of the three layouts (docs/generator.md "Statements").
Statement ReadStatement(const fs::path& path, const std::string& layout) {
  Statement st;
  st.layout = layout;
  const std::vector<std::string> lines = Lines(ReadFile(path));
  const std::string header = layout == "firstcoast"   ? "Date,Description,Debit,Credit,Balance"
                             : layout == "prairie-cu" ? "\"Posted Date\",\"Reference\",\"Description\",\"Amount\","
                                                        "\"CR/DR\",\"Balance\""
                                                      : "Transaction Date,Check No,Description,Reference,Amount,Balance";
  bool body = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const size_t n = i + 1;
    if (!body) {
      if (line == header) {
        body = true;
        st.other_lines[n] = "header";
        continue;
      }
      st.other_lines[n] = line.empty() ? "blank" : "banner";
      for (const char* label : {"Account Number: ", "Account: "}) {
        if (!After(line, label).empty()) st.account = After(line, label);
      }
      for (const char* label : {"Beginning Balance: ", "Opening Balance: "}) {
        if (!After(line, label).empty()) st.opening = Cents(After(line, label));
      }
      for (const char* label : {"Ending Balance: ", "Closing Balance: "}) {
        if (!After(line, label).empty()) st.closing = Cents(After(line, label));
      }
      continue;
    }
    if (line.rfind("Total ", 0) == 0) {
      st.other_lines[n] = "footer";
      continue;
    }
    std::vector<std::string> f = SplitCsvLine(line);
    EXPECT_EQ(f.size(), 6u - (layout == "firstcoast")) << path << ":" << n;
    if (f.size() < 5) continue;
    Row r;
    r.line = n;
    r.date = IsoDate(f[0]);
    if (layout == "firstcoast") {
      int64_t debit = Cents(f[2]), credit = Cents(f[3]);
      EXPECT_TRUE((debit == 0) != (credit == 0)) << path << ":" << n << " one of debit/credit is 0.00";
      r.description = f[1], r.amount = credit - debit, r.balance = Cents(f[4]);
    } else if (layout == "prairie-cu") {
      r.reference = f[1], r.description = f[2], r.amount = Cents(f[3]), r.balance = Cents(f[5]);
      EXPECT_EQ(f[4], r.amount < 0 ? "DR" : "CR") << path << ":" << n;
    } else {
      r.description = f[2], r.reference = f[3], r.amount = Cents(f[4]), r.balance = Cents(f[5]);
      EXPECT_EQ(f[4].front() == '(', r.amount < 0) << path << ":" << n;
    }
    st.rows.push_back(r);
  }
  EXPECT_TRUE(body) << path << ": no header line";
  return st;
}

struct Truth {
  std::string kind, of_file;
  int64_t id = -1;
  size_t of_line = 0;
};

struct WorldTx {
  std::string source, dest, date;  // "bank:account"
  int64_t cents = 0;
};

class StatementsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new fs::path(GenerateWorld("faults", 2, StatementAccounts::kSubpoena, true)); }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static fs::path* dir_;

  std::map<std::string, Statement> ReadAll() {
    std::map<std::string, Statement> out;
    for (const char* layout : {"firstcoast", "prairie-cu", "sonoran"}) {
      for (const auto& entry : fs::directory_iterator(*dir_ / "statements" / layout)) {
        out[std::string(layout) + "/" + entry.path().filename().string()] = ReadStatement(entry.path(), layout);
      }
    }
    return out;
  }
  std::map<std::pair<std::string, size_t>, Truth> ReadTruth() {
    std::map<std::pair<std::string, size_t>, Truth> out;
    auto rows = ReadCsvRows(*dir_ / "statements" / "truth.csv");
    EXPECT_EQ(rows.at(0), (std::vector<std::string>{"file", "line", "kind", "transaction_id", "copy_of_file",
                                                    "copy_of_line"}));
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      Truth t{r[2], r[4], r[3].empty() ? -1 : std::stoll(r[3]), r[5].empty() ? 0 : std::stoul(r[5])};
      EXPECT_TRUE(out.emplace(std::make_pair(r[0], std::stoul(r[1])), t).second) << "line listed twice: " << r[0]
                                                                                  << ":" << r[1];
    }
    return out;
  }
};
fs::path* StatementsTest::dir_ = nullptr;

TEST_F(StatementsTest, SameSeedGivesSameBytesWithAnyThreadCount) {
  fs::path other = GenerateWorld("one_thread", 1, StatementAccounts::kSubpoena, true);
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*dir_ / "statements")) {
    if (!entry.is_regular_file()) continue;
    fs::path rel = fs::relative(entry.path(), *dir_);
    EXPECT_EQ(ReadFile(entry.path()), ReadFile(other / rel)) << rel;
    ++files;
  }
  size_t other_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(other / "statements")) {
    other_files += entry.is_regular_file();
  }
  EXPECT_EQ(files, other_files);
  EXPECT_GT(files, 20u);
  fs::remove_all(other);
}

TEST_F(StatementsTest, StatementsLeaveTheOtherFilesUnchanged) {
  fs::path plain = GenerateWorld("plain", 2, StatementAccounts::kNone, false);
  for (const char* f :
       {"transactions.csv", "parties.csv", "accounts.csv", "truth/entities.csv", "truth/instances.jsonl"}) {
    EXPECT_EQ(ReadFile(*dir_ / f), ReadFile(plain / f)) << f;
  }
  EXPECT_FALSE(fs::exists(plain / "statements"));
  EXPECT_EQ(ReadFile(plain / "manifest.json").find("statements"), std::string::npos);
  fs::remove_all(plain);
}

TEST_F(StatementsTest, RunningBalancesHoldExceptAtPlantedBreaks) {
  std::set<std::pair<std::string, size_t>> planted;
  auto faults = ReadCsvRows(*dir_ / "statements" / "faults.csv");
  for (size_t i = 1; i < faults.size(); ++i) {
    if (faults[i][0] == "missing_row") planted.emplace(faults[i][3], std::stoul(faults[i][4]));
  }
  EXPECT_FALSE(planted.empty()) << "seed 3 plants at least one missing row";
  std::set<std::pair<std::string, size_t>> breaks;
  for (const auto& [file, st] : ReadAll()) {
    int64_t balance = st.opening;
    for (const Row& r : st.rows) {
      if (balance + r.amount != r.balance) breaks.emplace(file, r.line);
      balance = r.balance;
    }
    EXPECT_EQ(balance, st.closing) << file << ": the last balance is the ending balance";
  }
  EXPECT_EQ(breaks, planted);
}

TEST_F(StatementsTest, TruthCoversEveryLineOnceWithItsKind) {
  auto truth = ReadTruth();
  size_t lines = 0;
  for (const auto& [file, st] : ReadAll()) {
    for (const auto& [line, kind] : st.other_lines) {
      auto it = truth.find({file, line});
      ASSERT_NE(it, truth.end()) << file << ":" << line;
      EXPECT_EQ(it->second.kind, kind) << file << ":" << line;
      ++lines;
    }
    for (const Row& r : st.rows) {
      auto it = truth.find({file, r.line});
      ASSERT_NE(it, truth.end()) << file << ":" << r.line;
      EXPECT_TRUE(it->second.kind == "transaction" || it->second.kind == "duplicate" || it->second.kind == "mirror")
          << file << ":" << r.line << " " << it->second.kind;
      EXPECT_GE(it->second.id, 0);
      ++lines;
    }
  }
  EXPECT_EQ(lines, truth.size()) << "the truth lists lines that are in no file";
}

TEST_F(StatementsTest, EveryCoveredTransactionAppearsOncePerAccountAndMatchesTheLedger) {
  std::vector<WorldTx> ledger;
  {
    auto rows = ReadCsvRows(*dir_ / "transactions.csv");
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      ledger.push_back({r[2] + ":" + r[3], r[5] + ":" + r[6], r[0].substr(0, 10), Cents(r[7])});
    }
  }
  std::map<std::string, std::string> layout_of;  // "bank:account" of covered accounts
  {
    auto rows = ReadCsvRows(*dir_ / "statements" / "accounts.csv");
    for (size_t i = 1; i < rows.size(); ++i) layout_of[rows[i][0] + ":" + rows[i][1]] = rows[i][2];
  }
  std::set<std::pair<std::string, int64_t>> faulted;  // (account, id) left out on purpose
  {
    auto rows = ReadCsvRows(*dir_ / "statements" / "faults.csv");
    for (size_t i = 1; i < rows.size(); ++i) {
      std::istringstream ids(rows[i][7]);
      for (int64_t id; ids >> id;) faulted.emplace(rows[i][1] + ":" + rows[i][2], id);
    }
  }
  auto truth = ReadTruth();
  const auto statements = ReadAll();
  const std::map<std::string, std::string> bank_of_layout = {
      {"firstcoast", "011"}, {"prairie-cu", "022"}, {"sonoran", "033"}};
  // (account, id, credit side) -> lines that are not duplicates; every copy checked against the
  // ledger. (A few planted transactions go from an account to itself: a debit and a credit line.)
  std::map<std::tuple<std::string, int64_t, bool>, int> primary;
  size_t mirrors = 0, duplicates = 0;
  for (const auto& [file, st] : statements) {
    const std::string account = bank_of_layout.at(st.layout) + ":" + st.account;
    ASSERT_TRUE(layout_of.count(account)) << file;
    for (const Row& r : st.rows) {
      const Truth& t = truth.at({file, r.line});
      const WorldTx& tx = ledger.at(static_cast<size_t>(t.id));
      ASSERT_TRUE(tx.source == account || tx.dest == account) << file << ":" << r.line;
      EXPECT_EQ(std::abs(r.amount), tx.cents) << file << ":" << r.line;
      if (tx.source != tx.dest) {
        EXPECT_EQ(r.amount, tx.source == account ? -tx.cents : tx.cents) << file << ":" << r.line;
      }
      EXPECT_EQ(r.date, tx.date) << file << ":" << r.line;
      if (t.kind == "duplicate" || t.kind == "mirror") {
        const Truth& of = truth.at({t.of_file, t.of_line});
        EXPECT_EQ(of.id, t.id) << file << ":" << r.line;
        const std::string of_layout = t.of_file.substr(0, t.of_file.find('/'));
        const std::string of_account = bank_of_layout.at(of_layout) + ":" + statements.at(t.of_file).account;
        if (tx.source != tx.dest) {
          EXPECT_EQ(of_account == account, t.kind == "duplicate") << file << ":" << r.line;
        }
      }
      if (t.kind == "duplicate") {
        ++duplicates;
        continue;
      }
      ++primary[{account, t.id, r.amount > 0}];
      if (t.kind == "mirror") {
        ++mirrors;
        // The two sides name each other's account by its last four characters.
        const std::string& other = tx.source == account ? tx.dest : tx.source;
        if (r.description.find("CHECK #") == std::string::npos || st.layout != "firstcoast") {
          EXPECT_NE(r.description.find(other.substr(other.size() - 4)), std::string::npos) << file << ":" << r.line;
        }
      }
    }
  }
  EXPECT_GT(mirrors, 0u);
  EXPECT_GT(duplicates, 0u);
  size_t expected = 0;
  for (size_t id = 0; id < ledger.size(); ++id) {
    for (bool credit : {false, true}) {
      const std::string& account = credit ? ledger[id].dest : ledger[id].source;
      if (!layout_of.count(account) || faulted.count({account, static_cast<int64_t>(id)})) continue;
      ++expected;
      EXPECT_EQ((primary[{account, static_cast<int64_t>(id), credit}]), 1) << "transaction " << id << " on " << account;
    }
  }
  EXPECT_EQ(expected, primary.size());
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

TEST_F(StatementsTest, CreditUnionFilesAreWindows1252AndTheOthersUtf8) {
  size_t accented_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*dir_ / "statements")) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadFile(entry.path());
    const bool high =
        std::any_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    if (entry.path().parent_path().filename() != "prairie-cu") {
      EXPECT_TRUE(ValidUtf8(bytes)) << entry.path();
      continue;
    }
    for (unsigned char c : bytes) {  // bytes windows-1252 leaves undefined
      EXPECT_TRUE(c != 0x81 && c != 0x8D && c != 0x8F && c != 0x90 && c != 0x9D) << entry.path();
    }
    if (high) {
      ++accented_files;
      EXPECT_FALSE(ValidUtf8(bytes)) << entry.path();
      // Accented letters are Latin-1 bytes: é (0xE9), í (0xED), ó (0xF3), á (0xE1), ú, ñ, ü, Á.
      for (unsigned char c : bytes) {
        if (c < 0x80) continue;
        EXPECT_TRUE(c == 0xE9 || c == 0xED || c == 0xF3 || c == 0xE1 || c == 0xFA || c == 0xF1 || c == 0xFC ||
                    c == 0xC1)
            << entry.path() << " byte " << int{c};
      }
    }
  }
  EXPECT_GT(accented_files, 0u);
}

TEST_F(StatementsTest, PlantedGapsLeaveTheirDaysOutOfEveryStatementOfTheAccount) {
  auto faults = ReadCsvRows(*dir_ / "statements" / "faults.csv");
  size_t gaps = 0;
  for (size_t i = 1; i < faults.size(); ++i) {
    if (faults[i][0] != "gap") continue;
    ++gaps;
    const std::string& account = faults[i][2];
    const std::string layout = faults[i][3].substr(0, faults[i][3].find('/'));
    for (const auto& entry : fs::directory_iterator(*dir_ / "statements" / layout)) {
      const Statement st = ReadStatement(entry.path(), layout);
      if (st.account != account) continue;
      for (const Row& r : st.rows) {
        EXPECT_TRUE(r.date < faults[i][5] || r.date > faults[i][6]) << entry.path() << ":" << r.line;
      }
    }
  }
  EXPECT_GT(gaps, 0u);
}

TEST(StatementAccountsTest, AllCoversEveryAccountOfTheThreeStatementBanks) {
  fs::path dir = GenerateWorld("all", 2, StatementAccounts::kAll, false, 5);
  std::set<std::string> expected, covered;
  auto accounts = ReadCsvRows(dir / "accounts.csv");
  for (size_t i = 1; i < accounts.size(); ++i) {
    const auto& r = accounts[i];
    if (r[2] == "account" && (r[0] == "011" || r[0] == "022" || r[0] == "033")) expected.insert(r[0] + ":" + r[1]);
  }
  auto rows = ReadCsvRows(dir / "statements" / "accounts.csv");
  for (size_t i = 1; i < rows.size(); ++i) covered.insert(rows[i][0] + ":" + rows[i][1]);
  EXPECT_EQ(covered, expected);
  EXPECT_EQ(ReadFile(dir / "statements" / "faults.csv"), "kind,bank,account,file,line,from,to,transaction_ids\n");
  fs::remove_all(dir);
}

TEST(StatementAccountsTest, ParsesTheThreeChoicesAndRejectsOthers) {
  EXPECT_EQ(*ParseStatementAccounts("none"), StatementAccounts::kNone);
  EXPECT_EQ(*ParseStatementAccounts("subpoena"), StatementAccounts::kSubpoena);
  EXPECT_EQ(*ParseStatementAccounts("all"), StatementAccounts::kAll);
  EXPECT_FALSE(ParseStatementAccounts("every").ok());
}

}  // namespace
}  // namespace moneytrail::generate

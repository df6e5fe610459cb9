// CheckStatements runs its per-statement walks, per-account overlap matching and the mirror
// candidates' search on TBB's threads (statement_checks.cc, overlaps_mirrors.cc), each part into
// its own list, joined in order: the report must be the same, byte for byte, with one thread
// and with two, on sets large enough to be split into many parts (more than 16,384 lines: the
// mirror search works in blocks of 16,384 lines).
#include <tbb/global_control.h>

#include <string>
#include <vector>
#include <gtest/gtest.h>

#include "moneytrail/statement_checks.h"
#include "statements/random_statements.h"

namespace moneytrail::statements {
namespace {

using testing::RandomStatementSet;
using testing::StatementSet;

// Many seeded random sets as one: files renumbered, every set's text kept alive.
struct Combined {
  std::vector<StatementSet> parts;
  std::vector<StatementFile> files;
  std::vector<StatementLine> lines;
};

Combined CombinedSets(uint64_t first_seed, int sets) {
  Combined c;
  for (int s = 0; s < sets; ++s) {
    StatementSet set = RandomStatementSet(first_seed + static_cast<uint64_t>(s));
    const auto offset = static_cast<uint32_t>(c.files.size());
    for (StatementFile f : set.files) {
      f.file += offset;
      c.files.push_back(std::move(f));
    }
    for (StatementLine l : set.lines) {
      l.file += offset;
      c.lines.push_back(l);
    }
    c.parts.push_back(std::move(set));
  }
  return c;
}

std::string ReportWith(size_t threads, const Combined& c, const CheckOptions& options) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  Result<CheckReport> r = CheckStatements(c.files, c.lines, options);
  if (!r.ok()) return "error: " + r.status().ToString();
  std::string carried;
  for (uint64_t i : r->carried_by) carried += std::to_string(i) + ",";
  return r->ToJson() + r->ToText() + carried;
}

TEST(ParallelChecksTest, OneAndTwoThreadsGiveTheSameReport) {
  for (uint64_t first_seed : {1u, 3001u}) {
    SCOPED_TRACE(::testing::Message() << "first seed " << first_seed);
    Combined c = CombinedSets(first_seed, 1300);
    ASSERT_GT(c.lines.size(), 16384u);  // more than one block of the mirror search
    CheckOptions options;
    options.mirror_max_lag_days = 1;
    const std::string one = ReportWith(1, c, options);
    ASSERT_EQ(one.rfind("error: ", 0), std::string::npos) << one.substr(0, 300);
    Result<CheckReport> r = CheckStatements(c.files, c.lines, options);
    ASSERT_TRUE(r.ok());
    // The set exercises every list that is joined: breaks, duplicates and mirrors.
    EXPECT_GT(r->balance_breaks.size(), 100u);
    EXPECT_GT(r->duplicates.size(), 100u);
    EXPECT_GT(r->mirrors.size(), 100u);
    EXPECT_EQ(ReportWith(2, c, options), one);
  }
}

}  // namespace
}  // namespace moneytrail::statements

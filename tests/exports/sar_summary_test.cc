// The SAR-style summary: every top subject is named with its accounts, red flags carry their
// citations and the smuggling key term, the narrative is chronological, and the attachment
// stays within its limit and says what was cut.
#include <gtest/gtest.h>

#include "exports/fixture.h"
#include "moneytrail/sar_summary.h"

namespace moneytrail::exports_test {
namespace {

fs::path MakeCase(const fs::path& root, const World& w) {
  const fs::path c = root / "case";
  fs::create_directories(c / "trails" / "01-E1");
  EXPECT_TRUE(WriteFileDurably(c / "custody.json",
                               "{\"record\":\"moneytrail-case\",\"store\":{\"dir\":\"" +
                                   fs::absolute(w.store).string() + "\"},\"outputs\":[]}\n").ok());
  EXPECT_TRUE(WriteFileDurably(
      c / "subjects.csv",
      "rank,subject,holder,tier,rule_points,pattern_points,model_probability,alerts,rules,"
      "pattern_instances,transactions,flagged_in,flagged_out,accounts,related_parties,reasons\n"
      "1,E1,Maria Lopez,1,5,0,0.9,2,ST-FEE ST-CTR,0,10,1,1,011:A0 011:A1,E9,x\n"
      "2,011:A2,,2,1,0,0.5,1,ST-CTR,0,4,0,0,011:A2,,y\n"
      "3,E3,Not Top,3,1,0,0.1,0,,0,1,0,0,011:A3,,z\n").ok());
  EXPECT_TRUE(WriteFileDurably(
      c / "alerts.jsonl",
      "{\"record\":\"scan\",\"packs\":[{\"id\":\"smuggling-trafficking\"}]}\n"
      "{\"record\":\"alert\",\"rule_id\":\"ST-FEE\",\"title\":\"Smuggling fees\",\"citation\":\"FIN-2014-A008; FIN-2023-Alert001\","
      "\"subjects\":[\"011:A0\"],\"entity\":\"E1\",\"window\":{\"start\":\"2025-03-01T00:00:00Z\"},\"sentence\":\"Later alert on 011:A0 for USD 9,000.00.\"}\n"
      "{\"record\":\"alert\",\"rule_id\":\"ST-CTR\",\"title\":\"Cash over 10,000\",\"citation\":\"31 CFR 1010.311\","
      "\"subjects\":[\"011:A2\"],\"window\":{\"start\":\"2025-01-05T00:00:00Z\"},\"sentence\":\"Earlier alert on 011:A2.\"}\n"
      "{\"record\":\"alert\",\"rule_id\":\"ST-OTHER\",\"title\":\"Not ours\",\"citation\":\"x\","
      "\"subjects\":[\"011:A5\"],\"window\":{\"start\":\"2025-01-01T00:00:00Z\"},\"sentence\":\"Someone else.\"}\n").ok());
  EXPECT_TRUE(WriteFileDurably(c / "trails" / "01-E1" / "schedule.csv",
                               "line,hop,time,transaction,source_file,source_line,from,to,channel,"
                               "currency,amount,traced_amount,disposition\n"
                               "1,0,t,1,f,2,a,b,wire,USD,10.00,10.00,to account\n"
                               "2,1,t,2,f,3,b,c,wire,USD,5.50,5.50,left by wire\n").ok());
  return c;
}

TEST(SarSummaryTest, NamesEachTopSubjectWithCitationsKeyTermAndChronologicalNarrative) {
  const fs::path root = TempDir("sar");
  World w = MakeWorld(root, 4, 6, 50);
  const fs::path c = MakeCase(root, w);
  Result<exports::SarSummary> s = exports::MakeSarSummary(c, {.top = 2});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const std::string& t = s->text;
  EXPECT_NE(t.find("Maria Lopez"), std::string::npos) << t;
  EXPECT_NE(t.find("account 011:A0"), std::string::npos);
  EXPECT_NE(t.find("account 011:A1"), std::string::npos);
  EXPECT_NE(t.find("account 011:A2"), std::string::npos);
  EXPECT_EQ(t.find("Not Top"), std::string::npos);  // beyond --top
  EXPECT_NE(t.find("FIN-2023-HUMANSMUGGLING"), std::string::npos);
  EXPECT_NE(t.find("31 CFR 1010.311"), std::string::npos);
  EXPECT_NE(t.find("FIN-2023-Alert001"), std::string::npos);
  EXPECT_EQ(t.find("Someone else"), std::string::npos);  // not a top subject's alert
  EXPECT_LT(t.find("Earlier alert"), t.find("Later alert"));
  EXPECT_NE(t.find("left by wire: 5.50 USD"), std::string::npos) << t;
  for (const char* part : {"WHO", "WHAT", "WHEN", "WHERE", "WHY", "HOW", "NARRATIVE", "ATTACHMENT"}) {
    EXPECT_NE(t.find(std::string("\n") + part), std::string::npos) << part;
  }
  EXPECT_NE(t.find("Nothing was cut"), std::string::npos);
  EXPECT_GT(s->attachment_rows, 0u);
  EXPECT_EQ(s->rows_cut, 0u);
}

TEST(SarSummaryTest, TheAttachmentStaysWithinItsLimitAndSaysWhatWasCut) {
  const fs::path root = TempDir("sar-cut");
  World w = MakeWorld(root, 6, 6, 80);
  const fs::path c = MakeCase(root, w);
  Result<exports::SarSummary> full = exports::MakeSarSummary(c, {.top = 2});
  ASSERT_TRUE(full.ok());
  Result<exports::SarSummary> cut = exports::MakeSarSummary(c, {.top = 2, .attachment_limit = 1500});
  ASSERT_TRUE(cut.ok());
  EXPECT_LE(cut->attachment.size(), 1500u);
  EXPECT_GT(cut->rows_cut, 0u);
  EXPECT_EQ(cut->attachment_rows + cut->rows_cut, full->attachment_rows);
  EXPECT_NE(cut->text.find(std::to_string(cut->rows_cut) + " later transactions were cut"), std::string::npos);
  // The kept rows are the first ones, in order.
  EXPECT_EQ(full->attachment.substr(0, cut->attachment.size()), cut->attachment);
}

TEST(SarSummaryTest, AMissingCaseFileIsNamed) {
  const fs::path root = TempDir("sar-missing");
  Result<exports::SarSummary> s = exports::MakeSarSummary(root, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("custody.json"), std::string::npos) << s.status().ToString();
}

}  // namespace
}  // namespace moneytrail::exports_test

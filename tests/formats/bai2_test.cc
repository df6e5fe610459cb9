// BAI2 reader (src/formats/bai2.cc): records, continuations, funds types, control totals.
#include <gtest/gtest.h>

#include <string>

#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

const char kFile[] =
    "01,SENDER,RECEIVER,240301,0800,1,,,2/\n"
    "02,RECEIVER,BANK,1,240301,,USD,2/\n"
    "03,123456,USD,010,100000,,,015,130000,,/\n"
    "88,100,50000,2,,400,20000,1,/\n"
    "16,195,45000,V,240302,,WIRE123,CUST1,WIRE IN FROM ACME, INC. REF 9\n"
    "88,ORG: ACME INC\n"
    "16,142,5000,S,1000,2000,2000,ACH1,,PAYROLL CREDIT/\n"
    "16,475,20000,,CHK1042,,CHECK 1042/\n"
    "49,370000,7/\n"
    "98,370000,1,9/\n"
    "99,370000,1,11/\n";

TEST(Bai2Test, ReadsAccountBalancesDetailsAndContinuations) {
  Result<ParsedStatements> p = ParseBai2(kFile, "f.bai");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->statements.size(), 1u);
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.account, "123456");
  EXPECT_EQ(s.currency, "USD");
  EXPECT_EQ(FormatDecimal(s.opening->amount), "1000.00");
  EXPECT_EQ(FormatDecimal(s.closing->amount), "1300.00");
  ASSERT_EQ(s.entries.size(), 3u);
  EXPECT_EQ(FormatDecimal(s.entries[0].amount), "450.00");
  EXPECT_EQ(s.entries[0].channel, Channel::kWire);
  EXPECT_EQ(s.entries[0].value_date, 1709337600);  // 2024-03-02 (funds type V)
  EXPECT_EQ(s.entries[0].reference, "WIRE123");
  EXPECT_EQ(s.entries[0].description, "WIRE IN FROM ACME, INC. REF 9 ORG: ACME INC");  // commas kept, 88 joined
  EXPECT_EQ(s.entries[0].booking_date, 1709251200);  // the group's as-of date
  EXPECT_EQ(s.entries[1].channel, Channel::kAch);
  EXPECT_EQ(s.entries[1].reference, "ACH1");  // after the three S amounts
  EXPECT_EQ(s.entries[1].description, "PAYROLL CREDIT");
  EXPECT_EQ(FormatDecimal(s.entries[2].amount), "-200.00");
  EXPECT_EQ(s.entries[2].channel, Channel::kCheque);
  EXPECT_EQ(s.entries[2].position.line, 8u);
  EXPECT_TRUE(p->findings.empty()) << p->findings[0];
}

TEST(Bai2Test, ControlTotalsAndCountsThatDisagreeAreFindings) {
  std::string f = kFile;
  f.replace(f.find("49,370000,7/"), 12, "49,370001,8/");
  Result<ParsedStatements> p = ParseBai2(f, "f.bai");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->findings.size(), 3u);
  EXPECT_EQ(p->findings[0], "f.bai:9: account trailer (49) of 123456: control total 3700.01, but its amounts add up to 3700.00");
  EXPECT_EQ(p->findings[1], "f.bai:9: account trailer (49) of 123456: declares 8 records, the file has 7");
  // The group total is the sum of its accounts' declared totals: 3700.01 != the 98's 3700.00.
  EXPECT_EQ(p->findings[2], "f.bai:10: group trailer (98): control total 3700.00, but its amounts add up to 3700.01");
}

TEST(Bai2Test, MalformedFilesNameLineAndRecord) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"01,A,B,240301,0800,1,,,2/\n02,B,A,1,240399,,USD,2/\n", "b.bai:2:1: 02 record, as-of date '240399': expected a date YYMMDD"},
      {"01,A,B,240301,0800,1,,,2/\n02,B,A,1,240301,,USD,2/\n03,1,USD,010,1x0,,,/\n", "b.bai:3:1: 03 record, amount '1x0'"},
      {"01,A,B,240301,0800,1,,,2/\n02,B,A,1,240301,,USD,2/\n03,1,USD/\n16,999,5,,,,X/\n", "b.bai:4:1: 16 record, type code '999': expected a credit (100-399) or debit (400-699)"},
      {"01,A,B,240301,0800,1,,,2/\n16,195,5,,,,X/\n", "b.bai:2:1: 16 record '': a transaction detail (16) outside an account"},
      {"01,A,B,240301,0800,1,,,2/\n02,B,A,1,240301,,USD,2/\n03,1,USD/\n49,0,2/\n98,0,1,4/\n", "b.bai: the file ends without its 99 file trailer"},
      {"01,A/\nX1,2/\n", "b.bai:2:1: record code 'X1,2/'"},
      {"02,A/\n", "b.bai: not a BAI2 file: the first record is not a 01 file header"},
      {"88,X/\n", "b.bai:1:1: 88 record '': a continuation before any record"},
  };
  for (const Case& c : cases) {
    Result<ParsedStatements> p = ParseBai2(c.text, "b.bai");
    ASSERT_FALSE(p.ok()) << c.expected;
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos)
        << "got: " << p.status().message() << "\nwanted: " << c.expected;
  }
}

}  // namespace
}  // namespace moneytrail::formats

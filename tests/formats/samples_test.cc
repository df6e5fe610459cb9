// Every sample file of ../shared/data/formats (real files from other parsers' test folders,
// docs in its README.md) for the formats read here: it reads, with its entries agreeing with its
// own declared balances and control totals or each disagreement reported as a finding, or it is
// refused with a precise reason. One row per file; a new sample file must be added here.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "moneytrail/file_util.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

namespace fs = std::filesystem;

const fs::path kFormats = fs::path(MONEYTRAIL_SHARED_DATA_DIR) / "formats";

struct Expected {
  const char* file;
  // Read: statements, entries, and the findings (substrings, in order; empty: the entries agree
  // with every declared total). Refused: statements < 0 and `refusal` in the message.
  int statements;
  int entries;
  std::vector<std::string> findings;
  const char* refusal = "";
};

const std::vector<Expected>& Table() {
  static const std::vector<Expected> table = {
      {"bai2/ministryofjustice__bai2/account_trailer_amount_blank_example.bai2", 2, 0, {}},
      // Opening 100.00, a credit of 0.01 (type 191), closing 100.00.
      {"bai2/ministryofjustice__bai2/citi_example.bai2", 1, 1, {"is 100.01, but the declared closing balance (015) is 100.00"}},
      {"bai2/ministryofjustice__bai2/nwb_example.bai2", 1, 5, {}},
      {"bai2/ministryofjustice__bai2/svb_us_example.bai2", 2, 2, {}},
      {"bai2/moov-io__bai2/sample1.txt", 2, 17, {}},
      {"bai2/moov-io__bai2/sample2.txt", 5, 4, {"account trailer (49) of 9876543210: control total 40000.00, but its amounts add up to 30000.00",
                                                "account trailer (49) of 0975312468: control total 1405000.00, but its amounts add up to 1105000.15"}},
      // A line without a record code in the middle of the file.
      {"bai2/moov-io__bai2/sample3.txt", -1, 0, {}, "sample3.txt:19:1: record code '11111111': expected a two-digit record code"},
      {"bai2/moov-io__bai2/sample4-continuations-newline-delimited.txt", 5, 17,
       {"account trailer (49) of 107049932: control total -12601613417.62, but its amounts add up to 79999.60",
        "account trailer (49) of 107049932: declares 26 records, the file has 18",
        "account trailer (49) of 104108339: control total 68697.22, but its amounts add up to 6669178.18",
        "account trailer (49) of 104108339: declares 8 records, the file has 88",
        "group trailer (98): control total 130601951.62, but its amounts add up to -12471011466.00",
        "group trailer (98): declares 16 records, the file has 114",
        "group trailer (98) declares 4 accounts, the group has 5",
        "file trailer (99): declares 18 records, the file has 116",
        "is 1296780.20, but the declared closing balance (015) is 1593811.94"}},
      // "88:EREF:" (a colon for the comma) on line 63.
      {"bai2/moov-io__bai2/sample5-issue113.txt", -1, 0, {}, "sample5-issue113.txt:63:1: record code '88:EREF:'"},
      {"camt052/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/CBPR+ c.52.1.c camt.052-CtoD.xml", 1, 1, {}},
      {"camt052/genkgo__camt/camt052.v2.xml", 1, 1, {}},
      {"camt052/genkgo__camt/camt052.v4.xml", 1, 0, {"1 entries not booked"}},
      {"camt052/phoughton__pyiso20022/camt052_001_02.xml", 6, 17, {}},
      {"camt052/viafintech__camt_parser/valid_example.xml", 1, 2, {}},
      {"camt053/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/CBPR+ c.56.4.1 camt.053-DtoE.xml", 1, 1, {}},
      // The sample's closing balance is 27.050 after 18.150 + 8.850 (its own numbers disagree).
      {"camt053/genkgo__camt/camt053.v2.five.decimals.xml", 1, 1, {"is 27.000, but the declared closing balance (CLBD) is 27.050"}},
      {"camt053/genkgo__camt/camt053.v2.multi.statement.xml", 2, 2, {}},
      // Its CLBD says DBIT 27.00 after a credit balance of 18.15 and a credit of 8.85.
      {"camt053/genkgo__camt/camt053.v3.xml", 1, 1, {"is 27.00, but the declared closing balance (CLBD) is -27.00"}},
      {"camt053/svapnil__iso20022.js/abn_amro__example_camt.xml", 1, 29, {}},
      {"camt053/svapnil__iso20022.js/camt_053_us_v2_sample.xml", 1, 15, {"is -843655.26, but the declared closing balance (CLBD) is -846665.15"}},
      {"camt053/svapnil__iso20022.js/ing__example_camt.xml", 1, 9, {}},
      {"camt053/svapnil__iso20022.js/nordea__example_camt.xml", 1, 6, {}},
      {"camt053/viafintech__camt_parser/valid_example_with_batch.xml", 1, 3, {"is 10264.06, but the declared closing balance (CLBD) is 23038.20"}},
      {"camt053/viafintech__camt_parser/valid_example_with_datetime.xml", 1, 1, {}},
      {"camt054/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/CBPR+ c.54.3.1 camt.054-BtoA.xml", 1, 1, {}},
      {"camt054/genkgo__camt/camt054.v2.xml", 1, 1, {}},
      {"camt054/genkgo__camt/camt054.v4.xml", 1, 1, {}},
      {"camt054/genkgo__camt/camt054.v8-with-UETR.xml", -1, 0, {}, "camt054.v8-with-UETR.xml:16: Ntry/BookgDt '': expected a booking or value date"},
      {"camt054/genkgo__camt/camt054.v8-with-financial-institution.xml", -1, 0, {}, ".xml:16: Ntry/BookgDt '': expected a booking or value date"},
      {"camt054/viafintech__camt_parser/valid_example.xml", 1, 5, {}},
      // pacs.008 payment messages: one credit transfer each, read as the debtor account's debit.
      {"pacs008/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/CBPR+ c.53.5 pacs.008 AtoB.xml", 1, 1, {}},
      {"pacs008/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/CBPR+ p.2.1.1 pacs.008-AtoB.xml", 1, 1, {}},
      {"pacs008/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/CBPR+ p.2.1.2 pacs.008-CtoD.xml", 1, 1, {}},
      {"pacs008/ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt/HVPS c.29.1.1 pacs.008 BtoC_MI.xml", 1, 1, {}},
      {"fincen_bsa/moov-io__fincen/8300_acknowledgement.xml", -1, 0, {}, "not a bank statement"},
      {"fincen_bsa/moov-io__fincen/8300_batch.xml", -1, 0, {}, "not a bank statement"},
      {"fincen_bsa/moov-io__fincen/doep_acknowledgement.xml", -1, 0, {}, "not a bank statement"},
      {"fincen_bsa/moov-io__fincen/doep_batch.xml", -1, 0, {}, "not a bank statement"},
      {"fincen_bsa/moov-io__fincen/sar_acknowledgement.xml", -1, 0, {}, "not a bank statement"},
      {"fincen_bsa/moov-io__fincen/sar_batch.xml", -1, 0, {}, "not a bank statement"},
      {"mt940/betterplace__mt940_parser/sepa_mt9401.txt", 26, 97, {}},
      {"mt940/centrapay__swift-parser/testX.mt940", 2, 3, {}},
      {"mt940/fruitl00p__php-mt940/Bunq__sample", 1, 111, {}},
      // Opening 0,00, one debit of 20000,00, closing 0,00.
      {"mt940/fruitl00p__php-mt940/Hsbc__sample", 1, 1, {"is -20000.00, but the declared closing balance (62F) is 0.00"}},
      {"mt940/fruitl00p__php-mt940/Zetb__sample", 1, 8, {}},
      // Both carry a closing balance dated 2002-11-31, a day that does not exist.
      {"mt940/railslove__cmxl/mt940-deutsche_bank.txt", -1, 0, {}, "mt940-deutsche_bank.txt:44:1: :62F: '021131': expected a date YYMMDD"},
      {"mt940/railslove__cmxl/mt940-iso8859-1.txt", -1, 0, {}, "mt940-iso8859-1.txt:15:1: :62F: '021131': expected a date YYMMDD"},
      // A licence text kept beside the samples.
      {"mt940/sandermarechal__jejik-mt940/LICENCE.powercloud.txt", -1, 0, {}, "not a bank statement format moneytrail reads"},
      {"mt940/sandermarechal__jejik-mt940/commerzbank.txt", 1, 1, {"is -12.35, but the declared closing balance (62F) is 0.00"}},
      {"mt940/sandermarechal__jejik-mt940/postfinance.txt", 2, 4, {"is 159.4, but the declared closing balance (62F) is 159.6"}},
      {"mt940/sandermarechal__jejik-mt940/sparkasse2.txt", 1, 1, {"is 932079.54, but the declared closing balance (62F) is 931304.50"}},
      // An entry date "1612" (month 16) in its second message.
      {"mt942/andrew-svirin__mt942-php/transactions.mt942", -1, 0, {}, "transactions.mt942:128:1: :61: '1612': expected the entry date MMDD"},
      {"mt942/centrapay__swift-parser/test2.mt942", 1, 3, {}},
      {"mt942/railslove__cmxl/mt942.txt", 2, 2, {}},
      {"ofx/asgrim__ofxparser/ofx-multiple-accounts-xml.ofx", 3, 3, {}},
      {"ofx/asgrim__ofxparser/ofxdata-bb-two-stmtrs.ofx", 2, 36, {}},
      {"ofx/asgrim__ofxparser/ofxdata-cmfr.ofx", 1, 42, {}},
      {"ofx/asgrim__ofxparser/ofxdata-credit-card.ofx", 1, 1, {}},
      {"ofx/asgrim__ofxparser/ofxdata-memoWithAmpersand.ofx", 1, 16, {}},
      // An XML header over OFX 1.x's unclosed leaf tags: read as SGML.
      {"ofx/jseutter__ofxparse/anzcc.ofx", 1, 1, {}},
      {"ofx/jseutter__ofxparse/checking.ofx", 1, 3, {}},
      {"ofx/jseutter__ofxparse/multiple_accounts2.ofx", 2, 0, {}},
      // CURDEF, FITID and BALAMT empty; the currency from the transaction's CURRENCY/CURSYM.
      {"ofx/jseutter__ofxparse/ofx-v102-empty-tags.ofx", 1, 1, {}},
      {"ofx/jseutter__ofxparse/suncorp.ofx", 1, 1, {}},
  };
  return table;
}

TEST(SamplesTest, EverySampleReadsWithItsTotalsOrIsRefusedWithAReason) {
  if (!fs::exists(kFormats)) GTEST_SKIP() << kFormats << " is not present";
  for (const Expected& x : Table()) {
    SCOPED_TRACE(x.file);
    const fs::path path = kFormats / x.file;
    Result<std::string> bytes = ReadFileToString(path);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    Result<ParsedStatements> p = ParseStatements(*bytes, path.string(), SniffFormat(*bytes));
    if (x.statements < 0) {
      ASSERT_FALSE(p.ok());
      EXPECT_NE(p.status().message().find(x.refusal), std::string::npos) << p.status().message();
      EXPECT_EQ(p.status().message().substr(0, path.string().size()), path.string());
      continue;
    }
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(static_cast<int>(p->statements.size()), x.statements);
    size_t entries = 0;
    for (const Statement& s : p->statements) {
      entries += s.entries.size();
      EXPECT_FALSE(s.account.empty());
      EXPECT_FALSE(s.currency.empty());
      for (const Entry& e : s.entries) {
        EXPECT_GT(e.position.line, 0u);
        EXPECT_NE(e.amount.units, 0);
      }
    }
    EXPECT_EQ(static_cast<int>(entries), x.entries);
    ASSERT_EQ(p->findings.size(), x.findings.size()) << (p->findings.empty() ? "" : p->findings[0]);
    for (size_t i = 0; i < x.findings.size(); ++i) {
      EXPECT_NE(p->findings[i].find(x.findings[i]), std::string::npos) << p->findings[i];
    }
  }
}

// The table covers every file of the formats read here (a new sample cannot be forgotten).
TEST(SamplesTest, TableListsEverySampleFile) {
  if (!fs::exists(kFormats)) GTEST_SKIP() << kFormats << " is not present";
  std::set<std::string> listed;
  for (const Expected& x : Table()) listed.insert(x.file);
  for (const char* folder : {"bai2", "camt052", "camt053", "camt054", "pacs008", "fincen_bsa", "mt940", "mt942", "ofx"}) {
    for (const auto& repo : fs::directory_iterator(kFormats / folder)) {
      for (const auto& file : fs::directory_iterator(repo.path())) {
        const std::string name = file.path().filename().string();
        if (name == "LICENSE" || name == "SOURCE.txt" || name == "LICENSE.txt" || name == "LICENSE.fixtures.txt") continue;
        const std::string relative = fs::relative(file.path(), kFormats).string();
        EXPECT_TRUE(listed.count(relative)) << relative << " is not in the table";
      }
    }
  }
}

}  // namespace
}  // namespace moneytrail::formats

// Issue 21's "formula-injection tests on every CSV/XLSX writer", end to end on the real binary.
// A small statement case whose holder names, counterparty names, descriptions, cities, regions,
// addresses and references start with `=`, `+`, `-`, `@`, TAB or CR (`=HYPERLINK("http://x",
// "y")`) is ingested, given its KYC (`kyc` + `resolve --store`), investigated (no PDF), packed
// as an exhibit (no browser: no PDF), summarised (`sar`) and exported in every format (FtM, i2,
// ANX, GraphML, XLSX of the case and of the store, CSV native and IBM). Then EVERY .csv and
// .xlsx under the output directory is read (a walk, not a list: a new writer is covered without
// touching this test): CSV by RFC 4180, XLSX by minizip + libxml2 (shared strings, inline
// strings, formulas). No cell may begin with a formula character unless it is a plain number;
// no worksheet cell may hold a formula; and every planted value is still there, neutralised
// ("'" + the original), in some CSV and in some workbook: nothing is lost.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <unzip.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;

// What the test plants. Each value reaches at least one CSV and one workbook cell.
const std::vector<std::string>& Planted() {
  static const std::vector<std::string> kPlanted = {
      "=HYPERLINK(\"http://x\")",           // the subject's holder (KYC export; no comma, which
                                              // the KYC reader takes for "LAST, FIRST")
      "+PLUS HOLDER",                         // a counterparty account's holder (KYC export)
      "=HYPERLINK(\"http://x\",\"y\")",       // a wire beneficiary (counterparty column)
      "@SUM(A1)",                             // another beneficiary
      "+WIRE TO NOBODY",                      // a description that names the other end
      "=HYPERLINK(\"http://x\",\"city\")",    // a cash deposit's city
      "+CITY",
      "-CITY",
      "@CITY",
      "\tTAB CITY",
      "\rCR CITY",
      "\tTAB NAME",
      "\rCR NAME",
  };
  return kPlanted;
}

// CSV text quoted as Python's csv.QUOTE_ALL writes it.
std::string Quoted(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : fields[i]) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out + "\n";
}

// One statement of account 7001 at FORMULA-BANK: structured cash deposits (a structuring
// alert makes the holder a subject) and wires out, every text field formula-leading somewhere.
std::string Statement() {
  struct Row {
    const char *date, *reference, *description, *counterparty, *cp_bank, *cp_account, *channel,
        *city, *region, *country;
    long cents;
  };
  const std::vector<Row> rows = {
      {"2025-03-03", "=1+1", "CASH DEPOSIT", "", "", "", "CASH", "=HYPERLINK(\"http://x\",\"city\")", "TX", "US", 950000},
      {"2025-03-04", "+REF2", "CASH DEPOSIT", "", "", "", "CASH", "+CITY", "=TX", "US", 940000},
      {"2025-03-05", "-REF3", "CASH DEPOSIT", "", "", "", "CASH", "-CITY", "TX", "US", 930000},
      {"2025-03-06", "@REF4", "CASH DEPOSIT", "", "", "", "CASH", "@CITY", "TX", "US", 960000},
      {"2025-03-07", "\tREF5", "CASH DEPOSIT", "", "", "", "CASH", "\tTAB CITY", "TX", "US", 970000},
      {"2025-03-07", "\rREF6", "CASH DEPOSIT", "", "", "", "CASH", "\rCR CITY", "TX", "US", 920000},
      {"2025-03-10", "R7", "=HYPERLINK(\"http://x\",\"description\")", "=HYPERLINK(\"http://x\",\"y\")", "", "",
       "WIRE", "", "", "MX", -2000000},
      {"2025-03-11", "R8", "@WIRE DESCRIPTION", "@SUM(A1)", "", "", "WIRE", "", "", "GT", -1500000},
      {"2025-03-12", "R9", "+WIRE TO NOBODY", "", "", "", "WIRE", "", "", "MX", -900000},
      {"2025-03-13", "R10", "-MINUS DESCRIPTION", "\rCR NAME", "", "", "WIRE", "", "", "HN", -300000},
      {"2025-03-14", "R11", "\tTAB DESCRIPTION", "\tTAB NAME", "", "", "ACH", "", "", "US", -250000},
      {"2025-03-17", "R12", "TRANSFER", "", "FORMULA-BANK", "7002", "WIRE", "", "", "US", -800000},
      {"2025-03-18", "R13", "CASH DEPOSIT", "", "", "", "CASH", "-CITY", "TX", "US", 945000},
      {"2025-03-19", "R14", "CASH DEPOSIT", "", "", "", "CASH", "+CITY", "TX", "US", 935000},
      {"2025-03-20", "R15", "=HYPERLINK(\"http://x\",\"description\")", "=HYPERLINK(\"http://x\",\"y\")", "", "",
       "WIRE", "", "", "MX", -1900000},
  };
  auto money = [](long cents) {
    std::string sign = cents < 0 ? "-" : "";
    cents = std::labs(cents);
    std::string frac = std::to_string(cents % 100);
    return sign + std::to_string(cents / 100) + "." + (frac.size() < 2 ? "0" : "") + frac;
  };
  std::string out =
      "Formula Test Bank\nAccount Holder: @BANNER HOLDER\nAccount Number: 7001\n\n"
      "Date,Reference,Description,Counterparty,CP Bank,CP Account,Channel,City,Region,Country,Amount,Balance\n";
  long balance = 0;
  for (const Row& r : rows) {
    balance += r.cents;
    out += Quoted({r.date, r.reference, r.description, r.counterparty, r.cp_bank, r.cp_account, r.channel,
                   r.city, r.region, r.country, money(r.cents), money(balance)});
  }
  return out;
}

constexpr char kStatementMapping[] = R"([format]
timestamp_format = "%Y-%m-%d"
header_pattern = '^Date,Reference,'

[banner]
statement_account = 'Account Number:\s*(\d+)'
holder = 'Account Holder:\s*(.+?)\s*$'

[columns]
timestamp = "Date"
reference = "Reference"
description = "Description"
counterparty = "Counterparty"
counterparty_bank = "CP Bank"
counterparty_account = "CP Account"
channel = "Channel"
city = "City"
region = "Region"
country = "Country"
amount = "Amount"
balance = "Balance"

[channel_values]
"CASH" = "cash_deposit"
"WIRE" = "wire"
"ACH" = "ach"

[constants]
statement_bank = "FORMULA-BANK"
currency_paid = "USD"
)";

constexpr char kCustomerMapping[] = R"([format]
header_pattern = '^ACCT NO,PRIMARY OWNER,'
timestamp_format = "%Y-%m-%d"

[columns]
accounts = "ACCT NO"
name = "PRIMARY OWNER"
date_of_birth = "OWNER DOB"
address = "ADDRESS LINE 1"
city = "CITY"
region = "ST"
postcode = "ZIP"
phone = "PHONE"
id_number = "ID NUMBER"

[constants]
bank = "FORMULA-BANK"
kind = "person"
country = "US"
)";

std::string Customers() {
  return "ACCT NO,PRIMARY OWNER,OWNER DOB,ADDRESS LINE 1,CITY,ST,ZIP,PHONE,ID NUMBER\n" +
         Quoted({"7001", "=HYPERLINK(\"http://x\")", "1979-11-02", "-1 MAIN ST", "@EL PASO", "TX",
                 "79902", "915-555-0177", "+TX0881"}) +
         Quoted({"7002", "+PLUS HOLDER", "1980-01-02", "=2 MAIN ST", "-DALLAS", "TX", "75201", "915-555-0178",
                 "@TX0882"});
}

// A cell as read back, with where it was.
struct CellAt {
  std::string where;  // "file: line N" or "file: sheet N cell A1"
  std::string text;
  bool formula = false;  // a worksheet cell holding a formula
};

// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; rows end in LF or CRLF.
void ReadCsvCells(const fs::path& path, const std::string& name, std::vector<CellAt>& cells) {
  const std::string text = ReadWholeFile(path);
  std::string field;
  size_t line = 1, row_line = 1;
  bool quoted = false, was_quoted = false;
  auto end_field = [&] {
    cells.push_back({name + ": line " + std::to_string(row_line), field});
    field.clear();
    was_quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      end_field();
      row_line = ++line;
    } else {
      field += c;
    }
  }
  if (!field.empty() || was_quoted) end_field();
}

// OOXML escapes a control character in cell text as _xHHHH_ (ECMA-376 Part 1, 22.9.2.19:
// libxlsxwriter writes CR as _x000D_); Excel shows the character.
std::string UnescapeOoxml(const std::string& text) {
  static const std::regex kEscape("_x([0-9A-Fa-f]{4})_");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kEscape);
  size_t at = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += text.substr(at, static_cast<size_t>(it->position()) - at);
    const unsigned long code = std::stoul((*it)[1].str(), nullptr, 16);
    out += code < 0x80 ? std::string(1, static_cast<char>(code)) : it->str();
    at = static_cast<size_t>(it->position() + it->length());
  }
  return out + text.substr(at);
}

std::string NodeText(xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string out = content != nullptr ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return UnescapeOoxml(out);
}

bool Named(xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, BAD_CAST name) == 0;
}

// Every entry of the zip at `path` by name.
std::map<std::string, std::string> Unzip(const fs::path& path) {
  std::map<std::string, std::string> entries;
  unzFile zip = unzOpen64(path.c_str());
  EXPECT_NE(zip, nullptr) << path << " is not a zip archive";
  if (zip == nullptr) return entries;
  for (int rc = unzGoToFirstFile(zip); rc == UNZ_OK; rc = unzGoToNextFile(zip)) {
    char name[512];
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(zip, &info, name, sizeof name, nullptr, 0, nullptr, 0) != UNZ_OK) break;
    if (unzOpenCurrentFile(zip) != UNZ_OK) {
      ADD_FAILURE() << path << ": cannot open " << name;
      continue;
    }
    std::string data(info.uncompressed_size, '\0');
    const int read = unzReadCurrentFile(zip, data.data(), static_cast<unsigned>(data.size()));
    EXPECT_EQ(read, static_cast<int>(data.size())) << path << ": " << name;
    unzCloseCurrentFile(zip);
    entries[name] = std::move(data);
  }
  unzClose(zip);
  return entries;
}

xmlDoc* ParseXml(const std::string& xml, const std::string& name) {
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), name.c_str(), nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  EXPECT_NE(doc, nullptr) << name << " is not well-formed XML";
  return doc;
}

void Walk(xmlNode* node, const std::function<void(xmlNode*)>& visit) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    visit(n);
    Walk(n->children, visit);
  }
}

// The text of every text cell of every worksheet (shared, inline, formula string), and every
// cell that holds a formula. Numeric cells are numbers, never text.
void ReadXlsxCells(const fs::path& path, const std::string& name, std::vector<CellAt>& cells) {
  std::map<std::string, std::string> parts = Unzip(path);
  std::vector<std::string> shared;
  if (auto it = parts.find("xl/sharedStrings.xml"); it != parts.end()) {
    xmlDoc* doc = ParseXml(it->second, name + ": xl/sharedStrings.xml");
    if (doc != nullptr) {
      Walk(xmlDocGetRootElement(doc), [&](xmlNode* n) {
        if (Named(n, "si")) shared.push_back(NodeText(n));
      });
      xmlFreeDoc(doc);
    }
  }
  int sheets = 0;
  for (const auto& [part, xml] : parts) {
    if (part.rfind("xl/worksheets/", 0) != 0 || part.find('/', 14) != std::string::npos) continue;
    ++sheets;
    xmlDoc* doc = ParseXml(xml, name + ": " + part);
    if (doc == nullptr) continue;
    Walk(xmlDocGetRootElement(doc), [&](xmlNode* n) {
      if (!Named(n, "c")) return;
      xmlChar* type_attr = xmlGetProp(n, BAD_CAST "t");
      xmlChar* ref_attr = xmlGetProp(n, BAD_CAST "r");
      const std::string type = type_attr != nullptr ? reinterpret_cast<const char*>(type_attr) : "n";
      CellAt cell{name + ": " + part + " cell " + (ref_attr != nullptr ? reinterpret_cast<const char*>(ref_attr) : "?"),
                  ""};
      xmlFree(type_attr);
      xmlFree(ref_attr);
      bool text = false;
      for (xmlNode* k = n->children; k != nullptr; k = k->next) {
        if (Named(k, "f")) cell.formula = true;
        if (Named(k, "v") && type == "s") {
          const size_t index = std::stoul(NodeText(k));
          EXPECT_LT(index, shared.size()) << cell.where;
          if (index < shared.size()) cell.text = shared[index];
          text = true;
        }
        if (Named(k, "v") && type == "str") {
          cell.text = NodeText(k);
          text = true;
        }
        if (Named(k, "is")) {
          cell.text = NodeText(k);
          text = true;
        }
      }
      if (text || cell.formula) cells.push_back(std::move(cell));
    });
    xmlFreeDoc(doc);
  }
  EXPECT_GT(sheets, 0) << name << " has no worksheet";
}

bool IsFormulaLeading(const std::string& text) {
  return !text.empty() && std::string("=+-@\t\r").find(text.front()) != std::string::npos;
}

// A plain number ("-20000.00", "+1", "1e5") is no formula: spreadsheets read it as a number.
bool IsNumber(const std::string& text) {
  static const std::regex kNumber(R"([-+]?\d+(\.\d+)?([eE][-+]?\d+)?)");
  return std::regex_match(text, kNumber);
}

class FormulaInjectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // No browser: the report's and the exhibit's PDFs are not spreadsheets (the pack is written
    // without its PDF, with a warning).
    ::setenv("MONEYTRAIL_CHROMIUM", "/bin/false", 1);
    dir_ = new TempDir();
    const fs::path in = dir_->path() / "in";
    fs::create_directories(in);
    WriteWholeFile(in / "formula-7001.csv", Statement());
    WriteWholeFile(in / "statement.toml", kStatementMapping);
    WriteWholeFile(in / "customers.csv", Customers());
    WriteWholeFile(in / "customers.toml", kCustomerMapping);
    const std::string store = (dir_->path() / "case.store").string();
    const fs::path out = Out();
    fs::create_directories(out / "exports");
    const std::string c = (out / "case").string(), x = (out / "exports").string();
    const std::vector<std::vector<std::string>> steps = {
        {"ingest", store, (in / "formula-7001.csv").string(), "--format", "mapped", "--map",
         (in / "statement.toml").string()},
        {"kyc", (in / "customers.csv").string(), "--map", (in / "customers.toml").string(), "--store", store,
         "--out", (dir_->path() / "kyc").string()},
        {"resolve", (dir_->path() / "kyc" / "parties.csv").string(), "--store", store, "--quiet"},
        {"investigate", "--store", store, "--out", c, "--no-pdf", "--top", "5"},
        {"exhibit", c, "--subject", "1", "--out", (out / "pack").string(), "--key",
         (dir_->path() / "exhibit.key").string()},
        {"sar", c, "--out", (out / "sar").string()},
        {"export", c, "--format", "ftm", "--out", x + "/case.ftm.jsonl"},
        {"export", c, "--format", "i2", "--out", x + "/case-i2.csv"},
        {"export", c, "--format", "anx", "--out", x + "/case.anx"},
        {"export", c, "--format", "graphml", "--out", x + "/case.graphml"},
        {"export", c, "--format", "xlsx", "--out", x + "/case.xlsx"},
        {"export", store, "--format", "xlsx", "--out", x + "/store.xlsx"},
        {"export", store, "--format", "native", "--out", x + "/native.csv"},
        {"export", store, "--format", "ibm-aml", "--out", x + "/ibm.csv"},
        {"export", store, "--format", "i2", "--out", x + "/store-i2.csv"},
    };
    // The KYC files `kyc` writes (parties.csv, accounts.csv) are the input of `resolve`, written
    // as read; they sit outside the walked directory.
    for (const auto& args : steps) {
      RunResult r = RunMoneytrail(args);
      // scan-like verbs exit 1 for findings; every step here must succeed.
      if (r.exit_code != 0 || r.term_signal != 0) {
        failed_ = new std::string(test_util::CommandLine(args) + "\nexit " + std::to_string(r.exit_code) +
                                  "\n" + r.err + r.out);
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete failed_;
    failed_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(failed_, nullptr) << *failed_; }

  static fs::path Out() { return dir_->path() / "out"; }

  // Every .csv and .xlsx under Out(), walked; `files` counts them by extension.
  static std::vector<CellAt> AllCells(std::map<std::string, int>& files, std::vector<CellAt>* workbook_cells) {
    std::vector<CellAt> cells;
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(Out())) {
      if (e.is_regular_file()) paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      const std::string name = fs::relative(p, Out()).string();
      if (p.extension() == ".csv") {
        ++files["csv"];
        ReadCsvCells(p, name, cells);
      } else if (p.extension() == ".xlsx") {
        ++files["xlsx"];
        ReadXlsxCells(p, name, *workbook_cells);
      }
    }
    return cells;
  }

  static TempDir* dir_;
  static std::string* failed_;
};

TempDir* FormulaInjectionTest::dir_ = nullptr;
std::string* FormulaInjectionTest::failed_ = nullptr;

TEST_F(FormulaInjectionTest, NoCellOfAnyCsvOrWorkbookIsALiveFormulaAndNothingIsLost) {
  std::map<std::string, int> files;
  std::vector<CellAt> workbook;
  std::vector<CellAt> csv = AllCells(files, &workbook);
  // The walk found the writers' files: the case's CSVs (subjects, trails, schedules), the pack's,
  // the SAR attachment, the exports; the pack's and the exports' workbooks.
  EXPECT_GE(files["csv"], 10) << "CSV files found";
  EXPECT_GE(files["xlsx"], 3) << "workbooks found";
  std::set<std::string> csv_files, xlsx_files;
  for (const CellAt& c : csv) csv_files.insert(c.where.substr(0, c.where.find(": ")));
  for (const CellAt& c : workbook) xlsx_files.insert(c.where.substr(0, c.where.find(": ")));
  for (const char* must : {"case/subjects.csv", "pack/schedule.csv", "sar/sar-transactions.csv",
                           "exports/case-i2.csv", "exports/native.csv"}) {
    EXPECT_TRUE(csv_files.count(must)) << must << " was not written or not read";
  }
  for (const char* must : {"pack/exhibit.xlsx", "exports/case.xlsx", "exports/store.xlsx"}) {
    EXPECT_TRUE(xlsx_files.count(must)) << must << " was not written or not read";
  }

  int neutralised = 0;
  for (const std::vector<CellAt>* cells : {&csv, &workbook}) {  // both non-const: one type
    for (const CellAt& c : *cells) {
      EXPECT_FALSE(c.formula) << c.where << " holds a formula";
      if (IsFormulaLeading(c.text)) {
        EXPECT_TRUE(IsNumber(c.text)) << c.where << ": live formula cell '" << c.text << "'";
      }
      if (c.text.size() > 1 && c.text[0] == '\'' && IsFormulaLeading(c.text.substr(1))) ++neutralised;
    }
  }
  EXPECT_GT(neutralised, 0);
  std::printf("read %d CSV files (%zu cells) and %d workbooks (%zu text cells); %d cells neutralised\n",
              files["csv"], csv.size(), files["xlsx"], workbook.size(), neutralised);

  // Nothing is lost: every planted value is in some CSV cell and some workbook cell, whole,
  // behind the one quote that neutralises it.
  for (const std::string& value : Planted()) {
    for (const auto& [kind, cells] : {std::pair{"CSV", &csv}, std::pair{"workbook", &workbook}}) {
      const bool found = std::any_of(cells->begin(), cells->end(), [&](const CellAt& c) {
        return c.text.find("'" + value) != std::string::npos;
      });
      EXPECT_TRUE(found) << "'" << value << " in no " << kind << " cell";
    }
  }
}

}  // namespace
}  // namespace moneytrail

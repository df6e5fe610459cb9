// The net worth method in the case report (issue 21, item 3; docs/investigate.md, "Net worth"):
// an investigator's net worth file per subject (`investigate --net-worth SUBJECT=FILE`), read and
// computed by proof/ (moneytrail/net_worth.h), shown in the subject's section as two schedules
// (the statement of net worth and of changes by year; the likely-defence lines) with the
// statement's CSV in schedules/. Internal to src/cases.
#ifndef MONEYTRAIL_CASES_NET_WORTH_SCHEDULES_H_
#define MONEYTRAIL_CASES_NET_WORTH_SCHEDULES_H_

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/net_worth.h"
#include "moneytrail/status.h"

namespace moneytrail::cases {

struct NetWorthFile {
  std::string subject;  // as given: a subject label (account "011:826A9593B" or entity "E3727")
  std::filesystem::path path;
  std::string sha256;   // of the file's bytes
  proof::NetWorthStatement statement;
};

// Reads and computes each file. The errors of proof::ReadNetWorthFile and ComputeNetWorth
// (file, line, field, value), with "--net-worth SUBJECT" before them; InvalidArgument for an
// empty subject or a subject given twice.
Result<std::vector<NetWorthFile>> LoadNetWorthFiles(
    const std::vector<std::pair<std::string, std::filesystem::path>>& given);

// The two schedules of `file` for the report; `csv` is the statement's CSV path relative to the
// case directory (it holds proof::NetWorthCsv).
std::vector<report::ScheduleView> NetWorthSchedules(const NetWorthFile& file, const std::string& csv);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_NET_WORTH_SCHEDULES_H_

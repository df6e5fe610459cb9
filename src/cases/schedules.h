// Internal: the forensic schedules of a top subject (docs/report.md, "Forensic schedules"),
// computed only from the records, each as a report table (report::ScheduleView) and a CSV file
// whose rows name the transactions behind them with their source file and line. Text cells of
// the CSV are neutralised against spreadsheet formulas (safe_text.h).
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::vector<Schedule> list,
//                       SubjectSchedules(views, subject_of, sub, holder_names, "schedules/01-"));
//   for (Schedule& sc : list) { writer.Write(sc.view.csv, sc.csv, ...); v.schedules.push_back(sc.view); }
#ifndef MONEYTRAIL_CASES_SCHEDULES_H_
#define MONEYTRAIL_CASES_SCHEDULES_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/status.h"
#include "views.h"

namespace moneytrail::cases {

struct Schedule {
  report::ScheduleView view;  // rows capped for the page
  std::string csv;            // every row, then per row its transactions and source lines
};

// The subject's schedules (`subject_of` maps each account to its subject): the monthly summary
// per account and currency (opening balance, credits, debits, cash in, cash out, closing
// balance), its counterparties (name, bank, country, totals each way; the 25 largest), cash by
// branch and state, and the bank deposits and source and application of funds schedules of
// moneytrail prove over the records' whole period (left out, with a note, when the subject's
// accounts hold two currencies). `csv_prefix` starts each CSV's path ("schedules/01-").
// `holder_names` is indexed by AccountId (may be empty). `first_last` receives the subject's
// first and last transaction (kNoTransaction when none). OutOfRange when a sum overflows.
Result<std::vector<Schedule>> SubjectSchedules(const ViewMaker& views,
                                               std::span<const uint32_t> subject_of, uint32_t sub,
                                               std::span<const AccountId> accounts,
                                               std::span<const std::string> holder_names,
                                               const std::string& csv_prefix,
                                               std::pair<TransactionId, TransactionId>* first_last);

// The case's chronological timeline over the top subjects: each one's first and last
// transaction (`first_last[k]` of subjects[k]; kNoTransaction when it has none) and each alert
// its section shows (at the alert's window start), in time order; at most `max_events` kept
// for the page (the CSV has all).
struct CaseTimeline {
  std::vector<report::CaseEventView> events;
  uint64_t total = 0;
  std::string csv;
};
inline constexpr TransactionId kNoTransaction = 0xFFFFFFFFu;
CaseTimeline BuildCaseTimeline(const ViewMaker& views, std::span<const report::SubjectView> subjects,
                               std::span<const std::pair<TransactionId, TransactionId>> first_last,
                               size_t max_events = 200);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_SCHEDULES_H_

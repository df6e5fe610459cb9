// Internal: the parts of a top subject's report section that come from its money, alerts,
// pattern instances and trace (src/report lays them out). Split from investigate.cc, which
// decides who the top subjects are and calls these for each.
#ifndef MONEYTRAIL_CASES_SUBJECT_SECTIONS_H_
#define MONEYTRAIL_CASES_SUBJECT_SECTIONS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/patterns.h"
#include "moneytrail/rules.h"
#include "moneytrail/status.h"
#include "moneytrail/trace.h"
#include "views.h"

namespace moneytrail::cases {

// Money in and out across the subject's boundary (`subject_of` maps each account to its
// subject; an entity's internal transfers are neither) and its timeline of cash, wire and
// money-transmitter transactions (at most 400: the largest, in time order).
Status AddSubjectMoney(const ViewMaker& views, std::span<const uint32_t> subject_of, uint32_t sub,
                       report::SubjectView& v);
// The alerts `alert_ids` (indices into `alerts`): most severe first, then in scan order; at most
// 12, each with at most 25 evidence lines.
void AddSubjectAlerts(const ViewMaker& views, std::span<const rules::Alert> alerts,
                      std::vector<uint32_t> alert_ids, report::SubjectView& v);
// The pattern instances `pattern_ids`: the largest first, at most 4, each with at most 24
// transactions in time order.
void AddSubjectPatterns(const ViewMaker& views, const patterns::InstanceSet& instances,
                        std::vector<uint32_t> pattern_ids, report::SubjectView& v);
// The trail's totals, its largest flows (at most 30, in time order), its exits in words with
// who received them (DescribeExits) and its largest holdings (at most 12).
void FillTraceView(const ViewMaker& views, const trace::Ledger& ledger, const trace::Trail& trail,
                   report::TraceView& tv);
// Splits each currency's exits by what happened, in words, and lists who received the money.
void DescribeExits(const ViewMaker& views, const trace::Ledger& ledger, const trace::Trail& trail,
                   report::TraceView& tv);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_SUBJECT_SECTIONS_H_

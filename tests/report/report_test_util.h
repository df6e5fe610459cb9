// Shared by the report tests: a sample case with several subjects, odd strings and every kind
// of section (some empty), and checks over the rendered HTML.
#ifndef MONEYTRAIL_TESTS_REPORT_REPORT_TEST_UTIL_H_
#define MONEYTRAIL_TESTS_REPORT_REPORT_TEST_UTIL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/case_report.h"

namespace moneytrail::report_test {

// A case of `subjects` subjects (>= 3): subject ranks 1..n, stored out of order; subject 1 has
// alerts, three patterns (a cycle, a scatter-gather and a 20-account fan-in), a two-currency
// trace with a Graphviz chart and a timeline; subject 2 has nothing (every empty wording);
// subject 3's holder is `<script>alert("x")</script> & 'co'`; later subjects are small copies.
report::CaseReportData SampleCase(int subjects = 3);

// Graphviz-like SVG text with an XML prolog, DOCTYPE and comments.
std::string SampleGraphvizSvg();

// "" when every tag of `html` is closed in order (void elements, self-closing tags, comments,
// the doctype and <style> content aside); otherwise what is wrong and where.
std::string TagBalanceError(std::string_view html);

// Every value of attribute `name` ("href", "id") in `html`, in order.
std::vector<std::string> AttributeValues(std::string_view html, std::string_view name);

// Occurrences of `needle` in `haystack`.
size_t CountOf(std::string_view haystack, std::string_view needle);

}  // namespace moneytrail::report_test

#endif  // MONEYTRAIL_TESTS_REPORT_REPORT_TEST_UTIL_H_

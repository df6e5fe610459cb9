// Internal: the case report's inline SVG figures. Each function returns one complete <svg>
// element (no XML prolog, no scripts, no external references, no ids that could collide
// between figures) whose text content is escaped. Coordinates are printed with one decimal, so
// the same input gives the same bytes. Sizes may use doubles: they draw, they never state a
// figure; every amount a figure shows is also printed exactly in a table next to it.
#ifndef MONEYTRAIL_SRC_REPORT_SVG_CHARTS_H_
#define MONEYTRAIL_SRC_REPORT_SVG_CHARTS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/case_report.h"

namespace moneytrail::report_internal {

// A pattern instance drawn as a graph: accounts are boxes, transactions are numbered arrows
// (number k is the k-th shown transaction in time order).
struct PatternGraph {
  std::string svg;
  std::vector<size_t> shown_transactions;  // indices into PatternView::transactions, in order
  size_t hidden_accounts = 0;              // accounts left out by the node cap
  size_t hidden_transactions = 0;          // transactions left out (an end left out, or the cap)
  bool layered = false;                    // true: drawn in layers (acyclic); false: on a circle
};

inline constexpr size_t kMaxPatternNodes = 12;
inline constexpr size_t kMaxPatternEdges = 30;

// Draws `pattern`. Accounts in `highlight` (the subject's) are always kept and drawn filled.
// Keeps at most `max_nodes` accounts (the highlighted ones, then the most connected, ties by
// first appearance) and `max_edges` transactions.
PatternGraph DrawPatternGraph(const report::PatternView& pattern,
                              const std::vector<std::string>& highlight,
                              size_t max_nodes = kMaxPatternNodes,
                              size_t max_edges = kMaxPatternEdges);

// The subject's cash and wire timeline: a time axis with dates, inflows as bars above it and
// outflows below, bar height the square root of the amount relative to the largest amount of
// the same currency, colour by channel, and a legend of the channels present.
// REQUIRES: !events.empty().
std::string DrawTimeline(const std::vector<report::TimelineEvent>& events);

// One bar of a score reason: length |weight| / max_abs, to the right (red) for a positive
// contribution and to the left (blue) for a negative one.
std::string DrawReasonBar(double weight, double max_abs);

// A proportion bar (0..1) for tables (alerts per rule).
std::string DrawShareBar(double share);

// Graphviz SVG text made fit to embed in the page: drops the XML prolog, DOCTYPE, comments
// and the root's xmlns attributes (the page's CSS scales a wide chart down to the page's
// width, keeping its aspect), and prefixes every id and internal reference with `id_prefix`.
// Returns an empty string when the text is not an <svg> element or holds anything that could
// run or fetch (script, foreignObject, image, an href that is not "#...", url() to outside,
// event handlers).
std::string EmbedGraphvizSvg(std::string_view svg, std::string_view id_prefix);

}  // namespace moneytrail::report_internal

#endif  // MONEYTRAIL_SRC_REPORT_SVG_CHARTS_H_

// Rendering a graph written in Graphviz's DOT language as SVG, through the process's one
// Graphviz context (libgvc is not thread-safe and keeps font state across contexts; the
// flow-of-funds chart of trace_report.h uses the same context and lock). For charts drawn from
// data the caller has checked, e.g. the browser's SVG export of a link-chart view.
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::string svg,
//                       RenderDotSvg("digraph g { a -> b [label=\"10.00 USD\"] }", "dot"));
//
// Thread safety: thread-safe (calls are serialised).
#ifndef MONEYTRAIL_GRAPHVIZ_H_
#define MONEYTRAIL_GRAPHVIZ_H_

#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail {

// Lays out `dot` with `layout` ("dot", "neato", ...; "neato" with `-n` semantics when every node
// has a pinned pos: pass "neato" and give pos="x,y!") and renders it as SVG. InvalidArgument when
// the text is not DOT or the layout is unknown; Unimplemented when moneytrail was built without
// libgvc.
Result<std::string> RenderDotSvg(std::string_view dot, std::string_view layout);

// `text` as the inside of a DOT double-quoted string (backslash and quote escaped, control
// characters as spaces; a newline as DOT's "\n" line break).
std::string DotQuoted(std::string_view text);

}  // namespace moneytrail

#endif  // MONEYTRAIL_GRAPHVIZ_H_

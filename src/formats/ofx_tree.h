// Internal: OFX documents as one small element tree, whichever way they are written. OFX 1.x
// is SGML whose leaf elements need no closing tag ("<TRNAMT>-5.50" then the next tag); OFX
// 2.x is XML. ParseOfxSgml is moneytrail's own reader of the first (no permissive-licence
// library reads OFX SGML; libofx is GPL); ParseOfxXml reads the second through libxml2 (no
// network, no DTD, no entity expansion). Both give the same OfxTree, which ofx.cc reads.
//
// Example:
//   MT_ASSIGN_OR_RETURN(OfxTree t, ParseOfxSgml(body, "a.qfx", /*first_line=*/10));
//   for (uint32_t c : t.nodes[t.root].children) Print(t.nodes[c].name);
#ifndef MONEYTRAIL_SRC_FORMATS_OFX_TREE_H_
#define MONEYTRAIL_SRC_FORMATS_OFX_TREE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::formats_internal {

// One element: an aggregate (children, no text) or a leaf (text, no children).
struct OfxNode {
  std::string name;               // as written ("STMTTRN"); SGML names are case-insensitive:
                                  // upper-cased
  std::string text;               // a leaf's value, entities decoded, spaces trimmed
  uint64_t line = 0;              // 1-based line of the start tag in the file
  std::vector<uint32_t> children; // indices into OfxTree::nodes, in document order
};

struct OfxTree {
  std::vector<OfxNode> nodes;  // nodes[root] is the document element (OFX)
  uint32_t root = 0;
  uint64_t unclosed_leaves = 0;  // SGML leaves with a value and no end tag (0 from XML)

  // The first child of `node` named `name`, or nullptr.
  const OfxNode* Child(const OfxNode& node, std::string_view name) const;
  // The text of the first child leaf `name` of `node` ("" when absent).
  std::string_view Text(const OfxNode& node, std::string_view name) const;
};

// Deepest nesting either reader accepts (OFX nests about 8 deep); deeper is refused.
inline constexpr size_t kMaxOfxDepth = 64;

// Reads OFX 1.x SGML `body` (the part after the header block; `first_line` is the file line
// `body` starts on). An element whose start tag is followed by text is a leaf, closed by the
// next tag (its own end tag, if written, is consumed); one followed by another tag is an
// aggregate, closed by its end tag; an aggregate closed implicitly by an outer end tag was an
// empty leaf and its children belong to its parent. &amp; &lt; &gt; &quot; &apos; &nbsp; are
// decoded, a lone '&' is kept. Errors (InvalidArgument "name:line: ..."): an end tag with no
// open element of its name, the end of the file inside an aggregate (a truncated download),
// text outside the root, nesting deeper than kMaxOfxDepth, no element at all.
Result<OfxTree> ParseOfxSgml(std::string_view body, const std::string& name, uint64_t first_line);

// Reads OFX 2.x XML `bytes` (the whole file) with libxml2: not well-formed XML is an
// InvalidArgument naming the line and libxml2's reason; a DOCTYPE is refused.
Result<OfxTree> ParseOfxXml(std::string_view bytes, const std::string& name);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_OFX_TREE_H_

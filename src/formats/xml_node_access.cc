#include "xml_node_access.h"

#include <cstring>
#include <string>
#include <vector>

namespace moneytrail::formats_internal {
namespace {

bool Verify() {
  // Every node kind a walk reads: elements with and without attributes, embedded text, text
  // after a child, a comment, CDATA, an empty element.
  static constexpr char kSample[] = "<a x='1'>t<b y='2'>u</b><!--c--><![CDATA[d]]>v<e/></a>";
  std::string text(kSample);
  pugi::xml_document doc;
  constexpr unsigned kOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_embed_pcdata | pugi::parse_comments;
  if (!doc.load_buffer_inplace(text.data(), text.size(), kOptions, pugi::encoding_utf8)) return false;
  const NodeAccess direct(true);
  std::vector<pugi::xml_node> todo = {doc.root()};
  size_t seen = 0;
  while (!todo.empty()) {
    const pugi::xml_node n = todo.back();
    todo.pop_back();
    ++seen;
    const NodeRecord* r = NodeAccess::Record(n);
    if (r == nullptr || direct.Type(n) != n.type() || std::strcmp(direct.Name(n), n.name()) != 0 ||
        std::strcmp(direct.Value(n), n.value()) != 0 || direct.HasAttributes(n) != !!n.first_attribute() ||
        r->first_child != NodeAccess::Record(n.first_child()) ||
        r->next_sibling != NodeAccess::Record(n.next_sibling()) || r->parent != NodeAccess::Record(n.parent())) {
      return false;
    }
    for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) todo.push_back(c);
  }
  return seen == 7;  // the document, a, b, the comment, the CDATA, v, e
}

}  // namespace

bool NodeRecordsHold() {
  static const bool hold = Verify();
  return hold;
}

}  // namespace moneytrail::formats_internal

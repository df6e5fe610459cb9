// Internal to src/formats: reads of pugixml nodes without a call into the shared library per
// read. A walk that visits millions of nodes (camt.cc's) pays ~13 ns a node for pugixml's
// accessors on this machine (each is a call through the PLT) and ~3 reading the node's record
// directly (bench/RESULTS-formats.md, session 15). The record is pugixml's own (pugixml.cpp's
// xml_node_struct, 1.x without PUGIXML_COMPACT), which its header does not declare: NodeAccess
// reads it only when NodeRecordsHold() has verified the layout against pugixml's accessors,
// and calls the accessors otherwise. Thread-safe (no state but the verification, made once).
//
// Example:
//   const NodeAccess nodes(NodeRecordsHold());
//   for (pugi::xml_node c = nodes.FirstChild(n); !nodes.Null(c); c = nodes.NextSibling(c)) ...
#ifndef MONEYTRAIL_SRC_FORMATS_XML_NODE_ACCESS_H_
#define MONEYTRAIL_SRC_FORMATS_XML_NODE_ACCESS_H_

#include <pugixml.hpp>

#include <bit>
#include <cstdint>
#include <type_traits>

namespace moneytrail::formats_internal {

// pugixml's node record, as pugixml.cpp lays it out.
struct NodeRecord {
  uintptr_t header;  // the node type in the low four bits
  const char* name;
  const char* value;
  NodeRecord* parent;
  NodeRecord* first_child;
  NodeRecord* prev_sibling_c;
  NodeRecord* next_sibling;
  void* first_attribute;
};
// pugi::xml_node is a handle holding the record's address, nothing else.
static_assert(sizeof(pugi::xml_node) == sizeof(NodeRecord*) && std::is_trivially_copyable_v<pugi::xml_node>);

// True when NodeRecord is pugixml's layout: every node of a small document of each kind a walk
// reads, field by field against pugixml's accessors. Computed once.
bool NodeRecordsHold();

// The reads a walk makes of a node: the record's fields (`direct`), or pugixml's accessors.
// REQUIRES for the direct reads: NodeRecordsHold().
class NodeAccess {
 public:
  using Node = pugi::xml_node;
  explicit NodeAccess(bool direct) : direct_(direct) {}

  bool Null(Node n) const { return direct_ ? Record(n) == nullptr : !n; }
  Node FirstChild(Node n) const { return direct_ ? FromRecord(Record(n)->first_child) : n.first_child(); }
  Node NextSibling(Node n) const { return direct_ ? FromRecord(Record(n)->next_sibling) : n.next_sibling(); }
  pugi::xml_node_type Type(Node n) const {
    return direct_ ? static_cast<pugi::xml_node_type>(Record(n)->header & 15) : n.type();
  }
  // "" when the node has none, as pugixml's accessors return.
  const char* Name(Node n) const { return direct_ ? Or(Record(n)->name) : n.name(); }
  const char* Value(Node n) const { return direct_ ? Or(Record(n)->value) : n.value(); }
  bool HasAttributes(Node n) const { return direct_ ? Record(n)->first_attribute != nullptr : !!n.first_attribute(); }

  static NodeRecord* Record(Node n) { return std::bit_cast<NodeRecord*>(n); }
  static Node FromRecord(NodeRecord* r) { return std::bit_cast<Node>(r); }

 private:
  static const char* Or(const char* s) { return s != nullptr ? s : ""; }
  bool direct_;
};

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_XML_NODE_ACCESS_H_

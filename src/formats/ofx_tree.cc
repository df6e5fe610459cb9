// OFX element trees: the SGML reader (OFX 1.x, written here) and the XML one (OFX 2.x, libxml2).
#include "ofx_tree.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>

#include "format_util.h"
#include "moneytrail/safe_text.h"

namespace moneytrail::formats_internal {
namespace {

bool NameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == ':';
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string UpperName(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

// The entity at s[0] ('&'): its text and length, or length 0 when it is not one (a lone '&',
// as banks write in "Amazon & Cloud", is kept as written).
size_t DecodeEntity(std::string_view s, std::string& out) {
  const size_t semi = s.substr(0, 12).find(';');  // bounded: many lone '&' stay linear
  if (semi == std::string_view::npos) return 0;
  const std::string_view body = s.substr(1, semi - 1);
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '}};
  for (const auto& [entity, c] : kNamed) {
    if (body == entity) {
      out += c;
      return semi + 1;
    }
  }
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x' || body[1] == 'X';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    uint32_t cp = 0;
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (hex && Upper(c) >= 'A' && Upper(c) <= 'F') v = Upper(c) - 'A' + 10;
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      if (cp > 0x10FFFF) return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    AppendUtf8(out, cp);
    return semi + 1;
  }
  return 0;
}

// A leaf's value: entities decoded, line breaks and tabs as spaces, trimmed.
std::string LeafText(std::string_view raw) {
  raw = TrimSpaces(raw);
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const char c = raw[i];
    if (c == '&') {
      if (size_t n = DecodeEntity(raw.substr(i), out); n > 0) {
        i += n;
        continue;
      }
    }
    out += c == '\r' || c == '\n' || c == '\t' ? ' ' : c;
    ++i;
  }
  return std::string(TrimSpaces(out));
}

class SgmlReader {
 public:
  SgmlReader(std::string_view body, const std::string& name, uint64_t first_line)
      : body_(body), name_(name), line_(first_line) {}

  Result<OfxTree> Read();

 private:
  enum class TagKind : uint8_t { kStart, kEnd, kSkip };
  struct Tag {
    TagKind kind = TagKind::kSkip;
    std::string name;
    uint64_t line = 0;
  };

  Status Error(uint64_t line, std::string_view what) const {
    return InvalidArgumentError(name_ + ":" + std::to_string(line) + ": " + std::string(what));
  }
  // Moves to `to`, counting the lines passed.
  void Advance(size_t to) {
    line_ += static_cast<uint64_t>(std::count(body_.begin() + static_cast<ptrdiff_t>(pos_),
                                              body_.begin() + static_cast<ptrdiff_t>(to), '\n'));
    pos_ = to;
  }
  // Reads the tag at pos_ ('<').
  Result<Tag> ReadTag();
  // True (and consumes it) when the next tag, after only white space, is </name>.
  bool ConsumeOwnEndTag(std::string_view name);
  Status Start(Tag tag);
  Status End(const Tag& tag);

  std::string_view body_;
  const std::string& name_;
  uint64_t line_;
  size_t pos_ = 0;
  OfxTree tree_;
  std::vector<uint32_t> open_;
  bool have_root_ = false;
};

Result<SgmlReader::Tag> SgmlReader::ReadTag() {
  Tag tag;
  tag.line = line_;
  const std::string_view rest = body_.substr(pos_);
  if (rest.substr(0, 4) == "<!--") {
    const size_t close = rest.find("-->", 4);
    if (close == std::string_view::npos) return Error(tag.line, "comment '<!--' without its end '-->'");
    Advance(pos_ + close + 3);
    return tag;
  }
  const size_t close = rest.find('>');
  const size_t next_open = rest.find('<', 1);
  if (close == std::string_view::npos || (next_open != std::string_view::npos && next_open < close)) {
    return Error(tag.line, "tag '" + Abbreviate(SanitizeUtf8(rest.substr(0, 20))) + "' without its closing '>'");
  }
  if (rest[1] == '?' || rest[1] == '!') {  // processing instruction or declaration
    Advance(pos_ + close + 1);
    return tag;
  }
  const bool end = rest[1] == '/';
  std::string_view inside = TrimSpaces(rest.substr(end ? 2 : 1, close - (end ? 2 : 1)));
  size_t n = 0;
  while (n < inside.size() && NameChar(inside[n])) ++n;
  const std::string_view tag_name = inside.substr(0, n);
  if (tag_name.empty() || n < inside.size()) {
    return Error(tag.line, "tag '<" + Abbreviate(SanitizeUtf8(rest.substr(1, close - 1))) +
                               ">': expected an element name (letters, digits, '.', '_', '-'; OFX "
                               "SGML tags carry no attributes)");
  }
  tag.kind = end ? TagKind::kEnd : TagKind::kStart;
  tag.name = UpperName(tag_name);
  Advance(pos_ + close + 1);
  return tag;
}

bool SgmlReader::ConsumeOwnEndTag(std::string_view name) {
  size_t at = pos_;
  while (at < body_.size() && (body_[at] == ' ' || body_[at] == '\t' || body_[at] == '\r' || body_[at] == '\n')) ++at;
  const std::string_view rest = body_.substr(at);
  if (rest.size() < name.size() + 3 || rest[0] != '<' || rest[1] != '/') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (Upper(rest[2 + i]) != name[i]) return false;
  }
  size_t end = 2 + name.size();
  while (end < rest.size() && (rest[end] == ' ' || rest[end] == '\t')) ++end;
  if (end >= rest.size() || rest[end] != '>') return false;
  Advance(at + end + 1);
  return true;
}

Status SgmlReader::Start(Tag tag) {
  if (open_.empty() && have_root_) {
    return Error(tag.line, "element <" + tag.name + "> after the end of the document element");
  }
  if (tree_.nodes.size() >= UINT32_MAX) return Error(tag.line, "too many elements");
  const uint32_t index = static_cast<uint32_t>(tree_.nodes.size());
  tree_.nodes.push_back(OfxNode{tag.name, "", tag.line, {}});
  if (open_.empty()) {
    tree_.root = index;
    have_root_ = true;
  } else {
    tree_.nodes[open_.back()].children.push_back(index);
  }
  size_t text_end = body_.find('<', pos_);
  if (text_end == std::string_view::npos) text_end = body_.size();
  std::string text = LeafText(body_.substr(pos_, text_end - pos_));
  Advance(text_end);
  const std::string& element = tree_.nodes[index].name;
  if (!text.empty()) {  // a leaf; its end tag is optional
    tree_.nodes[index].text = std::move(text);
    if (!ConsumeOwnEndTag(element)) ++tree_.unclosed_leaves;
    if (open_.empty()) return Error(tag.line, "the document element <" + element + "> holds only text");
    return Status::Ok();
  }
  if (ConsumeOwnEndTag(element)) return Status::Ok();  // an empty leaf: <NAME></NAME>
  if (open_.size() >= kMaxOfxDepth) {
    return Error(tag.line, "<" + element + "> nested deeper than " + std::to_string(kMaxOfxDepth) + " elements");
  }
  open_.push_back(index);
  return Status::Ok();
}

Status SgmlReader::End(const Tag& tag) {
  size_t depth = open_.size();
  while (depth > 0 && tree_.nodes[open_[depth - 1]].name != tag.name) --depth;
  if (depth == 0) return Error(tag.line, "end tag </" + tag.name + "> with no open <" + tag.name + ">");
  // Elements left open inside it had no content and no end tag: empty leaves, whose
  // would-be children are their following siblings.
  while (open_.size() > depth) {
    const uint32_t empty = open_.back();
    open_.pop_back();
    std::vector<uint32_t> moved = std::move(tree_.nodes[empty].children);
    tree_.nodes[empty].children.clear();
    std::vector<uint32_t>& siblings = tree_.nodes[open_.back()].children;
    siblings.insert(siblings.end(), moved.begin(), moved.end());
  }
  open_.pop_back();
  return Status::Ok();
}

Result<OfxTree> SgmlReader::Read() {
  while (pos_ < body_.size()) {
    const size_t open = body_.find('<', pos_);
    const size_t text_end = open == std::string_view::npos ? body_.size() : open;
    const std::string_view text = TrimSpaces(body_.substr(pos_, text_end - pos_));
    if (!text.empty()) {
      // Text not right after a start tag: outside any leaf.
      Advance(static_cast<size_t>(text.data() - body_.data()));
      return Error(line_, "text '" + Abbreviate(SanitizeUtf8(text)) + "' outside a leaf element (after an end tag or at the top level)");
    }
    Advance(text_end);
    if (pos_ >= body_.size()) break;
    MT_ASSIGN_OR_RETURN(Tag tag, ReadTag());
    if (tag.kind == TagKind::kStart) {
      MT_RETURN_IF_ERROR(Start(std::move(tag)));
    } else if (tag.kind == TagKind::kEnd) {
      MT_RETURN_IF_ERROR(End(tag));
    }
  }
  if (!have_root_) return InvalidArgumentError(name_ + ": no OFX element (no '<OFX>')");
  if (!open_.empty()) {
    const OfxNode& first = tree_.nodes[open_.front()];
    const OfxNode& last = tree_.nodes[open_.back()];
    return Error(line_, "the file ends inside <" + last.name + "> (line " + std::to_string(last.line) +
                            "), of <" + first.name + "> (line " + std::to_string(first.line) +
                            "): a truncated download? expected </" + last.name + ">");
  }
  return std::move(tree_);
}

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

// Appends `element` (and below it) to `tree`; returns its index.
Result<uint32_t> Convert(const xmlNode* element, size_t depth, const std::string& name, OfxTree& tree) {
  const uint64_t line = static_cast<uint64_t>(std::max(0L, xmlGetLineNo(element)));
  if (depth > kMaxOfxDepth) {
    return InvalidArgumentError(name + ":" + std::to_string(line) + ": nested deeper than " +
                                std::to_string(kMaxOfxDepth) + " elements");
  }
  const uint32_t index = static_cast<uint32_t>(tree.nodes.size());
  tree.nodes.push_back(OfxNode{reinterpret_cast<const char*>(element->name), "", line, {}});
  std::string text;
  bool has_elements = false;
  for (const xmlNode* c = element->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      has_elements = true;
      MT_ASSIGN_OR_RETURN(uint32_t child, Convert(c, depth + 1, name, tree));
      tree.nodes[index].children.push_back(child);
    } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr) {
      text += reinterpret_cast<const char*>(c->content);
    } else if (c->type == XML_ENTITY_REF_NODE) {
      return InvalidArgumentError(name + ":" + std::to_string(line) + ": entity reference in <" +
                                  tree.nodes[index].name + ">: entities are not expanded");
    }
  }
  if (!has_elements) {
    std::string value;
    for (char c : TrimSpaces(text)) value += c == '\r' || c == '\n' || c == '\t' ? ' ' : c;
    tree.nodes[index].text = std::move(value);
  }
  return index;
}

}  // namespace

const OfxNode* OfxTree::Child(const OfxNode& node, std::string_view name) const {
  for (uint32_t c : node.children) {
    if (nodes[c].name == name) return &nodes[c];
  }
  return nullptr;
}

std::string_view OfxTree::Text(const OfxNode& node, std::string_view name) const {
  const OfxNode* c = Child(node, name);
  return c == nullptr ? std::string_view() : std::string_view(c->text);
}

Result<OfxTree> ParseOfxSgml(std::string_view body, const std::string& name, uint64_t first_line) {
  SgmlReader reader(body, name, first_line);
  return reader.Read();
}

Result<OfxTree> ParseOfxXml(std::string_view bytes, const std::string& name) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return InvalidArgumentError(name + ": larger than 2 GiB: split the file");
  }
  // NONET: no network; no NOENT (entities are not substituted), no DTDLOAD/DTDATTR.
  std::unique_ptr<xmlDoc, XmlDocFree> doc(
      xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_BIG_LINES));
  if (!doc) {
    const xmlError* err = xmlGetLastError();
    std::string why = err != nullptr && err->message != nullptr ? err->message : "malformed XML";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    const int at = err != nullptr ? std::max(err->line, 0) : 0;
    return InvalidArgumentError(name + ":" + std::to_string(at) + ": not well-formed XML: " + why);
  }
  if (doc->intSubset != nullptr) {
    return InvalidArgumentError(name + ": DOCTYPE: an OFX 2 document has no DTD; documents with one are refused (entity expansion)");
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return InvalidArgumentError(name + ": no OFX element");
  OfxTree tree;
  MT_ASSIGN_OR_RETURN(tree.root, Convert(root, 1, name, tree));
  return tree;
}

}  // namespace moneytrail::formats_internal

// Internal to src/formats: a whole XML document parsed in place by pugixml (Debian's
// libpugixml, MIT), hardened as xml_stream.h's libxml2 reader is: no DTD (a document with a
// DOCTYPE is refused), no entity but the five predefined ones and character references (any other
// "&name;" outside CDATA and comments is refused, as libxml2 refuses an undeclared entity), no
// network, strict UTF-8 and XML's character set, at most 2 GiB. Documents declared in another
// encoding (ISO-8859-1, windows-1252, UTF-16...) are converted to UTF-8 first (iconv).
//
// It exists for speed: pugixml parses 0.5-1 GB/s of XML, the streaming reader ~80 MB/s.
// Memory: the parsed copy of the file plus ~64 bytes per element (parse_embed_pcdata keeps a
// leaf's text in its element, not in a node of its own): about 2.5x the file for camt.053.
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::unique_ptr<XmlDocument> doc, XmlDocument::Parse(bytes, name, "a camt document"));
//   for (pugi::xml_node n : doc->root().children()) { ... doc->LineOf(n) ... XmlDocument::LocalName(n) }
#ifndef MONEYTRAIL_SRC_FORMATS_XML_DOCUMENT_H_
#define MONEYTRAIL_SRC_FORMATS_XML_DOCUMENT_H_

#include <pugixml.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::formats_internal {

class XmlDocument {
 public:
  // Parses a copy of `bytes`; the result borrows `bytes` (for counting lines: they must outlive
  // it) and `name`, the file's name for messages. `document` names the kind of document in
  // refusals ("a camt document"). Errors (InvalidArgument, "name:line: ..."): not well-formed
  // XML (with the reason, in libxml2's words where there is one), a DOCTYPE, an undeclared
  // entity, bytes that are not UTF-8 or not XML characters, an unknown declared encoding, more
  // than 2 GiB.
  static Result<std::unique_ptr<XmlDocument>> Parse(std::string_view bytes, const std::string& name,
                                                    std::string_view document);

  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;

  // The document node; its element children are the root element (exactly one).
  pugi::xml_node root() const { return doc_.root(); }

  // The 1-based line of a node: for an element, the line of its start tag's closing '>' (as
  // libxml2 numbers it, so citations did not change with the parser). Cheap when called in
  // document order (it counts line ends from the previous call's place); any order is allowed.
  uint64_t LineOf(pugi::xml_node node);

  // libxml2's refusals of an element's attributes that pugixml does not make: '<' in a value,
  // one name twice. Callers check each element they walk (an InvalidArgument naming its line).
  Status CheckAttributes(pugi::xml_node element);
  // A comment node (parsed, so that this can be checked): no "--" inside, no "-" at its end.
  Status CheckComment(pugi::xml_node comment);

  // An element's name without its namespace prefix ("camt:Ntry" -> "Ntry").
  static std::string_view LocalName(pugi::xml_node node);
  // The namespace URI in scope for `node`'s prefix (xmlns / xmlns:prefix on it or an ancestor);
  // "" when none is declared.
  static std::string_view NamespaceUri(pugi::xml_node node);

 private:
  XmlDocument() = default;
  uint64_t LineAtOffset(size_t offset);

  const std::string* name_ = nullptr;
  std::string converted_;   // the UTF-8 text when the file was in another encoding
  std::string_view text_;   // the UTF-8 text as read (line ends intact: lines are counted here)
  std::string parsed_;      // the copy pugixml parses in place (holds the nodes' strings)
  pugi::xml_document doc_;
  size_t cursor_offset_ = 0;  // LineOf's place: text_[0, cursor_offset_) holds cursor_line_ - 1 line ends
  uint64_t cursor_line_ = 1;
};

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_XML_DOCUMENT_H_

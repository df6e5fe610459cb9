// Internal to src/formats: a whole XML document parsed in place by pugixml (Debian's
// libpugixml, MIT), hardened as xml_stream.h's libxml2 reader is: no DTD (a document with a
// DOCTYPE is refused), no entity but the five predefined ones and character references (any other
// "&name;" outside CDATA and comments is refused, as libxml2 refuses an undeclared entity), no
// network, strict UTF-8 and XML's character set, at most 2 GiB. Documents declared in another
// encoding (ISO-8859-1, windows-1252, UTF-16...) are converted to UTF-8 first (iconv).
//
// It exists for speed: pugixml parses 1-2 GB/s of XML with warm memory, libxml2's streaming
// reader ~80 MB/s (bench/RESULTS-formats.md, session 14). Memory when parsed whole: the copy of
// the file plus ~64 bytes per element (parse_embed_pcdata keeps a leaf's text in its element,
// not in a node of its own): about 2.8x the file for camt.053; split (below): ~3 MiB plus the
// rest of the document. Not thread-safe; one document per thread.
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::unique_ptr<XmlDocument> doc, XmlDocument::Parse(bytes, name, "a camt document"));
//   for (pugi::xml_node n : doc->root().children()) { ... doc->LineOf(n) ... XmlDocument::LocalName(n) }
#ifndef MONEYTRAIL_SRC_FORMATS_XML_DOCUMENT_H_
#define MONEYTRAIL_SRC_FORMATS_XML_DOCUMENT_H_

#include <pugixml.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::formats_internal {

// Parse's splitting of large documents (below).
struct XmlSplit {
  std::string_view element;        // "" : never split
  size_t above = 4 << 20;          // split documents of more bytes than this (bytes as given)
  size_t window_bytes = 1 << 20;   // a window ends at the first element boundary past this
};

class XmlDocument {
 public:
  // Parses a copy of `bytes`; the result borrows `bytes` (for counting lines: they must outlive
  // it) and `name`, the file's name for messages. `document` names the kind of document in
  // refusals ("a camt document"). Errors (InvalidArgument, "name:line: ..."): not well-formed
  // XML (with the reason, in libxml2's words where there is one), a DOCTYPE, an undeclared
  // entity, bytes that are not UTF-8 or not XML characters, an unknown declared encoding, more
  // than 2 GiB.
  //
  // `keep_space_only_text`: a text of white space only is kept when it is an element's only
  // content (an .xlsx <t xml:space="preserve"> </t>); otherwise such text is dropped.
  // `split.element` (camt: "Ntry"), for a document above `split.above` bytes: runs of
  // consecutive sibling elements of that name are left out of the parsed tree (each run is one
  // empty element for which IsRunMarker is true, in its place) and parsed later, a window of
  // about `split.window_bytes` at a time, by
  // ForEachWindow: memory stays ~3x a window plus the rest of the document, and stays warm in
  // the caches. The cuts are found in the text ("<Ntry" ... "</Ntry>"); where a cut was not at
  // an element boundary (a "</Ntry>" inside CDATA or a comment), a window fails to parse or a
  // marker is not reached as an element: the caller then parses again without splitting
  // (ParseCamt does), so the result is always the whole document's. A split document's
  // characters are checked a part at a time (each window as it is copied), so its errors need
  // not be the whole document's (a window's line numbers count from the window): callers parse
  // again without splitting after any error when `bytes` is above `split.above`.
  // The text pugixml parses is followed by kPadding NULs (below).
  static Result<std::unique_ptr<XmlDocument>> Parse(std::string_view bytes, const std::string& name,
                                                    std::string_view document, const XmlSplit& split = {},
                                                    bool keep_space_only_text = false);

  // The name of the elements that stand for runs (IsRunMarker). Its byte 0xFF is never in
  // UTF-8 and Parse admits only UTF-8, so no document holds it: no search is needed.
  static constexpr std::string_view kRunMarkerName = "mt\xFF" "run";
  // The text pugixml parses (the document's, and each window's) is followed by this many NULs:
  // an element's name and a non-empty value (both point into that text) may be read 16 bytes
  // at a time from their start, past their own terminator.
  static constexpr size_t kPadding = 16;

  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;

  // The document node; its element children are the root element (exactly one).
  pugi::xml_node root() const { return doc_.root(); }

  // The 1-based line of a node: for an element, the line of its start tag's closing '>' (as
  // libxml2 numbers it, so citations did not change with the parser). Cheap when called in
  // document order (it counts line ends from the previous call's place); any order is allowed.
  uint64_t LineOf(pugi::xml_node node);

  // The runs left out (0 when the document was parsed whole); the marker of run i is the i-th
  // element in document order for which IsRunMarker is true.
  size_t runs() const { return runs_.size(); }
  // The number of elements in run `run` (REQUIRES: run < runs()).
  size_t run_elements(size_t run) const { return runs_[run].elements; }
  bool IsRunMarker(pugi::xml_node element) const;
  // Parses run `run` a window at a time and calls `walk` with each window's fragment root (its
  // element children are the run's elements, in order; nodes stay valid during the call).
  // Errors: `walk`'s, or a window that is not a sequence of whole `split_element` elements
  // (then the split did not hold: parse again without it).
  Status ForEachWindow(size_t run, const std::function<Status(pugi::xml_node)>& walk);
  // ForEachWindow in parts, for a caller that reads some windows itself (camt.cc's fast path):
  // run `run` begins at run_begin(run), and its windows end at run_cuts(run) (each window is
  // text()[previous end, cut)); WalkWindow parses one window as ForEachWindow does and calls
  // `walk` with its fragment root; ReleaseWindow frees the last window's tree.
  size_t run_begin(size_t run) const { return runs_[run].begin; }
  const std::vector<size_t>& run_cuts(size_t run) const { return runs_[run].cuts; }
  Status WalkWindow(size_t begin, size_t end, const std::function<Status(pugi::xml_node)>& walk);
  void ReleaseWindow() { window_.reset(); }
  // The run elements' qualified name ("Ntry", "camt:Ntry"); "" when not split.
  std::string_view split_name() const { return split_name_; }
  // The UTF-8 text as read (its characters not yet checked where a window's are checked as it
  // is parsed: the windows' parts).
  std::string_view text() const { return text_; }
  // The 1-based line of the byte at text()[offset]. Cheap for offsets close to the previous
  // call's (it counts line ends between the two, forward or back).
  uint64_t LineAtOffset(size_t offset);

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
  // Finds runs of `element` and the cuts between windows in text_, and builds parsed_ as the
  // text with each run replaced by a marker; false (parsed_ untouched) when there is none.
  bool Split(std::string_view element, size_t window_bytes);
  // Where the byte at parsed_[offset] (or a window's) is in text_.
  size_t TextOffset(pugi::xml_node node, size_t offset) const;

  struct Run {
    size_t begin, end;             // text_[begin, end): the run's elements
    std::vector<size_t> cuts;      // the end of each window (the last is `end`)
    size_t elements = 0;
  };
  struct Segment {
    size_t parsed, text;           // parsed_[parsed...] is text_[text...]
  };
  std::vector<Run> runs_;
  std::vector<Segment> segments_;  // empty when parsed_ is text_
  std::string split_name_;         // the run elements' qualified name ("Ntry", "camt:Ntry")
  pugi::xml_document window_;
  std::string window_text_;        // the window pugixml parses in place
  size_t window_base_ = 0;         // window_text_[0] is text_[window_base_]
  bool window_open_ = false;
  unsigned options_ = 0;           // pugixml's parse options

  const std::string* name_ = nullptr;
  std::string converted_;   // the UTF-8 text when the file was in another encoding
  std::string_view text_;   // the UTF-8 text as read (line ends intact: lines are counted here)
  std::string parsed_;      // the copy pugixml parses in place (holds the nodes' strings)
  pugi::xml_document doc_;
  size_t cursor_offset_ = 0;  // LineOf's place: text_[0, cursor_offset_) holds cursor_line_ - 1 line ends
  uint64_t cursor_line_ = 1;
};

// For a reader that reads a document without XmlDocument where it can (camt.cc's fast path):
// the UTF-8 text XmlDocument::Parse would parse (`bytes` after a UTF-8 BOM), when Parse would
// neither convert it (another declared encoding, UTF-16) nor refuse it before parsing (more than
// 2 GiB, a broken XML declaration or prolog, a DOCTYPE, bad characters in the declaration);
// nullopt otherwise. `content` receives the offset in the text after the XML declaration (0
// when there is none). The rest of the text is the caller's to check.
std::optional<std::string_view> PlainXmlText(std::string_view bytes, const std::string& name, size_t* content);

// Lines of a text, counted from the previous place (forward or back), as XmlDocument counts them.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  // The 1-based line of the byte at text[offset].
  uint64_t LineAt(size_t offset);

 private:
  std::string_view text_;
  size_t offset_ = 0;  // text_[0, offset_) holds line_ - 1 line ends
  uint64_t line_ = 1;
};

// The length of the UTF-8 sequence at s[0] (`left` bytes readable) when it encodes an XML
// character (XML 1.0 [2]) of more than one byte, else 0: what Parse admits.
size_t XmlCharLengthAt(const unsigned char* s, size_t left);
// True when code point `v` is an XML character (what a character reference may name).
bool IsXmlCodePoint(uint64_t v);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_XML_DOCUMENT_H_

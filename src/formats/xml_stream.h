// Internal to src/formats: the hardened libxml2 streaming reader that the ISO 20022 readers
// (camt.cc, pacs008.cc) walk. No network (XML_PARSE_NONET), no entity substitution (no
// XML_PARSE_NOENT), no DTD loading; a document with a DOCTYPE or an entity reference is refused,
// so XXE and entity expansion have nothing to work with. Files are limited to 2 GiB.
//
// Example:
//   MT_ASSIGN_OR_RETURN(XmlStream xml, XmlStream::Open(bytes, name));
//   for (;;) {
//     MT_ASSIGN_OR_RETURN(bool more, xml.Next("a camt document"));
//     if (!more) break;
//     switch (xmlTextReaderNodeType(xml.reader())) { ... xml.line() ... }
//   }
#ifndef MONEYTRAIL_SRC_FORMATS_XML_STREAM_H_
#define MONEYTRAIL_SRC_FORMATS_XML_STREAM_H_

#include <libxml/xmlreader.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::formats_internal {

class XmlStream {
 public:
  // A reader over `bytes` (which must outlive it); `name` is the file's name for messages.
  // InvalidArgument when the bytes exceed 2 GiB or libxml2 cannot start.
  static Result<XmlStream> Open(std::string_view bytes, const std::string& name);

  // Moves to the next node: true, or false at the end of the document. Errors (InvalidArgument,
  // naming the file and line): not well-formed XML (with libxml2's reason); a DOCTYPE or an
  // entity reference, refused in the words of `document` ("a camt document", "a pacs.008
  // message": "... has no DTD; documents with one are refused (entity expansion)").
  Result<bool> Next(std::string_view document);

  xmlTextReaderPtr reader() const { return reader_.get(); }
  // The line of the current node (its start tag for an element).
  uint64_t line() const { return line_; }

 private:
  XmlStream(std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader, const std::string& name)
      : reader_(std::move(reader)), name_(&name) {}

  std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader_;
  const std::string* name_;
  uint64_t line_ = 0;
};

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_XML_STREAM_H_

// libxml2's xmlTextWriter for the XML exports (GraphML, Analyst's Notebook Exchange): it escapes
// text and attributes and refuses bytes that are not UTF-8, so a counterparty name cannot break
// the document. Internal to src/exports.
#ifndef MONEYTRAIL_EXPORTS_XML_WRITER_H_
#define MONEYTRAIL_EXPORTS_XML_WRITER_H_

#include <libxml/xmlwriter.h>

#include <memory>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::exports_internal {

// Text as libxml2 will accept it: bytes of invalid UTF-8 replaced by U+FFFD, control characters
// that XML 1.0 forbids dropped (a store keeps what the source held).
std::string XmlSafe(std::string_view in);

// An indented UTF-8 document in memory. Each call's failure is kept; Finish reports the first.
class XmlDocument {
 public:
  // `what` names the export in errors ("graphml"). Internal when libxml2 cannot allocate.
  static Result<XmlDocument> Begin(std::string what);
  XmlDocument(XmlDocument&&) noexcept = default;
  XmlDocument& operator=(XmlDocument&&) noexcept = default;
  ~XmlDocument();

  void Start(const char* element);
  void End();
  // `value` is passed through XmlSafe.
  void Attr(const char* name, std::string_view value);
  void Text(std::string_view value);
  // Ends the document and returns its bytes; Internal when any call failed.
  Result<std::string> Finish();

 private:
  struct BufferFree {
    void operator()(xmlBuffer* b) const { xmlBufferFree(b); }
  };
  struct WriterFree {
    void operator()(xmlTextWriter* w) const { xmlFreeTextWriter(w); }
  };
  XmlDocument() = default;
  void Check(int rc) {
    if (rc < 0) ok_ = false;
  }
  std::string what_;
  std::unique_ptr<xmlBuffer, BufferFree> buffer_;
  std::unique_ptr<xmlTextWriter, WriterFree> writer_;
  bool ok_ = true;
};

}  // namespace moneytrail::exports_internal

#endif  // MONEYTRAIL_EXPORTS_XML_WRITER_H_

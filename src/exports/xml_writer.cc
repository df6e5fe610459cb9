// libxml2's text writer for the XML exports (xml_writer.h).
#include "exports/xml_writer.h"

namespace moneytrail::exports_internal {

namespace {
const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
}  // namespace

std::string XmlSafe(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = n != 0 && i + n <= in.size();
    for (size_t k = 1; valid && k < n; ++k) {
      valid = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    }
    if (valid) {
      out.append(in.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

Result<XmlDocument> XmlDocument::Begin(std::string what) {
  XmlDocument d;
  d.what_ = std::move(what);
  d.buffer_.reset(xmlBufferCreate());
  if (!d.buffer_) return InternalError(d.what_ + ": libxml2 could not allocate a buffer");
  d.writer_.reset(xmlNewTextWriterMemory(d.buffer_.get(), 0));
  if (!d.writer_) return InternalError(d.what_ + ": libxml2 could not create a writer");
  xmlTextWriterSetIndent(d.writer_.get(), 1);
  d.Check(xmlTextWriterStartDocument(d.writer_.get(), "1.0", "UTF-8", nullptr));
  return d;
}

XmlDocument::~XmlDocument() {
  writer_.reset();  // before the buffer it writes into
}

void XmlDocument::Start(const char* element) { Check(xmlTextWriterStartElement(writer_.get(), X(element))); }
void XmlDocument::End() { Check(xmlTextWriterEndElement(writer_.get())); }
void XmlDocument::Attr(const char* name, std::string_view value) {
  const std::string safe = XmlSafe(value);
  Check(xmlTextWriterWriteAttribute(writer_.get(), X(name), X(safe.c_str())));
}
void XmlDocument::Text(std::string_view value) {
  const std::string safe = XmlSafe(value);
  Check(xmlTextWriterWriteString(writer_.get(), X(safe.c_str())));
}

Result<std::string> XmlDocument::Finish() {
  Check(xmlTextWriterEndDocument(writer_.get()));
  writer_.reset();  // flushes into the buffer
  if (!ok_) return InternalError(what_ + ": libxml2's writer failed");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
                     static_cast<size_t>(xmlBufferLength(buffer_.get())));
}

}  // namespace moneytrail::exports_internal

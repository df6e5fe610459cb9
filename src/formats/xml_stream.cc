#include "xml_stream.h"

#include <algorithm>
#include <climits>
#include <string>

#include "format_util.h"

namespace moneytrail::formats_internal {

Result<XmlStream> XmlStream::Open(std::string_view bytes, const std::string& name) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return InvalidArgumentError(name + ": larger than 2 GiB: split the file");
  }
  // NONET: no network; no NOENT (entities are not substituted), no DTDLOAD/DTDATTR.
  std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader(
      xmlReaderForMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR),
      &xmlFreeTextReader);
  if (!reader) return InvalidArgumentError(name + ": cannot start the XML reader");
  return XmlStream(std::move(reader), name);
}

Result<bool> XmlStream::Next(std::string_view document) {
  const int r = xmlTextReaderRead(reader_.get());
  if (r == 0) return false;
  const uint64_t line = static_cast<uint64_t>(std::max(0, xmlTextReaderGetParserLineNumber(reader_.get())));
  if (r < 0) {
    const xmlError* err = xmlGetLastError();
    std::string why = err != nullptr && err->message != nullptr ? err->message : "malformed XML";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    const uint64_t at = err != nullptr && err->line > 0 ? static_cast<uint64_t>(err->line) : line;
    return InvalidArgumentError(*name_ + ":" + std::to_string(at) + ": not well-formed XML: " + why);
  }
  xmlNodePtr node = xmlTextReaderCurrentNode(reader_.get());
  line_ = node != nullptr && xmlGetLineNo(node) > 0 ? static_cast<uint64_t>(xmlGetLineNo(node)) : line;
  switch (xmlTextReaderNodeType(reader_.get())) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
      return PositionError(*name_, {line_, 0}, "DOCTYPE", "",
                           std::string(document) + " has no DTD; documents with one are refused (entity expansion)");
    case XML_READER_TYPE_ENTITY_REFERENCE:
      return PositionError(*name_, {line_, 0}, "entity", "",
                           "entity references are not expanded; " + std::string(document) + " uses none");
    default:
      return true;
  }
}

}  // namespace moneytrail::formats_internal

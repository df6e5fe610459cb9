// The parts of an .xlsx package around its worksheet (xlsx_package.h). docs/format/xlsx.md.
#include "xlsx_package.h"

#include <libxml/xmlreader.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

namespace moneytrail::formats_internal {
namespace {

// ---- minizip over a memory buffer -------------------------------------------------------

voidpf ZCALLBACK MemOpen(voidpf opaque, const void* /*filename*/, int /*mode*/) { return opaque; }
uLong ZCALLBACK MemRead(voidpf /*opaque*/, voidpf stream, void* buf, uLong size) {
  auto* m = static_cast<MemoryZip*>(stream);
  const uint64_t left = m->position >= m->bytes.size() ? 0 : m->bytes.size() - m->position;
  const uLong n = static_cast<uLong>(std::min<uint64_t>(size, left));
  if (n > 0) std::memcpy(buf, m->bytes.data() + m->position, n);
  m->position += n;
  return n;
}
uLong ZCALLBACK MemWrite(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T ZCALLBACK MemTell(voidpf /*opaque*/, voidpf stream) { return static_cast<MemoryZip*>(stream)->position; }
long ZCALLBACK MemSeek(voidpf /*opaque*/, voidpf stream, ZPOS64_T offset, int origin) {
  auto* m = static_cast<MemoryZip*>(stream);
  uint64_t base = 0;
  if (origin == ZLIB_FILEFUNC_SEEK_CUR) base = m->position;
  else if (origin == ZLIB_FILEFUNC_SEEK_END) base = m->bytes.size();
  if (base + offset > m->bytes.size()) return -1;
  m->position = base + offset;
  return 0;
}
int ZCALLBACK MemClose(voidpf, voidpf) { return 0; }
int ZCALLBACK MemError(voidpf, voidpf) { return 0; }

// ---- XML parts ----------------------------------------------------------------------------

// ---- XML parts ----------------------------------------------------------------------------

// A streaming pass over one XML part, refusing DTDs and entity references.
class XmlPart {
 public:
  XmlPart(const std::string& text, std::string where) : where_(std::move(where)) {
    reader_.reset(xmlReaderForMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                                     XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_HUGE));
  }
  // The next node: 1 read, 0 end, error otherwise.
  Result<bool> Next() {
    if (!reader_) return InvalidArgumentError(where_ + ": cannot start the XML reader");
    const int r = xmlTextReaderRead(reader_.get());
    if (r == 0) return false;
    if (r < 0) {
      const xmlError* err = xmlGetLastError();
      std::string why = err != nullptr && err->message != nullptr ? err->message : "malformed XML";
      while (!why.empty() && why.back() == '\n') why.pop_back();
      return InvalidArgumentError(where_ + ": not well-formed XML: " + why);
    }
    const int type = xmlTextReaderNodeType(reader_.get());
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE) {
      return InvalidArgumentError(where_ + ": a DTD or entity reference: refused (an .xlsx part has none)");
    }
    return true;
  }
  int Type() const { return xmlTextReaderNodeType(reader_.get()); }
  std::string_view Name() const {
    const xmlChar* n = xmlTextReaderConstLocalName(reader_.get());
    return n == nullptr ? std::string_view() : reinterpret_cast<const char*>(n);
  }
  bool Empty() const { return xmlTextReaderIsEmptyElement(reader_.get()) == 1; }
  std::string Attribute(const char* name) const {
    xmlChar* v = xmlTextReaderGetAttribute(reader_.get(), reinterpret_cast<const xmlChar*>(name));
    if (v == nullptr) {
      // Namespaced attributes (r:id) by local name.
      if (xmlTextReaderMoveToFirstAttribute(reader_.get()) == 1) {
        do {
          const xmlChar* local = xmlTextReaderConstLocalName(reader_.get());
          if (local != nullptr && std::strcmp(reinterpret_cast<const char*>(local), name) == 0) {
            const xmlChar* value = xmlTextReaderConstValue(reader_.get());
            std::string out = value == nullptr ? "" : reinterpret_cast<const char*>(value);
            xmlTextReaderMoveToElement(reader_.get());
            return out;
          }
        } while (xmlTextReaderMoveToNextAttribute(reader_.get()) == 1);
        xmlTextReaderMoveToElement(reader_.get());
      }
      return {};
    }
    std::string out = reinterpret_cast<const char*>(v);
    xmlFree(v);
    return out;
  }
  std::string_view Value() const {
    const xmlChar* v = xmlTextReaderConstValue(reader_.get());
    return v == nullptr ? std::string_view() : reinterpret_cast<const char*>(v);
  }
  const std::string& where() const { return where_; }

 private:
  std::string where_;
  std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader_{nullptr, &xmlFreeTextReader};
};

bool IsStart(const XmlPart& x, std::string_view name) { return x.Type() == XML_READER_TYPE_ELEMENT && x.Name() == name; }
bool IsEnd(const XmlPart& x, std::string_view name) {
  return (x.Type() == XML_READER_TYPE_END_ELEMENT && x.Name() == name) || (x.Type() == XML_READER_TYPE_ELEMENT && x.Empty() && x.Name() == name);
}
bool IsText(const XmlPart& x) {
  return x.Type() == XML_READER_TYPE_TEXT || x.Type() == XML_READER_TYPE_CDATA || x.Type() == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
         x.Type() == XML_READER_TYPE_WHITESPACE;
}

// A number format code shows a date or time when, outside quoted text, escapes and [...]
// sections (colours, locales, elapsed-time brackets), it holds d, m, y, h or s.
bool DateFormatCode(std::string_view code) {
  bool quoted = false;
  int bracket = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c == '\\' || c == '_' || c == '*') ++i;
    else if (c == '[') ++bracket;
    else if (c == ']') bracket = std::max(0, bracket - 1);
    else if (bracket == 0 && std::strchr("dmyhsDMYHS", c) != nullptr) return true;
  }
  return false;
}

bool DateFormatId(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

}  // namespace

Status Zip::Open() {
  zlib_filefunc64_def io{};
  io.zopen64_file = MemOpen;
  io.zread_file = MemRead;
  io.zwrite_file = MemWrite;
  io.ztell64_file = MemTell;
  io.zseek64_file = MemSeek;
  io.zclose_file = MemClose;
  io.zerror_file = MemError;
  io.opaque = &memory_;
  zip_ = unzOpen2_64("memory", &io);
  if (zip_ == nullptr) return InvalidArgumentError(name_ + ": not a readable zip archive (an .xlsx is one): damaged or truncated");
  return Status::Ok();
}

Result<std::optional<std::string>> Zip::Read(const std::string& path) {
  if (unzLocateFile(zip_, path.c_str(), 0) != UNZ_OK) return std::optional<std::string>();
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(zip_, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
    return InvalidArgumentError(name_ + ": " + path + ": damaged zip directory entry");
  }
  auto too_big = [&] {
    return InvalidArgumentError(name_ + ": " + path + " expands to more than " + std::to_string(budget_) +
                                " bytes (with the parts read before it): refused (a zip bomb?)");
  };
  if (info.uncompressed_size > budget_) return too_big();
  if (unzOpenCurrentFile(zip_) != UNZ_OK) return InvalidArgumentError(name_ + ": " + path + ": cannot open the zip entry (encrypted or an unknown compression method?)");
  std::string out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(info.uncompressed_size, 64ull << 20)));  // may lie
  char buf[65536];
  for (;;) {
    const int n = unzReadCurrentFile(zip_, buf, sizeof buf);
    if (n < 0) {
      unzCloseCurrentFile(zip_);
      return InvalidArgumentError(name_ + ": " + path + ": damaged compressed data (zip error " + std::to_string(n) + ")");
    }
    if (n == 0) break;
    // The declared size may lie: the bytes actually inflated are what is bounded.
    if (out.size() + static_cast<size_t>(n) > budget_) {
      unzCloseCurrentFile(zip_);
      return too_big();
    }
    out.append(buf, static_cast<size_t>(n));
  }
  if (unzCloseCurrentFile(zip_) == UNZ_CRCERROR) return InvalidArgumentError(name_ + ": " + path + ": CRC mismatch (damaged)");
  budget_ -= out.size();
  return std::optional<std::string>(std::move(out));
}

Result<Workbook> ReadWorkbook(const std::string& text, const std::string& where) {
  Workbook w;
  XmlPart x(text, where);
  for (;;) {
    MT_ASSIGN_OR_RETURN(bool more, x.Next());
    if (!more) break;
    if (IsStart(x, "sheet")) w.sheets.push_back({x.Attribute("name"), x.Attribute("id")});
    if (IsStart(x, "workbookPr")) {
      const std::string d = x.Attribute("date1904");
      w.date1904 = d == "1" || d == "true";
    }
  }
  return w;
}

Result<std::string> SheetTarget(const std::string& rels, const std::string& where, const std::string& id) {
  XmlPart x(rels, where);
  for (;;) {
    MT_ASSIGN_OR_RETURN(bool more, x.Next());
    if (!more) break;
    if (IsStart(x, "Relationship") && x.Attribute("Id") == id) {
      std::string target = x.Attribute("Target");
      if (!target.empty() && target[0] == '/') return target.substr(1);
      return "xl/" + target;
    }
  }
  return InvalidArgumentError(where + ": no relationship '" + id + "' for the worksheet");
}

Result<std::vector<std::string>> ReadSharedStrings(const std::string& text, const std::string& where) {
  std::vector<std::string> strings;
  XmlPart x(text, where);
  bool in_si = false, in_t = false;
  int phonetic = 0;
  for (;;) {
    MT_ASSIGN_OR_RETURN(bool more, x.Next());
    if (!more) break;
    if (IsStart(x, "si")) {
      strings.emplace_back();
      in_si = !x.Empty();
    } else if (IsEnd(x, "si")) {
      in_si = false;
    } else if (in_si && IsStart(x, "rPh")) {
      if (!x.Empty()) ++phonetic;
    } else if (in_si && x.Type() == XML_READER_TYPE_END_ELEMENT && x.Name() == "rPh") {
      --phonetic;
    } else if (in_si && IsStart(x, "t")) {
      in_t = !x.Empty();
    } else if (in_si && x.Type() == XML_READER_TYPE_END_ELEMENT && x.Name() == "t") {
      in_t = false;
    } else if (in_si && in_t && phonetic == 0 && IsText(x)) {
      strings.back() += x.Value();
    }
  }
  return strings;
}

Result<std::vector<bool>> ReadDateStyles(const std::string& text, const std::string& where) {
  std::map<int, std::string> custom;
  std::vector<int> xf_formats;
  XmlPart x(text, where);
  bool in_cell_xfs = false;
  for (;;) {
    MT_ASSIGN_OR_RETURN(bool more, x.Next());
    if (!more) break;
    if (IsStart(x, "numFmt")) {
      custom[std::atoi(x.Attribute("numFmtId").c_str())] = x.Attribute("formatCode");
    } else if (IsStart(x, "cellXfs")) {
      in_cell_xfs = !x.Empty();
    } else if (x.Type() == XML_READER_TYPE_END_ELEMENT && x.Name() == "cellXfs") {
      in_cell_xfs = false;
    } else if (in_cell_xfs && IsStart(x, "xf")) {
      xf_formats.push_back(std::atoi(x.Attribute("numFmtId").c_str()));
    }
  }
  std::vector<bool> date(xf_formats.size(), false);
  for (size_t i = 0; i < xf_formats.size(); ++i) {
    const auto it = custom.find(xf_formats[i]);
    date[i] = it != custom.end() ? DateFormatCode(it->second) : DateFormatId(xf_formats[i]);
  }
  return date;
}

}  // namespace moneytrail::formats_internal

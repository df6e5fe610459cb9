#include "xml_document.h"

#include <emmintrin.h>  // SSE2: part of x86-64's baseline
#include <iconv.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cctype>
#include <climits>
#include <cstring>
#include <string>

#include "format_util.h"

namespace moneytrail::formats_internal {
namespace {

bool IsLayoutSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// Line ends in [begin, end): sixteen bytes a step, summed in byte lanes (no popcount: x86-64's
// baseline has none, and libgcc's costs a call).
uint64_t CountLineEnds(const char* begin, const char* end) {
  uint64_t n = 0;
  const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  while (end - begin >= 16) {
    __m128i lanes = zero;  // each byte lane counts up to 255 line ends
    for (int k = 0; k < 255 && end - begin >= 16; ++k, begin += 16) {
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(begin)), nl));
    }
    const __m128i sums = _mm_sad_epu8(lanes, zero);
    n += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) + static_cast<uint64_t>(_mm_extract_epi16(sums, 4));
  }
  for (; begin < end; ++begin) n += *begin == '\n';
  return n;
}

// The encoding named by the XML declaration, "" when there is none.
std::string DeclaredEncoding(std::string_view text) {
  if (text.substr(0, 5) != "<?xml") return "";
  const size_t end = text.find("?>");
  const std::string_view decl = text.substr(0, end);
  const size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return "";
  size_t i = decl.find_first_of("\"'", at);
  if (i == std::string_view::npos) return "";
  const size_t close = decl.find(decl[i], i + 1);
  if (close == std::string_view::npos) return "";
  return std::string(decl.substr(i + 1, close - i - 1));
}

// `bytes` in encoding `from` as UTF-8, through iconv; an InvalidArgument when a byte is not in
// `from`.
Result<std::string> ToUtf8(std::string_view bytes, const std::string& from, const std::string& name) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return InvalidArgumentError(name + ":1: not well-formed XML: Unsupported encoding " + from);
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write the input
  size_t in_left = bytes.size();
  size_t done = 0;
  while (in_left > 0) {
    char* dst = out.data() + done;
    size_t out_left = out.size() - done;
    const size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    done = out.size() - out_left;
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) {
        out.resize(out.size() * 2);
        continue;
      }
      iconv_close(cd);
      return InvalidArgumentError(name + ":1: not well-formed XML: input conversion failed due to input error (" +
                                  from + ")");
    }
  }
  iconv_close(cd);
  out.resize(done);
  return out;
}

// The length of the UTF-8 sequence at s[0] when it encodes an XML character, else 0.
size_t XmlCharLength(const unsigned char* s, size_t left, uint32_t* code) {
  const unsigned char c = s[0];
  size_t n;
  uint32_t v;
  if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07;
  else if (c >= 0xE0) n = c <= 0xEF ? 3 : 0, v = c & 0x0F;
  else if (c >= 0xC2) n = 2, v = c & 0x1F;
  else return 0;
  if (n == 0 || left < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  *code = v;
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF))) return 0;  // overlong, too large
  if ((v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE || v == 0xFFFF) return 0;         // not XML characters
  return n;
}

bool IsXmlChar(uint64_t v) {
  return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) ||
         (v >= 0x10000 && v <= 0x10FFFF);
}

// Why the reference at text[at] ('&') is not one XML defines without a DTD; "" when it is.
std::string BadReference(std::string_view text, size_t at) {
  const size_t semi = text.find(';', at);
  const size_t limit = std::min(text.size(), at + 40);
  if (semi == std::string_view::npos || semi >= limit) return "xmlParseEntityRef: no name";
  const std::string_view ref = text.substr(at + 1, semi - at - 1);
  if (ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos") return "";
  if (!ref.empty() && ref[0] == '#') {
    const bool hex = ref.size() > 1 && ref[1] == 'x';
    const std::string_view digits = ref.substr(hex ? 2 : 1);
    uint64_t v = 0;
    bool ok = !digits.empty() && digits.size() <= 8;
    for (char c : digits) {
      int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) ok = false;
      v = v * (hex ? 16 : 10) + static_cast<uint64_t>(std::max(d, 0));
    }
    if (!ok) return "xmlParseCharRef: invalid xmlChar value";
    if (!IsXmlChar(v)) return "xmlParseCharRef: invalid xmlChar value " + std::to_string(v);
    return "";
  }
  return "Entity '" + std::string(ref) + "' not defined";
}

// The end of the CDATA section, comment or processing instruction that holds text[at], or npos
// when none does. (Sections do not nest: the nearest opener before `at` decides.)
size_t LiteralSectionEnd(std::string_view text, size_t at) {
  struct Kind {
    std::string_view open, close;
  };
  static constexpr Kind kKinds[] = {{"<![CDATA[", "]]>"}, {"<!--", "-->"}, {"<?", "?>"}};
  size_t best_open = std::string_view::npos;
  std::string_view best_close;
  for (const Kind& k : kKinds) {
    const size_t open = text.rfind(k.open, at);
    if (open != std::string_view::npos && (best_open == std::string_view::npos || open > best_open)) {
      best_open = open;
      best_close = k.close;
    }
  }
  if (best_open == std::string_view::npos) return std::string_view::npos;
  const size_t close = text.find(best_close, best_open + 2);
  return close != std::string_view::npos && close < at ? std::string_view::npos : close;
}

// libxml2's refusals that pugixml does not make: bytes that are not UTF-8 or not XML characters,
// and references to entities no DTD declared. One pass, sixteen bytes a step; with `copy_to`
// (text.size() bytes), the text is copied there in the same pass (every byte checked so far is
// copied: all of them when the result is Ok).
Status CheckCharacters(std::string_view text, const std::string& name, char* copy_to = nullptr) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const __m128i space = _mm_set1_epi8(0x20), nl = _mm_set1_epi8('\n'), tab = _mm_set1_epi8('\t'),
                cr = _mm_set1_epi8('\r'), amp = _mm_set1_epi8('&');
  size_t literal_until = 0;  // text[.., literal_until) is inside a known CDATA section or comment
  size_t i = 0;
  auto fail = [&](const std::string& why) {
    return InvalidArgumentError(name + ":" + std::to_string(1 + CountLineEnds(text.data(), text.data() + i)) +
                                ": not well-formed XML: " + why);
  };
  while (i < n) {
    if (n - i >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      if (copy_to != nullptr) _mm_storeu_si128(reinterpret_cast<__m128i*>(copy_to + i), v);
      // Signed compare: bytes >= 0x80 are negative, so below 0x20 too.
      const __m128i control = _mm_andnot_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, cr))),
          _mm_cmplt_epi8(v, space));
      const unsigned odd =
          static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(v, amp))));
      if (odd == 0) {
        i += 16;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(odd));
    }
    // The byte at i needs a look (or fewer than 16 bytes are left).
    const unsigned char c = s[i];
    if (copy_to != nullptr) copy_to[i] = static_cast<char>(c);
    if (c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c < 0x80 && c != '&')) {
      ++i;
    } else if (c == '&') {
      if (i >= literal_until) {
        std::string why = BadReference(text, i);
        if (!why.empty()) {
          const size_t end = LiteralSectionEnd(text, i);
          if (end == std::string_view::npos) return fail(why);
          literal_until = end;
        }
      }
      ++i;
    } else if (c < 0x20) {
      return fail("PCDATA invalid Char value " + std::to_string(c));
    } else {
      uint32_t code = 0;
      const size_t len = XmlCharLength(s + i, n - i, &code);
      if (len == 0) return fail("Input is not proper UTF-8 or not an XML character, indicate encoding !");
      if (copy_to != nullptr) std::memcpy(copy_to + i, s + i, len);
      i += len;
    }
  }
  return Status::Ok();
}

std::string ParseFailure(const pugi::xml_parse_result& r, std::string_view text, size_t offset) {
  switch (r.status) {
    case pugi::status_end_element_mismatch: {
      if (offset >= text.size()) return "Premature end of data: an element is not closed";
      size_t end = offset;
      while (end < text.size() && end - offset < 60 && text[end] != '>' && text[end] != '\n') ++end;
      return "Opening and ending tag mismatch: '" + std::string(text.substr(offset, end - offset)) + "'";
    }
    case pugi::status_no_document_element:
      return "Document is empty";
    case pugi::status_bad_start_element:
    case pugi::status_bad_end_element:
      if (offset >= text.size()) return "Premature end of data";
      return r.description();
    default:
      return r.description();
  }
}

// A comment's text may not hold "--" nor end with "-" (XML 1.0 [15]).
bool CommentIsWellFormed(std::string_view comment) {
  return comment.find("--") == std::string_view::npos && (comment.empty() || comment.back() != '-');
}

// The XML declaration and the prolog before the root element: libxml2's refusals of a broken
// declaration, and a DOCTYPE (refused before anything it could declare is looked at). Returns
// the DOCTYPE's offset, or npos.
Result<size_t> CheckProlog(std::string_view text, const std::string& name) {
  auto fail = [&](size_t at, const std::string& why) {
    return InvalidArgumentError(name + ":" + std::to_string(1 + CountLineEnds(text.data(), text.data() + at)) +
                                ": not well-formed XML: " + why);
  };
  size_t p = 0;
  if (text.substr(0, 5) == "<?xml" && text.size() > 5 && IsLayoutSpace(text[5])) {
    const size_t end = text.find("?>");
    if (end == std::string_view::npos) return fail(0, "parsing XML declaration: '?>' expected");
    // version="1.x" [encoding="..."] [standalone="yes|no"], in that order (XML 1.0 [23]).
    std::string_view decl = text.substr(5, end - 5);
    static constexpr std::string_view kNames[] = {"version", "encoding", "standalone"};
    size_t next_name = 0;
    for (;;) {
      const size_t start = decl.find_first_not_of(" \t\r\n");
      if (start == std::string_view::npos) break;
      if (start == 0 && next_name > 0) return fail(0, "parsing XML declaration: '?>' expected");
      decl.remove_prefix(start);
      size_t which = next_name;
      while (which < 3 && decl.substr(0, kNames[which].size()) != kNames[which]) ++which;
      if (which == 3 || (next_name == 0 && which != 0)) {
        return fail(0, next_name == 0 ? "Malformed declaration expecting version" : "parsing XML declaration: '?>' expected");
      }
      decl.remove_prefix(kNames[which].size());
      size_t q = decl.find_first_not_of(" \t\r\n");
      if (q == std::string_view::npos || decl[q] != '=') return fail(0, "Malformed declaration: '=' expected");
      q = decl.find_first_not_of(" \t\r\n", q + 1);
      if (q == std::string_view::npos || (decl[q] != '"' && decl[q] != '\'')) return fail(0, "String not started expecting ' or \"");
      const size_t close = decl.find(decl[q], q + 1);
      if (close == std::string_view::npos) return fail(0, "String not closed expecting \" or '");
      const std::string_view value = decl.substr(q + 1, close - q - 1);
      if (which == 0 && (value.size() < 3 || value.substr(0, 2) != "1." ||
                         value.substr(2).find_first_not_of("0123456789") != std::string_view::npos)) {
        return fail(0, "Unsupported version '" + std::string(value) + "'");
      }
      if (which == 2 && value != "yes" && value != "no") return fail(0, "standalone accepts only 'yes' or 'no'");
      // EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')*
      if (which == 1 && (value.empty() || !std::isalpha(static_cast<unsigned char>(value[0])) ||
                         value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
                             std::string_view::npos)) {
        return fail(0, "Invalid XML encoding name");
      }
      decl.remove_prefix(close + 1);
      next_name = which + 1;
    }
    if (next_name == 0) return fail(0, "Malformed declaration expecting version");
    p = end + 2;
  }
  for (;;) {
    const size_t lt = text.find('<', p);
    const size_t stray = text.substr(0, lt).find_first_not_of(" \t\r\n", p);
    if (stray != std::string_view::npos) return fail(stray, "Start tag expected, '<' not found");
    p = lt;
    if (p == std::string_view::npos) return std::string_view::npos;
    const std::string_view at = text.substr(p);
    if (at.substr(0, 4) == "<!--") {
      const size_t end = text.find("-->", p + 4);
      if (end == std::string_view::npos) return std::string_view::npos;  // the parser says why
      if (!CommentIsWellFormed(text.substr(p + 4, end - p - 4))) return fail(p, "Double hyphen within comment");
      p = end + 3;
      continue;
    } else if (at.substr(0, 2) == "<?") {
      // A target name, then white space or "?>" (XML 1.0 [16]); "xml" only as the declaration.
      size_t t = p + 2;
      while (t < text.size() && (std::isalnum(static_cast<unsigned char>(text[t])) || text[t] == '_' ||
                                 text[t] == '-' || text[t] == '.' || text[t] == ':')) {
        ++t;
      }
      const std::string_view target = text.substr(p + 2, t - p - 2);
      if (target.empty() || t >= text.size() || (!IsLayoutSpace(text[t]) && text.substr(t, 2) != "?>")) {
        return fail(p, "ParsePI: PI " + std::string(target) + " space expected");
      }
      if (Lower(target) == "xml") return fail(p, "XML declaration allowed only at the start of the document");
      p = text.find("?>", t);
      if (p == std::string_view::npos) return std::string_view::npos;
      p += 2;
    } else if (at.substr(0, 9) == "<!DOCTYPE") {
      return p;
    } else {
      return std::string_view::npos;  // the root element
    }
  }
}

constexpr std::string_view kRunMarker = XmlDocument::kRunMarkerName;

// The first occurrence of `tag` (at least 3 bytes, "</...>") in text[from, end), or npos: sixteen
// candidate places a step, each one tested on the tag's first, second, third and last bytes at
// once, so that only true candidates (the same name's length and initial) are compared whole.
// glibc's memmem and memchr cost ~8% of a camt read here (bench/RESULTS-formats.md, session 15).
size_t FindTag(std::string_view text, std::string_view tag, size_t from) {
  const size_t n = text.size(), m = tag.size();
  if (from >= n || m > n - from) return std::string_view::npos;
  const char* s = text.data();
  const __m128i first = _mm_set1_epi8(tag[0]), second = _mm_set1_epi8(tag[1]), third = _mm_set1_epi8(tag[2]),
                last = _mm_set1_epi8(tag[m - 1]);
  size_t i = from;
  for (; i + m - 1 + 16 <= n; i += 16) {
    const auto at = [&](size_t k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + k)); };
    const __m128i hits = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(at(0), first), _mm_cmpeq_epi8(at(1), second)),
                                       _mm_and_si128(_mm_cmpeq_epi8(at(2), third), _mm_cmpeq_epi8(at(m - 1), last)));
    for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0; mask &= mask - 1) {
      const size_t candidate = i + static_cast<size_t>(std::countr_zero(mask));
      if (std::memcmp(s + candidate, tag.data(), m) == 0) return candidate;
    }
  }
  for (; i + m <= n; ++i) {
    if (s[i] == tag[0] && std::memcmp(s + i, tag.data(), m) == 0) return i;
  }
  return std::string_view::npos;
}

constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_wconv_attribute |
                                   pugi::parse_doctype | pugi::parse_embed_pcdata | pugi::parse_comments;

}  // namespace

Result<std::unique_ptr<XmlDocument>> XmlDocument::Parse(std::string_view bytes, const std::string& name,
                                                        std::string_view document, const XmlSplit& split,
                                                        bool keep_space_only_text) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return InvalidArgumentError(name + ": larger than 2 GiB: split the file");
  }
  std::unique_ptr<XmlDocument> doc(new XmlDocument());
  doc->name_ = &name;
  doc->options_ = kParseOptions | (keep_space_only_text ? pugi::parse_ws_pcdata_single : 0u);
  std::string_view text = bytes;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string from;
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF" ||
      text.substr(0, 2) == std::string_view("<\0", 2) || text.substr(0, 2) == std::string_view("\0<", 2)) {
    from = text.substr(0, 2) == std::string_view("<\0", 2) ? "UTF-16LE"
           : text.substr(0, 2) == std::string_view("\0<", 2) ? "UTF-16BE" : "UTF-16";
  } else {
    from = DeclaredEncoding(text);
    const std::string lower = Lower(from);
    if (lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii") from.clear();
  }
  if (!from.empty()) {
    MT_ASSIGN_OR_RETURN(doc->converted_, ToUtf8(text, from, name));
    text = doc->converted_;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  }
  doc->text_ = text;
  MT_ASSIGN_OR_RETURN(const size_t doctype, CheckProlog(text, name));
  if (doctype != std::string_view::npos) {
    return PositionError(name, {doc->LineAtOffset(doctype), 0}, "DOCTYPE", "",
                         std::string(document) + " has no DTD; documents with one are refused (entity expansion)");
  }
  // A split document's characters are checked a part at a time: the parts outside the runs
  // here, each window as it is copied for pugixml (ForEachWindow: one pass for both). A part's
  // check is never laxer than the whole text's (parts begin and end at ASCII '<' and '>', and
  // a reference is excused only by a CDATA section or comment found within the part), and any
  // error of a split document makes the caller parse it whole, where the first error is the
  // whole text's.
  // (The size of the bytes as given, as the callers decide whether to parse again.)
  const bool windowed =
      !split.element.empty() && bytes.size() > split.above && doc->Split(split.element, split.window_bytes);
  if (!windowed) {
    MT_RETURN_IF_ERROR(CheckCharacters(text, name));
  } else {
    size_t previous = 0;
    for (const Run& run : doc->runs_) {
      MT_RETURN_IF_ERROR(CheckCharacters(text.substr(previous, run.begin - previous), name));
      previous = run.end;
    }
    MT_RETURN_IF_ERROR(CheckCharacters(text.substr(previous), name));
  }
  // Text outside the root element (libxml2: "Start tag expected" / "Extra content").
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return InvalidArgumentError(name + ":" + std::to_string(doc->LineAtOffset(text.size())) + ": not well-formed XML: Document is empty");
  }
  if (text[first] != '<') {
    return InvalidArgumentError(name + ":" + std::to_string(doc->LineAtOffset(first)) +
                                ": not well-formed XML: Start tag expected, '<' not found");
  }
  const size_t last_tag = text.rfind('<');
  const size_t last_close = text.find('>', last_tag);
  if (last_close == std::string_view::npos || text.find_first_not_of(" \t\r\n", last_close + 1) != std::string_view::npos) {
    return InvalidArgumentError(name + ":" + std::to_string(doc->LineAtOffset(text.size())) +
                                ": not well-formed XML: Extra content at the end of the document");
  }
  if (!windowed) {
    doc->parsed_.reserve(text.size() + kPadding);
    doc->parsed_.assign(text);
  }
  const size_t parsed_size = doc->parsed_.size();
  doc->parsed_.append(kPadding, '\0');
  const pugi::xml_parse_result r =
      doc->doc_.load_buffer_inplace(doc->parsed_.data(), parsed_size, doc->options_, pugi::encoding_utf8);
  if (!r) {
    const size_t offset = doc->TextOffset(doc->doc_.root(), static_cast<size_t>(std::max<ptrdiff_t>(0, r.offset)));
    return InvalidArgumentError(name + ":" + std::to_string(doc->LineAtOffset(std::min(offset, text.size()))) +
                                ": not well-formed XML: " + ParseFailure(r, text, offset));
  }
  int elements = 0;
  for (pugi::xml_node n : doc->doc_.children()) {
    if (n.type() == pugi::node_doctype) {
      return PositionError(name, {doc->LineOf(n), 0}, "DOCTYPE", "",
                           std::string(document) + " has no DTD; documents with one are refused (entity expansion)");
    }
    if (n.type() == pugi::node_comment) MT_RETURN_IF_ERROR(doc->CheckComment(n));
    if (n.type() == pugi::node_cdata || n.type() == pugi::node_pcdata) {
      return InvalidArgumentError(name + ":" + std::to_string(n.next_sibling() ? doc->LineOf(n.next_sibling()) : 1) +
                                  ": not well-formed XML: StartTag: invalid element name (text outside the root element)");
    }
    if (n.type() == pugi::node_element && ++elements > 1) {
      return InvalidArgumentError(name + ":" + std::to_string(doc->LineOf(n)) +
                                  ": not well-formed XML: Extra content at the end of the document");
    }
  }
  doc->cursor_offset_ = 0;
  doc->cursor_line_ = 1;
  return doc;
}

uint64_t XmlDocument::LineAtOffset(size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < cursor_offset_) {
    if (cursor_offset_ - offset < offset) {
      // Back a little (a window read again after the fast path gave up on it).
      cursor_line_ -= CountLineEnds(text_.data() + offset, text_.data() + cursor_offset_);
      cursor_offset_ = offset;
      return cursor_line_;
    }
    cursor_offset_ = 0;
    cursor_line_ = 1;
  }
  cursor_line_ += CountLineEnds(text_.data() + cursor_offset_, text_.data() + offset);
  cursor_offset_ = offset;
  return cursor_line_;
}

uint64_t XmlDocument::LineOf(pugi::xml_node node) {
  ptrdiff_t offset = node.offset_debug();
  if (offset < 0) {
    // A node pugixml cannot place: its parent's line.
    pugi::xml_node parent = node.parent();
    return parent ? LineOf(parent) : 1;
  }
  size_t at = TextOffset(node, static_cast<size_t>(offset));
  if (node.type() == pugi::node_element) {
    // libxml2 (and so every line cited before session 14) gives an element the line of its
    // start tag's '>': the same line unless the attributes run over several.
    char quote = 0;
    for (; at < text_.size(); ++at) {
      const char c = text_[at];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
  }
  return LineAtOffset(at);
}

size_t XmlDocument::TextOffset(pugi::xml_node node, size_t offset) const {
  if (window_open_ && node.root() == window_.root()) return window_base_ + offset;
  if (segments_.empty()) return offset;
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](size_t o, const Segment& s) { return o < s.parsed; });
  if (it == segments_.begin()) return offset;
  --it;
  return it->text + (offset - it->parsed);
}

bool XmlDocument::Split(std::string_view element, size_t window_bytes) {
  const std::string_view text = text_;
  // The qualified name, from the first closing tag: "</Ntry>" or "</prefix:Ntry>".
  const std::string tail = std::string(element) + ">";
  size_t at = 0;
  for (;; ++at) {
    at = text.find(tail, at);
    if (at == std::string_view::npos || at < 2) return false;
    if (text.substr(at - 2, 2) == "</") {
      split_name_ = element;
      break;
    }
    if (text[at - 1] == ':') {
      const size_t open = text.rfind("</", at);
      if (open == std::string_view::npos || at - open > 64) continue;
      split_name_ = std::string(text.substr(open + 2, at - open - 2)) + std::string(element);
      break;
    }
  }
  const std::string open_tag = "<" + split_name_, close_tag = "</" + split_name_ + ">";
  auto opens_at = [&](size_t p) {
    if (text.compare(p, open_tag.size(), open_tag) != 0 || p + open_tag.size() >= text.size()) return false;
    const char c = text[p + open_tag.size()];
    return c == '>' || c == '/' || IsLayoutSpace(c);
  };
  auto find = [&](std::string_view needle, size_t from) -> size_t {
    if (from >= text.size()) return std::string_view::npos;
    const void* hit = memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
    return hit == nullptr ? std::string_view::npos : static_cast<size_t>(static_cast<const char*>(hit) - text.data());
  };
  for (size_t from = 0;;) {
    size_t begin = find(open_tag, from);
    while (begin != std::string_view::npos && !opens_at(begin)) begin = find(open_tag, begin + 1);
    if (begin == std::string_view::npos) break;
    Run run{begin, 0, {}};
    size_t window_start = begin;
    for (size_t entry = begin;;) {
      const size_t close = FindTag(text, close_tag, entry);
      if (close == std::string_view::npos) return runs_.clear(), false;
      const size_t end = close + close_tag.size();
      size_t next = end;
      while (next < text.size() && IsLayoutSpace(text[next])) ++next;
      if (next < text.size() && opens_at(next)) {
        ++run.elements;
        if (end - window_start >= window_bytes) {
          run.cuts.push_back(next);
          window_start = next;
        }
        entry = next;
        continue;
      }
      ++run.elements;
      run.end = end;
      run.cuts.push_back(end);
      break;
    }
    from = run.end;
    runs_.push_back(std::move(run));
  }
  if (runs_.empty()) return false;
  parsed_.clear();
  size_t previous = 0;
  for (const Run& run : runs_) {
    segments_.push_back({parsed_.size(), previous});
    parsed_.append(text.substr(previous, run.begin - previous));
    segments_.push_back({parsed_.size(), run.begin});
    parsed_ += "<";
    parsed_ += kRunMarker;
    parsed_ += "/>";
    previous = run.end;
  }
  segments_.push_back({parsed_.size(), previous});
  parsed_.append(text.substr(previous));
  return true;
}

bool XmlDocument::IsRunMarker(pugi::xml_node element) const {
  return !runs_.empty() && std::string_view(element.name()) == kRunMarker;
}

Status XmlDocument::ForEachWindow(size_t run, const std::function<Status(pugi::xml_node)>& walk) {
  if (run >= runs_.size()) return InvalidArgumentError(*name_ + ": the split did not hold (a marker too many)");
  size_t begin = runs_[run].begin;
  for (size_t end : runs_[run].cuts) {
    MT_RETURN_IF_ERROR(WalkWindow(begin, end, walk));
    begin = end;
  }
  window_.reset();
  return Status::Ok();
}

Status XmlDocument::WalkWindow(size_t begin, size_t end, const std::function<Status(pugi::xml_node)>& walk) {
  window_open_ = false;
  // Checked as it is copied, before any walk: a window's text may hold anything (even the
  // markers' byte 0xFF).
  window_text_.resize(end - begin + kPadding);
  MT_RETURN_IF_ERROR(CheckCharacters(text_.substr(begin, end - begin), *name_, window_text_.data()));
  std::memset(window_text_.data() + (end - begin), 0, kPadding);
  const pugi::xml_parse_result r = window_.load_buffer_inplace(
      window_text_.data(), end - begin, options_ | pugi::parse_fragment, pugi::encoding_utf8);
  if (!r) return InvalidArgumentError(*name_ + ": the split did not hold (a window is not whole elements)");
  for (pugi::xml_node n = window_.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_comment) continue;
    if (n.type() != pugi::node_element || split_name_ != n.name()) {
      return InvalidArgumentError(*name_ + ": the split did not hold (a window holds other nodes)");
    }
  }
  window_base_ = begin;
  window_open_ = true;
  Status status = walk(window_.root());
  window_open_ = false;
  return status;
}

Status XmlDocument::CheckComment(pugi::xml_node comment) {
  if (CommentIsWellFormed(comment.value())) return Status::Ok();
  pugi::xml_node parent = comment.parent();
  return InvalidArgumentError(*name_ + ":" + std::to_string(parent.type() == pugi::node_element ? LineOf(parent) : 1) +
                              ": not well-formed XML: Double hyphen within comment");
}

Status XmlDocument::CheckAttributes(pugi::xml_node element) {
  for (pugi::xml_attribute a = element.first_attribute(); a; a = a.next_attribute()) {
    if (std::strchr(a.value(), '<') != nullptr) {
      return InvalidArgumentError(*name_ + ":" + std::to_string(LineOf(element)) +
                                  ": not well-formed XML: Unescaped '<' not allowed in attributes values");
    }
    for (pugi::xml_attribute b = a.next_attribute(); b; b = b.next_attribute()) {
      if (std::strcmp(a.name(), b.name()) == 0) {
        return InvalidArgumentError(*name_ + ":" + std::to_string(LineOf(element)) + ": not well-formed XML: Attribute " +
                                    a.name() + " redefined");
      }
    }
  }
  return Status::Ok();
}

std::string_view XmlDocument::LocalName(pugi::xml_node node) {
  std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view XmlDocument::NamespaceUri(pugi::xml_node node) {
  const std::string_view qualified = node.name();
  const size_t colon = qualified.find(':');
  std::string attribute = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(qualified.substr(0, colon));
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    pugi::xml_attribute a = n.attribute(attribute.c_str());
    if (a) return a.value();
  }
  return "";
}

std::optional<std::string_view> PlainXmlText(std::string_view bytes, const std::string& name, size_t* content) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return std::nullopt;
  std::string_view text = bytes;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF" ||
      text.substr(0, 2) == std::string_view("<\0", 2) || text.substr(0, 2) == std::string_view("\0<", 2)) {
    return std::nullopt;
  }
  const std::string lower = Lower(DeclaredEncoding(text));
  if (!lower.empty() && lower != "utf-8" && lower != "utf8" && lower != "us-ascii" && lower != "ascii") return std::nullopt;
  const Result<size_t> doctype = CheckProlog(text, name);
  if (!doctype.ok() || *doctype != std::string_view::npos) return std::nullopt;
  *content = 0;
  if (text.substr(0, 5) == "<?xml" && text.size() > 5 && IsLayoutSpace(text[5])) {
    const size_t end = text.find("?>");
    if (end == std::string_view::npos) return std::nullopt;
    *content = end + 2;
  }
  if (!CheckCharacters(text.substr(0, *content), name).ok()) return std::nullopt;
  return text;
}

uint64_t LineCursor::LineAt(size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < offset_) {
    line_ -= CountLineEnds(text_.data() + offset, text_.data() + offset_);
  } else {
    line_ += CountLineEnds(text_.data() + offset_, text_.data() + offset);
  }
  offset_ = offset;
  return line_;
}

size_t XmlCharLengthAt(const unsigned char* s, size_t left) {
  uint32_t code = 0;
  return left == 0 ? 0 : XmlCharLength(s, left, &code);
}

bool IsXmlCodePoint(uint64_t v) { return IsXmlChar(v); }

}  // namespace moneytrail::formats_internal

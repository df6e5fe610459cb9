// Internal to src/formats: a reader of the XML that camt entries are written in, which hands its
// caller each element's start tag and the text after its last child element directly, without
// building a tree (bench/RESULTS-formats.md, session 16: pugixml building a tree per window and
// the walk over it were most of a camt read).
//
// It reads a fragment (a window of XmlDocument's split: a sequence of whole elements named
// `top_name`, comments and white space; or, with `top_name` empty, a document's content after its
// XML declaration: one element of any name, comments and white space) and admits only a subset of XML that it checks in full:
// start and end tags (ASCII names, attributes quoted with ' or ", values without '&', '<' or
// control characters, no name twice), text with the five predefined entities and character
// references (at most eight digits, naming an XML character), white space, comments (no "--"
// inside, no '&'). Every byte it admits is a UTF-8 XML character, as XmlDocument::Parse checks.
// Anything else (CDATA, a processing instruction, a DOCTYPE, a name with other bytes, a bad
// reference, an end tag that does not match, text outside the elements, a character Parse
// refuses, an unclosed element) makes it give up (FastXmlOutcome::kGaveUp, why() says why): the
// caller then reads that fragment through XmlDocument::WalkWindow, so that every refusal and its
// message stay pugixml's and the checks'. What it admits, pugixml with XmlDocument's options
// and checks admits too, with the same elements, attributes and texts (tests/formats/
// camt_fast_test.cc compares the two on samples, seeds and mutations; fuzz/fuzz_camt.cc too).
//
// Texts as pugixml keeps them (parse_embed_pcdata, no parse_ws_pcdata, no parse_eol): a run of
// character data between markup that is only white space is dropped; the others are joined, and
// an element's text is the runs after its last child element, references decoded.
//
// Example:
//   FastXmlReader reader;
//   struct Handler {
//     FastXmlStep Start(const FastXmlStart& tag) { ...; return FastXmlStep::kGo; }
//     FastXmlStep End(const FastXmlEnd& end) { ... end.text ...; return FastXmlStep::kGo; }
//   } handler;
//   switch (reader.Read(window, readable, "Ntry", handler)) { ... }
// Not thread-safe (one reader per thread); Read may be called again and again.
#ifndef MONEYTRAIL_SRC_FORMATS_XML_FAST_H_
#define MONEYTRAIL_SRC_FORMATS_XML_FAST_H_

#include <emmintrin.h>  // SSE2: part of x86-64's baseline

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "utf8.h"
#include "xml_document.h"

namespace moneytrail::formats_internal {

struct FastXmlAttribute {
  std::string_view name, value;  // as written (a value holds no reference nor white space but ' ')
};

// A start tag (an empty element's too: End follows at once).
struct FastXmlStart {
  std::string_view name;  // qualified, as written
  size_t close = 0;       // the offset of the tag's '>' in the fragment
  uint64_t line = 0;      // the line of that '>' (Read's `first_line` plus the line ends before it)
  const FastXmlAttribute* attributes = nullptr;
  size_t attribute_count = 0;
  size_t depth = 0;       // 0: a top-level element of the fragment
  bool padded = false;    // 16 bytes may be read from name.data()

  // The value of the attribute named exactly `attribute`, "" when there is none.
  std::string_view Attribute(std::string_view attribute) const {
    for (size_t i = 0; i < attribute_count; ++i) {
      if (attributes[i].name == attribute) return attributes[i].value;
    }
    return {};
  }
};

// An element's end: its text (the character data after its last child element, as above).
struct FastXmlEnd {
  std::string_view text;
  // True only when the text holds no tab, CR or LF, no two spaces in a row and no space at
  // either end (false may also be said of such a text: callers collapse white space, a no-op on it).
  bool plain = true;
  // The text is in the reader's scratch (references decoded, runs joined): valid until the
  // next event. Otherwise it is a view into the fragment.
  bool owned = false;
  size_t close = 0;  // the offset of the element's start tag's '>' in the fragment
  uint64_t line = 0;  // and its line (FastXmlStart::line)
};

// A handler's answer to an event: go on, give up (the caller reads the fragment another way),
// or stop (the handler failed; it keeps its own reason).
enum class FastXmlStep : uint8_t { kGo, kGiveUp, kStop };
enum class FastXmlOutcome : uint8_t { kDone, kGaveUp, kStopped };

class FastXmlReader {
 public:
  // Reads `text` (the fragment), calling handler.Start and handler.End in document order.
  // `readable` (>= text.size()) bytes may be read from text.data() (for reads 16 bytes at a time).
  // `top_name` "": exactly one top-level element, of any name.
  // `first_line`: the line of text[0]; the reader counts line ends from there.
  template <typename Handler>
  FastXmlOutcome Read(std::string_view text, size_t readable, std::string_view top_name, uint64_t first_line,
                      Handler& handler);

  // Why the last Read gave up.
  std::string_view why() const { return why_; }

 private:
  struct Open {
    const char* name;
    size_t size;
    size_t close;  // FastXmlEnd::close
    uint64_t line;
  };
  enum class TextState : uint8_t { kNone, kView, kScratch };

  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  static bool IsNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }
  static __m128i Load(const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static unsigned Mask(__m128i m) { return static_cast<unsigned>(_mm_movemask_epi8(m)); }
  static __m128i Is(__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }

  // The number of bits set (x86-64's baseline has no popcount instruction; line ends in a
  // block of white space are few).
  static unsigned CountBits(unsigned m) {
    unsigned n = 0;
    for (; m != 0; m &= m - 1) ++n;
    return n;
  }

  // The first byte at or after p that is not white space (end when none before end); counts
  // the line ends passed.
  const char* SkipSpace(const char* p, const char* end, const char* limit) {
    if (p < end && !IsSpace(*p)) return p;
    while (limit - p >= 16) {
      const __m128i v = Load(p);
      const __m128i nl = Is(v, '\n');
      const unsigned space = Mask(_mm_or_si128(_mm_or_si128(Is(v, ' '), nl), _mm_or_si128(Is(v, '\t'), Is(v, '\r'))));
      const ptrdiff_t left = end - p;
      const unsigned inside = left >= 16 ? 0xFFFFu : (1u << left) - 1;  // the bytes before end
      if (space != 0xFFFF) {
        const unsigned at = static_cast<unsigned>(std::countr_zero(~space));
        line_ += CountBits(Mask(nl) & ((1u << at) - 1) & inside);
        p += at;
        return p < end ? p : end;
      }
      line_ += CountBits(Mask(nl) & inside);
      p += 16;
      if (p >= end) return end;
    }
    for (; p < end && IsSpace(*p); ++p) line_ += *p == '\n';
    return p;
  }

  // The white space in a tag at q, skipped (line ends counted).
  const char* SkipTagSpace(const char* q, const char* end) {
    for (; q < end && IsSpace(*q); ++q) line_ += *q == '\n';
    return q;
  }

  // The end of the name at p: the first byte that is not [A-Za-z0-9_:.-] (end when none).
  static const char* ScanName(const char* p, const char* end, const char* limit) {
    while (limit - p >= 16) {
      const __m128i v = Load(p);
      const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
      const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
      const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
      const __m128i other = _mm_or_si128(_mm_or_si128(Is(v, '_'), Is(v, ':')), _mm_or_si128(Is(v, '-'), Is(v, '.')));
      const unsigned symbol = Mask(_mm_or_si128(_mm_or_si128(alpha, digit), other));
      if (symbol != 0xFFFF) {
        p += std::countr_zero(~symbol);
        return p < end ? p : end;
      }
      p += 16;
      if (p >= end) return end;
    }
    while (p < end) {
      const char c = *p;
      if (!IsNameStart(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.') break;
      ++p;
    }
    return p;
  }

  // a[0, n) == b[0, n); `b` is before `a` in the text (an open element's name).
  static bool SameName(const char* a, const char* b, size_t n, const char* limit) {
    if (n < 16 && limit - a >= 16) {
      const unsigned differ = Mask(_mm_cmpeq_epi8(Load(a), Load(b))) ^ 0xFFFF;
      return (differ & ((1u << n) - 1)) == 0;
    }
    return std::memcmp(a, b, n) == 0;
  }

  // The reference at p ('&'): its length and the UTF-8 it stands for appended to `out`; 0 when
  // it is not one this reader decodes.
  static size_t Reference(const char* p, const char* end, std::string& out) {
    const size_t left = static_cast<size_t>(end - p);
    const std::string_view at(p, left < 12 ? left : 12);
    static constexpr std::string_view kNames[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    static constexpr char kChars[] = {'&', '<', '>', '"', '\''};
    for (size_t i = 0; i < 5; ++i) {
      if (at.substr(0, kNames[i].size()) == kNames[i]) {
        out += kChars[i];
        return kNames[i].size();
      }
    }
    if (at.size() < 4 || at[1] != '#') return 0;
    const bool hex = at[2] == 'x';
    size_t i = hex ? 3 : 2;
    uint64_t v = 0;
    const size_t first = i;
    for (; i < at.size() && i - first < 9; ++i) {
      const char c = at[i];
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) break;
      v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
    }
    if (i == first || i - first > 8 || i >= at.size() || at[i] != ';' || !IsXmlCodePoint(v)) return 0;
    AppendUtf8(out, static_cast<uint32_t>(v));
    return i + 1;
  }

  // One run of character data [mark, '<'); p is its first byte that is not white space.
  // Returns the '<', or nullptr (why_ set) to give up.
  const char* ReadText(const char* mark, const char* p, const char* end, const char* limit) {
    bool plain = p == mark;   // leading white space: not plain
    bool decoded = false;     // the run so far is in scratch_ up to `copied`
    const char* copied = mark;
    const char* s = p;
    for (;;) {
      if (limit - s >= 17) {
        const __m128i v = Load(s);
        const unsigned stop =
            Mask(_mm_or_si128(_mm_or_si128(Is(v, '<'), Is(v, '&')), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
        const unsigned doubled = Mask(_mm_and_si128(Is(v, ' '), Is(Load(s + 1), ' ')));
        if (stop == 0) {
          if (doubled != 0) plain = false;
          s += 16;
          if (s >= end) return why_ = "text runs past the fragment", nullptr;
          continue;
        }
        const unsigned at = static_cast<unsigned>(std::countr_zero(stop));
        if ((doubled & ((1u << at) - 1)) != 0) plain = false;
        s += at;
      } else {
        while (s < end && *s != '<' && *s != '&' && static_cast<unsigned char>(*s) >= 0x20 &&
               static_cast<unsigned char>(*s) < 0x80) {
          if (*s == ' ' && s + 1 < end && s[1] == ' ') plain = false;
          ++s;
        }
      }
      if (s >= end) return why_ = "text runs past the fragment", nullptr;
      const unsigned char c = static_cast<unsigned char>(*s);
      if (c == '<') break;
      if (c == '&') {
        if (!decoded) {
          if (text_state_ == TextState::kNone) scratch_.clear();
          if (text_state_ == TextState::kView) scratch_.assign(view_);
          text_state_ = TextState::kScratch;
          decoded = true;
        }
        scratch_.append(copied, s);
        const size_t n = Reference(s, end, scratch_);
        if (n == 0) return why_ = "a reference this reader does not decode", nullptr;
        s += n;
        copied = s;
      } else if (c == '\t' || c == '\n' || c == '\r') {
        plain = false;
        line_ += c == '\n';
        ++s;
      } else if (c < 0x20) {
        return why_ = "a control character", nullptr;
      } else {
        const size_t n = XmlCharLengthAt(reinterpret_cast<const unsigned char*>(s), static_cast<size_t>(end - s));
        if (n == 0) return why_ = "a byte that is not UTF-8 or not an XML character", nullptr;
        s += n;
      }
    }
    // The run is [mark, s).
    if (decoded) {
      scratch_.append(copied, s);
    } else if (text_state_ == TextState::kNone) {
      view_ = std::string_view(mark, static_cast<size_t>(s - mark));
      view_plain_ = plain && s[-1] != ' ';
      text_state_ = TextState::kView;
    } else {
      if (text_state_ == TextState::kView) scratch_.assign(view_);
      scratch_.append(mark, s);
      text_state_ = TextState::kScratch;
    }
    return s;
  }

  FastXmlEnd TakeText(size_t close, uint64_t line) const {
    switch (text_state_) {
      case TextState::kView:
        return {view_, view_plain_, false, close, line};
      case TextState::kScratch:
        return {scratch_, false, true, close, line};
      default:
        return {{}, true, false, close, line};
    }
  }

  // After "<!--" at p: the end of the comment ("-->"), or nullptr (why_ set) to give up.
  const char* SkipComment(const char* p, const char* end) {
    for (; p < end; ++p) {
      const unsigned char c = static_cast<unsigned char>(*p);
      if (c == '-') {
        if (p + 1 < end && p[1] == '-') {
          if (p + 2 < end && p[2] == '>') return p + 3;
          return why_ = "\"--\" inside a comment", nullptr;
        }
      } else if (c == '&') {
        return why_ = "'&' in a comment", nullptr;
      } else if (c == '\n') {
        ++line_;
      } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return why_ = "a control character", nullptr;
      } else if (c >= 0x80) {
        const size_t n = XmlCharLengthAt(reinterpret_cast<const unsigned char*>(p), static_cast<size_t>(end - p));
        if (n == 0) return why_ = "a byte that is not UTF-8 or not an XML character", nullptr;
        p += n - 1;
      }
    }
    return why_ = "an unclosed comment", nullptr;
  }

  // An attribute's value after its opening quote at p: the byte after the closing quote, or
  // nullptr (why_ set) to give up.
  const char* ScanValue(const char* p, const char* end, char quote) {
    for (; p < end; ++p) {
      const unsigned char c = static_cast<unsigned char>(*p);
      if (c == static_cast<unsigned char>(quote)) return p + 1;
      if (c == '<' || c == '&' || c < 0x20) return why_ = "an attribute value with '<', '&' or white space but ' '", nullptr;
      if (c >= 0x80) {
        const size_t n = XmlCharLengthAt(reinterpret_cast<const unsigned char*>(p), static_cast<size_t>(end - p));
        if (n == 0) return why_ = "a byte that is not UTF-8 or not an XML character", nullptr;
        p += n - 1;
      }
    }
    return why_ = "an unclosed attribute value", nullptr;
  }

  std::vector<Open> open_;
  std::vector<FastXmlAttribute> attributes_;
  TextState text_state_ = TextState::kNone;
  std::string_view view_;   // kView: the one run
  bool view_plain_ = true;
  std::string scratch_;     // kScratch: the runs joined, references decoded
  const char* why_ = "";
  uint64_t line_ = 1;       // the line of the byte being read
};

template <typename Handler>
FastXmlOutcome FastXmlReader::Read(std::string_view text, size_t readable, std::string_view top_name,
                                   uint64_t first_line, Handler& handler) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* const limit = begin + readable;
  open_.clear();
  text_state_ = TextState::kNone;
  why_ = "";
  line_ = first_line;
  const auto give_up = [this](const char* why) {
    why_ = why;
    return FastXmlOutcome::kGaveUp;
  };
  const auto outcome = [](FastXmlStep step) {
    return step == FastXmlStep::kGiveUp ? FastXmlOutcome::kGaveUp : FastXmlOutcome::kStopped;
  };
  const char* p = begin;
  size_t roots = 0;  // top-level elements
  for (;;) {
    // Content: white space, then character data, markup or the end.
    const char* mark = p;
    p = SkipSpace(p, end, limit);
    if (p == end) break;
    if (*p != '<') {
      if (open_.empty()) return give_up("text outside the elements");
      p = ReadText(mark, p, end, limit);
      if (p == nullptr) return FastXmlOutcome::kGaveUp;
    }
    // p is at '<'.
    if (end - p < 2) return give_up("'<' at the end");
    const char c = p[1];
    if (c == '/') {
      if (open_.empty()) return give_up("an end tag outside the elements");
      const Open& o = open_.back();
      const char* q = p + 2;
      if (static_cast<size_t>(end - q) <= o.size || !SameName(q, o.name, o.size, limit)) {
        return give_up("an end tag that does not match");
      }
      q += o.size;
      q = SkipTagSpace(q, end);
      if (q == end || *q != '>') return give_up("an end tag that does not match");
      p = q + 1;
      const FastXmlEnd e = TakeText(o.close, o.line);
      open_.pop_back();
      if (const FastXmlStep step = handler.End(e); step != FastXmlStep::kGo) return outcome(step);
      text_state_ = TextState::kNone;
    } else if (c == '!') {
      if (end - p < 4 || std::memcmp(p, "<!--", 4) != 0) return give_up("CDATA or a declaration");
      p = SkipComment(p + 4, end);
      if (p == nullptr) return FastXmlOutcome::kGaveUp;
    } else if (c == '?') {
      return give_up("a processing instruction");
    } else {
      const char* const name = p + 1;
      if (!IsNameStart(*name)) return give_up("a name this reader does not admit");
      const char* q = ScanName(name, end, limit);
      const std::string_view qualified(name, static_cast<size_t>(q - name));
      attributes_.clear();
      bool empty = false;
      for (;;) {
        if (q == end) return give_up("an unclosed start tag");
        if (*q == '>') break;
        if (*q == '/') {
          if (q + 1 < end && q[1] == '>') {
            empty = true;
            ++q;
            break;
          }
          return give_up("'/' in a start tag");
        }
        if (!IsSpace(*q)) return give_up("a name this reader does not admit");
        q = SkipTagSpace(q, end);
        if (q == end) return give_up("an unclosed start tag");
        if (*q == '>' || *q == '/') continue;
        if (!IsNameStart(*q)) return give_up("an attribute name this reader does not admit");
        const char* const attribute = q;
        q = ScanName(q, end, limit);
        const std::string_view attribute_name(attribute, static_cast<size_t>(q - attribute));
        q = SkipTagSpace(q, end);
        if (q == end || *q != '=') return give_up("an attribute without '='");
        ++q;
        q = SkipTagSpace(q, end);
        if (q == end || (*q != '"' && *q != '\'')) return give_up("an attribute value without quotes");
        const char* const value = q + 1;
        q = ScanValue(value, end, *q);
        if (q == nullptr) return FastXmlOutcome::kGaveUp;
        attributes_.push_back({attribute_name, std::string_view(value, static_cast<size_t>(q - 1 - value))});
        if (q != end && *q != '>' && *q != '/' && !IsSpace(*q)) return give_up("attributes without space between");
      }
      if (open_.empty()) {
        if (top_name.empty() ? roots > 0 : qualified != top_name) return give_up("a top-level element of another name");
        ++roots;
      }
      for (size_t i = 0; i + 1 < attributes_.size(); ++i) {
        for (size_t j = i + 1; j < attributes_.size(); ++j) {
          if (attributes_[i].name == attributes_[j].name) return give_up("an attribute given twice");
        }
      }
      FastXmlStart start;
      start.name = qualified;
      start.close = static_cast<size_t>(q - begin);
      start.line = line_;
      start.attributes = attributes_.data();
      start.attribute_count = attributes_.size();
      start.depth = open_.size();
      start.padded = limit - name >= 16;
      text_state_ = TextState::kNone;
      if (const FastXmlStep step = handler.Start(start); step != FastXmlStep::kGo) return outcome(step);
      p = q + 1;
      if (empty) {
        if (const FastXmlStep step = handler.End(TakeText(start.close, start.line)); step != FastXmlStep::kGo) {
          return outcome(step);
        }
      } else {
        open_.push_back({name, qualified.size(), start.close, start.line});
      }
    }
  }
  if (!open_.empty()) return give_up("an unclosed element");
  if (top_name.empty() && roots == 0) return give_up("no element");
  return FastXmlOutcome::kDone;
}

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_XML_FAST_H_

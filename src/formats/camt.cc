// ISO 20022 camt.052 (account report), camt.053 (statement) and camt.054 (debit/credit
// notification), every version in the samples (001.02 to 001.10, bare or in a SWIFT envelope),
// parsed whole by pugixml (xml_document.h: no network, no DTD, no entity expansion; a document
// with a DOCTYPE is refused: camt has none) and walked element by element; a large document's
// entries are read a window at a time, by FastXmlReader (xml_fast.h) where it can and by pugixml
// where it gives up, both feeding the same Start and Close. docs/format/camt.md.
//
// The walk keeps the event model of the streaming reader it replaced (session 14; that reader is
// the oracle of tests/formats/camt_diff_test.cc): an element opens a scope (statement, balance,
// entry, transaction) or not; a leaf's text is the text after its last child element, with
// runs of layout white space collapsed; a leaf is read by its path below the innermost scope,
// compared part by part (no path string is built).
#include <emmintrin.h>  // SSE2: part of x86-64's baseline
#include <pugixml.hpp>

#include <bit>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "camt_internal.h"
#include "camt_tags.h"
#include "format_util.h"
#include "moneytrail/formats.h"
#include "xml_document.h"
#include "xml_fast.h"
#include "xml_node_access.h"

namespace moneytrail::formats {
namespace {

using formats_internal::FastXmlEnd;
using formats_internal::FastXmlOutcome;
using formats_internal::FastXmlStart;
using formats_internal::FastXmlStep;
using formats_internal::NodeAccess;
using formats_internal::PositionError;
using formats_internal::Tag;

// Where the reader is: the innermost of these that is open decides how a leaf is read.
enum class Scope : uint8_t { kNone, kStatement, kBalance, kEntry, kTransaction };

struct Frame {
  Tag tag;  // of the local name
  Scope scope;
  uint32_t scoped;  // 1 + the index of the innermost frame (this one or below) with a scope; 0: none
};

// A text read from the document: a view while it is one piece, its own string from the second
// piece on, joined as formats_internal::AppendWithSpace joins (trimmed, one space between).
// Safe to move (TxDetails are, as their vector grows): no view points into its own string.
class JoinedText {
 public:
  void Append(std::string_view piece) {
    piece = formats_internal::TrimSpaces(piece);
    if (piece.empty()) return;
    if (!joined_) {
      if (view_.empty()) {
        view_ = piece;
        return;
      }
      own_.assign(view_);
      joined_ = true;
    }
    own_ += ' ';
    own_ += piece;
  }
  std::string_view view() const { return joined_ ? std::string_view(own_) : view_; }

 private:
  std::string_view view_;  // the first piece
  std::string own_;        // joined_: the pieces joined
  bool joined_ = false;
};

// The builders hold views of the leaves' texts: into the parsed text (the document's or the
// window's: an entry is never split across windows) or into CamtReader::kept_, which both
// outlive the entry or balance being built.
// What a transaction's details (TxDtls) say; an entry with none has one empty TxDetails.
struct TxDetails {
  std::optional<Decimal> amount;
  std::string_view direction;  // CRDT / DBIT, when the details repeat it
  std::string_view debtor, debtor_account, debtor_agent, creditor, creditor_account, creditor_agent;
  std::string_view reference, end_to_end;
  JoinedText remittance, additional;
  std::string_view domain, family, subfamily, proprietary;
  SourcePosition position;
};

struct EntryBuilder {
  std::optional<Decimal> amount;
  std::string_view currency, direction, status, reversal, reference, entry_reference;
  JoinedText additional;
  std::string_view domain, family, subfamily, proprietary;
  std::optional<Timestamp> booking, value;
  std::vector<TxDetails> details;
  SourcePosition position;

  // Empty again, keeping the details' storage (one builder serves every entry).
  void Reset() {
    std::vector<TxDetails> keep = std::move(details);
    keep.clear();
    *this = EntryBuilder();
    details = std::move(keep);
  }
};

struct BalanceBuilder {
  std::string_view type, direction, currency;
  std::optional<Decimal> amount;
  std::optional<Timestamp> day;
  SourcePosition position;
};

class CamtReader {
 public:
  // `split`: a large document's entries are parsed a window at a time (XmlDocument::Parse).
  // `fast`: windows are read by FastXmlReader where it can (else by pugixml); `stats` (may be
  // null) counts them.
  CamtReader(std::string_view bytes, const std::string& name, const formats_internal::XmlSplit& split, bool fast,
             formats_internal::CamtReadStats* stats)
      : bytes_(bytes), name_(name), split_(split), fast_(fast), stats_(stats) {}

  Result<ParsedStatements> Read();
  // The whole document read by FastXmlReader, without XmlDocument: nullopt when it gives up or
  // the read fails (then Read decides, with its refusals and messages).
  std::optional<Result<ParsedStatements>> ReadFast();

 private:
  using Node = pugi::xml_node;
  using enum Tag;
  // An element being read: a pugixml node, or (read by FastXmlReader) the offset in the text of
  // its start tag's '>'.
  struct Element {
    Node node;
    size_t close = 0;
    uint64_t line = 0;  // of that '>' (FastXmlReader counts them)
  };
  // FastXmlReader's handler over one window: the same Start and Close as the walk's.
  class FastWindow;
  uint64_t LineOf(const Element& e) { return NodeAccess::Record(e.node) != nullptr ? doc_->LineOf(e.node) : e.line; }
  Status Walk(Node element, int depth);
  Status WalkRun(int depth);
  // Read's and ReadFast's end: the document's checks and findings.
  Result<ParsedStatements> Finish();
  // Most elements open no scope: a frame, inline; the others through StartScope. The caller
  // then sets attr_ccy_ (the Ccy attribute of an Amt, else "").
  Status Start(const Element& element, Tag tag, std::string_view name) {
    if (tag >= kStmt && tag <= kFIToFIPmtStsRpt) return StartScope(element, tag, name);
    stack_.push_back({tag, Scope::kNone, stack_.empty() ? 0u : stack_.back().scoped});
    return Status::Ok();
  }
  Status StartScope(const Element& element, Tag tag, std::string_view name);
  // ReadFast, at an entry's start tag (`offset` in the text): when the statement's entries are
  // about to outgrow their vector, room for as many more as the rest of the text would hold at
  // the density read so far (Read reserves a run's count instead). Growing by doubling moved
  // every entry and faulted in twice its memory.
  void ReserveEntries(size_t offset) {
    std::vector<Entry>& entries = statement_->entries;
    if (entries.empty()) first_entry_offset_ = offset;
    if (entries.size() < 256 || entries.size() < entries.capacity() || offset <= first_entry_offset_) return;
    const size_t remaining = fast_text_size_ - std::min(offset, fast_text_size_);
    const double density = static_cast<double>(entries.size()) / static_cast<double>(offset - first_entry_offset_);
    entries.reserve(entries.size() + static_cast<size_t>(density * static_cast<double>(remaining) * 1.05) + 64);
  }
  Status End(Node element, bool saw_element, Node tail);
  // The end of an element whose text (the text after its last child element) is `text`:
  // `plain` as FastXmlEnd says; `keep`: the text's storage is reused before the entry ends.
  Status Close(const Element& element, std::string_view text, bool plain, bool keep);
  Status Leaf(const Element& element, Scope scope, std::string_view text);
  Status FinishBalance();
  Status FinishEntry();
  Status Malformed(uint64_t line, std::string_view field, std::string_view value,
                   std::string_view expected) const {
    return PositionError(name_, {line, 0}, field, value, expected);
  }
  Result<Decimal> Amount(std::string_view text, const Element& at, std::string_view field);
  Result<Timestamp> Day(std::string_view text, const Element& at, std::string_view field);
  // True when the path below the innermost scope is exactly `parts` ("RltdPties", "Dbtr", "Nm").
  template <typename... Parts>
  bool At(Parts... parts) const {
    if (path_size_ != sizeof...(Parts)) return false;
    const Frame* f = path_;
    return ((f++->tag == parts) && ...);
  }
  bool PartyField(std::string_view text, TxDetails& t) const;
  bool CodeField(std::string_view text, std::string_view& domain, std::string_view& family,
                 std::string_view& subfamily, std::string_view& proprietary) const;

  const formats_internal::TagClassifier tags_;
  const NodeAccess nodes_{formats_internal::NodeRecordsHold()};
  std::string_view bytes_;
  const std::string& name_;
  formats_internal::XmlSplit split_;
  bool fast_;
  formats_internal::CamtReadStats* stats_;
  formats_internal::FastXmlReader fast_reader_;
  Tag next_tag_[static_cast<size_t>(Tag::kCount)] = {};  // FastWindow: the tag seen after each tag last
  Tag last_tag_ = Tag::kOther;
  std::string_view fast_namespace_;  // ReadFast: the namespace of the kind element being started
  size_t fast_text_size_ = 0;        // ReadFast: the text's size
  size_t first_entry_offset_ = 0;    // ReadFast: where the statement's first entry starts
  size_t next_run_ = 0;
  std::unique_ptr<formats_internal::XmlDocument> doc_;
  ParsedStatements out_;
  std::vector<Frame> stack_;
  const Frame* path_ = nullptr;  // Leaf: the frames below the innermost scope
  size_t path_size_ = 0;
  std::string joined_;           // a leaf's text in several pieces (text, CDATA), joined
  std::string collapsed_;        // a leaf's text with its layout white space collapsed
  std::string_view attr_ccy_;    // the Ccy attribute of the element opened last, when an Amt
  Statement* statement_ = nullptr;
  EntryBuilder entry_;             // while in_entry_
  bool in_entry_ = false;
  std::optional<BalanceBuilder> balance_;
  std::deque<std::string> kept_;  // leaves' texts joined or collapsed, for the builders' views
  std::string description_;       // FinishEntry's scratch
  uint64_t not_booked_ = 0;
  std::string message_kind_;  // "053", "052", "054"
};

// libxml2's default limit (the reader this one replaced): deeper documents are refused.
constexpr int kMaxDepth = 256;

// The message's kind ("053") when `element` is its top element, "" otherwise.
std::string_view CamtKind(Tag element) {
  if (element == Tag::kBkToCstmrStmt) return "053";
  if (element == Tag::kBkToCstmrAcctRpt) return "052";
  if (element == Tag::kBkToCstmrDbtCdtNtfctn) return "054";
  return "";
}

Result<Decimal> CamtReader::Amount(std::string_view text, const Element& at, std::string_view field) {
  std::optional<Decimal> d = formats_internal::ParseUnsignedAmount(text, '.');
  if (!d) return Malformed(LineOf(at), field, text, "expected an amount: digits[.digits], at most 18 digits");
  return *d;
}

Result<Timestamp> CamtReader::Day(std::string_view text, const Element& at, std::string_view field) {
  std::optional<Timestamp> t = formats_internal::ParseIsoDay(text);
  if (!t) return Malformed(LineOf(at), field, text, "expected an ISO date YYYY-MM-DD[Thh:mm:ss]");
  return *t;
}

Status CamtReader::Walk(Node element, int depth) {
  if (depth > kMaxDepth) {
    return InvalidArgumentError(name_ + ":" + std::to_string(doc_->LineOf(element)) +
                                ": not well-formed XML: Excessive depth in document: " + std::to_string(kMaxDepth));
  }
  std::string_view local;
  const Tag tag = tags_.Classify(nodes_.Name(element), &local);
  if (tag == kRunMarker && doc_->runs() > 0) return WalkRun(depth);
  if (nodes_.HasAttributes(element)) MT_RETURN_IF_ERROR(doc_->CheckAttributes(element));
  MT_RETURN_IF_ERROR(Start(Element{element}, tag, local));
  attr_ccy_ = tag == kAmt ? std::string_view(element.attribute("Ccy").value()) : std::string_view();
  // End reads the text after the last child element (from `tail` on) only when it is a leaf
  // the reader may use.
  bool saw_element = false;
  Node tail;
  for (Node child = nodes_.FirstChild(element); !nodes_.Null(child); child = nodes_.NextSibling(child)) {
    switch (nodes_.Type(child)) {
      case pugi::node_element:
        MT_RETURN_IF_ERROR(Walk(child, depth + 1));
        saw_element = true;
        tail = Node();
        break;
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (nodes_.Null(tail)) tail = child;
        break;
      case pugi::node_comment:
        MT_RETURN_IF_ERROR(doc_->CheckComment(child));
        break;
      default:
        break;
    }
  }
  return End(element, saw_element, tail);
}

// FastXmlReader's handler: the walk's Start and Close. Over one window of a run (`whole`
// false), it gives up (the window is then read by pugixml) on the elements whose Start reads
// more than the tag (a message's kind and namespace) or is not an entry's. Over a whole document
// (`whole`), it keeps the namespace declarations in scope for the message's kind.
class CamtReader::FastWindow {
 public:
  FastWindow(CamtReader& reader, int depth, size_t base, bool whole)
      : r_(reader), depth_(depth), base_(base), whole_(whole) {}

  FastXmlStep Start(const FastXmlStart& tag) {
    if (depth_ + static_cast<int>(tag.depth) > kMaxDepth) return FastXmlStep::kGiveUp;
    std::string_view local;
    const Tag t = r_.tags_.Classify(tag.name, tag.padded, r_.next_tag_[static_cast<size_t>(r_.last_tag_)], &local);
    r_.next_tag_[static_cast<size_t>(r_.last_tag_)] = t;
    r_.last_tag_ = t;
    const bool kind = t == kBkToCstmrStmt || t == kBkToCstmrAcctRpt || t == kBkToCstmrDbtCdtNtfctn;
    if (!whole_ && (kind || t == kRunMarker || t == kFIToFICstmrCdtTrf || t == kFIToFIPmtStsRpt)) {
      return FastXmlStep::kGiveUp;
    }
    if (whole_) {
      for (size_t i = 0; i < tag.attribute_count; ++i) {
        const std::string_view n = tag.attributes[i].name;
        if (n == "xmlns" || n.substr(0, 6) == "xmlns:") namespaces_.push_back({tag.depth, n, tag.attributes[i].value});
      }
      // XmlDocument::NamespaceUri: the declaration of the element's prefix nearest to it.
      if (kind) {
        const size_t colon = tag.name.find(':');
        const std::string attribute =
            colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(tag.name.substr(0, colon));
        r_.fast_namespace_ = {};
        for (size_t i = namespaces_.size(); i-- > 0;) {
          if (namespaces_[i].attribute == attribute) {
            r_.fast_namespace_ = namespaces_[i].uri;
            break;
          }
        }
      }
      ++open_;
    }
    const FastXmlStep step = Step(r_.Start(Element{kNoNode, base_ + tag.close, tag.line}, t, local));
    r_.attr_ccy_ = t == kAmt ? tag.Attribute("Ccy") : std::string_view();
    return step;
  }
  FastXmlStep End(const FastXmlEnd& end) {
    if (whole_) {
      --open_;
      while (!namespaces_.empty() && namespaces_.back().depth >= open_) namespaces_.pop_back();
    }
    return Step(r_.Close(Element{kNoNode, base_ + end.close, end.line}, end.text, end.plain, end.owned));
  }
  Status status() const { return status_; }

 private:
  struct Namespace {
    size_t depth;  // of the element that declares it
    std::string_view attribute, uri;
  };
  // A null node without pugixml's constructor (a call into the shared library).
  static inline const Node kNoNode = NodeAccess::FromRecord(nullptr);
  FastXmlStep Step(Status s) {
    if (s.ok()) return FastXmlStep::kGo;
    status_ = std::move(s);
    return FastXmlStep::kStop;
  }
  CamtReader& r_;
  int depth_;
  size_t base_;
  bool whole_;
  size_t open_ = 0;  // whole_: the elements open
  std::vector<Namespace> namespaces_;
  Status status_;
};

// The entries of the next run, a window at a time, as if they stood where the marker is: each
// window by FastXmlReader where it can, else (it gave up: what it did is undone) by pugixml.
Status CamtReader::WalkRun(int depth) {
  const size_t run = next_run_++;
  if (run >= doc_->runs()) return InvalidArgumentError(name_ + ": the split did not hold (a marker too many)");
  if (statement_ != nullptr && !stack_.empty() && stack_.back().scope == Scope::kStatement) {
    statement_->entries.reserve(statement_->entries.size() + doc_->run_elements(run));
  }
  const auto walk = [&](Node window) -> Status {
    for (Node child = nodes_.FirstChild(window); !nodes_.Null(child); child = nodes_.NextSibling(child)) {
      if (nodes_.Type(child) == pugi::node_element) {
        MT_RETURN_IF_ERROR(Walk(child, depth));
      } else if (nodes_.Type(child) == pugi::node_comment) {
        MT_RETURN_IF_ERROR(doc_->CheckComment(child));
      }
    }
    return Status::Ok();
  };
  const std::string_view text = doc_->text();
  size_t begin = doc_->run_begin(run);
  for (const size_t end : doc_->run_cuts(run)) {
    if (stats_ != nullptr) ++stats_->windows;
    if (fast_ && !in_entry_ && !balance_) {
      const size_t stack = stack_.size();
      const size_t entries = statement_ != nullptr ? statement_->entries.size() : 0;
      const uint64_t not_booked = not_booked_;
      FastWindow handler(*this, depth, begin, false);
      const FastXmlOutcome outcome = fast_reader_.Read(text.substr(begin, end - begin), text.size() - begin,
                                                       doc_->split_name(), doc_->LineAtOffset(begin), handler);
      if (outcome == FastXmlOutcome::kStopped) return handler.status();
      if (outcome == FastXmlOutcome::kDone) {
        if (stats_ != nullptr) ++stats_->fast_windows;
        begin = end;
        continue;
      }
      // Undo the window's part: its frames, entries and count of entries not booked.
      if (stats_ != nullptr) stats_->gave_up = fast_reader_.why();
      stack_.resize(stack);
      if (statement_ != nullptr) statement_->entries.resize(entries);
      not_booked_ = not_booked;
      in_entry_ = false;
    }
    MT_RETURN_IF_ERROR(doc_->WalkWindow(begin, end, walk));
    begin = end;
  }
  doc_->ReleaseWindow();
  return Status::Ok();
}

Status CamtReader::StartScope(const Element& element, Tag tag, std::string_view name) {
  Scope scope = Scope::kNone;
  const Tag parent = stack_.empty() ? kOther : stack_.back().tag;
  // Start sends the tags from kStmt to kFIToFIPmtStsRpt here.
  static_assert(kStmt < kRpt && kRpt < kNtfctn && kNtfctn < kBal && kBal < kNtry && kNtry < kTxDtls &&
                kTxDtls < kBkToCstmrStmt && kBkToCstmrStmt < kBkToCstmrAcctRpt &&
                kBkToCstmrAcctRpt < kBkToCstmrDbtCdtNtfctn && kBkToCstmrDbtCdtNtfctn < kFIToFICstmrCdtTrf &&
                kFIToFICstmrCdtTrf < kFIToFIPmtStsRpt);
  if (!stack_.empty() && (tag == kStmt || tag == kRpt || tag == kNtfctn) && !CamtKind(parent).empty()) {
    out_.statements.emplace_back();
    statement_ = &out_.statements.back();
    statement_->position = {LineOf(element), 0};
    scope = Scope::kStatement;
  } else if (statement_ != nullptr && stack_.back().scope == Scope::kStatement && tag == kBal) {
    balance_.emplace();
    kept_.clear();
    balance_->position = {LineOf(element), 0};
    scope = Scope::kBalance;
  } else if (statement_ != nullptr && stack_.back().scope == Scope::kStatement && tag == kNtry) {
    if (doc_ == nullptr) ReserveEntries(element.close);
    entry_.Reset();
    in_entry_ = true;
    kept_.clear();
    entry_.position = {LineOf(element), 0};
    scope = Scope::kEntry;
  } else if (in_entry_ && tag == kTxDtls && parent == kNtryDtls) {
    entry_.details.emplace_back();
    entry_.details.back().position = {LineOf(element), 0};
    scope = Scope::kTransaction;
  } else if (std::string_view kind = CamtKind(tag); !kind.empty()) {
    message_kind_ = kind;
    const std::string variant(NodeAccess::Record(element.node) != nullptr
                                  ? formats_internal::XmlDocument::NamespaceUri(element.node)
                                  : fast_namespace_);
    const size_t at = variant.rfind(':');
    out_.variant = at != std::string::npos && variant.find("camt.") != std::string::npos
                       ? variant.substr(at + 1)
                       : "camt." + std::string(kind) + " (no version: namespace '" + variant + "')";
  } else if (tag == kFIToFICstmrCdtTrf) {
    return Malformed(LineOf(element), "element", name,
                     "a pacs payment message, not an account statement: read it with --format "
                     "pacs008 or auto (docs/format/camt.md)");
  } else if (tag == kFIToFIPmtStsRpt) {
    return Malformed(LineOf(element), "element", name,
                     "a pacs payment message, not an account statement: moneytrail reads "
                     "camt.052, camt.053 and camt.054 and pacs.008 (docs/format/camt.md)");
  }
  const uint32_t scoped = scope != Scope::kNone ? static_cast<uint32_t>(stack_.size() + 1)
                          : stack_.empty()        ? 0u
                                                  : stack_.back().scoped;
  stack_.push_back({tag, scope, scoped});
  return Status::Ok();
}

bool IsLayoutSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// std::string::find, without its memchr call per candidate first byte (glibc's memmem).
bool Contains(std::string_view text, std::string_view piece) {
  return memmem(text.data(), text.size(), piece.data(), piece.size()) != nullptr;
}

Status CamtReader::End(Node element, bool saw_element, Node tail) {
  std::string_view text;
  bool plain = true;
  if (stack_.back().scope == Scope::kNone && statement_ != nullptr && stack_.back().scoped > 0) {
    // The text: the element's own first piece unless a child element came after it, then
    // every text and CDATA piece after the last child element.
    if (nodes_.Null(tail)) {
      // One piece (a leaf, the common case): its length and whether it needs collapsing, in
      // one pass (the same test as below), sixteen bytes a step: a non-empty value may be
      // read past its end (XmlDocument::kPadding).
      const char* v = saw_element ? "" : nodes_.Value(element);
      if (v[0] != '\0') {
        const auto at = [v](size_t k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(v + k)); };
        const auto is = [](__m128i b, char c) { return _mm_cmpeq_epi8(b, _mm_set1_epi8(c)); };
        for (size_t n = 0;; n += 16) {
          const __m128i b = at(n);
          unsigned odd = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
              _mm_or_si128(is(b, '\t'), is(b, '\r')), _mm_or_si128(is(b, '\n'), _mm_and_si128(is(b, ' '), is(at(n + 1), ' '))))));
          const unsigned nul = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_setzero_si128())));
          if (nul != 0) {
            const unsigned end = static_cast<unsigned>(std::countr_zero(nul));
            odd &= (1u << end) - 1;
            text = std::string_view(v, n + end);
          }
          if (odd != 0) plain = false;
          if (nul != 0) break;
        }
        if (text.front() == ' ' || text.back() == ' ') plain = false;
      }
    } else {
      joined_.assign(saw_element ? "" : element.value());
      for (Node n = tail; n; n = n.next_sibling()) {
        if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) joined_ += n.value();
      }
      text = joined_;
      plain = text.empty() || (!IsLayoutSpace(text.front()) && !IsLayoutSpace(text.back()));
      for (size_t k = 0; plain && k < text.size(); ++k) {
        const char c = text[k];
        plain = c != '\t' && c != '\r' && c != '\n' && (c != ' ' || k + 1 == text.size() || text[k + 1] != ' ');
      }
    }
  }
  return Close(Element{element}, text, plain, !nodes_.Null(tail));  // joined_ is reused
}

Status CamtReader::Close(const Element& element, std::string_view text, bool plain, bool keep) {
  const Scope scope = stack_.back().scope;
  const size_t i = stack_.back().scoped;  // the frames from i on are below the innermost scope
  if (scope == Scope::kNone && statement_ != nullptr && i > 0) {
    // Line breaks and indentation inside a value are layout, not content: one space each.
    if (!plain) {
      collapsed_.clear();
      for (char c : text) {
        const bool space = IsLayoutSpace(c);
        if (space && (collapsed_.empty() || collapsed_.back() == ' ')) continue;
        collapsed_ += space ? ' ' : c;
      }
      text = formats_internal::TrimSpaces(collapsed_);
    }
    if (!text.empty()) {
      if (!plain || keep) text = kept_.emplace_back(text);  // collapsed_ is reused
      path_ = stack_.data() + i;
      path_size_ = stack_.size() - i;
      MT_RETURN_IF_ERROR(Leaf(element, stack_[i - 1].scope, text));
    }
  }
  stack_.pop_back();
  switch (scope) {
    case Scope::kBalance:
      MT_RETURN_IF_ERROR(FinishBalance());
      break;
    case Scope::kEntry:
      MT_RETURN_IF_ERROR(FinishEntry());
      break;
    case Scope::kStatement:
      // ReserveEntries guessed more than were read (other statements followed): give back.
      // (statement_ is null when a statement nested in this one ended first.)
      if (statement_ != nullptr && statement_->entries.capacity() > 2 * statement_->entries.size() + 1024) {
        statement_->entries.shrink_to_fit();
      }
      statement_ = nullptr;
      break;
    default:
      break;
  }
  return Status::Ok();
}

// Reads a party's name, account or agent below RltdPties / RltdAgts.
bool CamtReader::PartyField(std::string_view text, TxDetails& t) const {
  if (path_size_ < 3 || (path_[0].tag != kRltdPties && path_[0].tag != kRltdAgts)) return false;
  std::string_view* field = nullptr;
  if (At(kRltdPties, kDbtr, kNm) || At(kRltdPties, kDbtr, kPty, kNm) || At(kRltdPties, kUltmtDbtr, kNm) ||
      At(kRltdPties, kUltmtDbtr, kPty, kNm)) {
    field = &t.debtor;
  } else if (At(kRltdPties, kDbtrAcct, kId, kIBAN) || At(kRltdPties, kDbtrAcct, kId, kOthr, kId)) {
    field = &t.debtor_account;
  } else if (At(kRltdPties, kCdtr, kNm) || At(kRltdPties, kCdtr, kPty, kNm) ||
             At(kRltdPties, kUltmtCdtr, kNm) || At(kRltdPties, kUltmtCdtr, kPty, kNm)) {
    field = &t.creditor;
  } else if (At(kRltdPties, kCdtrAcct, kId, kIBAN) || At(kRltdPties, kCdtrAcct, kId, kOthr, kId)) {
    field = &t.creditor_account;
  } else if (At(kRltdAgts, kDbtrAgt, kFinInstnId, kBIC) || At(kRltdAgts, kDbtrAgt, kFinInstnId, kBICFI)) {
    field = &t.debtor_agent;
  } else if (At(kRltdAgts, kCdtrAgt, kFinInstnId, kBIC) || At(kRltdAgts, kCdtrAgt, kFinInstnId, kBICFI)) {
    field = &t.creditor_agent;
  } else {
    return false;
  }
  if (field->empty()) *field = text;  // the first name given wins (Dbtr before UltmtDbtr)
  return true;
}

// Bank transaction code parts, for an entry or its details.
bool CamtReader::CodeField(std::string_view text, std::string_view& domain, std::string_view& family,
                           std::string_view& subfamily, std::string_view& proprietary) const {
  if (At(kBkTxCd, kDomn, kCd)) domain = text;
  else if (At(kBkTxCd, kDomn, kFmly, kCd)) family = text;
  else if (At(kBkTxCd, kDomn, kFmly, kSubFmlyCd)) subfamily = text;
  else if (At(kBkTxCd, kPrtry, kCd)) proprietary = text;
  else return false;
  return true;
}

Status CamtReader::Leaf(const Element& element, Scope scope, std::string_view text) {
  switch (scope) {
    case Scope::kStatement:
      if (At(kId)) statement_->id = text;
      else if (At(kAcct, kId, kIBAN) || At(kAcct, kId, kOthr, kId)) statement_->account = text;
      else if (At(kAcct, kCcy)) statement_->currency = text;
      else if (At(kAcct, kSvcr, kFinInstnId, kBIC) || At(kAcct, kSvcr, kFinInstnId, kBICFI)) statement_->account_bank = text;
      else if (At(kFrToDt, kFrDtTm)) { MT_ASSIGN_OR_RETURN(statement_->period_start, Day(text, element, "FrToDt/FrDtTm")); }
      else if (At(kFrToDt, kToDtTm)) { MT_ASSIGN_OR_RETURN(statement_->period_end, Day(text, element, "FrToDt/ToDtTm")); }
      return Status::Ok();
    case Scope::kBalance: {
      BalanceBuilder& b = *balance_;
      if (At(kTp, kCdOrPrtry, kCd) || At(kTp, kCdOrPrtry, kPrtry)) b.type = text;
      else if (At(kAmt)) {
        MT_ASSIGN_OR_RETURN(b.amount, Amount(text, element, "Bal/Amt"));
        b.currency = attr_ccy_;
      } else if (At(kCdtDbtInd)) b.direction = text;
      else if (At(kDt, kDt) || At(kDt, kDtTm)) { MT_ASSIGN_OR_RETURN(b.day, Day(text, element, "Bal/Dt")); }
      return Status::Ok();
    }
    case Scope::kEntry: {
      EntryBuilder& e = entry_;
      if (At(kAmt)) {
        MT_ASSIGN_OR_RETURN(e.amount, Amount(text, element, "Ntry/Amt"));
        e.currency = attr_ccy_;
      } else if (At(kCdtDbtInd)) e.direction = text;
      else if (At(kRvslInd)) e.reversal = text;
      else if (At(kSts) || At(kSts, kCd)) e.status = text;
      else if (At(kBookgDt, kDt) || At(kBookgDt, kDtTm)) { MT_ASSIGN_OR_RETURN(e.booking, Day(text, element, "Ntry/BookgDt")); }
      else if (At(kValDt, kDt) || At(kValDt, kDtTm)) { MT_ASSIGN_OR_RETURN(e.value, Day(text, element, "Ntry/ValDt")); }
      else if (At(kAcctSvcrRef)) e.reference = text;
      else if (At(kNtryRef)) e.entry_reference = text;
      else if (At(kAddtlNtryInf)) e.additional.Append(text);
      else CodeField(text, e.domain, e.family, e.subfamily, e.proprietary);
      return Status::Ok();
    }
    case Scope::kTransaction: {
      TxDetails& t = entry_.details.back();
      if (At(kAmt) || At(kAmtDtls, kTxAmt, kAmt)) {
        MT_ASSIGN_OR_RETURN(t.amount, Amount(text, element, "TxDtls/Amt"));
      } else if (At(kCdtDbtInd)) t.direction = text;
      else if (At(kRefs, kAcctSvcrRef)) t.reference = text;
      else if (At(kRefs, kEndToEndId)) { if (text != "NOTPROVIDED") t.end_to_end = text; }
      else if (At(kRmtInf, kUstrd)) t.remittance.Append(text);
      else if (At(kRmtInf, kStrd, kCdtrRefInf, kRef)) t.remittance.Append(text);
      else if (At(kAddtlTxInf)) t.additional.Append(text);
      else if (!PartyField(text, t)) CodeField(text, t.domain, t.family, t.subfamily, t.proprietary);
      return Status::Ok();
    }
    case Scope::kNone:
      return Status::Ok();
  }
  return Status::Ok();
}

Status CamtReader::FinishBalance() {
  BalanceBuilder b = std::move(*balance_);
  balance_.reset();
  const uint64_t line = b.position.line;
  // A statement nested inside this balance (Bal > BkToCstmrStmt > Stmt) ended first and took
  // the statement this balance belongs to with it (fuzz_camt's finding; the reference reader
  // dereferenced a null pointer here too).
  if (statement_ == nullptr) return Malformed(line, "Bal", "", "expected no statement (Stmt, Rpt, Ntfctn) inside a balance");
  if (b.type.empty()) return Malformed(line, "Bal/Tp/CdOrPrtry/Cd", "", "expected the balance type (OPBD, CLBD...)");
  if (!b.amount) return Malformed(line, "Bal/Amt", "", "expected the balance amount");
  if (b.direction != "CRDT" && b.direction != "DBIT") {
    return Malformed(line, "Bal/CdtDbtInd", b.direction, "expected CRDT or DBIT");
  }
  Balance balance;
  balance.type.assign(b.type);
  balance.amount = b.direction == "DBIT" ? formats_internal::Negated(*b.amount) : *b.amount;
  balance.day = b.day.value_or(0);
  balance.position = b.position;
  if (statement_->currency.empty()) statement_->currency = b.currency;
  // Opening: OPBD, else the previous closing PRCD; closing: CLBD, else the interim ITBD.
  if (b.type == "OPBD" || (b.type == "PRCD" && !statement_->opening)) {
    if (statement_->opening && statement_->opening->type == "PRCD") {
      statement_->other_balances.push_back(*statement_->opening);
    }
    if (statement_->opening && b.type == "PRCD") {
      statement_->other_balances.push_back(balance);
    } else {
      statement_->opening = balance;
    }
  } else if (b.type == "CLBD" || (b.type == "ITBD" && (!statement_->closing || statement_->closing->type == "ITBD"))) {
    if (statement_->closing) statement_->other_balances.push_back(*statement_->closing);
    statement_->closing = balance;
  } else {
    statement_->other_balances.push_back(balance);
  }
  return Status::Ok();
}

Status CamtReader::FinishEntry() {
  EntryBuilder& e = entry_;  // reset when the next entry starts
  in_entry_ = false;
  const uint64_t line = e.position.line;
  // As in FinishBalance: a statement nested inside this entry ended first.
  if (statement_ == nullptr) return Malformed(line, "Ntry", "", "expected no statement (Stmt, Rpt, Ntfctn) inside an entry");
  if (!e.status.empty() && e.status != "BOOK") {
    ++not_booked_;  // pending or information-only: not on the ledger (counted in findings)
    return Status::Ok();
  }
  if (!e.amount) return Malformed(line, "Ntry/Amt", "", "expected the entry's amount");
  if (e.direction != "CRDT" && e.direction != "DBIT") {
    return Malformed(line, "Ntry/CdtDbtInd", e.direction, "expected CRDT or DBIT");
  }
  if (!e.booking && !e.value) return Malformed(line, "Ntry/BookgDt", "", "expected a booking or value date");
  const bool debit = e.direction == "DBIT";
  // Several transactions in one entry (a batch) become one entry each when their amounts add up
  // exactly to the entry's; otherwise the entry is kept whole (its details named in its text).
  bool split = e.details.size() > 1;
  if (split) {
    DecimalSum sum;
    for (const TxDetails& t : e.details) {
      if (!t.amount || (!t.direction.empty() && t.direction != e.direction) || !sum.Add(*t.amount).ok()) {
        split = false;
        break;
      }
    }
    if (split) split = sum.Subtract(*e.amount).ok() && sum.raw_units() == 0;
  }
  if (e.details.empty()) e.details.emplace_back();
  const size_t n = split ? e.details.size() : 1;
  for (size_t i = 0; i < n; ++i) {
    const TxDetails& t = e.details[i];
    Entry& out = statement_->entries.emplace_back();
    out.booking_date = e.booking.value_or(e.value.value_or(0));
    out.value_date = e.value;
    Decimal magnitude = split ? *t.amount : *e.amount;
    // A reversal (RvslInd true) is booked on the opposite side of the original: its
    // CdtDbtInd already says which way the money moved, so the sign follows CdtDbtInd.
    out.amount = debit ? formats_internal::Negated(magnitude) : magnitude;
    out.reversal = e.reversal == "true" || e.reversal == "1";
    if (e.currency.empty()) {
      out.currency = statement_->currency;
    } else {
      out.currency.assign(e.currency);
    }
    // The other end: the creditor of money out, the debtor of money in.
    const std::string_view name = debit ? t.creditor : t.debtor;
    out.counterparty_name.assign(name);
    out.counterparty_account.assign(debit ? t.creditor_account : t.debtor_account);
    out.counterparty_bank.assign(debit ? t.creditor_agent : t.debtor_agent);
    std::string& text = description_;
    text.assign(t.remittance.view());
    formats_internal::AppendWithSpace(text, t.additional.view());
    if (!split) formats_internal::AppendWithSpace(text, e.additional.view());
    if (!split && e.details.size() > 1) {
      formats_internal::AppendWithSpace(text, "(batch of " + std::to_string(e.details.size()) + " transactions)");
    }
    if (!name.empty() && !Contains(text, name)) {
      const std::string_view prefix = debit ? "TO " : "FROM ";
      out.description.reserve(prefix.size() + name.size() + 1 + text.size());
      out.description.append(prefix).append(name);
      if (!text.empty()) out.description.append(" ").append(text);
    } else {
      out.description.assign(text);
    }
    out.reference.assign(!t.reference.empty() ? t.reference : !e.reference.empty() ? e.reference
                         : !t.end_to_end.empty() ? t.end_to_end : e.entry_reference);
    const bool own_code = !t.domain.empty() || !t.proprietary.empty();
    const std::string_view domain = own_code ? t.domain : e.domain;
    const std::string_view family = own_code ? t.family : e.family;
    const std::string_view subfamily = own_code ? t.subfamily : e.subfamily;
    const std::string_view proprietary = own_code ? t.proprietary : e.proprietary;
    if (!domain.empty()) {
      out.bank_code.reserve(domain.size() + family.size() + subfamily.size() + 2);
      out.bank_code.append(domain).append("/").append(family).append("/").append(subfamily);
    } else {
      out.bank_code.assign(proprietary);
    }
    out.channel = formats_internal::CamtChannel(domain, family, subfamily, proprietary);
    out.position = split ? t.position : e.position;
  }
  return Status::Ok();
}

Result<ParsedStatements> CamtReader::Read() {
  out_.format = StatementFormat::kCamt;
  MT_ASSIGN_OR_RETURN(doc_, formats_internal::XmlDocument::Parse(bytes_, name_, "a camt document", split_));
  for (Node top = doc_->root().first_child(); top; top = top.next_sibling()) {
    if (top.type() == pugi::node_element) MT_RETURN_IF_ERROR(Walk(top, 1));
  }
  if (next_run_ != doc_->runs()) return InvalidArgumentError(name_ + ": the split did not hold (a run not reached)");
  return Finish();
}

std::optional<Result<ParsedStatements>> CamtReader::ReadFast() {
  out_.format = StatementFormat::kCamt;
  size_t content = 0;
  const std::optional<std::string_view> text = formats_internal::PlainXmlText(bytes_, name_, &content);
  if (!text) return std::nullopt;
  fast_text_size_ = text->size();
  FastWindow handler(*this, 1, content, true);
  const uint64_t first_line = formats_internal::LineCursor(*text).LineAt(content);
  if (fast_reader_.Read(text->substr(content), text->size() - content, "", first_line, handler) !=
      FastXmlOutcome::kDone) {
    if (stats_ != nullptr) stats_->gave_up_whole = fast_reader_.why();
    return std::nullopt;
  }
  Result<ParsedStatements> result = Finish();
  if (!result.ok()) return std::nullopt;
  return result;
}

Result<ParsedStatements> CamtReader::Finish() {
  const bool saw_kind = !message_kind_.empty();
  if (!saw_kind) {
    return InvalidArgumentError(name_ + ": not a camt.052/053/054 document: no BkToCstmrStmt, "
                                "BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn element");
  }
  if (out_.statements.empty()) {
    return InvalidArgumentError(name_ + ": a camt." + message_kind_ + " document with no statement (Stmt/Rpt/Ntfctn)");
  }
  for (Statement& s : out_.statements) {
    // A notification (camt.054) may name no currency but its entries'.
    if (s.currency.empty() && !s.entries.empty()) s.currency = s.entries.front().currency;
    if (s.account.empty()) {
      return Malformed(s.position.line, "Acct/Id", "", "expected the account (IBAN or Othr/Id)");
    }
  }
  if (not_booked_ > 0) {
    out_.findings.push_back(name_ + ": " + std::to_string(not_booked_) +
                            " entries not booked (Sts other than BOOK) are not on the ledger");
  }
  // No SanitizeTexts: XmlDocument admitted only UTF-8 XML characters, references decode to
  // them, and the reader only joins texts and collapses ASCII white space (fuzz_camt checks
  // the promise). A finding names the file, whose name may be anything.
  for (std::string& f : out_.findings) {
    if (!formats_internal::IsValidUtf8(f)) f = formats_internal::SanitizeUtf8(f);
  }
  CheckDeclaredBalances(name_, out_);
  return std::move(out_);
}

}  // namespace

Result<ParsedStatements> ParseCamt(std::string_view bytes, const std::string& name) {
  return formats_internal::ParseCamtSplit(bytes, name, formats_internal::XmlSplit{"Ntry"},
                                          formats_internal::CamtFast::kWhole, nullptr);
}

}  // namespace moneytrail::formats

namespace moneytrail::formats_internal {

Result<formats::ParsedStatements> ParseCamtSplit(std::string_view bytes, const std::string& name,
                                                 const XmlSplit& split, CamtFast fast, CamtReadStats* stats) {
  if (fast == CamtFast::kWhole) {
    formats::CamtReader reader(bytes, name, split, true, stats);
    if (std::optional<Result<formats::ParsedStatements>> result = reader.ReadFast()) {
      if (stats != nullptr) stats->whole_fast = true;
      return std::move(*result);
    }
  }
  formats::CamtReader reader(bytes, name, split, fast != CamtFast::kOff, stats);
  Result<formats::ParsedStatements> result = reader.Read();
  if (!result.ok() && !split.element.empty() && bytes.size() > split.above) {
    // An error, or a split that did not hold: the whole document decides (its first error, as
    // the streaming reader reported it).
    if (stats != nullptr) stats->whole_again = true;
    formats::CamtReader whole(bytes, name, XmlSplit{}, fast != CamtFast::kOff, stats);
    return whole.Read();
  }
  return result;
}

}  // namespace moneytrail::formats_internal

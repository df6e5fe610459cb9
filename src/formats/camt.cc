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

#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "camt_reader.h"

namespace moneytrail::formats {
namespace camt_reader {

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

}  // namespace camt_reader

Result<ParsedStatements> ParseCamt(std::string_view bytes, const std::string& name) {
  return formats_internal::ParseCamtSplit(bytes, name, formats_internal::XmlSplit{"Ntry"},
                                          formats_internal::CamtFast::kWhole, nullptr);
}

}  // namespace moneytrail::formats

namespace moneytrail::formats_internal {

Result<formats::ParsedStatements> ParseCamtSplit(std::string_view bytes, const std::string& name,
                                                 const XmlSplit& split, CamtFast fast, CamtReadStats* stats) {
  if (fast == CamtFast::kWhole) {
    formats::camt_reader::CamtReader reader(bytes, name, split, true, stats);
    if (std::optional<Result<formats::ParsedStatements>> result = reader.ReadFast()) {
      if (stats != nullptr) stats->whole_fast = true;
      return std::move(*result);
    }
  }
  formats::camt_reader::CamtReader reader(bytes, name, split, fast != CamtFast::kOff, stats);
  Result<formats::ParsedStatements> result = reader.Read();
  if (!result.ok() && !split.element.empty() && bytes.size() > split.above) {
    // An error, or a split that did not hold: the whole document decides (its first error, as
    // the streaming reader reported it).
    if (stats != nullptr) stats->whole_again = true;
    formats::camt_reader::CamtReader whole(bytes, name, XmlSplit{}, fast != CamtFast::kOff, stats);
    return whole.Read();
  }
  return result;
}

}  // namespace moneytrail::formats_internal


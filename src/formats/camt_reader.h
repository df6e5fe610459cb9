// Internal to src/formats: the camt reader's types (scopes, frames, the entry and balance
// builders, CamtReader), shared by camt.cc (the walk: elements to scopes, in pugixml's tree or
// FastXmlReader's tokens) and camt_fields.cc (leaves to fields, and the finished balances and
// entries). formats::ParseCamt (moneytrail/formats.h) is the interface.
#ifndef MONEYTRAIL_SRC_FORMATS_CAMT_READER_H_
#define MONEYTRAIL_SRC_FORMATS_CAMT_READER_H_

#include <pugixml.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "camt_internal.h"
#include "camt_tags.h"
#include "format_util.h"
#include "moneytrail/formats.h"
#include "xml_document.h"
#include "xml_fast.h"
#include "xml_node_access.h"

namespace moneytrail::formats::camt_reader {


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

// std::string::find, without its memchr call per candidate first byte (glibc's memmem).
bool Contains(std::string_view text, std::string_view piece);

}  // namespace moneytrail::formats::camt_reader

#endif  // MONEYTRAIL_SRC_FORMATS_CAMT_READER_H_

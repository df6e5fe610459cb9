// Internal: the Ingester, which reads source files into a store writer's pending segment.
// ingest.cc holds the fast path (transfer lists: IBM, AMLSim, native and plain mapped files,
// parsed in parallel chunks) and the account files; statement_ingest.cc holds the statement
// path (banners, header patterns, encodings, skipped lines), which collects the accepted rows
// of every statement file of one ingest call and appends them in AppendStatementRows.
#ifndef MONEYTRAIL_SRC_IO_INGESTER_H_
#define MONEYTRAIL_SRC_IO_INGESTER_H_

#include <array>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <iterator>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/enrich.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"
#include "row_parser.h"
#include "row_spec.h"
#include "statement_compact.h"
#include "statement_row.h"

namespace moneytrail::io_internal {

// Values read from one statement file's banner ([banner] of the mapping); empty/nullopt when
// the mapping has no pattern for them.
struct StatementBanner {
  std::string statement_account;
  std::string holder;
  uint64_t holder_line = 0;  // the banner line `holder` was read from (0: none)
  std::optional<Timestamp> period_start, period_end;
  std::optional<Decimal> opening_balance, closing_balance;
  std::vector<std::string> lines;  // the banner lines as read (decoded, line ends removed)
};

// One statement file, read and checked, whose accepted rows wait for AppendStatementRows.
// Not movable once rows are read (rows and details hold views into `text` and `arena`): own
// it through a unique_ptr.
struct StatementFile {
  std::filesystem::path path;
  RowSpec spec;               // the mapping chosen for it, with the banner's account as a constant
  // The original bytes (custody hashes these): a small file's are read into `read_bytes`
  // (no mapping to set up and tear down per file), a larger file is mapped (`file`).
  MappedFile file;
  std::vector<char> read_bytes;
  std::string_view bytes;
  std::string decoded;        // the text decoded to UTF-8 when the encoding is not utf-8
  std::string_view text;      // what was parsed: `decoded` or the file's bytes after a BOM
  // A text PDF (formats::ReadPdfAsText): the emitted line each page starts on, so that a line
  // of `text` is cited as a page and line (formats::PdfCitation); empty for other files.
  std::vector<uint64_t> pdf_page_first_line;
  // A text PDF read with a statement template: the first carried-forward balance's text and
  // emitted line (formats::PdfText::opening_balance), the opening balance when the banner has
  // none; else "" and 0.
  std::string pdf_opening_balance;
  uint64_t pdf_opening_balance_line = 0;
  std::string sha256;         // of the original bytes
  StatementBanner banner;
  uint64_t header_line = 0;   // 0 when the file has no header
  // Accepted rows, in file order: each the ledger row and its statement facts, kept compact
  // until the append (statement_compact.h; rows.Get(i, row, detail) gives them back).
  CompactRows rows;
  std::deque<std::string> arena;  // text the rows' views point to that is not in `text`
  // The last strings the enrichment kept in `arena` (statement_reconcile.cc): the same text
  // kept again (a file's rows repeat their branch, city, region, country and beneficiary) is
  // a view of the copy already kept, not another copy.
  std::array<std::string_view, 8> kept_recently{};
  uint8_t kept_next = 0;
  std::vector<RejectedRow> rejects;
  uint64_t rows_read = 0;
  uint64_t lines = 0;          // physical lines after the header
  uint64_t lines_skipped = 0;  // by skip_patterns (and blank lines at the end)
  uint64_t lines_rejected = 0;
  // A later statement of the same source file as the previous StatementFile (a camt or MT940
  // file holding several statements, statement_formats.h): its rows join the previous one's
  // custody record, and its counts add to it.
  bool continues_previous = false;
  // Once its rows are in the store (AppendStatementRows), the file's bytes and text are given
  // back: `text_released` is then true, and the rows' views of the text (description,
  // counterparty, ...) must no longer be read; their scalars (time, line, balance) and what
  // they keep in `arena` stay. `first_currency` is the first row's currency, kept for
  // SetOpeningBalances.
  bool text_released = false;
  std::string first_currency;
  StatementFile() = default;
  StatementFile(const StatementFile&) = delete;
  StatementFile& operator=(const StatementFile&) = delete;
};

// One source file opened once for both the choice of its mapping and its reading: its bytes
// are mapped once and its text decoded at most once per encoding tried (the first kFitBytes
// for the choice; a file no longer than that is decoded whole, and reading it reuses that
// text). Trying N mappings on a file thus costs one open and one decode per distinct
// encoding, not N opens and N decodes. Not thread-safe; one probe per file.
class SourceProbe {
 public:
  // Mapping selection reads at most this much of each file.
  static constexpr size_t kFitBytes = 256 * 1024;
  // A file up to this size is read into memory rather than mapped.
  static constexpr size_t kReadBytes = 1024 * 1024;

  explicit SourceProbe(std::filesystem::path path) : path_(std::move(path)) {}
  SourceProbe(const SourceProbe&) = delete;
  SourceProbe& operator=(const SourceProbe&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The text of the file as UTF-8 in `spec`'s encoding (as OpenText): its first kFitBytes
  // bytes when `whole` is false, else all of it. The view stays valid until Take or the
  // probe's end. Errors as OpenText's, the same for every call with the same encoding.
  Status Text(const RowSpec& spec, bool whole, std::string_view& text);
  // Moves the bytes and the whole text in `spec`'s encoding into `sf` (its file or
  // read_bytes, bytes, decoded and text). The probe is spent afterwards.
  Status Take(const RowSpec& spec, StatementFile& sf);

 private:
  struct Decoded {
    std::string encoding;
    bool whole = false;
    Status status;
    std::string decoded;      // empty for utf-8 (the text is in the mapped file)
    size_t text_offset = 0;   // where the text starts in `decoded` or the mapped bytes
    size_t text_size = 0;
    std::vector<uint64_t> pdf_page_first_line;  // a PDF's (StatementFile's field)
    std::string pdf_opening_balance;            // a PDF template's (StatementFile's field)
    uint64_t pdf_opening_balance_line = 0;
  };
  Status Open();
  // spec.encoding, or for an .xlsx file the key of its CSV text ("xlsx:" delimiter sheet), for
  // a text PDF the key of its text ("pdf:" delimiter header pattern, and its template's key).
  std::string EncodingOf(const RowSpec& spec) const;
  std::filesystem::path path_;
  bool opened_ = false;
  Status open_status_;
  MappedFile file_;              // a file over kReadBytes
  std::vector<char> read_bytes_;  // else its bytes
  std::string_view bytes_;       // the file's bytes, in one or the other
  std::vector<std::unique_ptr<Decoded>> decoded_;
};

// Where a file's header is and what its banner says.
struct HeaderLocation {
  size_t header_offset = 0;   // byte offset of the header line (or of the body, no header)
  uint64_t header_line = 1;   // its physical line
};

// Opens `path` and gives its text as UTF-8 in `text`: the bytes after a UTF-8 BOM, or (for a
// declared encoding) `decoded`. At most `max_bytes` are read. NotFound, or InvalidArgument for
// a directory, an empty file, NUL bytes near the start of undeclared UTF-8 text.
Status OpenText(const std::filesystem::path& path, const RowSpec& spec, MappedFile& file,
                std::string& decoded, std::string_view& text, size_t max_bytes);

// Finds the header (header_pattern, else after skip_lines lines) in `text`. `name` is for
// messages. NotFound-like InvalidArgument when no line matches the pattern.
Result<HeaderLocation> LocateHeader(const RowSpec& spec, std::string_view text,
                                    const std::string& name);
// Reads the banner values of `spec` from the lines before `location`. InvalidArgument naming
// the field and pattern when a pattern matches no banner line or its value does not parse.
Result<StatementBanner> ReadBanner(const RowSpec& spec, std::string_view text,
                                   const HeaderLocation& location, const std::string& name);
// What MappingMisfit found in a file that a mapping fits, so that ReadStatementFile takes it
// rather than finding it again (the header pattern and every banner pattern are RE2 passes
// over the banner lines, and the mapping's copy with its columns resolved is ~3 KB: per file,
// these were a tenth of statement intake's CPU, bench/RESULTS-statements.md "Session 14").
// Valid only for the text it was found in: ReadStatementFile takes it only when the text it
// reads is that very text (same bytes at the same address and size: a file no longer than
// SourceProbe::kFitBytes), else finds them again.
struct MappingFit {
  const char* text_data = nullptr;  // the text the fit was found in
  size_t text_size = 0;
  HeaderLocation location;
  StatementBanner banner;
  // The mapping with its columns' indexes from the header (ResolveHeader), when the mapping
  // names its header (exact_header or columns by name); nullopt when there was nothing to
  // resolve. The banner's statement account is not yet set in it.
  std::optional<RowSpec> resolved;
};

// Empty when `spec` fits the file of `probe` (its header is found among its first lines and
// has every named column, and every banner pattern finds its value); else why not, in one
// line. Reads only the probe's first kFitBytes. When it fits and `fit` is not null, fills
// `*fit` (for ReadStatementFile).
std::string MappingMisfit(const RowSpec& spec, SourceProbe& probe, MappingFit* fit = nullptr);
// The same for the file at `path` (opens it).
std::string MappingMisfit(const RowSpec& spec, const std::filesystem::path& path);

// Byte checks of one raw record: valid UTF-8 and no NUL (skipped when `known_clean`), and no
// field over kMaxFieldBytes. On failure fills `reject` (except file and line), returns false.
bool CheckRecordBytes(std::string_view raw, const std::vector<std::string_view>& fields,
                      bool known_clean, RejectedRow& reject);
// Bounds a reject's value and reason for messages and the reject file (QuoteForMessage).
void BoundReject(RejectedRow& reject);

// A grammar file read and compiled ahead of the statement checks (LoadGrammars,
// statement_reconcile.h): the compiled grammar and the file's bytes (for its SHA-256).
struct LoadedGrammar {
  Result<enrich::Grammar> grammar;
  Result<std::string> text;
};
using LoadedGrammars = std::map<std::string, LoadedGrammar>;

class Ingester {
 public:
  Ingester(store::StoreWriter& writer, const IngestOptions& options, size_t threads)
      : writer_(writer), options_(options), threads_(threads) {}

  // Fast path: parses and appends the file's rows now.
  Status IngestFile(const std::filesystem::path& path, RowSpec spec, IngestReport& report,
                    uint64_t& rejected_total);

  // Starts reading and compiling the grammar files of the statement mappings in `specs` on
  // another thread (with two threads or more), for AppendStatementRows; the same grammars as
  // it would load itself, so nothing else changes.
  void PreloadGrammars(const std::vector<RowSpec>& specs);

  // Statement path, first half: reads, decodes and checks one file with `spec` (REQUIRES:
  // spec.statement_path()); appends nothing. Errors as for Ingest (the file is refused).
  // Thread-safe: reads only the options, so many files may be read at once.
  Result<std::unique_ptr<StatementFile>> ReadStatementFile(const std::filesystem::path& path,
                                                           const RowSpec& spec);
  // The same for the file of `probe` (whose mapping was chosen with it): its bytes and decoded
  // text are taken from the probe, not read again. The probe is spent afterwards. `fit`
  // (nullable): what MappingMisfit(spec, probe, fit) found; taken (moved from) when it was
  // found in the text read here, which gives the same file as without it.
  Result<std::unique_ptr<StatementFile>> ReadStatementFile(SourceProbe& probe,
                                                           const RowSpec& spec,
                                                           MappingFit* fit = nullptr);
  // Statement path, second half: the one place where the accepted statement rows of all the
  // files of one ingest call reach the store writer, in file order, with a custody record per
  // file; then sets opening balances from the banners (docs/format/mapping.md). The statement
  // checks and the description enrichment plug in here (see the comments in the body).
  Status AppendStatementRows(std::vector<std::unique_ptr<StatementFile>>& files,
                             IngestReport& report, uint64_t& rejected_total);

  // A rejected row of an account file: 1-based column and reason.
  struct AccountReject {
    int column = 0;
    std::string reason;
  };
  Status IngestAccountFile(
      const std::filesystem::path& path, const std::vector<std::string_view>& header,
      std::string_view format, IngestReport& report, uint64_t& rejected_total,
      const std::function<Result<std::optional<AccountReject>>(const std::vector<std::string_view>&)>& row);
  // A native balances.csv (bank,account,currency,balance): opening balances.
  Status IngestBalances(const std::filesystem::path& path, IngestReport& report,
                        uint64_t& rejected_total);
  Status IngestAmlsimLabels(const std::filesystem::path& path, IngestReport& report,
                            uint64_t& rejected_total);

 private:
  // Appends `rows`; their lines are numbered `line_shift` below the true ones.
  Status Merge(const std::vector<StagedRow>& rows, uint32_t source_index, uint64_t line_shift,
               const std::string& file);
  // Currencies are few: a small linear cache in front of the dictionary.
  // In front of that, a direct-mapped memo by (length, first and last byte): one compare for
  // the usual currency instead of a scan (the scan was 2-3% of the ingest's CPU).
  Result<uint16_t> Currency(std::string_view name) {
    CurrencySlot* slot = nullptr;
    if (!name.empty()) {
      slot = &currency_slots_[(name.size() * 37 + static_cast<unsigned char>(name[0]) * 7 +
                               static_cast<unsigned char>(name.back())) %
                              std::size(currency_slots_)];
      if (slot->used && ShortBytesEqual(slot->name, name)) return slot->id;
    }
    uint16_t found = 0;
    bool cached = false;
    for (const auto& [text, id] : currency_cache_) {
      if (ShortBytesEqual(text, name)) {
        found = id;
        cached = true;
        break;
      }
    }
    if (!cached) {
      MT_ASSIGN_OR_RETURN(found, writer_.InternCurrency(name));
      if (currency_cache_.size() < 64) currency_cache_.emplace_back(std::string(name), found);
    }
    if (slot != nullptr && !slot->used) {
      slot->name = std::string(name);
      slot->id = found;
      slot->used = true;
    }
    return found;
  }
  Status BeginFile(const std::filesystem::path& path, MappedFile& file, std::string_view& data);
  // The file-level outcome checks (docs/format/mapping.md, "Integrity"): a file with rows of
  // which none is accepted, or whose rejected rows cover more than max_reject_share of its
  // lines, fails the ingest.
  Status CheckFileOutcome(const std::string& name, uint64_t rows_read, uint64_t rows_accepted,
                          uint64_t lines, uint64_t lines_rejected,
                          const std::vector<RejectedRow>& rejects) const;
  Status FinishFile(const std::filesystem::path& path, uint64_t bytes, std::string sha256,
                    store::SourceRecord record, const std::vector<RejectedRow>& rejects,
                    IngestReport& report, uint64_t& rejected_total,
                    const std::string* absolute_path = nullptr);
  // Sets the opening balance of each statement account from the banner of its earliest file
  // in `files`, unless the account already has one.
  Status SetOpeningBalances(const std::vector<std::unique_ptr<StatementFile>>& files);

  store::StoreWriter& writer_;
  const IngestOptions& options_;
  size_t threads_;
  // The statement mappings' grammar files, loading on another thread (PreloadGrammars).
  std::future<LoadedGrammars> grammars_;
  std::vector<std::pair<std::string, uint16_t>> currency_cache_;
  struct CurrencySlot {
    std::string name;
    uint16_t id = 0;
    bool used = false;
  };
  CurrencySlot currency_slots_[64];
};

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_INGESTER_H_

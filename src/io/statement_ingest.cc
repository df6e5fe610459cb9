// The statement path of the ingest (ingester.h): files whose mapping uses a statement layout
// (banner, header pattern, skip patterns, an encoding, a statement account) are read into
// StatementFiles, many files at once on the ingest's threads (each file by one thread);
// AppendStatementRows then appends the accepted rows of all of them in one place.
#include <fcntl.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <future>
#include <map>

#include "amount_forms.h"
#include "moneytrail/pdf.h"
#include "moneytrail/xlsx.h"
#include "ingester.h"
#include "statement_reconcile.h"
#include "moneytrail/csv.h"
#include "moneytrail/hash.h"
#include "moneytrail/phase_log.h"
#include "text_checks.h"

namespace moneytrail::io_internal {
namespace {

// The header (or a banner) may be this far into the file at most: header_pattern is searched
// in this many lines.
constexpr uint64_t kMaxBannerLines = 1000;

// Calls `line(text, offset, number)` for each line of text (without its line end) until it
// returns false or `max_lines` lines were seen.
template <typename F>
void ForEachLine(std::string_view text, uint64_t max_lines, F line) {
  size_t pos = 0;
  for (uint64_t number = 1; pos < text.size() && number <= max_lines; ++number) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    if (end == std::string_view::npos) end = text.size();
    size_t stop = end > pos && text[end - 1] == '\r' ? end - 1 : end;
    if (!line(text.substr(pos, stop - pos), pos, number)) return;
    pos = next;
  }
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"' || s.back() == ',')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

}  // namespace

namespace {

// The checks of OpenText before the file is mapped.
Status CheckIsFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError(path.string() + ": no such file");
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgumentError(path.string() + " is a directory, not a CSV file");
  }
  return Status::Ok();
}

// The text of `bytes` (a prefix of the file at `path`) in `spec`'s encoding: a view of `bytes`
// after a BOM for utf-8, else decoded into `decoded` (OpenText's contract).
Status TextOf(const std::filesystem::path& path, const RowSpec& spec, std::string_view bytes,
              std::string& decoded, std::string_view& text) {
  if (spec.encoding == "utf-8") {
    text = StripBom(bytes);
    if (text.substr(0, 4096).find('\0') != std::string_view::npos) {
      return InvalidArgumentError(path.string() + " is not a CSV file (it contains NUL bytes "
                                  "near its start: binary data, or UTF-16 text: then declare "
                                  "encoding = \"utf-16\" in the mapping)");
    }
    return Status::Ok();
  }
  Result<std::string> d = DecodeToUtf8(bytes, spec.encoding);
  if (!d.ok()) return d.status().WithContext(path.string());
  decoded = std::move(*d);
  text = StripBom(decoded);
  return Status::Ok();
}

}  // namespace

Status OpenText(const std::filesystem::path& path, const RowSpec& spec, MappedFile& file,
                std::string& decoded, std::string_view& text, size_t max_bytes) {
  MT_RETURN_IF_ERROR(CheckIsFile(path));
  MT_ASSIGN_OR_RETURN(file, MappedFile::Open(path));
  if (file.size() == 0) return InvalidArgumentError(path.string() + " is empty (0 bytes)");
  return TextOf(path, spec, file.view().substr(0, max_bytes), decoded, text);
}

Status SourceProbe::Open() {
  if (opened_) return open_status_;
  opened_ = true;
  // A small file is read, not mapped: a mapping of a few pages costs more (mmap, page faults,
  // munmap and its TLB shootdown on every core) than copying them. The file is opened first
  // and its fstat answers CheckIsFile's questions (two stats fewer per file); when it cannot
  // be opened, CheckIsFile and MappedFile say why, as before.
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    open_status_ = CheckIsFile(path_);
    if (!open_status_.ok()) return open_status_;
  } else {
    struct stat st {};
    bool read_whole = false;
    const bool stated = ::fstat(fd, &st) == 0;
    if (stated && S_ISDIR(st.st_mode)) {
      ::close(fd);
      open_status_ = CheckIsFile(path_);  // the directory's message
      return open_status_;
    }
    if (stated && S_ISREG(st.st_mode) && st.st_size > 0 &&
        static_cast<uintmax_t>(st.st_size) <= kReadBytes) {
      read_bytes_.resize(static_cast<size_t>(st.st_size));
      size_t got = 0;
      while (got < read_bytes_.size()) {
        ssize_t n = ::read(fd, read_bytes_.data() + got, read_bytes_.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      char extra = 0;
      read_whole = got == read_bytes_.size() && ::read(fd, &extra, 1) == 0;
    }
    ::close(fd);
    if (read_whole) {
      bytes_ = std::string_view(read_bytes_.data(), read_bytes_.size());
      return open_status_;
    }
    read_bytes_.clear();  // large, or changed while read: map it (MappedFile reports errors)
  }
  Result<MappedFile> f = MappedFile::Open(path_);
  if (!f.ok()) {
    open_status_ = f.status();
    return open_status_;
  }
  file_ = std::move(*f);
  bytes_ = file_.view();
  if (bytes_.empty()) open_status_ = InvalidArgumentError(path_.string() + " is empty (0 bytes)");
  return open_status_;
}

// An .xlsx workbook is "decoded" into CSV text (its sheet and delimiter are its encoding):
// formats::ReadXlsxAsCsv (docs/format/xlsx.md); custody still hashes the workbook's bytes.
// A text PDF likewise (formats::ReadPdfAsText, docs/format/pdf.md): its lines are aligned to
// the columns of the line the mapping's header_pattern matches.
std::string SourceProbe::EncodingOf(const RowSpec& spec) const {
  if (formats::LooksLikePdf(bytes_)) {
    return "pdf:" + std::string(1, spec.dialect.delimiter) + spec.header_pattern_text +
           (spec.pdf_template ? "\n" + formats::PdfTemplateKey(*spec.pdf_template) : std::string());
  }
  return formats::LooksLikeZip(bytes_) ? "xlsx:" + std::string(1, spec.dialect.delimiter) + spec.sheet : spec.encoding;
}

Status SourceProbe::Text(const RowSpec& spec, bool whole, std::string_view& text) {
  MT_RETURN_IF_ERROR(Open());
  const std::string encoding = EncodingOf(spec);
  if (encoding != spec.encoding) whole = true;  // a zip is read whole or not at all
  const bool prefix_is_whole = bytes_.size() <= kFitBytes;
  for (const auto& d : decoded_) {
    if (d->encoding != encoding || (whole && !d->whole)) continue;
    if (!d->status.ok()) return d->status;
    const char* base = d->encoding == "utf-8" ? bytes_.data() : d->decoded.data();
    text = std::string_view(base + d->text_offset, d->text_size);
    // A whole text serves a prefix request: the callers read only what they need of it.
    return Status::Ok();
  }
  auto d = std::make_unique<Decoded>();
  d->encoding = encoding;
  d->whole = whole || prefix_is_whole;
  std::string_view bytes = bytes_.substr(0, d->whole ? SIZE_MAX : kFitBytes);
  if (encoding != spec.encoding && formats::LooksLikePdf(bytes_)) {
    formats::PdfOptions options;
    options.delimiter = spec.dialect.delimiter;
    if (spec.pdf_template) options.layout = &*spec.pdf_template;
    if (spec.header_pattern != nullptr) {
      options.is_header = [&spec](std::string_view line) {
        return re2::RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *spec.header_pattern);
      };
    }
    Result<formats::PdfText> pdf = formats::ReadPdfAsText(bytes_, path_.string(), options);
    d->status = pdf.status();
    if (pdf.ok()) {
      d->decoded = std::move(pdf->text);
      d->pdf_page_first_line = std::move(pdf->page_first_line);
      d->pdf_opening_balance = std::move(pdf->opening_balance);
      d->pdf_opening_balance_line = pdf->opening_balance_line;
      text = d->decoded;
    }
  } else if (encoding != spec.encoding) {
    formats::XlsxOptions options;
    options.sheet = spec.sheet;
    options.delimiter = spec.dialect.delimiter;
    Result<formats::XlsxSheet> sheet = formats::ReadXlsxAsCsv(bytes_, path_.string(), options);
    d->status = sheet.status();
    if (sheet.ok()) {
      d->decoded = std::move(sheet->csv);
      text = d->decoded;
    }
  } else {
    d->status = TextOf(path_, spec, bytes, d->decoded, text);
  }
  if (d->status.ok()) {
    const char* base = d->encoding == "utf-8" ? bytes_.data() : d->decoded.data();
    d->text_offset = static_cast<size_t>(text.data() - base);
    d->text_size = text.size();
  }
  Status status = d->status;
  decoded_.push_back(std::move(d));
  return status;
}

Status SourceProbe::Take(const RowSpec& spec, StatementFile& sf) {
  std::string_view text;
  MT_RETURN_IF_ERROR(Text(spec, /*whole=*/true, text));
  const std::string encoding = EncodingOf(spec);
  for (auto& d : decoded_) {
    if (d->encoding != encoding || !d->whole) continue;
    // Moving a vector or a mapping keeps its bytes where they are; a string's may move.
    sf.file = std::move(file_);
    sf.read_bytes = std::move(read_bytes_);
    sf.bytes = bytes_;
    sf.pdf_page_first_line = std::move(d->pdf_page_first_line);
    sf.pdf_opening_balance = std::move(d->pdf_opening_balance);
    sf.pdf_opening_balance_line = d->pdf_opening_balance_line;
    if (d->encoding != "utf-8") {
      sf.decoded = std::move(d->decoded);
      sf.text = std::string_view(sf.decoded).substr(d->text_offset, d->text_size);
    } else {
      sf.text = sf.bytes.substr(d->text_offset, d->text_size);
    }
    decoded_.clear();
    bytes_ = {};
    return Status::Ok();
  }
  return InternalError(path_.string() + ": the probe lost its text");
}

namespace {

Result<Timestamp> ParseBannerDate(const RowSpec& spec, std::string_view text) {
  Result<Timestamp> t = spec.time_format.Parse(text);
  for (size_t i = 0; !t.ok() && i < spec.more_time_formats.size(); ++i) {
    Result<Timestamp> again = spec.more_time_formats[i].Parse(text);
    if (again.ok()) t = again;
  }
  return t;
}

// The holders named by the banners of `files` whose statement account is one per file (a
// constant or the banner): `bank,account,holder,source,line`, a header line first; "" when no
// banner names a holder.
std::string StatementHoldersCsv(const std::vector<std::unique_ptr<StatementFile>>& files) {
  std::string out;
  for (const auto& f : files) {
    const FieldSource& account = f->spec.at(Field::kStatementAccount);
    if (f->banner.holder.empty() || account.column >= 0 || !account.has_constant) continue;
    const FieldSource& bank = f->spec.at(Field::kStatementBank);
    if (out.empty()) out = "bank,account,holder,source,line\n";
    out += CsvField(bank.column < 0 ? bank.constant : std::string()) + ',' + CsvField(account.constant) +
           ',' + CsvField(f->banner.holder) + ',' + CsvField(f->path.string()) + ',' +
           std::to_string(f->banner.holder_line) + '\n';
  }
  return out;
}

// Gives back the bytes and text of the files of one source once its rows are in the store
// (which copies what it keeps): the memory is then reused by what the append still allocates
// (the store's columns, the reports), instead of adding to the peak (bench/RESULTS-statements.md,
// "Session 16, compact row"). What is read of a file afterwards (its rows' lines, balances and
// times, the arena, the banner and spec) stays.
void ReleaseText(StatementFile& f) {
  f.first_currency = f.rows.empty() ? std::string() : std::string(f.rows.paid_currency(0));
  f.file = MappedFile();
  std::vector<char>().swap(f.read_bytes);
  std::string().swap(f.decoded);
  f.bytes = {};
  f.text = {};
  f.text_released = true;
}

}  // namespace

Result<HeaderLocation> LocateHeader(const RowSpec& spec, std::string_view text,
                                    const std::string& name) {
  HeaderLocation at;
  if (spec.header_pattern != nullptr) {
    bool found = false;
    ForEachLine(text, kMaxBannerLines, [&](std::string_view line, size_t offset, uint64_t number) {
      if (re2::RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *spec.header_pattern)) {
        at.header_offset = offset;
        at.header_line = number;
        found = true;
        return false;
      }
      return true;
    });
    if (!found) {
      return InvalidArgumentError(name + ": no line among the first " +
                                  std::to_string(kMaxBannerLines) +
                                  " matches the mapping's header_pattern '" +
                                  QuoteForMessage(spec.header_pattern_text) + "'");
    }
    return at;
  }
  uint64_t skipped = 0;
  at.header_offset = text.size();
  at.header_line = 1;
  ForEachLine(text, static_cast<uint64_t>(spec.skip_lines) + 1,
              [&](std::string_view, size_t offset, uint64_t number) {
                if (skipped == static_cast<uint64_t>(spec.skip_lines)) {
                  at.header_offset = offset;
                  at.header_line = number;
                  return false;
                }
                ++skipped;
                return true;
              });
  if (spec.skip_lines == 0) at.header_offset = 0;
  if (at.header_offset >= text.size()) {
    return InvalidArgumentError(name + " has no line after the " + std::to_string(spec.skip_lines) +
                                " skipped (skip_lines)");
  }
  return at;
}

Result<StatementBanner> ReadBanner(const RowSpec& spec, std::string_view text,
                                   const HeaderLocation& location, const std::string& name) {
  StatementBanner banner;
  std::vector<std::pair<std::string_view, uint64_t>> lines;
  ForEachLine(text.substr(0, location.header_offset), kMaxBannerLines,
              [&](std::string_view line, size_t, uint64_t number) {
                lines.emplace_back(line, number);
                banner.lines.emplace_back(QuoteForMessage(line, 4 * kMaxQuotedBytes));
                return true;
              });
  for (const BannerPattern& p : spec.banner) {
    const std::string field(BannerFieldName(p.field));
    std::string value;
    uint64_t line_number = 0;
    for (const auto& [line, number] : lines) {
      std::string capture;
      if (re2::RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *p.re, &capture)) {
        value = Trim(capture);
        line_number = number;
        break;
      }
    }
    const std::string where = name + ":" + std::to_string(line_number) + ": [banner] " + field;
    if (line_number == 0 || value.empty()) {
      return InvalidArgumentError(name + ": [banner] " + field + " pattern '" +
                                  QuoteForMessage(p.pattern) + "' finds no value in the " +
                                  std::to_string(lines.size()) + " banner lines before the header");
    }
    if (std::string problem = Utf8Problem(value); !problem.empty() || value.size() > kMaxFieldBytes) {
      return InvalidArgumentError(where + " = '" + QuoteForMessage(value) + "': " +
                                  (problem.empty() ? "too long" : problem));
    }
    switch (p.field) {
      case BannerField::kStatementAccount:
        banner.statement_account = value;
        break;
      case BannerField::kHolder:
        banner.holder = value;
        banner.holder_line = line_number;
        break;
      case BannerField::kPeriodStart:
      case BannerField::kPeriodEnd: {
        Result<Timestamp> t = ParseBannerDate(spec, value);
        if (!t.ok()) {
          return InvalidArgumentError(where + " = '" + QuoteForMessage(value) +
                                      "' is not a date in the mapping's timestamp_format: " +
                                      std::string(t.status().message()));
        }
        (p.field == BannerField::kPeriodStart ? banner.period_start : banner.period_end) = *t;
        break;
      }
      case BannerField::kOpeningBalance:
      case BannerField::kClosingBalance: {
        Result<AmountForm> a = ParseAmountForm(value, spec.decimal_point, spec.group_separator);
        if (!a.ok()) return InvalidArgumentError(where + ": " + std::string(a.status().message()));
        (p.field == BannerField::kOpeningBalance ? banner.opening_balance
                                                 : banner.closing_balance) = a->value;
        break;
      }
      case BannerField::kCount:
        break;
    }
  }
  return banner;
}

std::string MappingMisfit(const RowSpec& spec_in, SourceProbe& probe, MappingFit* fit) {
  std::string_view text;
  Status s = probe.Text(spec_in, /*whole=*/false, text);
  if (!s.ok()) return std::string(s.message());
  const std::string name = probe.path().string();
  Result<HeaderLocation> at = LocateHeader(spec_in, text, name);
  if (!at.ok()) return std::string(at.status().message());
  Result<StatementBanner> banner = ReadBanner(spec_in, text, *at, name);
  if (!banner.ok()) return std::string(banner.status().message());
  std::optional<RowSpec> resolved;
  if (spec_in.header) {
    CsvRecordReader reader(text.substr(at->header_offset), spec_in.dialect, at->header_line);
    std::vector<std::string_view> fields;
    if (!reader.Next(fields)) return name + ": cannot read the header";
    if (!spec_in.exact_header.empty() || spec_in.header_by_name) {
      resolved.emplace(spec_in);  // ResolveHeader fills in the columns' indexes
      Status status = ResolveHeader(name, fields, *resolved, at->header_line);
      if (!status.ok()) return std::string(status.message());
    }
  }
  if (fit != nullptr) {
    fit->text_data = text.data();
    fit->text_size = text.size();
    fit->location = *at;
    fit->banner = std::move(*banner);
    fit->resolved = std::move(resolved);
  }
  return {};
}

std::string MappingMisfit(const RowSpec& spec, const std::filesystem::path& path) {
  SourceProbe probe(path);
  return MappingMisfit(spec, probe);
}

Result<std::unique_ptr<StatementFile>> Ingester::ReadStatementFile(
    const std::filesystem::path& path, const RowSpec& spec) {
  SourceProbe probe(path);
  return ReadStatementFile(probe, spec);
}

Result<std::unique_ptr<StatementFile>> Ingester::ReadStatementFile(SourceProbe& probe,
                                                                   const RowSpec& spec,
                                                                   MappingFit* fit) {
  auto sf = std::make_unique<StatementFile>();
  const std::filesystem::path& path = probe.path();
  const std::string name = path.string();
  sf->path = path;
  MT_RETURN_IF_ERROR(probe.Take(spec, *sf));
  sf->sha256 = Sha256Hex(sf->bytes);
  // The fit was found in this very text (MappingFit): the same header, banner and columns as
  // finding them again here. ResolveHeader's result does not depend on the banner's account
  // (a constant only spares a missing column's error, and the fit had none).
  const bool take_fit =
      fit != nullptr && fit->text_data == sf->text.data() && fit->text_size == sf->text.size();
  const bool resolved = take_fit && fit->resolved.has_value();
  sf->spec = resolved ? std::move(*fit->resolved) : spec;
  HeaderLocation at;
  if (take_fit) {
    at = fit->location;
    sf->banner = std::move(fit->banner);
  } else {
    MT_ASSIGN_OR_RETURN(at, LocateHeader(spec, sf->text, name));
    MT_ASSIGN_OR_RETURN(sf->banner, ReadBanner(spec, sf->text, at, name));
  }
  if (!sf->banner.opening_balance && !sf->pdf_opening_balance.empty()) {
    // A statement template's carried-forward balance line (docs/format/pdf.md).
    Result<AmountForm> a = ParseAmountForm(sf->pdf_opening_balance, spec.decimal_point, spec.group_separator);
    if (!a.ok()) {
      return InvalidArgumentError(name + ":" + std::to_string(sf->pdf_opening_balance_line) +
                                  ": [pdf] balance_forward: " + std::string(a.status().message()) + " (printed on " +
                                  formats::PdfCitation(sf->pdf_page_first_line, sf->pdf_opening_balance_line) + ")");
    }
    sf->banner.opening_balance = a->value;
  }
  if (!sf->banner.statement_account.empty()) {
    FieldSource& account = sf->spec.at(Field::kStatementAccount);
    account.has_constant = true;
    account.constant = sf->banner.statement_account;
    account.column_name = "banner";
  }
  RowSpec& s = sf->spec;
  const std::string_view body = sf->text.substr(at.header_offset);
  // One allocation for the rows (a line is at most one row).
  const size_t line_count = static_cast<size_t>(std::count(body.begin(), body.end(), '\n')) + 1;
  sf->rows.reserve(line_count);
  CsvRecordReader reader(body, s.dialect, at.header_line);
  std::vector<std::string_view> fields;
  StagedRow row;  // each accepted row is read here, then kept compact (statement_compact.h)
  StatementDetail detail;
  uint64_t first_line = at.header_line;
  if (s.header) {
    if (!reader.Next(fields)) {
      return InvalidArgumentError(name + ":" + std::to_string(at.header_line) +
                                  ": cannot read the header" +
                                  (reader.status().ok() ? "" : ": " + std::string(reader.status().message())));
    }
    if (!resolved) {
      std::vector<std::string> header_copy(fields.begin(), fields.end());
      std::vector<std::string_view> header(header_copy.begin(), header_copy.end());
      MT_RETURN_IF_ERROR(ResolveHeader(name, header, s, at.header_line));
    }
    sf->header_line = at.header_line;
    first_line = reader.offset_line();
  }
  for (;;) {
    if (!reader.Next(fields)) {
      if (reader.status().ok()) break;
      ++sf->rows_read;
      ++sf->lines_rejected;
      sf->rejects.push_back({name, reader.line(), 0, "(row)", "",
                             std::string(reader.status().message()) +
                                 "; reading resumes on the next line",
                             1});
      if (!reader.Resync()) break;
      continue;
    }
    std::string_view raw = body.substr(reader.record_offset(), reader.offset() - reader.record_offset());
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.remove_suffix(1);
    if (fields.size() == 1 && fields[0].empty() && reader.AtTrailingEmptyLines()) break;
    if (std::any_of(s.skip_patterns.begin(), s.skip_patterns.end(), [&](const auto& re) {
          return re2::RE2::PartialMatch(re2::StringPiece(raw.data(), raw.size()), *re);
        })) {
      sf->lines_skipped += reader.record_lines();
      continue;
    }
    ++sf->rows_read;
    row = StagedRow();
    detail = StatementDetail();
    RejectedRow reject;
    bool ok = CheckRecordBytes(raw, fields, false, reject);
    if (ok) {
      // `s` is the file's own spec: the rows may point into its constants (bank, account,
      // currency) rather than copy them per row.
      ok = s.statement ? ParseStatementRow(s, fields, sf->text, sf->arena, row, detail, reject,
                                           /*spec_outlives_rows=*/true)
                       : ParseRow(s, fields, sf->text, sf->arena, row, reject);
    }
    if (ok && reader.line() > 0xFFFFFFFFull) {
      return OutOfRangeError(name + ": more than 4,294,967,295 lines");
    }
    if (ok) {
      row.line = static_cast<uint32_t>(reader.line());
      sf->rows.Add(row, detail);
    } else {
      reject.file = name;
      reject.line = reader.line();
      reject.lines = static_cast<uint32_t>(std::min<uint64_t>(reader.record_lines(), 0xFFFFFFFFu));
      sf->lines_rejected += reject.lines;
      BoundReject(reject);
      sf->rejects.push_back(std::move(reject));
    }
  }
  const uint64_t end_line = reader.offset_line();
  sf->lines = end_line - first_line + (!body.empty() && body.back() != '\n' ? 1 : 0);
  for (RejectedRow& r : sf->rejects) {  // a PDF's rejects name where the row is printed
    if (!sf->pdf_page_first_line.empty()) r.reason += " (printed on " + formats::PdfCitation(sf->pdf_page_first_line, r.line) + ")";
  }
  if (!s.header && sf->rows_read == 0) return InvalidArgumentError(name + " has no rows");
  MT_RETURN_IF_ERROR(CheckFileOutcome(name, sf->rows_read, sf->rows.size(), sf->lines,
                                      sf->lines_rejected, sf->rejects));
  return sf;
}

void Ingester::PreloadGrammars(const std::vector<RowSpec>& specs) {
  if (threads_ < 2 || grammars_.valid()) return;
  grammars_ = std::async(std::launch::async, LoadGrammars, std::cref(specs));
}

Status Ingester::AppendStatementRows(std::vector<std::unique_ptr<StatementFile>>& files,
                                     IngestReport& report, uint64_t& rejected_total) {
  if (files.empty()) return Status::Ok();
  // Enrichment from the descriptions and the statement checks see every statement file of
  // this call before any row is appended (statement_reconcile.h).
  LoadedGrammars preloaded;
  if (grammars_.valid()) preloaded = grammars_.get();
  MT_ASSIGN_OR_RETURN(ReconciledStatements reconciled, ReconcileStatements(files, &preloaded));
  const std::vector<uint8_t>& drop = reconciled.checks.drop;
  std::vector<uint64_t> transaction_of_row(reconciled.rows, UINT64_MAX);
  std::vector<uint32_t> source_of_file;
  // The reports stored beside the rows need only the checks and each row's transaction and
  // source, which are known before the merge: each kept row becomes the next transaction and
  // each file that does not continue the previous one the next source (the loop below checks
  // both as it appends). So with two threads or more they are written on another thread while
  // this one merges the rows (bench/RESULTS-statements.md, "Session 16"); if the merge ever
  // numbered differently they are written again from what it did.
  std::vector<uint64_t> expected_transaction(reconciled.rows, UINT64_MAX);
  std::vector<uint32_t> expected_source(files.size());
  {
    uint64_t t = writer_.committed_transaction_count() + writer_.pending_transaction_count();
    uint32_t source = writer_.next_source_index();
    for (size_t k = 0; k < files.size(); ++k) {
      if (k > 0 && !files[k]->continues_previous) ++source;
      expected_source[k] = source;
      const uint64_t first = reconciled.first_row[k];
      for (size_t i = 0; i < files[k]->rows.size(); ++i) {
        if (!drop[first + i]) expected_transaction[first + i] = t++;
      }
    }
  }
  // With them, what needs neither (the banners' holders, the summary and the checks' text):
  // they read only the checks, the banners, the paths and specs, which the merge leaves alone.
  struct Reports {
    std::string checks, enrichment, lines, holders, summary, checks_text;
  };
  auto write_reports = [&files, &reconciled](const std::vector<uint64_t>& transactions,
                                             const std::vector<uint32_t>& sources) {
    return Reports{reconciled.checks.ToJson(), StatementEnrichmentJson(reconciled),
                   StatementLinesCsv(files, reconciled, transactions, sources),
                   StatementHoldersCsv(files), StatementSummaryText(reconciled),
                   reconciled.checks.ToText()};
  };
  std::future<Reports> early;  // destroyed (joined) before what it reads
  if (threads_ > 1) {
    early = std::async(std::launch::async, write_reports, std::cref(expected_transaction),
                       std::cref(expected_source));
  }
  PhaseMark("append: numbering computed");
  PhaseSum get_sum, merge_sum, finish_sum;
  std::vector<StagedRow> kept;
  StatementDetail unused_detail;
  store::SourceRecord record;
  std::vector<RejectedRow> part_rejects;  // of the parts of one source (continues_previous)
  for (size_t k = 0; k < files.size(); ++k) {
    StatementFile& f = *files[k];
    const std::string name = f.path.string();
    const bool first_part = k == 0 || !f.continues_previous;
    const bool last_part = k + 1 == files.size() || !files[k + 1]->continues_previous;
    if (first_part) {
      record = store::SourceRecord();
      part_rejects.clear();
      record.index = writer_.next_source_index();
      record.first_transaction =
          writer_.committed_transaction_count() + writer_.pending_transaction_count();
    }
    source_of_file.push_back(record.index);
    const uint64_t first = reconciled.first_row[k];
    const uint64_t merged = static_cast<uint64_t>(
        std::count(drop.begin() + first, drop.begin() + first + f.rows.size(), 1));
    // The kept rows, rebuilt from their compact form in file order (statement_compact.h).
    kept.clear();
    const uint64_t next_transaction =
        writer_.committed_transaction_count() + writer_.pending_transaction_count();
    get_sum.Start();
    for (size_t i = 0, t = 0; i < f.rows.size(); ++i) {
      if (drop[first + i]) continue;
      transaction_of_row[first + i] = next_transaction + t++;
      f.rows.Get(i, kept.emplace_back(), unused_detail);
    }
    const std::vector<StagedRow>& appended = kept;
    const uint64_t before = writer_.pending_transaction_count();
    get_sum.Stop();
    merge_sum.Start();
    MT_RETURN_IF_ERROR(Merge(appended, record.index, 0, name));
    merge_sum.Stop();
    if (writer_.pending_transaction_count() - before != appended.size()) {
      return InternalError(name + ": statement rows were not all appended");
    }
    record.rows_read += f.rows_read;
    record.rows_accepted += f.rows.size();
    record.rows_merged += merged;
    record.rows_rejected += f.rejects.size();
    record.format = f.spec.format;
    record.mapping = f.spec.mapping;
    record.encoding = f.pdf_page_first_line.empty() ? f.spec.encoding : formats::PdfPagesText(f.pdf_page_first_line);
    record.lines += f.lines;
    record.lines_skipped += f.lines_skipped;
    record.lines_rejected += f.lines_rejected;
    if (record.rows_read != record.rows_accepted + record.rows_rejected) {
      return InternalError(name + ": rows read != accepted + rejected");
    }
    if (!last_part) {
      part_rejects.insert(part_rejects.end(), f.rejects.begin(), f.rejects.end());
      continue;
    }
    if (!first_part) part_rejects.insert(part_rejects.end(), f.rejects.begin(), f.rejects.end());
    finish_sum.Start();
    MT_RETURN_IF_ERROR(FinishFile(f.path, f.bytes.size(), f.sha256, std::move(record),
                                  first_part ? f.rejects : part_rejects, report, rejected_total,
                                  &reconciled.checks.file_paths[k]));
    finish_sum.Stop();
    for (size_t part = k + 1; part-- > 0;) {  // this source's parts, last to first
      ReleaseText(*files[part]);
      if (!files[part]->continues_previous) break;
    }
  }
  PhaseMark("append: rows merged (serial)");
  get_sum.Print("compact rows' Get");
  merge_sum.Print("Merge");
  finish_sum.Print("FinishFile");
  const bool as_expected =
      transaction_of_row == expected_transaction && source_of_file == expected_source;
  Reports reports = early.valid() && as_expected ? early.get()
                                                 : write_reports(transaction_of_row, source_of_file);
  PhaseMark("append: reports waited for");
  MT_RETURN_IF_ERROR(writer_.AddCommitFile("statement-checks.json", std::move(reports.checks)));
  MT_RETURN_IF_ERROR(
      writer_.AddCommitFile("statement-enrichment.json", std::move(reports.enrichment)));
  MT_RETURN_IF_ERROR(writer_.AddCommitFile("statement-lines.csv", std::move(reports.lines)));
  // The banners' holders, for KYC (party_mapping.h: a holder no customer export names).
  if (!reports.holders.empty()) {
    MT_RETURN_IF_ERROR(writer_.AddCommitFile("statement-holders.csv", std::move(reports.holders)));
  }
  report.statement_summary = std::move(reports.summary);
  report.statement_checks_text = std::move(reports.checks_text);
  Status opening = SetOpeningBalances(files);
  PhaseMark("append: holders, texts, opening balances");
  return opening;
}

Status Ingester::SetOpeningBalances(const std::vector<std::unique_ptr<StatementFile>>& files) {
  // Per statement account given once per file (a constant or the banner), its earliest file
  // (by the banner's period start, else its first row's time).
  struct Earliest {
    Timestamp start = INT64_MAX;
    const StatementFile* file = nullptr;
  };
  std::map<std::pair<std::string, std::string>, Earliest> accounts;
  for (const auto& f : files) {
    const FieldSource& account = f->spec.at(Field::kStatementAccount);
    if (account.column >= 0 || !account.has_constant) continue;
    const FieldSource& bank = f->spec.at(Field::kStatementBank);
    Timestamp start = f->banner.period_start.value_or(INT64_MAX);
    for (size_t i = 0; i < f->rows.size(); ++i) {
      start = std::min(start, f->banner.period_start ? start : f->rows.time(i));
    }
    Earliest& e = accounts[{bank.column < 0 ? bank.constant : std::string(), account.constant}];
    if (e.file == nullptr || start < e.start) e = {start, f.get()};
  }
  for (const auto& [key, e] : accounts) {
    if (!e.file->banner.opening_balance) continue;
    std::string currency = e.file->spec.at(Field::kCurrencyPaid).constant;
    if (!e.file->rows.empty()) {
      currency = e.file->text_released ? e.file->first_currency
                                       : std::string(e.file->rows.paid_currency(0));
    }
    if (currency.empty()) continue;
    MT_ASSIGN_OR_RETURN(AccountId id, writer_.InternAccount(NodeKind::kAccount, key.first, key.second));
    store::AccountAttributes a = writer_.account_attributes(id);
    if (a.opening_balance) continue;  // an earlier ingest set it: a later call never overrides
    a.opening_balance = *e.file->banner.opening_balance;
    MT_ASSIGN_OR_RETURN(a.balance_currency, writer_.InternCurrency(currency));
    writer_.SetAccountAttributes(id, a);
  }
  return Status::Ok();
}

}  // namespace moneytrail::io_internal

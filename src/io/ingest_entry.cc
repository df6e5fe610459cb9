// moneytrail::Ingest: the files of one call (their formats, the statement mapping that fits each,
// the statement path or the transfer-list path), each ingested through io_internal::Ingester
// (ingest.cc: the per-file pipeline), and one commit for all of them.
#include "moneytrail/ingest.h"
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/phase_log.h"
#include "ibm_row.h"
#include "ingester.h"
#include "statement_formats.h"
#include "moneytrail/formats.h"
#include "moneytrail/pdf.h"
#include "moneytrail/xlsx.h"
#include "row_parser.h"
#include "row_spec.h"
#include "text_checks.h"

namespace moneytrail {
namespace {

using io_internal::Ingester;
using io_internal::RowSpec;

// The mapping of `specs` that fits `file` (its header and banner): exactly one must.
// The file is opened once and decoded once per encoding (io_internal::SourceProbe).
// `fit` gets what the first fitting mapping's check found (io_internal::MappingFit).
Result<size_t> SelectMapping(io_internal::SourceProbe& probe, const std::vector<RowSpec>& specs,
                             io_internal::MappingFit& fit) {
  const std::filesystem::path& file = probe.path();
  std::vector<size_t> fits;
  std::string why;
  for (size_t i = 0; i < specs.size(); ++i) {
    std::string misfit = io_internal::MappingMisfit(specs[i], probe, fits.empty() ? &fit : nullptr);
    if (misfit.empty()) {
      fits.push_back(i);
    } else {
      why += "\n  " + specs[i].mapping_file.string() + ": " + misfit;
    }
  }
  if (fits.size() == 1) return fits[0];
  if (fits.empty()) {
    return InvalidArgumentError(file.string() + ": none of the " + std::to_string(specs.size()) +
                                " mappings (--map) fits it:" + why);
  }
  std::string names;
  for (size_t i : fits) names += (names.empty() ? "" : ", ") + specs[i].mapping_file.string();
  return InvalidArgumentError(file.string() + ": several mappings fit it (" + names +
                              "); give each layout a header_pattern or banner pattern that "
                              "tells it apart, or ingest the file with its own --map");
}

Result<IngestReport> IngestInto(const std::filesystem::path& store_dir,
                                const std::vector<std::filesystem::path>& files,
                                const IngestOptions& options) {
  std::vector<RowSpec> specs;
  if (options.format == "ibm-aml") {
    specs.push_back(io_internal::IbmAmlSpec());
  } else if (options.format == "amlsim") {
    specs.push_back(io_internal::AmlsimSpec(options.amlsim_currency));
  } else if (options.format == "native") {
    specs.push_back(io_internal::NativeSpec());
  } else if (options.format == "mapped") {
    std::vector<std::filesystem::path> mappings;
    if (!options.mapping.empty()) mappings.push_back(options.mapping);
    mappings.insert(mappings.end(), options.mappings.begin(), options.mappings.end());
    if (mappings.empty()) {
      return InvalidArgumentError("--format mapped needs --map FILE.toml (docs/format/mapping.md)");
    }
    for (const auto& m : mappings) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(m, ec)) {
        return NotFoundError(m.string() + ": no such mapping file (--map)");
      }
      MT_ASSIGN_OR_RETURN(RowSpec spec, io_internal::MappedSpec(m));
      specs.push_back(std::move(spec));
    }
  } else if (io_internal::IsStatementFormatName(options.format)) {
    // Bank statement formats (statement_formats.h); with auto, --map mappings read the files
    // that are none of them.
    std::vector<std::filesystem::path> mappings = options.mappings;
    if (!options.mapping.empty()) mappings.insert(mappings.begin(), options.mapping);
    for (const auto& m : mappings) {
      if (options.format != "auto") return InvalidArgumentError("--map is for --format mapped or auto");
      MT_ASSIGN_OR_RETURN(RowSpec spec, io_internal::MappedSpec(m));
      specs.push_back(std::move(spec));
    }
  } else {
    return InvalidArgumentError("unknown format '" + options.format +
                                "' (expected ibm-aml, amlsim, native, mapped, camt, mt940, mt942, "
                                "bai2, ofx or auto)");
  }
  if (!(options.max_reject_share >= 0.0 && options.max_reject_share <= 1.0)) {
    return InvalidArgumentError("--max-reject-share must be between 0 and 1");
  }
  if (options.min_time > options.max_time) {
    return InvalidArgumentError("the plausible time range is empty (--time-range)");
  }
  for (RowSpec& spec : specs) {
    spec.min_time = options.min_time;
    spec.max_time = options.max_time;
  }
  if (!options.mappings.empty() && options.format != "mapped" && options.format != "auto") {
    return InvalidArgumentError("--map is for --format mapped");
  }
  if (!options.labels.empty() && options.format != "amlsim") {
    return InvalidArgumentError("--labels is for --format amlsim (AMLSim's nodes.csv)");
  }
  if (!options.balances.empty() && options.format == "amlsim") {
    return InvalidArgumentError("--balances is for native, mapped and ibm-aml files (AMLSim's "
                                "opening balances come with --labels nodes.csv)");
  }
  if (files.empty()) return InvalidArgumentError("no input files");
  // Check every input exists before touching the store.
  for (const auto& f : files) {
    std::error_code ec;
    if (!std::filesystem::exists(f, ec)) return NotFoundError(f.string() + ": no such file");
  }
  for (const auto& f : {options.labels, options.balances}) {
    std::error_code ec;
    if (!f.empty() && !std::filesystem::exists(f, ec)) return NotFoundError(f.string() + ": no such file");
  }
  size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads)
                                       : std::max(1u, std::thread::hardware_concurrency());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);

  PhaseMark("ingest: mappings loaded");
  MT_ASSIGN_OR_RETURN(std::unique_ptr<store::StoreWriter> writer, store::StoreWriter::Open(store_dir));
  PhaseMark("ingest: store opened");
  IngestReport report;
  uint64_t rejected_total = 0;
  Ingester ingester(*writer, options, threads);
  // Each file's mapping is chosen, and statement files are read, in parallel (files are
  // independent; nothing touches the store). Then, in file order, the first error is returned
  // as a serial run would meet it, transfer-list files are ingested, and the statement files'
  // rows are appended together (AppendStatementRows). Files in a bank statement format (camt,
  // MT940/942, BAI2; src/formats) are recognised first and read in file order.
  std::vector<formats::StatementFormat> format_of(files.size(), formats::StatementFormat::kUnknown);
  std::vector<bool> is_format_file(files.size(), false);
  if (io_internal::IsStatementFormatName(options.format)) {
    for (size_t k = 0; k < files.size(); ++k) {
      formats::StatementFormat format = formats::FormatByName(options.format);
      if (options.format == "auto") {
        MT_ASSIGN_OR_RETURN(MappedFile head, MappedFile::Open(files[k]));
        format = formats::SniffFormat(head.view());
      }
      format_of[k] = format;
      is_format_file[k] = format != formats::StatementFormat::kUnknown || specs.empty();
    }
  }
  struct Prepared {
    Status status;
    size_t chosen = 0;
    std::unique_ptr<io_internal::StatementFile> statement;
  };
  std::vector<Prepared> prepared(files.size());
  ingester.PreloadGrammars(specs);  // while the files are read
  tbb::parallel_for(tbb::blocked_range<size_t>(0, files.size(), 4),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t k = range.begin(); k != range.end(); ++k) {
                        Prepared& p = prepared[k];
                        if (is_format_file[k]) continue;
                        io_internal::SourceProbe probe(files[k]);
                        io_internal::MappingFit fit;
                        if (specs.size() > 1) {
                          Result<size_t> chosen = SelectMapping(probe, specs, fit);
                          if (!chosen.ok()) {
                            p.status = chosen.status();
                            continue;
                          }
                          p.chosen = *chosen;
                        }
                        if (!specs[p.chosen].statement_path()) continue;
                        Result<std::unique_ptr<io_internal::StatementFile>> statement =
                            ingester.ReadStatementFile(probe, specs[p.chosen],
                                                       specs.size() > 1 ? &fit : nullptr);
                        if (statement.ok()) {
                          p.statement = std::move(*statement);
                        } else {
                          p.status = statement.status();
                        }
                      }
                    });
  PhaseMark("ingest: files read (parallel)");
  std::vector<std::unique_ptr<io_internal::StatementFile>> statements;
  std::vector<std::string> format_findings;
  for (size_t k = 0; k < files.size(); ++k) {
    if (is_format_file[k]) {
      MT_ASSIGN_OR_RETURN(io_internal::FormatFile read,
                          io_internal::ReadFormatFile(files[k], format_of[k], options.min_time,
                                                      options.max_time));
      for (auto& part : read.parts) statements.push_back(std::move(part));
      format_findings.insert(format_findings.end(), read.findings.begin(), read.findings.end());
      continue;
    }
    MT_RETURN_IF_ERROR(prepared[k].status);
    if (prepared[k].statement != nullptr) {
      statements.push_back(std::move(prepared[k].statement));
    } else {
      MT_RETURN_IF_ERROR(ingester.IngestFile(files[k], specs[prepared[k].chosen], report, rejected_total));
    }
  }
  prepared.clear();
  PhaseMark("ingest: files collected (serial)");
  MT_RETURN_IF_ERROR(ingester.AppendStatementRows(statements, report, rejected_total));
  // Their rows are in the store now (which copied what it keeps): the files' rows, arenas and
  // specs are given back before the commit, not after it.
  std::vector<std::unique_ptr<io_internal::StatementFile>>().swap(statements);
  PhaseMark("ingest: statement files released");
  // What the statement formats' own declared totals say (control totals, pending entries).
  for (const std::string& finding : format_findings) report.statement_checks_text += finding + "\n";
  if (!options.labels.empty()) {
    MT_RETURN_IF_ERROR(ingester.IngestAmlsimLabels(options.labels, report, rejected_total));
  }
  if (!options.balances.empty()) {
    MT_RETURN_IF_ERROR(ingester.IngestBalances(options.balances, report, rejected_total));
  }
  if (rejected_total > options.max_rejects) {
    std::string message = std::to_string(rejected_total) + " rows rejected, more than the " +
                          std::to_string(options.max_rejects) +
                          " allowed (--max-rejects); nothing was committed. First bad rows:";
    for (const RejectedRow& r : report.first_rejects) message += "\n  " + r.ToString();
    return InvalidArgumentError(message);
  }
  MT_RETURN_IF_ERROR(writer->Commit());
  PhaseMark("ingest: committed");
  // The commit names each source's segment and reject file: report them as committed.
  for (store::SourceRecord& r : report.sources) {
    const store::SourceRecord* committed = writer->FindSourceBySha256(r.sha256);
    if (committed != nullptr && committed->index == r.index) {
      r.segment = committed->segment;
      r.rejects_file = committed->rejects_file;
    }
  }
  report.store_transactions = writer->committed_transaction_count();
  report.store_accounts = writer->account_count();
  return report;
}

}  // namespace

Result<IngestReport> Ingest(const std::filesystem::path& store_dir,
                            const std::vector<std::filesystem::path>& files,
                            const IngestOptions& options) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(store_dir, ec);
  Result<IngestReport> report = IngestInto(store_dir, files, options);
  if (!report.ok() && !existed) {
    // A failed first ingest leaves no empty store behind (nothing else was there).
    std::filesystem::remove_all(store_dir, ec);
  }
  return report;
}

}  // namespace moneytrail

// `moneytrail export SOURCE --format ftm|i2|anx|graphml|xlsx --out FILE`: adapters over
// moneytrail/exports.h and moneytrail/workbook.h.
#include "export_formats.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "moneytrail/anx.h"
#include "moneytrail/exports.h"
#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "moneytrail/workbook.h"
#include "verb.h"

namespace moneytrail::cli {

namespace fs = std::filesystem;

bool IsToolFormat(const std::string& format) {
  return format == "ftm" || format == "i2" || format == "anx" || format == "graphml" || format == "xlsx";
}

int RunToolExport(const std::string& source, const std::string& out, const std::string& format) {
  const fs::path src(source);
  fs::path store_dir = src;
  bool is_case = false;
  std::error_code ec;
  if (fs::exists(src / "custody.json", ec)) {
    Result<std::string> text = ReadFileToString(src / "custody.json");
    if (!text.ok()) return ReportError("export", text.status());
    nlohmann::json custody = nlohmann::json::parse(*text, nullptr, false);
    if (!custody.is_object() || !custody.contains("store") || !custody["store"].is_object() ||
        !custody["store"].contains("dir") || !custody["store"]["dir"].is_string()) {
      return ReportError("export", InvalidArgumentError((src / "custody.json").string() +
                                                        ": key 'store.dir': expected a path"));
    }
    store_dir = custody["store"]["dir"].get<std::string>();
    is_case = true;
  }
  Result<store::Store> s = store::Store::Open(store_dir);
  if (!s.ok()) return ReportError("export", s.status());
  const std::string spec = out + ".import-spec.xml";
  if (Status st = CheckOutputs(&*s, {{"--out", out}, {"--out (i2 specification)", format == "i2" ? spec : ""}});
      !st.ok()) {
    return ReportError("export", st);
  }
  Result<exports::Parties> parties = exports::LoadParties(*s, {});
  if (!parties.ok()) return ReportError("export", parties.status());
  const std::vector<TransactionId> all = exports::AllTransactions(*s);
  Status st;
  if (format == "ftm") {
    st = WriteFileAtomically(out, exports::FtmJsonLines(*s, *parties, all));
  } else if (format == "i2") {
    st = WriteFileAtomically(out, exports::I2Csv(*s, *parties, all));
    if (st.ok()) st = WriteFileAtomically(spec, exports::I2ImportSpec(fs::path(out).filename().string()));
  } else if (format == "anx") {  // moneytrail/anx.h
    Result<std::string> xml = exports::AnalystsNotebookExchange(*s, *parties, all);
    st = xml.ok() ? WriteFileAtomically(out, *xml) : xml.status();
  } else if (format == "graphml") {
    Result<std::string> xml = exports::GraphMl(*s, *parties, all);
    st = xml.ok() ? WriteFileAtomically(out, *xml) : xml.status();
  } else {
    std::vector<exports::Sheet> sheets;
    if (is_case) {
      Result<std::vector<exports::Sheet>> c = exports::CaseSheets(src);
      if (!c.ok()) return ReportError("export", c.status());
      sheets = std::move(*c);
    }
    sheets.push_back(exports::TransactionsSheet(*s, *parties, all));
    st = exports::WriteWorkbook(out, sheets, 0);
  }
  if (!st.ok()) return ReportError("export", st);
  fmt::print("wrote {} transactions to {} ({}){}\n", all.size(), out, format,
             format == "i2" ? ", import specification " + spec : "");
  return kExitOk;
}

}  // namespace moneytrail::cli

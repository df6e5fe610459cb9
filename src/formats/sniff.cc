// Format names, content sniffing and the dispatch of ParseStatements.
#include <algorithm>
#include <cctype>

#include "format_util.h"
#include "moneytrail/formats.h"
#include "moneytrail/pdf.h"
#include "moneytrail/xlsx.h"

namespace moneytrail::formats {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

std::string_view FormatName(StatementFormat f) {
  switch (f) {
    case StatementFormat::kCamt: return "camt";
    case StatementFormat::kMt940: return "mt940";
    case StatementFormat::kBai2: return "bai2";
    case StatementFormat::kOfx: return "ofx";
    case StatementFormat::kPacs008: return "pacs008";
    case StatementFormat::kUnknown: break;
  }
  return "unknown";
}

StatementFormat FormatByName(std::string_view name) {
  for (StatementFormat f : {StatementFormat::kCamt, StatementFormat::kMt940, StatementFormat::kBai2,
                            StatementFormat::kOfx, StatementFormat::kPacs008}) {
    if (FormatName(f) == name) return f;
  }
  if (name == "mt942") return StatementFormat::kMt940;
  if (name == "pacs.008") return StatementFormat::kPacs008;
  return StatementFormat::kUnknown;
}

StatementFormat SniffFormat(std::string_view bytes) {
  std::string_view head = bytes.substr(0, 4096);
  if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xEF &&
      static_cast<unsigned char>(head[1]) == 0xBB && static_cast<unsigned char>(head[2]) == 0xBF) {
    head.remove_prefix(3);
  }
  const std::string_view trimmed = formats_internal::TrimSpaces(head);
  if (Contains(head, "OFXHEADER") || Contains(head, "<OFX>") || Contains(head, "<OFX ")) {
    return StatementFormat::kOfx;
  }
  if (!trimmed.empty() && trimmed.front() == '<') {
    // A pacs.008 credit transfer to its own reader; any other ISO 20022 message goes to the
    // camt reader, which names what a non-statement is.
    if (Contains(head, "pacs.008") || Contains(head, "FIToFICstmrCdtTrf")) return StatementFormat::kPacs008;
    if (Contains(head, "camt.05") || Contains(head, "BkToCstmr") || Contains(head, "iso:20022") ||
        Contains(head, "pacs.00") || Contains(head, "FIToFI")) {
      return StatementFormat::kCamt;
    }
    return StatementFormat::kUnknown;
  }
  if (trimmed.substr(0, 3) == "01,") return StatementFormat::kBai2;
  // MT940/942: a :20: tag at the start of a line (possibly after a SWIFT block header {1:...}).
  if (trimmed.substr(0, 4) == ":20:" || Contains(head, "\n:20:") || Contains(head, "{4:")) {
    if (Contains(head, ":25:") || Contains(head, ":28")) return StatementFormat::kMt940;
  }
  return StatementFormat::kUnknown;
}

Result<ParsedStatements> ParseStatements(std::string_view bytes, const std::string& name,
                                         StatementFormat format) {
  switch (format) {
    case StatementFormat::kCamt: return ParseCamt(bytes, name);
    case StatementFormat::kMt940: return ParseMt940(bytes, name);
    case StatementFormat::kBai2: return ParseBai2(bytes, name);
    case StatementFormat::kOfx: return ParseOfx(bytes, name);
    case StatementFormat::kPacs008: return ParsePacs008(bytes, name);
    case StatementFormat::kUnknown: break;
  }
  if (LooksLikeZip(bytes)) {
    return InvalidArgumentError(name + ": a zip archive (an Excel .xlsx workbook?): a workbook is read as a "
                                "table with a mapping: --map FILE.toml (docs/format/xlsx.md)");
  }
  if (LooksLikePdf(bytes)) {
    return InvalidArgumentError(name + ": a PDF: a text PDF statement is read as a table with a mapping: "
                                "--map FILE.toml (docs/format/pdf.md)");
  }
  if (Contains(bytes.substr(0, 4096), "EFilingBatchXML") || Contains(bytes.substr(0, 4096), "fincen.gov")) {
    return InvalidArgumentError(name + ": a FinCEN BSA e-filing (a report filed with FinCEN), not a "
                                "bank statement: not read as transactions");
  }
  return InvalidArgumentError(name + ": not a bank statement format moneytrail reads: looked for "
                              "an ISO 20022 camt.052/053/054 document, SWIFT MT940/MT942 tags "
                              "(:20: :25: :28C:), a BAI2 file (01, record first) or an OFX header");
}

}  // namespace moneytrail::formats

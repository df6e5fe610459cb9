#include "moneytrail/safe_text.h"

namespace moneytrail {

std::string Abbreviate(std::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return std::string(value);
  size_t cut = max_bytes;
  // Back off continuation bytes (10xxxxxx) so that a multi-byte character is not split.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  std::string out(value.substr(0, cut));
  out += "\xE2\x80\xA6 (";
  out += std::to_string(value.size());
  out += " bytes)";
  return out;
}

bool IsFormulaLeading(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void AppendSpreadsheetCsvField(std::string_view text, std::string& out) {
  const bool formula = IsFormulaLeading(text);
  if (!formula && text.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

std::string SpreadsheetCsvField(std::string_view text) {
  std::string out;
  AppendSpreadsheetCsvField(text, out);
  return out;
}

}  // namespace moneytrail

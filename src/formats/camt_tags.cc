#include "camt_tags.h"

#include <cstring>
#include <iterator>

#include "xml_document.h"

namespace moneytrail::formats_internal {
namespace {

// The names of the tags, in Tag's order (kOther's is never matched: names are not empty).
constexpr std::string_view kTagNames[] = {
  "", XmlDocument::kRunMarkerName, "Stmt", "Rpt", "Ntfctn", "Bal", "Ntry", "TxDtls", "NtryDtls",
  "BkToCstmrStmt", "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn", "FIToFICstmrCdtTrf", "FIToFIPmtStsRpt",
  "Amt", "Id", "Acct", "IBAN", "Othr", "Ccy", "Svcr", "FinInstnId", "BIC", "BICFI", "FrToDt", "FrDtTm",
  "ToDtTm", "Tp", "CdOrPrtry", "Cd", "Prtry", "CdtDbtInd", "Dt", "DtTm", "RvslInd", "Sts", "BookgDt",
  "ValDt", "AcctSvcrRef", "NtryRef", "AddtlNtryInf", "BkTxCd", "Domn", "Fmly", "SubFmlyCd", "AmtDtls",
  "TxAmt", "Refs", "EndToEndId", "RmtInf", "Ustrd", "Strd", "CdtrRefInf", "Ref", "AddtlTxInf",
  "RltdPties", "Dbtr", "Pty", "Nm", "UltmtDbtr", "DbtrAcct", "Cdtr", "UltmtCdtr", "CdtrAcct", "RltdAgts",
  "DbtrAgt", "CdtrAgt"};
static_assert(std::size(kTagNames) == static_cast<size_t>(Tag::kCount));

constexpr uint32_t NameHashStep(uint32_t h, unsigned char c) { return h * 33u + c; }

}  // namespace

TagClassifier::TagClassifier() {
  for (size_t t = 1; t < std::size(kTagNames); ++t) {
    const std::string_view name = kTagNames[t];
    uint32_t h = 0;
    for (char c : name) h = NameHashStep(h, static_cast<unsigned char>(c));
    size_t slot = h & kMask;
    while (tags_[slot] != Tag::kOther) slot = (slot + 1) & kMask;
    tags_[slot] = static_cast<Tag>(t);
    if (name.size() >= 16) continue;
    alignas(16) char padded[16] = {};
    std::memcpy(padded, name.data(), name.size());
    const __m128i key = _mm_load_si128(reinterpret_cast<const __m128i*>(padded));
    slot = Slot(key);
    while (short_tags_[slot] != Tag::kOther) slot = (slot + 1) & kMask;
    short_keys_[slot] = key;
    short_tags_[slot] = static_cast<Tag>(t);
    tag_keys_[t] = key;
  }
}

Tag TagClassifier::ClassifyLong(const char* qualified, std::string_view* local) const {
  return ClassifyLong(std::string_view(qualified), local);
}

Tag TagClassifier::ClassifyLong(std::string_view qualified, std::string_view* local) const {
  size_t start = 0;
  uint32_t h = 0;
  bool prefixed = false;
  for (size_t i = 0; i < qualified.size(); ++i) {
    if (qualified[i] == ':' && !prefixed) {
      prefixed = true;
      start = i + 1;
      h = 0;
      continue;
    }
    h = NameHashStep(h, static_cast<unsigned char>(qualified[i]));
  }
  *local = qualified.substr(start);
  for (size_t slot = h & kMask;; slot = (slot + 1) & kMask) {
    const Tag t = tags_[slot];
    if (t == Tag::kOther || kTagNames[static_cast<size_t>(t)] == *local) return t;
  }
}

}  // namespace moneytrail::formats_internal

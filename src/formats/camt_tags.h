// Internal to src/formats: the element names the camt reader (camt.cc) looks at, as small
// integers. Each element's name is classified once (TagClassifier::Classify) and paths are then
// compared tag by tag, not as strings. Immutable after construction: thread-safe.
//
// Example:
//   const TagClassifier tags;
//   std::string_view local;
//   if (tags.Classify(nodes.Name(element), &local) == Tag::kNtry) ...
#ifndef MONEYTRAIL_SRC_FORMATS_CAMT_TAGS_H_
#define MONEYTRAIL_SRC_FORMATS_CAMT_TAGS_H_

#include <emmintrin.h>  // SSE2: part of x86-64's baseline

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace moneytrail::formats_internal {

// Every other local name is kOther. kRunMarker is XmlDocument::kRunMarkerName.
enum class Tag : uint8_t {
  kOther, kRunMarker, kStmt, kRpt, kNtfctn, kBal, kNtry, kTxDtls, kNtryDtls, kBkToCstmrStmt,
  kBkToCstmrAcctRpt, kBkToCstmrDbtCdtNtfctn, kFIToFICstmrCdtTrf, kFIToFIPmtStsRpt, kAmt, kId, kAcct,
  kIBAN, kOthr, kCcy, kSvcr, kFinInstnId, kBIC, kBICFI, kFrToDt, kFrDtTm, kToDtTm, kTp, kCdOrPrtry,
  kCd, kPrtry, kCdtDbtInd, kDt, kDtTm, kRvslInd, kSts, kBookgDt, kValDt, kAcctSvcrRef, kNtryRef,
  kAddtlNtryInf, kBkTxCd, kDomn, kFmly, kSubFmlyCd, kAmtDtls, kTxAmt, kRefs, kEndToEndId, kRmtInf,
  kUstrd, kStrd, kCdtrRefInf, kRef, kAddtlTxInf, kRltdPties, kDbtr, kPty, kNm, kUltmtDbtr, kDbtrAcct,
  kCdtr, kUltmtCdtr, kCdtrAcct, kRltdAgts, kDbtrAgt, kCdtrAgt, kCount
};

class TagClassifier {
 public:
  TagClassifier();

  // The tag of an element's local name (XmlDocument::LocalName: after the first ':'); `local`
  // receives the local name. REQUIRES: 16 bytes may be read from `qualified` (a parsed
  // element's name: XmlDocument::kPadding). A name of at most 15 bytes without a prefix (all
  // of camt's but three) costs one load, one multiply and one compare.
  Tag Classify(const char* qualified, std::string_view* local) const {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qualified));
    const unsigned nul = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_setzero_si128())));
    if (nul != 0) {
      const unsigned size = static_cast<unsigned>(std::countr_zero(nul));
      const unsigned colon = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(':'))));
      if ((colon & ((1u << size) - 1)) == 0) {
        *local = std::string_view(qualified, size);
        const __m128i lanes = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        return FindShort(_mm_and_si128(bytes, _mm_cmplt_epi8(lanes, _mm_set1_epi8(static_cast<char>(size)))));
      }
    }
    return ClassifyLong(qualified, local);
  }
  // The same for a name that is not NUL-terminated (FastXmlReader's); with `padded`, 16 bytes
  // may be read from qualified.data(). `guess` is compared first (one compare: in a camt
  // document the tag after a given tag is nearly always the same as last time), then the hash.
  Tag Classify(std::string_view qualified, bool padded, Tag guess, std::string_view* local) const {
    if (padded && qualified.size() < 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qualified.data()));
      const unsigned size = static_cast<unsigned>(qualified.size());
      const unsigned colon = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(':'))));
      if ((colon & ((1u << size) - 1)) == 0) {
        *local = qualified;
        const __m128i lanes = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        const __m128i key = _mm_and_si128(bytes, _mm_cmplt_epi8(lanes, _mm_set1_epi8(static_cast<char>(size))));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(tag_keys_[static_cast<size_t>(guess)], key)) == 0xFFFF) return guess;
        return FindShort(key);
      }
    }
    return ClassifyLong(qualified, local);
  }

 private:
  static constexpr size_t kMask = 255;
  static size_t Slot(__m128i key) {
    const uint64_t lo = static_cast<uint64_t>(_mm_cvtsi128_si64(key));
    const uint64_t hi = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(key, key)));
    return static_cast<size_t>(((lo * 0x9E3779B97F4A7C15ull) ^ (hi * 0xC2B2AE3D27D4EB4Full)) >> 56) & kMask;
  }
  // `key`: a name of at most 15 bytes, NUL padded to 16.
  Tag FindShort(__m128i key) const {
    for (size_t slot = Slot(key);; slot = (slot + 1) & kMask) {
      if (short_tags_[slot] == Tag::kOther || _mm_movemask_epi8(_mm_cmpeq_epi8(short_keys_[slot], key)) == 0xFFFF) {
        return short_tags_[slot];
      }
    }
  }
  // A long or prefixed name: byte by byte, through a hash of the local name.
  Tag ClassifyLong(const char* qualified, std::string_view* local) const;
  Tag ClassifyLong(std::string_view qualified, std::string_view* local) const;

  // Open addressing: the names of at most 15 bytes by their padded bytes; every name by a hash.
  __m128i short_keys_[kMask + 1] = {};
  Tag short_tags_[kMask + 1] = {};
  Tag tags_[kMask + 1] = {};
  // Each tag's name of at most 15 bytes, NUL padded (all zero for the others: no name matches).
  __m128i tag_keys_[static_cast<size_t>(Tag::kCount)] = {};
};

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_CAMT_TAGS_H_

// The pugixml camt reader (formats::ParseCamt) against the xmlTextReader reader it replaced
// (camt_libxml2_reference.h), and the pugixml reader with its entries parsed in windows (as
// documents above 4 MiB are) against the same reader on the whole document, field by field: on every camt sample of ../shared/data/formats,
// every seed of fuzz/corpus/fuzz_camt, and seeded random mutations of them. Where both read a
// document, the results are equal (every statement, balance and entry field, lines included);
// where the old one refuses a document, so does the new one, and the reason names the same line
// whenever it is not about XML syntax (for syntax, the two parsers word and place their
// complaints differently).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "camt_describe.h"
#include "formats/camt_internal.h"
#include "formats/camt_libxml2_reference.h"
#include "moneytrail/file_util.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

namespace fs = std::filesystem;

// The line an error names ("name:LINE: ..."), 0 when none.
uint64_t ErrorLine(const std::string& message) {
  const size_t colon = message.find(':');
  if (colon == std::string::npos) return 0;
  return std::strtoull(message.c_str() + colon + 1, nullptr, 10);
}

// The new reader with its entries split in windows (every document, windows of `window_bytes`)
// against the new reader on the whole document: the same result or the same error.
std::string CompareSplit(const std::string& doc, size_t window_bytes) {
  const Result<ParsedStatements> whole = formats_internal::ParseCamtSplit(doc, "d.xml", {});
  const Result<ParsedStatements> split = formats_internal::ParseCamtSplit(doc, "d.xml", {"Ntry", 0, window_bytes});
  const std::string a = Describe(whole), b = Describe(split);
  return a == b ? "" : "whole:\n" + a + "\nsplit in windows of " + std::to_string(window_bytes) + ":\n" + b;
}

// Compares the two readers on `doc`, and the new one whole and split; returns "" or what differs.
std::string Compare(const std::string& doc) {
  for (size_t window_bytes : {size_t{1}, size_t{3000}}) {
    if (std::string diff = CompareSplit(doc, window_bytes); !diff.empty()) return diff;
  }
  const Result<ParsedStatements> old_reader = ParseCamtLibxml2Reference(doc, "d.xml");
  const Result<ParsedStatements> new_reader = ParseCamt(doc, "d.xml");
  if (old_reader.ok() != new_reader.ok()) {
    return std::string("old ") + (old_reader.ok() ? "reads" : "refuses: " + std::string(old_reader.status().message())) +
           "; new " + (new_reader.ok() ? "reads" : "refuses: " + std::string(new_reader.status().message()));
  }
  if (!old_reader.ok()) {
    const std::string a(old_reader.status().message());
    const std::string b(new_reader.status().message());
    if (a.find("not well-formed XML") != std::string::npos || b.find("not well-formed XML") != std::string::npos) {
      return "";
    }
    if (a != b && ErrorLine(a) != ErrorLine(b)) return "old: " + a + "\nnew: " + b;
    return a == b ? "" : "messages differ: old: " + a + "\nnew: " + b;
  }
  std::string a = Describe(*old_reader);
  const std::string b = Describe(*new_reader);
  // xmlTextReader hands on a namespace URI with '&' as "&#38;" (the variant comes from it).
  for (size_t at; (at = a.find("&#38;")) != std::string::npos;) a.replace(at, 5, "&");
  return a == b ? "" : "old:\n" + a + "new:\n" + b;
}

std::vector<fs::path> Documents() {
  std::vector<fs::path> files;
  const fs::path formats = fs::path(MONEYTRAIL_SHARED_DATA_DIR) / "formats";
  for (const char* dir : {"camt052", "camt053", "camt054"}) {
    if (!fs::exists(formats / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(formats / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".xml") files.push_back(e.path());
    }
  }
  for (const auto& e : fs::directory_iterator(fs::path(MONEYTRAIL_SOURCE_DIR) / "fuzz/corpus/fuzz_camt")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(CamtDiffTest, EverySampleAndSeedReadsAsTheStreamingReaderReadIt) {
  const std::vector<fs::path> files = Documents();
  ASSERT_GE(files.size(), 20u);
  for (const fs::path& f : files) {
    Result<std::string> bytes = ReadFileToString(f.string());
    ASSERT_TRUE(bytes.ok()) << f;
    EXPECT_EQ(Compare(*bytes), "") << f;
  }
}

// Mutations that keep most of a document: cut a range, repeat one, insert XML's special bytes,
// change a digit, break a tag.
std::string Mutate(const std::string& doc, std::mt19937_64& rng) {
  std::string d = doc;
  if (d.empty()) return "<";
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits && !d.empty(); ++i) {
    const size_t at = rng() % d.size();
    const size_t len = std::min<size_t>(d.size() - at, 1 + rng() % 40);
    switch (rng() % 7) {
      case 0: d.erase(at, len); break;
      case 1: d.insert(at, d.substr(at, len)); break;
      case 2: {
        static const char* kBits[] = {"<", ">", "&", "&amp;", "&#x41;", "&nope;", "<![CDATA[x&y]]>", "<!-- & -->",
                                      "\n", "  ", "</Ntry>", "<Ntry>", "\x01", "\xC3\xA9", "\xFF", "<Amt Ccy=\"USD\">1.5</Amt>"};
        d.insert(at, kBits[rng() % (sizeof(kBits) / sizeof(kBits[0]))]);
        break;
      }
      case 3:
        for (size_t j = at; j < at + len; ++j) {
          if (d[j] >= '0' && d[j] <= '9') { d[j] = static_cast<char>('0' + rng() % 10); break; }
        }
        break;
      case 4: {
        const size_t lt = d.find('<', at);
        if (lt != std::string::npos && lt + 1 < d.size()) d[lt + 1] = static_cast<char>('A' + rng() % 26);
        break;
      }
      case 5: d.resize(at); break;
      default: {
        const size_t sp = d.find(' ', at);
        if (sp != std::string::npos) d.insert(sp, "\n\t ");
        break;
      }
    }
  }
  return d;
}

TEST(CamtDiffTest, MutatedDocumentsReadOrAreRefusedAsTheStreamingReaderDid) {
  std::vector<std::string> docs;
  for (const fs::path& f : Documents()) {
    Result<std::string> bytes = ReadFileToString(f.string());
    if (bytes.ok() && bytes->size() < 20000) docs.push_back(*bytes);
  }
  ASSERT_FALSE(docs.empty());
  // CAMT_DIFF_SEED and CAMT_DIFF_CASES widen the search (session 14 ran seeds 77-84, 40,000
  // cases each: the one difference left is libxml2 refusing "<!-->" as an unterminated comment).
  const char* seed_text = std::getenv("CAMT_DIFF_SEED");
  const char* cases_text = std::getenv("CAMT_DIFF_CASES");
  const uint64_t seed = seed_text != nullptr ? std::strtoull(seed_text, nullptr, 10) : 20261207;
  const int cases = cases_text != nullptr ? std::atoi(cases_text) : 3000;
  std::mt19937_64 rng(seed);
  int both_read = 0, mismatches = 0;
  for (int i = 0; i < cases; ++i) {
    const std::string doc = Mutate(docs[rng() % docs.size()], rng);
    const std::string diff = Compare(doc);
    if (!diff.empty() && ++mismatches <= 5) {
      ADD_FAILURE() << "seed " << seed << " case " << i << ": " << diff << "\ndocument:\n" << doc;
    }
    both_read += ParseCamt(doc, "d.xml").ok();
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(both_read, cases / 10);  // the mutations leave many documents readable: the fields are compared
}

}  // namespace
}  // namespace moneytrail::formats

// libFuzzer harness: the text PDF reader (src/formats/pdf.cc, docs/format/pdf.md), a pure function
// from a PDF's bytes to delimited text, through qpdf. Besides the sanitizers it checks its
// promises: an error names the file; a read PDF's text holds one line per entry of its line map,
// each citing a page it has, in page order, and page_first_line agrees with the map; the text is
// valid UTF-8 without NUL. A header test (a line starting "Date") exercises the column alignment
// and the joining of wrapped lines; a statement template (the input's last byte says) its
// columns, rows and balance forward lines. The custody form of the pages reads back as written.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "moneytrail/pdf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  formats::PdfOptions options;
  options.max_pages = 200;
  if (size > 0 && (data[size - 1] & 1) != 0) {
    options.is_header = [](std::string_view line) { return line.substr(0, 4) == "Date"; };
  }
  formats::PdfTemplate layout;
  layout.columns = {{40, 100}, {100, 320}, {320, 420}, {420, 520}};
  layout.top = 30, layout.bottom = 760;
  layout.row_start = "^\\d";
  layout.balance_forward = "(?i)^balance";
  if (size > 0 && (data[size - 1] & 2) != 0) options.layout = &layout;
  Result<formats::PdfText> t = formats::ReadPdfAsText(bytes, "fuzz.pdf", options);
  if (!t.ok()) {
    fuzz::ExpectExplained(t.status(), "ReadPdfAsText failed without a message");
    fuzz::Expect(t.status().message().substr(0, 8) == "fuzz.pdf", "an error does not name the file");
    return 0;
  }
  const auto lines = static_cast<uint64_t>(std::count(t->text.begin(), t->text.end(), '\n'));
  fuzz::Expect(lines == t->lines.size(), "the text does not hold one line per line-map entry");
  fuzz::Expect(t->page_first_line.size() == t->pages, "page_first_line does not hold one entry per page");
  uint32_t page = 1;
  for (size_t i = 0; i < t->lines.size(); ++i) {
    fuzz::Expect(t->lines[i].page >= page && t->lines[i].page <= t->pages, "a line cites a page out of order");
    page = t->lines[i].page;
    fuzz::Expect(!formats::PdfCitation(t->page_first_line, i + 1).empty(), "a line has no page citation");
  }
  fuzz::ExpectCleanText(t->text, "text");
  fuzz::Expect(t->opening_balance_line <= t->lines.size(), "the balance forward cites a line past the text");
  fuzz::Expect(formats::ParsePdfPagesText(formats::PdfPagesText(t->page_first_line)) == t->page_first_line,
               "the custody form of the pages does not read back");
  return 0;
}

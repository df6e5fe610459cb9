#include "transfer_list.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "io/ingester.h"
#include "io/row_parser.h"
#include "moneytrail/csv.h"
#include "moneytrail/ingest.h"

namespace moneytrail::fuzz {
namespace {

using io_internal::RowSpec;
using io_internal::StagedRow;

// The block path (Next) and the scalar path (NextScalarForTesting) must read the same records.
void CompareReaderPaths(std::string_view data, const CsvDialect& dialect) {
  CsvRecordReader block(data, dialect, 1), scalar(data, dialect, 1);
  std::vector<std::string_view> a, b;
  for (int records = 0; records < 100000; ++records) {
    const bool more_a = block.Next(a);
    const bool more_b = scalar.NextScalarForTesting(b);
    Expect(more_a == more_b, "CsvRecordReader: Next and NextScalarForTesting disagree on the end");
    Expect(block.status().ok() == scalar.status().ok(),
           "CsvRecordReader: Next and NextScalarForTesting disagree on an error");
    Expect(block.line() == scalar.line() && block.offset() == scalar.offset() &&
               block.offset_line() == scalar.offset_line(),
           "CsvRecordReader: Next and NextScalarForTesting disagree on the position");
    if (!more_a) {
      if (block.status().ok()) return;
      const bool resync_a = block.Resync(), resync_b = scalar.Resync();
      Expect(resync_a == resync_b, "CsvRecordReader: Resync differs between the two paths");
      if (!resync_a) return;
      continue;
    }
    Expect(a == b, "CsvRecordReader: Next and NextScalarForTesting read different fields");
  }
}

void CheckAccepted(const RowSpec& spec, const StagedRow& row) {
  for (std::string_view text : {row.source_bank, row.source_account, row.dest_bank, row.dest_account,
                                row.paid_currency, row.received_currency, row.city, row.region,
                                row.country, row.counterparty, row.typology}) {
    ExpectCleanText(text, "an accepted row holds text that is not UTF-8 or holds NUL");
    Expect(text.size() <= 4096, "an accepted row holds a field over 4,096 bytes");
  }
  Expect(row.time >= spec.min_time && row.time <= spec.max_time,
         "an accepted row's time is outside the plausible range");
  if (!spec.amounts_may_be_negative) {
    Expect(row.paid.units >= 0 && row.received.units >= 0, "an accepted row has a negative amount");
  }
}

}  // namespace

size_t FuzzTransferList(RowSpec spec, const uint8_t* bytes, size_t size) {
  const IngestOptions defaults;
  spec.min_time = defaults.min_time;
  spec.max_time = defaults.max_time;
  const std::string name = "fuzz-input.csv";
  const std::string_view data = StripBom(std::string_view(reinterpret_cast<const char*>(bytes), size));
  CompareReaderPaths(data, spec.dialect);

  CsvRecordReader reader(data, spec.dialect, 1);
  std::vector<std::string_view> fields;
  for (int i = 0; i < spec.skip_lines; ++i) {
    if (!reader.Next(fields)) break;
  }
  if (spec.header) {
    if (!reader.Next(fields)) return 0;
    if (fields.size() == 1 && fields[0].empty()) return 0;
    std::vector<std::string> header_copy(fields.begin(), fields.end());
    std::vector<std::string_view> header(header_copy.begin(), header_copy.end());
    Status st = io_internal::ResolveHeader(name, header, spec);
    ExpectExplained(st, "ResolveHeader failed without a message");
    if (!st.ok()) return 0;
  }
  std::deque<std::string> arena;
  size_t accepted = 0;
  for (;;) {
    if (!reader.Next(fields)) {
      if (reader.status().ok()) break;
      ExpectExplained(reader.status(), "CsvRecordReader failed without a message");
      Expect(reader.line() >= 1, "a reader error names no line");
      if (!reader.Resync()) break;
      continue;
    }
    if (fields.size() == 1 && fields[0].empty() && reader.AtTrailingEmptyLines()) break;
    StagedRow row;
    RejectedRow reject;
    const std::string_view raw = data.substr(reader.record_offset(), reader.offset() - reader.record_offset());
    if (io_internal::CheckRecordBytes(raw, fields, reader.last_record_ascii_without_nul(), reject) &&
        io_internal::ParseRow(spec, fields, data, arena, row, reject)) {
      CheckAccepted(spec, row);
      ++accepted;
    } else {
      Expect(!reject.reason.empty(), "a row was rejected without a reason");
      reject.file = name;
      reject.line = reader.line();
      io_internal::BoundReject(reject);
      Expect(reject.ToString().size() < 4096, "a reject message is unbounded");
    }
  }
  return accepted;
}

}  // namespace moneytrail::fuzz

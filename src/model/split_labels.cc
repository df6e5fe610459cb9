// The temporal split and the label sources.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/model.h"

namespace moneytrail::model {

std::string_view SplitPartName(SplitPart part) {
  switch (part) {
    case SplitPart::kTrain: return "train";
    case SplitPart::kValidate: return "validate";
    case SplitPart::kTest: return "test";
  }
  return "?";
}

Result<SplitPart> ParseSplitPart(std::string_view name) {
  for (SplitPart p : {SplitPart::kTrain, SplitPart::kValidate, SplitPart::kTest}) {
    if (name == SplitPartName(p)) return p;
  }
  return InvalidArgumentError(
      fmt::format("unknown split part '{}' (expected train, validate or test)", name));
}

Result<TemporalSplit> TemporalSplit::Parse(std::string_view text) {
  constexpr std::string_view kPrefix = "temporal:";
  const auto bad = [&] {
    return InvalidArgumentError(fmt::format(
        "--split '{}': expected temporal:TRAIN/VALIDATE/TEST in whole percent summing to 100, "
        "e.g. temporal:60/20/20", text));
  };
  if (!text.starts_with(kPrefix)) return bad();
  std::string_view rest = text.substr(kPrefix.size());
  int parts[3];
  for (int k = 0; k < 3; ++k) {
    const size_t slash = k < 2 ? rest.find('/') : rest.size();
    if (slash == std::string_view::npos) return bad();
    const std::string_view word = rest.substr(0, slash);
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), parts[k]);
    if (ec != std::errc() || end != word.data() + word.size() || parts[k] < 1) return bad();
    rest = k < 2 ? rest.substr(slash + 1) : std::string_view();
  }
  if (parts[0] + parts[1] + parts[2] != 100) return bad();
  return TemporalSplit{parts[0], parts[1], parts[2]};
}

std::string TemporalSplit::ToString() const {
  return fmt::format("temporal:{}/{}/{}", train, validate, test);
}

SplitBoundaries ComputeBoundaries(std::span<const Timestamp> time, const TemporalSplit& split) {
  SplitBoundaries b;
  const auto [lo, hi] = std::minmax_element(time.begin(), time.end());
  b.first = *lo;
  b.last = *hi;
  const Int128 span = static_cast<Int128>(b.last) - b.first;
  b.validate_from = b.first + static_cast<Timestamp>(span * split.train / 100);
  b.test_from = b.first + static_cast<Timestamp>(span * (split.train + split.validate) / 100);
  return b;
}

namespace {

Result<std::vector<int8_t>> LabelsFromStore(const store::Store& s) {
  std::vector<int8_t> labels(s.transaction_count(), kLabelUnknown);
  bool any = false;
  for (size_t t = 0; t < labels.size(); ++t) {
    const auto l = static_cast<Label>(s.label()[t]);
    if (l == Label::kUnknown) continue;
    labels[t] = l == Label::kLaundering ? 1 : 0;
    any = true;
  }
  if (any) return labels;
  // No transaction labels: derive them from account labels (AMLSim's nodes.csv).
  bool accounts = false;
  for (AccountId a = 0; a < s.account_count() && !accounts; ++a) {
    accounts = s.account_attributes(a).label != Label::kUnknown;
  }
  if (!accounts) {
    return FailedPreconditionError(fmt::format(
        "store {} has no transaction or account labels; give --labels FILE (tx_id,label)",
        s.dir().string()));
  }
  for (size_t t = 0; t < labels.size(); ++t) {
    const bool both = s.account_attributes(s.source()[t]).label == Label::kLaundering &&
                      s.account_attributes(s.destination()[t]).label == Label::kLaundering;
    labels[t] = both ? 1 : 0;
  }
  return labels;
}

Result<std::vector<int8_t>> LabelsFromFile(const store::Store& s, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(fmt::format("labels file {}: cannot open", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  CsvRecordReader reader(StripBom(data), CsvDialect{});
  std::vector<std::string_view> fields;
  std::vector<int8_t> labels(s.transaction_count(), kLabelUnknown);
  bool header = true;
  while (reader.Next(fields)) {
    if (header) {
      header = false;
      if (fields.size() < 2 || fields[0] != "tx_id" || fields[1] != "label") {
        return InvalidArgumentError(fmt::format(
            "{}:{}: expected the header 'tx_id,label'", path, reader.line()));
      }
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;
    uint64_t tx = 0;
    int label = -1;
    const bool ok_tx = fields.size() >= 2 &&
                       std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), tx)
                               .ec == std::errc();
    const bool ok_label = fields.size() >= 2 &&
                          std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(),
                                          label).ec == std::errc() &&
                          (label == 0 || label == 1);
    if (!ok_tx || tx >= labels.size()) {
      return InvalidArgumentError(fmt::format(
          "{}:{}: field 'tx_id' = '{}': expected a transaction id below {}", path, reader.line(),
          fields.empty() ? "" : fields[0], labels.size()));
    }
    if (!ok_label) {
      return InvalidArgumentError(fmt::format("{}:{}: field 'label' = '{}': expected 0 or 1",
                                              path, reader.line(), fields[1]));
    }
    labels[tx] = static_cast<int8_t>(label);
  }
  MT_RETURN_IF_ERROR(reader.status().WithContext(path));
  return labels;
}

}  // namespace

Result<std::vector<int8_t>> LoadLabels(const store::Store& s, std::string_view spec) {
  if (spec == "from-store") return LabelsFromStore(s);
  return LabelsFromFile(s, std::string(spec));
}

}  // namespace moneytrail::model

// Feature availability, isotonic calibration, reliability tables and the shift check
// (moneytrail/model_applicability.h, docs/model.md).
#include "moneytrail/model_applicability.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "moneytrail/check.h"
#include "moneytrail/model.h"
#include "moneytrail/transaction.h"

namespace moneytrail::model {
namespace {

int Percent(double share) { return static_cast<int>(std::lround(share * 100)); }

}  // namespace

// ---- Feature availability ---------------------------------------------------------------------

std::vector<std::string> FeatureAvailability::Missing() const {
  std::vector<std::string> out;
  if (!time_of_day) out.push_back("time_of_day");
  if (!channel) out.push_back("channel");
  if (!kyc) out.push_back("kyc");
  return out;
}

std::string FeatureAvailability::Sentence() const {
  std::vector<std::string> parts;
  if (!time_of_day) {
    parts.push_back(fmt::format("is date-only ({}% of rows at 00:00:00 UTC)",
                                Percent(date_only_share)));
  }
  if (!channel) {
    parts.push_back(fmt::format("has no channels ({}% unknown)", Percent(channel_unknown_share)));
  }
  if (!kyc) parts.push_back("has no KYC (no account holders)");
  if (parts.empty()) return "";
  std::string out = "the input " + parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    out += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  }
  return out;
}

nlohmann::json FeatureAvailability::ToJson() const {
  return {{"time_of_day", time_of_day},
          {"channel", channel},
          {"kyc", kyc},
          {"date_only_share", date_only_share},
          {"channel_unknown_share", channel_unknown_share}};
}

FeatureAvailability DetectAvailability(const store::Store& s, const rules::HolderTable* holders) {
  FeatureAvailability a;
  const size_t n = s.transaction_count();
  uint64_t midnight = 0, unknown = 0;
  const auto time = s.time();
  const auto channel = s.channel();
  for (size_t t = 0; t < n; ++t) {
    const Timestamp sec = time[t];
    midnight += ((sec % 86400) + 86400) % 86400 == 0;
    unknown += channel[t] == static_cast<uint8_t>(Channel::kUnknown);
  }
  if (n > 0) {
    a.date_only_share = static_cast<double>(midnight) / static_cast<double>(n);
    a.channel_unknown_share = static_cast<double>(unknown) / static_cast<double>(n);
  }
  a.time_of_day = !(n > 0 && a.date_only_share >= kDateOnlyShareLimit);
  a.channel = !(n > 0 && a.channel_unknown_share >= kUnknownChannelShareLimit);
  a.kyc = s.holders() != nullptr || holders != nullptr;
  return a;
}

std::vector<std::string> ColumnsNeeding(std::string_view capability) {
  if (capability == "time_of_day") {
    return {"raw_hour", "acct_src_idle_hours", "acct_dst_idle_hours"};
  }
  if (capability == "channel") {
    return {"raw_channel", "acct_src_cash_share", "acct_dst_cash_share"};
  }
  return {};
}

std::vector<std::string> UnsupportedColumns(std::span<const std::string> names,
                                            const FeatureAvailability& a) {
  std::vector<std::string> bad;
  for (const std::string& cap : a.Missing()) {
    for (std::string& c : ColumnsNeeding(cap)) bad.push_back(std::move(c));
  }
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (std::find(bad.begin(), bad.end(), n) != bad.end()) out.push_back(n);
  }
  return out;
}

std::string CapabilityWords(std::string_view capability) {
  if (capability == "time_of_day") return "hour-of-day";
  if (capability == "kyc") return "KYC";
  return std::string(capability);
}

// ---- Calibration ------------------------------------------------------------------------------

std::vector<double> PoolAdjacentViolators(std::span<const double> y, std::span<const double> w) {
  struct Block {
    double sum_wy, sum_w;
    size_t count;
  };
  std::vector<Block> blocks;
  for (size_t i = 0; i < y.size(); ++i) {
    blocks.push_back({w[i] * y[i], w[i], 1});
    // Merge while the last block's mean is below the one before it.
    while (blocks.size() > 1) {
      const Block& b = blocks.back();
      const Block& a = blocks[blocks.size() - 2];
      if (a.sum_wy / a.sum_w <= b.sum_wy / b.sum_w) break;
      Block merged{a.sum_wy + b.sum_wy, a.sum_w + b.sum_w, a.count + b.count};
      blocks.pop_back();
      blocks.back() = merged;
    }
  }
  std::vector<double> z;
  z.reserve(y.size());
  for (const Block& b : blocks) z.insert(z.end(), b.count, b.sum_wy / b.sum_w);
  return z;
}

namespace {
constexpr double kPlattClamp = 1e-7;
double Logit(float score) {
  const double q = std::clamp(static_cast<double>(score), kPlattClamp, 1 - kPlattClamp);
  return std::log(q / (1 - q));
}
}  // namespace

float IsotonicCalibration::Apply(float score) const {
  if (std::isnan(score)) return score;
  if (platt) return static_cast<float>(1 / (1 + std::exp(-(a * Logit(score) + b))));
  if (x.empty()) return score;
  if (score <= x.front()) return y.front();
  if (score >= x.back()) return y.back();
  const auto it = std::upper_bound(x.begin(), x.end(), score);
  const size_t k = static_cast<size_t>(it - x.begin());  // x[k-1] <= score < x[k]
  const double t = (static_cast<double>(score) - x[k - 1]) / (static_cast<double>(x[k]) - x[k - 1]);
  return static_cast<float>(y[k - 1] + t * (static_cast<double>(y[k]) - y[k - 1]));
}

nlohmann::json IsotonicCalibration::ToJson() const {
  if (platt) return {{"method", "platt"}, {"a", a}, {"b", b}};
  return {{"method", "isotonic"}, {"x", x}, {"y", y}};
}

Result<IsotonicCalibration> IsotonicCalibration::FromJson(const nlohmann::json& j) {
  IsotonicCalibration c;
  std::string method = "isotonic";
  try {
    if (j.contains("method")) method = j.at("method").get<std::string>();
    if (method == "platt") {
      c.platt = true;
      c.a = j.at("a").get<double>();
      c.b = j.at("b").get<double>();
      if (!(std::isfinite(c.a) && c.a > 0 && std::isfinite(c.b))) {
        return InvalidArgumentError(fmt::format(
            "calibration: Platt a {} b {}: expected a finite and positive, b finite", c.a, c.b));
      }
      return c;
    }
    if (method != "isotonic") {
      return InvalidArgumentError(fmt::format(
          "calibration: method '{}': expected \"isotonic\" or \"platt\"", method));
    }
    c.x = j.at("x").get<std::vector<float>>();
    c.y = j.at("y").get<std::vector<float>>();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(fmt::format("calibration: {}", e.what()));
  }
  if (c.x.size() != c.y.size()) {
    return InvalidArgumentError(fmt::format("calibration: {} points x but {} y", c.x.size(),
                                            c.y.size()));
  }
  for (size_t k = 0; k < c.x.size(); ++k) {
    if (!(c.y[k] >= 0 && c.y[k] <= 1) || std::isnan(c.x[k]) ||
        (k > 0 && (!(c.x[k] > c.x[k - 1]) || c.y[k] < c.y[k - 1]))) {
      return InvalidArgumentError(fmt::format(
          "calibration: point {} ({}, {}) breaks x strictly increasing, y non-decreasing in [0, 1]",
          k, c.x[k], c.y[k]));
    }
  }
  return c;
}

IsotonicCalibration FitPlatt(std::span<const float> scores, std::span<const int8_t> labels) {
  std::vector<double> f;
  std::vector<int8_t> l;
  double positives = 0, negatives = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] == kLabelUnknown || std::isnan(scores[i])) continue;
    f.push_back(Logit(scores[i]));
    l.push_back(labels[i] == 1 ? 1 : 0);
    (labels[i] == 1 ? positives : negatives) += 1;
  }
  IsotonicCalibration c;
  c.platt = true;
  if (positives == 0 || negatives == 0) return c;
  const double hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
  auto loss = [&](double a, double b) {  // negative log-likelihood with smoothed targets
    double sum = 0;
    for (size_t i = 0; i < f.size(); ++i) {
      const double t = l[i] ? hi : lo, z = a * f[i] + b;
      // log(1 + e^z) - t z, stably
      sum += (z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z))) - t * z;
    }
    return sum;
  };
  double a = 1, b = std::log((positives + 1) / (negatives + 1));
  double current = loss(a, b);
  for (int iteration = 0; iteration < 100; ++iteration) {
    double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (size_t i = 0; i < f.size(); ++i) {
      const double t = l[i] ? hi : lo, p = 1 / (1 + std::exp(-(a * f[i] + b)));
      const double d = p - t, w = p * (1 - p);
      ga += d * f[i];
      gb += d;
      haa += w * f[i] * f[i];
      hab += w * f[i];
      hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    double step = 1, next = current;
    while (step > 1e-10) {
      next = loss(a - step * da, b - step * db);
      if (next <= current) break;
      step /= 2;
    }
    if (step <= 1e-10) break;
    a -= step * da;
    b -= step * db;
    const double gain = current - next;
    current = next;
    if (gain < 1e-12 * (1 + std::abs(current))) break;
  }
  if (std::isfinite(a) && a > 0 && std::isfinite(b)) {
    c.a = a;
    c.b = b;
  }
  return c;
}

IsotonicCalibration FitIsotonic(std::span<const float> scores, std::span<const int8_t> labels) {
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < scores.size(); ++i) {
    if (labels[i] != kLabelUnknown && !std::isnan(scores[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return scores[a] < scores[b]; });
  std::vector<float> xs;
  std::vector<double> y, w;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    double pos = 0;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) pos += labels[order[j++]] == 1;
    xs.push_back(scores[order[i]]);
    y.push_back(pos / static_cast<double>(j - i));
    w.push_back(static_cast<double>(j - i));
    i = j;
  }
  const std::vector<double> z = PoolAdjacentViolators(y, w);
  IsotonicCalibration c;
  // Keep the first and last point of each constant run: the interpolation is then exact on
  // every fitted point.
  for (size_t k = 0; k < z.size(); ++k) {
    const bool first = k == 0 || z[k] != z[k - 1];
    const bool last = k + 1 == z.size() || z[k] != z[k + 1];
    if (first || last) {
      c.x.push_back(xs[k]);
      c.y.push_back(static_cast<float>(std::clamp(z[k], 0.0, 1.0)));
    }
  }
  return c;
}

std::vector<ReliabilityBin> ReliabilityTable(std::span<const float> p,
                                             std::span<const int8_t> labels, int bins) {
  std::vector<ReliabilityBin> t(static_cast<size_t>(std::max(bins, 1)));
  std::vector<double> sum_p(t.size(), 0), pos(t.size(), 0);
  for (size_t k = 0; k < t.size(); ++k) {
    t[k].lower = static_cast<double>(k) / static_cast<double>(t.size());
    t[k].upper = static_cast<double>(k + 1) / static_cast<double>(t.size());
  }
  for (size_t i = 0; i < p.size(); ++i) {
    if (labels[i] == kLabelUnknown || std::isnan(p[i])) continue;
    const double v = std::clamp(static_cast<double>(p[i]), 0.0, 1.0);
    const size_t k = std::min(t.size() - 1, static_cast<size_t>(v * static_cast<double>(t.size())));
    ++t[k].count;
    sum_p[k] += v;
    pos[k] += labels[i] == 1;
  }
  for (size_t k = 0; k < t.size(); ++k) {
    if (t[k].count == 0) continue;
    t[k].predicted_mean = sum_p[k] / static_cast<double>(t[k].count);
    t[k].observed_rate = pos[k] / static_cast<double>(t[k].count);
  }
  return t;
}

double ExpectedCalibrationError(std::span<const ReliabilityBin> table) {
  double total = 0, err = 0;
  for (const ReliabilityBin& b : table) total += static_cast<double>(b.count);
  if (total == 0) return 0;
  for (const ReliabilityBin& b : table) {
    err += static_cast<double>(b.count) / total * std::abs(b.predicted_mean - b.observed_rate);
  }
  return err;
}

nlohmann::json ReliabilityToJson(std::span<const ReliabilityBin> table) {
  nlohmann::json j = nlohmann::json::array();
  for (const ReliabilityBin& b : table) {
    j.push_back({{"lower", b.lower},
                 {"upper", b.upper},
                 {"predicted_mean", b.predicted_mean},
                 {"observed_rate", b.observed_rate},
                 {"count", b.count}});
  }
  return j;
}

Result<std::vector<ReliabilityBin>> ReliabilityFromJson(const nlohmann::json& j) {
  std::vector<ReliabilityBin> t;
  try {
    for (const auto& b : j) {
      t.push_back({b.at("lower"), b.at("upper"), b.at("predicted_mean"), b.at("observed_rate"),
                   b.at("count")});
    }
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(fmt::format("reliability table: {}", e.what()));
  }
  return t;
}

// ---- Shift check ------------------------------------------------------------------------------

nlohmann::json TrainingProfile::ToJson() const {
  nlohmann::json f = nlohmann::json::array();
  for (const FeatureSummary& s : features) {
    f.push_back({{"name", s.name}, {"edges", s.edges}, {"shares", s.shares},
                 {"missing", s.missing}});
  }
  return {{"rows", rows},
          {"date_only_share", date_only_share},
          {"channel_unknown_share", channel_unknown_share},
          {"features", std::move(f)}};
}

Result<TrainingProfile> TrainingProfile::FromJson(const nlohmann::json& j) {
  TrainingProfile p;
  try {
    p.rows = j.at("rows");
    p.date_only_share = j.at("date_only_share");
    p.channel_unknown_share = j.at("channel_unknown_share");
    for (const auto& f : j.at("features")) {
      FeatureSummary s;
      s.name = f.at("name");
      s.edges = f.at("edges").get<std::vector<float>>();
      s.shares = f.at("shares").get<std::vector<double>>();
      s.missing = f.at("missing");
      if (s.shares.size() != s.edges.size() + 1) {
        return InvalidArgumentError(fmt::format(
            "training profile: feature '{}' has {} edges and {} shares", s.name, s.edges.size(),
            s.shares.size()));
      }
      p.features.push_back(std::move(s));
    }
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(fmt::format("training profile: {}", e.what()));
  }
  return p;
}

namespace {

size_t BinOf(std::span<const float> edges, float v) {
  return static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
}

}  // namespace

TrainingProfile ProfileOf(const FeatureMatrix& x, std::span<const uint32_t> rows,
                          const FeatureAvailability& a) {
  TrainingProfile p;
  p.rows = rows.size();
  p.date_only_share = a.date_only_share;
  p.channel_unknown_share = a.channel_unknown_share;
  std::vector<float> v;
  for (size_t c = 0; c < x.cols(); ++c) {
    FeatureSummary s;
    s.name = x.names[c];
    v.clear();
    for (uint32_t r : rows) {
      const float value = x.values[static_cast<size_t>(r) * x.cols() + c];
      if (!std::isnan(value)) v.push_back(value);
    }
    s.missing = rows.empty() ? 0 : static_cast<double>(rows.size() - v.size()) /
                                       static_cast<double>(rows.size());
    std::sort(v.begin(), v.end());
    for (int q = 1; q < 10 && !v.empty(); ++q) {
      const float e = v[v.size() * static_cast<size_t>(q) / 10];
      if (s.edges.empty() || e > s.edges.back()) s.edges.push_back(e);
    }
    s.shares.assign(s.edges.size() + 1, 0.0);
    for (float value : v) s.shares[BinOf(s.edges, value)] += 1;
    for (double& share : s.shares) share /= std::max<double>(1, static_cast<double>(rows.size()));
    p.features.push_back(std::move(s));
  }
  return p;
}

double PopulationStabilityIndex(const FeatureSummary& s, const FeatureMatrix& x, size_t column) {
  std::vector<double> q(s.shares.size(), 0.0);
  double missing = 0;
  for (size_t r = 0; r < x.rows; ++r) {
    const float value = x.values[r * x.cols() + column];
    if (std::isnan(value)) {
      missing += 1;
    } else {
      q[BinOf(s.edges, value)] += 1;
    }
  }
  const double n = std::max<double>(1, static_cast<double>(x.rows));
  auto term = [](double expected, double actual) {
    expected = std::max(expected, 1e-4);
    actual = std::max(actual, 1e-4);
    return (actual - expected) * std::log(actual / expected);
  };
  double psi = term(s.missing, missing / n);
  for (size_t k = 0; k < q.size(); ++k) psi += term(s.shares[k], q[k] / n);
  return psi;
}

nlohmann::json ShiftCheck::ToJson() const {
  nlohmann::json top = nlohmann::json::array();
  for (size_t k = 0; k < std::min<size_t>(psi.size(), 10); ++k) {
    top.push_back({{"feature", psi[k].first}, {"psi", psi[k].second}});
  }
  return {{"checked", checked}, {"applies", applies}, {"reason", reason},
          {"shifted_share", shifted_share}, {"largest_psi", std::move(top)}};
}

ShiftCheck CheckShift(const TrainingProfile& profile, const FeatureAvailability& input,
                      const FeatureMatrix& x, double shifted_share_limit) {
  MT_CHECK(shifted_share_limit > 0 && shifted_share_limit <= 1);
  ShiftCheck c;
  if (profile.empty()) return c;
  c.checked = true;
  std::vector<std::string> reasons;
  // A form (date-only rows, unknown channels) differs from training only when training held
  // (almost) one form: a profile with both forms at kFormSeenShare or more has seen either.
  const auto one_form = [](double share) {
    return std::min(share, 1.0 - share) < kFormSeenShare;
  };
  if (one_form(profile.date_only_share) &&
      std::abs(input.date_only_share - profile.date_only_share) >= kFormShareGap) {
    reasons.push_back(fmt::format("{}% of rows are date-only while {}% were in training",
                                  Percent(input.date_only_share),
                                  Percent(profile.date_only_share)));
  }
  if (one_form(profile.channel_unknown_share) &&
      std::abs(input.channel_unknown_share - profile.channel_unknown_share) >= kFormShareGap) {
    reasons.push_back(fmt::format("channel unknown on {}% vs {}%",
                                  Percent(input.channel_unknown_share),
                                  Percent(profile.channel_unknown_share)));
  }
  size_t shifted = 0;
  for (const FeatureSummary& s : profile.features) {
    const auto it = std::find(x.names.begin(), x.names.end(), s.name);
    if (it == x.names.end()) continue;
    const double psi =
        PopulationStabilityIndex(s, x, static_cast<size_t>(it - x.names.begin()));
    c.psi.emplace_back(s.name, psi);
    shifted += psi > kFeaturePsiLimit;
  }
  std::stable_sort(c.psi.begin(), c.psi.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (!c.psi.empty()) {
    c.shifted_share = static_cast<double>(shifted) / static_cast<double>(c.psi.size());
  }
  if (c.shifted_share > shifted_share_limit) {
    std::string top;
    for (size_t k = 0; k < std::min<size_t>(3, c.psi.size()); ++k) {
      top += fmt::format("{}{} {:.2f}", k ? ", " : "", c.psi[k].first, c.psi[k].second);
    }
    // A stricter limit than the default is the model file's (Model::shift_limit): say so.
    const std::string limit =
        shifted_share_limit == kShiftedShareLimit
            ? std::string()
            : fmt::format("; this model applies only up to {}% shifted, where its calibration "
                          "was checked",
                          Percent(shifted_share_limit));
    reasons.push_back(fmt::format("{} of {} features have shifted (PSI > {}{}; largest: {})",
                                  shifted, c.psi.size(), kFeaturePsiLimit, limit, top));
  }
  if (!reasons.empty()) {
    c.applies = false;
    c.reason = "the model does not apply: " + reasons[0];
    for (size_t i = 1; i < reasons.size(); ++i) c.reason += "; " + reasons[i];
  }
  return c;
}

}  // namespace moneytrail::model

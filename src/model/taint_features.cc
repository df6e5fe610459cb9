// Taint: pro-rata tracking of first-stage-suspicious money through each account's balance.
#include "model/taint_features.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "model/neighbour_features.h"
#include "moneytrail/money.h"

namespace moneytrail::model::model_internal {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr size_t kWidth = 6;

struct Balance {
  double total = 0;    // B: never below 0 (the opening balance is not in the data)
  double tainted = 0;  // T <= B

  float Share() const { return total > 0 ? static_cast<float>(tainted / total) : kNaN; }
  void Pay(double amount) {
    if (amount >= total) {
      total = tainted = 0;
      return;
    }
    tainted *= (total - amount) / total;
    total -= amount;
  }
  void Receive(double amount, double score) {
    total += amount;
    tainted = std::min(total, tainted + score * amount);
  }
};

}  // namespace

std::vector<std::string> TaintFeatureNames() {
  return {"tn_self",        "tn_src_tainted", "tn_src_share",
          "tn_src_spend",   "tn_dst_tainted", "tn_dst_share"};
}

void ComputeTaintFeatures(const store::Store& s, std::span<const float> scores,
                          std::vector<float>& out) {
  const size_t n = s.transaction_count();
  out.assign(n * kWidth, kNaN);
  const std::vector<TransactionId> order = TimeOrder(s);
  std::vector<Balance> balance(s.account_count());
  for (TransactionId t : order) {
    const AccountId src = s.source()[t];
    const AccountId dst = s.destination()[t];
    const double paid = std::max(0.0, ToDouble(s.amount_paid(t)));
    const double received = std::max(0.0, ToDouble(s.amount_received(t)));
    float* x = &out[static_cast<size_t>(t) * kWidth];
    const Balance& from = balance[src];
    const Balance& to = balance[dst];
    x[0] = scores[t];
    x[1] = static_cast<float>(from.tainted);
    x[2] = from.Share();
    x[3] = from.tainted > 0 ? static_cast<float>(paid / from.tainted) : kNaN;
    x[4] = static_cast<float>(to.tainted);
    x[5] = to.Share();
    balance[src].Pay(paid);
    balance[dst].Receive(received, scores[t]);
  }
}

void SetTaintColumns(const store::Store& s, std::span<const float> scores, FeatureMatrix& x) {
  SetGroupColumns(TaintFeatureNames(),
                  [&](std::vector<float>& values) { ComputeTaintFeatures(s, scores, values); }, x);
}

}  // namespace moneytrail::model::model_internal

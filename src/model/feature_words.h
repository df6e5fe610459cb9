// Plain words for model features, for explanations an investigator can read.
#ifndef MONEYTRAIL_SRC_MODEL_FEATURE_WORDS_H_
#define MONEYTRAIL_SRC_MODEL_FEATURE_WORDS_H_

#include <string>
#include <string_view>

namespace moneytrail::model::model_internal {

// "amount paid 9,500.00", "sender's distinct payees in the last 12 h: 14".
std::string DescribeFeature(std::string_view name, float value);

}  // namespace moneytrail::model::model_internal

#endif  // MONEYTRAIL_SRC_MODEL_FEATURE_WORDS_H_

// Settling delays of the rules feature group (docs/model.md, Rule-hit features).
#include "model/rule_features.h"

#include <gtest/gtest.h>

#include "moneytrail/file_util.h"

namespace moneytrail::model::model_internal {
namespace {

constexpr int64_t kDay = 86400;

TEST(RuleDelaysTest, EachWindowKindGetsItsSettlingDelay) {
  const char* pack = R"(
[pack]
id = "p"
[[rule]]
id = "SLIDING"
window = "72h"
[[rule]]
id = "PARAM"
window = "$within"
[rule.params]
within = "30m"
[[rule]]
id = "DAYS"
window = "2 days"
[[rule]]
id = "BUSINESS"
window = "business_day"
[[rule]]
id = "ALL"
window = "all"
[[rule]]
id = "PEER"
window = "7d"
[rule.peer]
metric = "count"
)";
  auto delays = RuleDelays(pack, "test.toml");
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  ASSERT_EQ(delays->size(), 6u);
  const RuleDelay& sliding = (*delays)[0];
  EXPECT_EQ(sliding.rule_id, "SLIDING");
  EXPECT_TRUE(sliding.usable);
  EXPECT_EQ(sliding.delay_seconds, 72 * 3600);
  EXPECT_EQ((*delays)[1].delay_seconds, 30 * 60);
  EXPECT_EQ((*delays)[2].delay_seconds, 3 * kDay);   // 2 days + the day of evaluation
  EXPECT_EQ((*delays)[3].delay_seconds, 7 * kDay);   // 1 business day + weekend/holiday slack
  EXPECT_FALSE((*delays)[4].usable);                 // spans all data
  EXPECT_FALSE((*delays)[5].usable);                 // peer baseline over the whole span
}

TEST(RuleDelaysTest, UnreadableWindowNamesTheRule) {
  auto delays = RuleDelays("[[rule]]\nid = \"X\"\nwindow = \"fortnight\"\n", "bad.toml");
  ASSERT_FALSE(delays.ok());
  EXPECT_NE(delays.status().message().find("'X'"), std::string::npos) << delays.status().ToString();
  EXPECT_NE(delays.status().message().find("bad.toml"), std::string::npos);
}

TEST(RuleDelaysTest, ShippedPackHasUsableRules) {
  auto text = ReadFileToString(std::string(MONEYTRAIL_SOURCE_DIR) +
                               "/rules/smuggling-trafficking.toml");
  ASSERT_TRUE(text.ok());
  auto delays = RuleDelays(*text, "smuggling-trafficking.toml");
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  size_t usable = 0;
  for (const RuleDelay& d : *delays) usable += d.usable;
  EXPECT_GE(usable, 10u);
}

}  // namespace
}  // namespace moneytrail::model::model_internal

#include "moneytrail/resolve_config.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace moneytrail::resolve {
namespace {

constexpr std::string_view kMinimal = R"(
[input]
id = "id"
[[comparison]]
name = "name"
columns = ["name"]
levels = ["exact", "jaro_winkler>=0.9"]
[[blocking]]
keys = ["name"]
)";

TEST(ConfigTest, ParsesAMinimalConfigWithDefaults) {
  auto c = ParseResolveConfig(kMinimal, "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->id_column, "id");
  EXPECT_EQ(c->mode, LinkMode::kDedupe);
  EXPECT_EQ(c->cluster_method, ClusterMethod::kAverageLinkage);
  ASSERT_EQ(c->comparisons.size(), 1u);
  EXPECT_EQ(c->comparisons[0].levels[1], "jaro_winkler>=0.9");
  EXPECT_EQ(c->ReferencedColumns(), (std::vector<std::string>{"id", "name"}));
}

TEST(ConfigTest, RejectsUnknownKeysWithTheirPlace) {
  std::string text(kMinimal);
  text += "[model]\nthreshhold = 3\n";
  auto c = ParseResolveConfig(text, "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("threshhold"), std::string_view::npos);
  EXPECT_NE(c.status().message().find("t.toml"), std::string_view::npos);
}

TEST(ConfigTest, RejectsUnknownLevelsNormalisersAndSyntax) {
  std::string bad_level(kMinimal);
  bad_level.replace(bad_level.find("\"exact\""), 7, "\"fuzzy\"");
  EXPECT_FALSE(ParseResolveConfig(bad_level, "t").ok());
  std::string bad_norm(kMinimal);
  bad_norm += "[normalize]\nname = \"soundslike\"\n";
  EXPECT_FALSE(ParseResolveConfig(bad_norm, "t").ok());
  auto syntax = ParseResolveConfig("[input\nid=1", "t.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), StatusCode::kInvalidArgument);
}

TEST(ConfigTest, RequiresIdComparisonAndBlocking) {
  EXPECT_FALSE(ParseResolveConfig("[input]\n", "t").ok());
  std::string no_blocking(kMinimal.substr(0, kMinimal.find("[[blocking]]")));
  EXPECT_FALSE(ParseResolveConfig(no_blocking, "t").ok());
}

TEST(ConfigTest, BuiltInDefaultIsTheShippedPartiesConfig) {
  std::ifstream in(std::string(MONEYTRAIL_SOURCE_DIR) + "/config/resolve/parties.toml");
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(DefaultResolveConfigToml(), file.str());
  auto c = ParseResolveConfig(DefaultResolveConfigToml(), "default");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (const auto& column : c->ReferencedColumns()) {
    EXPECT_EQ(column.find("nationality"), std::string::npos);
    EXPECT_EQ(column.find("ethnic"), std::string::npos);
    EXPECT_NE(column, "country");  // scope: no scoring on country either
  }
}

TEST(ConfigTest, EveryShippedConfigParses) {
  for (const char* name : {"parties", "splink_fake", "febrl", "febrl_link"}) {
    auto c = LoadResolveConfig(std::string(MONEYTRAIL_SOURCE_DIR) + "/config/resolve/" + name + ".toml");
    EXPECT_TRUE(c.ok()) << name << ": " << c.status().ToString();
  }
}

}  // namespace
}  // namespace moneytrail::resolve

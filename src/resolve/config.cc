// TOML parsing of ResolveConfig. toml++ throws on syntax errors; they are caught here and
// returned as InvalidArgument (no exception crosses the module boundary).
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "moneytrail/resolve_config.h"
#include "resolve/levels.h"
#include "resolve/normalize.h"

namespace moneytrail::resolve {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Status CheckKeys(const toml::table& table, std::string_view where,
                   std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, node] : table) {
      bool ok = false;
      for (auto a : allowed) ok = ok || key.str() == a;
      if (!ok) {
        return Error(where, fmt::format("unknown key '{}'", key.str()));
      }
    }
    return Status::Ok();
  }

  Status Error(std::string_view where, std::string_view what) const {
    return InvalidArgumentError(fmt::format("{}: [{}]: {}", source_, where, what));
  }

  template <typename T>
  Status Get(const toml::table& table, std::string_view where, std::string_view key, T& out) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Status::Ok();
    if constexpr (std::is_same_v<T, std::string>) {
      if (!node->is_string()) return Error(where, fmt::format("'{}' must be a string", key));
      out = node->as_string()->get();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!node->is_boolean()) return Error(where, fmt::format("'{}' must be true or false", key));
      out = node->as_boolean()->get();
    } else if constexpr (std::is_same_v<T, double>) {
      if (node->is_integer()) {
        out = static_cast<double>(node->as_integer()->get());
      } else if (node->is_floating_point()) {
        out = node->as_floating_point()->get();
      } else {
        return Error(where, fmt::format("'{}' must be a number", key));
      }
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      const toml::array* array = node->as_array();
      if (array == nullptr) return Error(where, fmt::format("'{}' must be an array of strings", key));
      out.clear();
      for (const auto& element : *array) {
        if (!element.is_string()) {
          return Error(where, fmt::format("'{}' must be an array of strings", key));
        }
        out.push_back(element.as_string()->get());
      }
    } else {
      if (!node->is_integer()) return Error(where, fmt::format("'{}' must be an integer", key));
      out = static_cast<T>(node->as_integer()->get());
    }
    return Status::Ok();
  }

  Result<ResolveConfig> Parse(const toml::table& root) {
    ResolveConfig config;
    MT_RETURN_IF_ERROR(CheckKeys(root, "top level",
                                 {"input", "normalize", "comparison", "blocking", "model",
                                  "clustering", "truth", "shared"}));
    if (const toml::table* input = root["input"].as_table()) {
      MT_RETURN_IF_ERROR(CheckKeys(*input, "input",
                                   {"id", "skip_initial_space", "mode", "date_order",
                                    "require_equal", "max_block_size"}));
      MT_RETURN_IF_ERROR(Get(*input, "input", "id", config.id_column));
      MT_RETURN_IF_ERROR(Get(*input, "input", "skip_initial_space", config.skip_initial_space));
      std::string mode = "dedupe";
      MT_RETURN_IF_ERROR(Get(*input, "input", "mode", mode));
      if (mode == "dedupe") {
        config.mode = LinkMode::kDedupe;
      } else if (mode == "link") {
        config.mode = LinkMode::kLink;
      } else {
        return Error("input", fmt::format("mode '{}': expected dedupe or link", mode));
      }
      MT_RETURN_IF_ERROR(Get(*input, "input", "date_order", config.date_order));
      if (config.date_order != "ymd" && config.date_order != "dmy" && config.date_order != "mdy") {
        return Error("input", fmt::format("date_order '{}': expected ymd, dmy or mdy",
                                          config.date_order));
      }
      MT_RETURN_IF_ERROR(Get(*input, "input", "require_equal", config.require_equal));
      MT_RETURN_IF_ERROR(Get(*input, "input", "max_block_size", config.max_block_size));
    }
    if (config.id_column.empty()) return Error("input", "'id' (the record id column) is required");

    if (const toml::table* normalize = root["normalize"].as_table()) {
      for (const auto& [key, node] : *normalize) {
        if (!node.is_string()) return Error("normalize", fmt::format("'{}' must be a string", key.str()));
        std::string name = node.as_string()->get();
        if (!resolve_internal::ParseNormalizer(name)) {
          return Error("normalize", fmt::format("'{}': unknown normaliser '{}'", key.str(), name));
        }
        config.normalizers[std::string(key.str())] = name;
      }
    }

    if (const toml::array* comparisons = root["comparison"].as_array()) {
      for (const auto& node : *comparisons) {
        const toml::table* t = node.as_table();
        if (t == nullptr) return Error("comparison", "must be an array of tables");
        ComparisonConfig c;
        MT_RETURN_IF_ERROR(CheckKeys(*t, "comparison",
                                     {"name", "columns", "swap_column", "levels", "tf_adjust"}));
        MT_RETURN_IF_ERROR(Get(*t, "comparison", "name", c.name));
        const std::string where = "comparison " + c.name;
        MT_RETURN_IF_ERROR(Get(*t, where, "columns", c.columns));
        MT_RETURN_IF_ERROR(Get(*t, where, "swap_column", c.swap_column));
        MT_RETURN_IF_ERROR(Get(*t, where, "levels", c.levels));
        MT_RETURN_IF_ERROR(Get(*t, where, "tf_adjust", c.tf_adjust));
        if (c.name.empty()) return Error("comparison", "'name' is required");
        if (c.columns.empty()) return Error(where, "'columns' must name at least one column");
        if (c.levels.empty()) return Error(where, "'levels' must list at least one level");
        for (const auto& level : c.levels) {
          if (!resolve_internal::ParseLevel(level).ok()) {
            return Error(where, resolve_internal::ParseLevel(level).status().message());
          }
        }
        config.comparisons.push_back(std::move(c));
      }
    }
    if (config.comparisons.empty()) return Error("comparison", "at least one comparison is required");

    if (const toml::array* rules = root["blocking"].as_array()) {
      for (const auto& node : *rules) {
        const toml::table* t = node.as_table();
        if (t == nullptr) return Error("blocking", "must be an array of tables");
        MT_RETURN_IF_ERROR(CheckKeys(*t, "blocking", {"keys", "train"}));
        BlockingRuleConfig rule;
        MT_RETURN_IF_ERROR(Get(*t, "blocking", "keys", rule.keys));
        MT_RETURN_IF_ERROR(Get(*t, "blocking", "train", rule.train));
        if (rule.keys.empty()) return Error("blocking", "'keys' must name at least one key");
        for (const auto& key : rule.keys) {
          if (!resolve_internal::ParseBlockingKey(key).ok()) {
            return Error("blocking", resolve_internal::ParseBlockingKey(key).status().message());
          }
        }
        config.blocking.push_back(std::move(rule));
      }
    }
    if (config.blocking.empty()) return Error("blocking", "at least one blocking rule is required");

    if (const toml::table* model = root["model"].as_table()) {
      MT_RETURN_IF_ERROR(CheckKeys(*model, "model",
                                   {"u_sample_pairs", "em_max_iterations", "em_tolerance", "seed",
                                    "threshold"}));
      MT_RETURN_IF_ERROR(Get(*model, "model", "u_sample_pairs", config.u_sample_pairs));
      MT_RETURN_IF_ERROR(Get(*model, "model", "em_max_iterations", config.em_max_iterations));
      MT_RETURN_IF_ERROR(Get(*model, "model", "em_tolerance", config.em_tolerance));
      MT_RETURN_IF_ERROR(Get(*model, "model", "seed", config.seed));
      MT_RETURN_IF_ERROR(Get(*model, "model", "threshold", config.threshold));
      if (Status t = CheckMatchThreshold(config.threshold, "[model] threshold"); !t.ok()) {
        return Error("model", t.message());
      }
    }
    if (const toml::table* clustering = root["clustering"].as_table()) {
      MT_RETURN_IF_ERROR(CheckKeys(*clustering, "clustering",
                                   {"method", "min_average_probability", "one_to_one"}));
      std::string method = "average_linkage";
      MT_RETURN_IF_ERROR(Get(*clustering, "clustering", "method", method));
      if (method == "average_linkage") {
        config.cluster_method = ClusterMethod::kAverageLinkage;
      } else if (method == "greedy_correlation") {
        config.cluster_method = ClusterMethod::kGreedyCorrelation;
      } else if (method == "connected_components") {
        config.cluster_method = ClusterMethod::kConnectedComponents;
      } else {
        return Error("clustering", fmt::format(
                                       "method '{}': expected greedy_correlation, average_linkage or connected_components",
                                       method));
      }
      MT_RETURN_IF_ERROR(Get(*clustering, "clustering", "min_average_probability",
                             config.linkage_min_probability));
      MT_RETURN_IF_ERROR(Get(*clustering, "clustering", "one_to_one", config.one_to_one));
    }
    if (const toml::table* truth = root["truth"].as_table()) {
      MT_RETURN_IF_ERROR(CheckKeys(*truth, "truth", {"column", "pattern"}));
      MT_RETURN_IF_ERROR(Get(*truth, "truth", "column", config.truth_column));
      MT_RETURN_IF_ERROR(Get(*truth, "truth", "pattern", config.truth_pattern));
    }
    if (const toml::array* shared = root["shared"].as_array()) {
      for (const auto& node : *shared) {
        const toml::table* t = node.as_table();
        if (t == nullptr) return Error("shared", "must be an array of tables");
        MT_RETURN_IF_ERROR(CheckKeys(*t, "shared", {"name", "columns", "max_entities"}));
        SharedIdentifierConfig s;
        MT_RETURN_IF_ERROR(Get(*t, "shared", "name", s.name));
        MT_RETURN_IF_ERROR(Get(*t, "shared", "columns", s.columns));
        MT_RETURN_IF_ERROR(Get(*t, "shared", "max_entities", s.max_entities));
        if (s.name.empty() || s.columns.empty()) {
          return Error("shared", "'name' and 'columns' are required");
        }
        config.shared.push_back(std::move(s));
      }
    }
    return config;
  }

 private:
  std::string source_;
};

}  // namespace

std::vector<std::string> ResolveConfig::ReferencedColumns() const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& c) {
    if (!c.empty() && seen.insert(c).second) out.push_back(c);
  };
  add(id_column);
  for (const auto& c : require_equal) add(c);
  for (const auto& c : comparisons) {
    for (const auto& col : c.columns) add(col);
    add(c.swap_column);
  }
  for (const auto& rule : blocking) {
    for (const auto& key : rule.keys) add(key.substr(0, key.find(':')));
  }
  for (const auto& s : shared) {
    for (const auto& col : s.columns) add(col);
  }
  return out;
}

Status CheckMatchThreshold(double weight, std::string_view where) {
  if (std::isfinite(weight) && weight >= 0.0 && weight <= kMaxMatchThreshold) return Status::Ok();
  return InvalidArgumentError(fmt::format(
      "{} {}: expected a match weight between 0 (posterior match probability 0.5) and {}", where,
      weight, kMaxMatchThreshold));
}

Result<ResolveConfig> ParseResolveConfig(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(fmt::format("{}:{}:{}: {}", source_name, e.source().begin.line,
                                            e.source().begin.column, e.description()));
  }
  Parser parser(source_name);
  return parser.Parse(root);
}

Result<ResolveConfig> LoadResolveConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError(fmt::format("cannot open configuration {}", path), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseResolveConfig(text.str(), path);
}

}  // namespace moneytrail::resolve

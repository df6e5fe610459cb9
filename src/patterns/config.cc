// PatternConfig: validation, provenance string, TOML, and the column layout it implies.
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "kernels.h"

namespace moneytrail::patterns {
namespace {

struct Family {
  const char* name;
  PatternSettings PatternConfig::*settings;
};
constexpr Family kFamilies[] = {
    {"fan", &PatternConfig::fan},
    {"vertex_stats", &PatternConfig::vertex_stats},
    {"scatter_gather", &PatternConfig::scatter_gather},
    {"gather_scatter", &PatternConfig::gather_scatter},
    {"bipartite", &PatternConfig::bipartite},
    {"stack", &PatternConfig::stack},
    {"temporal_cycle", &PatternConfig::temporal_cycle},
    {"simple_cycle", &PatternConfig::simple_cycle},
};

bool UsesBins(std::string_view family) {
  return family == "fan" || family == "scatter_gather" || family == "temporal_cycle" ||
         family == "simple_cycle";
}

// "90", "90s", "15m", "12h", "3d" -> seconds.
Result<Timestamp> ParseWindow(const toml::node& node, const std::string& where) {
  if (auto v = node.value<int64_t>()) return *v;
  if (auto text = node.value<std::string>()) {
    std::string s = *text;
    int64_t unit = 1;
    if (!s.empty()) {
      switch (s.back()) {
        case 's': unit = 1; s.pop_back(); break;
        case 'm': unit = 60; s.pop_back(); break;
        case 'h': unit = 3600; s.pop_back(); break;
        case 'd': unit = 86400; s.pop_back(); break;
        default: break;
      }
    }
    try {
      size_t used = 0;
      const long long n = std::stoll(s, &used);
      if (used == s.size() && n >= 0) return static_cast<Timestamp>(n) * unit;
    } catch (const std::exception&) {
    }
  }
  return InvalidArgumentError(where + ": expected a window such as 43200, \"90m\", \"12h\" or \"3d\"");
}

}  // namespace

Status PatternConfig::Validate() const {
  for (const Family& f : kFamilies) {
    const PatternSettings& s = this->*f.settings;
    if (s.window < 0) {
      return InvalidArgumentError(std::string("patterns config: ") + f.name +
                                  ".window must be >= 0, got " + std::to_string(s.window));
    }
    if (!s.bins.empty() && !UsesBins(f.name)) {
      return InvalidArgumentError(std::string("patterns config: ") + f.name +
                                  " has no histogram; remove its bins");
    }
    for (size_t k = 0; k < s.bins.size(); ++k) {
      if (s.bins[k] < 1 || (k > 0 && s.bins[k] <= s.bins[k - 1])) {
        return InvalidArgumentError(std::string("patterns config: ") + f.name +
                                    ".bins must be strictly increasing integers >= 1");
      }
    }
  }
  if (max_cycle_length < 2 || max_cycle_length > 10) {
    return InvalidArgumentError("patterns config: max_cycle_length must be 2..10, got " +
                                std::to_string(max_cycle_length));
  }
  return Status::Ok();
}

std::string PatternConfig::ToString() const {
  std::ostringstream out;
  for (const Family& f : kFamilies) {
    const PatternSettings& s = this->*f.settings;
    out << f.name << "={enabled=" << (s.enabled ? "true" : "false") << ",window=" << s.window
        << ",bins=[";
    for (size_t k = 0; k < s.bins.size(); ++k) out << (k ? "," : "") << s.bins[k];
    out << "]} ";
  }
  out << "max_cycle_length=" << max_cycle_length
      << " instances_per_account=" << instances_per_account;
  return out.str();
}

Result<PatternConfig> PatternConfig::FromTomlText(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return InvalidArgumentError(msg.str());
  }
  PatternConfig c;
  const std::string file(origin);
  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (k == "max_cycle_length" || k == "instances_per_account") {
      auto v = node.value<int64_t>();
      if (!v || *v < 0 || *v > UINT32_MAX) {
        return InvalidArgumentError(file + ": " + k + " must be a non-negative integer");
      }
      (k == "max_cycle_length" ? c.max_cycle_length : c.instances_per_account) =
          static_cast<uint32_t>(*v);
      continue;
    }
    const Family* family = nullptr;
    for (const Family& f : kFamilies) {
      if (k == f.name) family = &f;
    }
    if (family == nullptr || !node.is_table()) {
      return InvalidArgumentError(file + ": unknown key '" + k +
                                  "' (expected a pattern table such as [fan], or "
                                  "max_cycle_length, instances_per_account)");
    }
    PatternSettings& s = c.*(family->settings);
    for (auto&& [sub_key, sub] : *node.as_table()) {
      const std::string where = file + ": " + k + "." + std::string(sub_key.str());
      if (sub_key == "enabled") {
        auto v = sub.value<bool>();
        if (!v) return InvalidArgumentError(where + ": expected true or false");
        s.enabled = *v;
      } else if (sub_key == "window") {
        MT_ASSIGN_OR_RETURN(s.window, ParseWindow(sub, where));
      } else if (sub_key == "bins") {
        const toml::array* arr = sub.as_array();
        if (arr == nullptr) return InvalidArgumentError(where + ": expected an array of integers");
        s.bins.clear();
        for (auto&& item : *arr) {
          auto v = item.value<int64_t>();
          if (!v || *v < 1 || *v > UINT32_MAX) {
            return InvalidArgumentError(where + ": expected integers >= 1");
          }
          s.bins.push_back(static_cast<uint32_t>(*v));
        }
      } else {
        return InvalidArgumentError(where + ": unknown key (expected enabled, window, bins)");
      }
    }
  }
  MT_RETURN_IF_ERROR(c.Validate());
  return c;
}

Result<PatternConfig> PatternConfig::FromTomlFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open patterns config " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return FromTomlText(text.str(), path.string());
}

namespace internal {

Layout::Layout(const PatternConfig& c) {
  auto add = [&](const std::string& name) { names.push_back(name); };
  auto bins = [&](const std::string& prefix, const std::vector<uint32_t>& b) {
    for (uint32_t v : b) add(prefix + std::to_string(v));
  };
  static const char* const kEnds[4] = {"src_out", "src_in", "dst_out", "dst_in"};
  if (c.fan.enabled) {
    fan = names.size();
    for (const char* what : {"fan", "deg"}) {
      for (const char* end : {"out_src", "in_src", "out_dst", "in_dst"}) {
        add(std::string(what) + "_" + end);
      }
    }
    if (!c.fan.bins.empty()) {
      for (const char* what : {"fan", "deg"}) {
        for (const char* end : {"out_src", "in_src", "out_dst", "in_dst"}) {
          bins(std::string(what) + "_" + end + "_b", c.fan.bins);
        }
      }
    }
  }
  if (c.vertex_stats.enabled) {
    vertex_stats = names.size();
    static const char* const kStats[kVertexStatsPerList] = {
        "count",      "fan",      "ratio",       "amt_sum",  "amt_mean", "amt_min",
        "amt_max",    "amt_median", "amt_var",   "amt_skew", "amt_kurt", "age_mean",
        "age_min",    "age_max",  "age_median",  "age_var",  "age_skew", "age_kurt"};
    for (const char* end : kEnds) {
      for (const char* stat : kStats) add(std::string("vs_") + end + "_" + stat);
    }
  }
  if (c.scatter_gather.enabled) {
    scatter_gather = names.size();
    add("sg_count");
    add("sg_max_width");
    bins("sg_width_b", c.scatter_gather.bins);
  }
  if (c.gather_scatter.enabled) {
    gather_scatter = names.size();
    add("gs_sources");
    add("gs_sinks");
  }
  if (c.bipartite.enabled) {
    bipartite = names.size();
    add("bip_pairs");
    add("bip_sources");
    add("bip_sinks");
  }
  if (c.stack.enabled) {
    stack = names.size();
    add("stack_paths");
    add("stack_sources");
    add("stack_middles");
  }
  if (c.temporal_cycle.enabled) {
    temporal_cycle = names.size();
    add("tcycle_count");
    bins("tcycle_len_b", c.temporal_cycle.bins);
  }
  if (c.simple_cycle.enabled) {
    simple_cycle = names.size();
    add("scycle_count");
    bins("scycle_len_b", c.simple_cycle.bins);
  }
  width = names.size();
}

}  // namespace internal

std::pair<PatternConfig, PatternConfig> SplitTemporalCycles(const PatternConfig& config) {
  PatternConfig cycles_only = config, rest = config;
  for (PatternSettings* s :
       {&cycles_only.fan, &cycles_only.vertex_stats, &cycles_only.scatter_gather,
        &cycles_only.gather_scatter, &cycles_only.bipartite, &cycles_only.stack,
        &cycles_only.simple_cycle}) {
    s->enabled = false;
  }
  rest.temporal_cycle.enabled = false;
  return {cycles_only, rest};
}

std::vector<std::string> FeatureNames(const PatternConfig& config) {
  return internal::Layout(config).names;
}

}  // namespace moneytrail::patterns

// The flow-of-funds chart through Graphviz's C library (libgvc, "dot" layout, SVG).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "moneytrail/graphviz.h"
#include "moneytrail/store.h"
#include "moneytrail/trace_report.h"
#include "trace/report_util.h"

#ifdef MONEYTRAIL_HAVE_GVC
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

namespace moneytrail::trace {

#ifndef MONEYTRAIL_HAVE_GVC
Result<std::string> FlowChartSvg(const Trail&, const TrailReport&, size_t) {
  return UnimplementedError("this moneytrail was built without Graphviz (libgvc); no chart");
}
}  // namespace moneytrail::trace

namespace moneytrail {
Result<std::string> RenderDotSvg(std::string_view, std::string_view) {
  return UnimplementedError("this moneytrail was built without Graphviz (libgvc); no chart");
}
}  // namespace moneytrail

namespace moneytrail::trace {
#else

namespace {

// "139,889.24": the exact amount with thousands grouped, as the case report prints amounts.
std::string Grouped(const Ledger& ledger, uint16_t currency, int64_t units) {
  return FormatDecimalGrouped(Decimal{units, ledger.currency_scale(currency)});
}

// One Graphviz context for the process, used under a lock (libgvc is not thread-safe). A context
// per chart is not safe: Graphviz's pango plugin keeps font state across contexts and reads it
// after gvFreeContext (AddressSanitizer: heap-use-after-free in textspan_size on the second chart
// of one process, e.g. `moneytrail investigate`).
std::mutex& GvcMutex() {
  static std::mutex mutex;
  return mutex;
}

GVC_t* SharedGvc() {
  static GVC_t* const gvc = gvContext();
  return gvc;
}

// Lays out g with `engine` and renders it as SVG on the shared context (the caller holds
// GvcMutex); closes g in every case. `layout_failed` is the error when the layout fails.
Result<std::string> LayOutAndRenderSvg(GVC_t* gvc, Agraph_t* g, const char* engine, Status layout_failed) {
  if (gvLayout(gvc, g, engine) != 0) {
    agclose(g);
    return layout_failed;
  }
  char* data = nullptr;
  unsigned int length = 0;  // graphviz 2.43's signature
  int rc = gvRenderData(gvc, g, "svg", &data, &length);
  std::string svg = rc == 0 && data != nullptr ? std::string(data, length) : std::string();
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(gvc, g);
  agclose(g);
  if (rc != 0) return InternalError("Graphviz could not render the chart as SVG");
  return svg;
}

struct EdgeKey {
  AccountId from, to;
  uint16_t currency;
  auto operator<=>(const EdgeKey&) const = default;
};

struct EdgeSum {
  int64_t attributed = 0;
  uint32_t count = 0;
  bool exit = false;
};

// cgraph's API takes char* for names and values it copies.
char* Mutable(std::string& s) { return s.data(); }

}  // namespace

Result<std::string> FlowChartSvg(const Trail& trail, const TrailReport& r, size_t max_nodes) {
  const store::Store& s = r.store;
  std::map<EdgeKey, EdgeSum> edges;
  std::map<AccountId, Int128> through;  // traced units in or out of each node, for ranking
  for (const Flow& f : trail.flows) {
    EdgeSum& e = edges[{f.from, f.to, f.currency}];
    e.attributed += f.attributed;
    ++e.count;
    e.exit = e.exit || f.is_exit;
    through[f.from] += f.attributed;
    through[f.to] += f.attributed;
  }
  std::map<AccountId, std::map<uint16_t, int64_t>> held;
  for (const Holding& h : trail.holdings) held[h.account][h.currency] += h.amount;
  // Keep the seeds, then the nodes that carried the most, ties by id.
  std::set<AccountId> seeds(r.options.seed_accounts.begin(), r.options.seed_accounts.end());
  std::vector<std::pair<Int128, AccountId>> ranked;
  for (const auto& [node, amount] : through) ranked.push_back({amount, node});
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    bool sa = seeds.count(a.second) > 0, sb = seeds.count(b.second) > 0;
    if (sa != sb) return sa;
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::set<AccountId> kept;
  for (size_t i = 0; i < ranked.size() && kept.size() < max_nodes; ++i) kept.insert(ranked[i].second);
  size_t cut_edges = 0;
  std::map<uint16_t, int64_t> cut_amount;
  for (const auto& [key, sum] : edges) {
    if (!kept.count(key.from) || !kept.count(key.to)) {
      ++cut_edges;
      cut_amount[key.currency] += sum.attributed;
    }
  }

  std::string title = fmt::format("moneytrail trace, {} {}: {}", DirectionName(trail.direction),
                                  MethodName(trail.method), r.seeds);
  for (const CurrencyTotals& t : trail.totals) {
    title += fmt::format("\\ntraced {} {} = remaining {} + exited {}",
                         Grouped(r.ledger, t.currency, t.traced_in), CurrencyName(s, t.currency),
                         Grouped(r.ledger, t.currency, t.remaining),
                         Grouped(r.ledger, t.currency, t.exited_total()));
  }
  if (kept.size() < through.size()) {
    title += fmt::format("\\nshowing {} of {} nodes; {} of {} edges not drawn", kept.size(),
                         through.size(), cut_edges, edges.size());
    for (const auto& [currency, amount] : cut_amount) {
      title += fmt::format(" ({} {} on them)", Grouped(r.ledger, currency, amount),
                           CurrencyName(s, currency));
    }
  }

  std::lock_guard<std::mutex> lock(GvcMutex());
  GVC_t* gvc = SharedGvc();
  std::string name = "trail";
  Agraph_t* g = agopen(Mutable(name), Agdirected, nullptr);
  auto set = [](void* object, const char* attribute, std::string value) {
    std::string a = attribute, empty;
    agsafeset(object, Mutable(a), Mutable(value), Mutable(empty));
  };
  set(g, "rankdir", "LR");
  set(g, "label", title);
  set(g, "labelloc", "t");
  set(g, "fontname", "Helvetica");
  set(g, "fontsize", "12");
  std::map<AccountId, Agnode_t*> nodes;
  for (AccountId a : kept) {
    std::string id = fmt::format("n{}", a);
    Agnode_t* n = agnode(g, Mutable(id), 1);
    const store::AccountKey& key = s.account(a);
    std::string label = s.AccountLabel(a);
    if (a < r.holders.size() && !r.holders[a].empty()) label += "\\n" + r.holders[a];
    if (key.kind != NodeKind::kAccount) label += fmt::format("\\n({})", NodeKindName(key.kind));
    if (auto it = held.find(a); it != held.end()) {
      for (const auto& [currency, amount] : it->second) {
        label += fmt::format("\\nremaining {} {}", Grouped(r.ledger, currency, amount),
                             CurrencyName(s, currency));
      }
    }
    set(n, "label", label);
    set(n, "fontname", "Helvetica");
    set(n, "fontsize", "11");
    set(n, "shape", key.kind == NodeKind::kAccount ? "box" : "ellipse");
    if (seeds.count(a)) {
      set(n, "style", "filled");
      set(n, "fillcolor", "#f4cccc");
    } else if (key.kind != NodeKind::kAccount) {
      set(n, "style", "filled");
      set(n, "fillcolor", "#eeeeee");
    }
    nodes[a] = n;
  }
  for (const auto& [key, sum] : edges) {
    if (!kept.count(key.from) || !kept.count(key.to)) continue;
    Agedge_t* e = agedge(g, nodes[key.from], nodes[key.to], nullptr, 1);
    std::string label = fmt::format("{} {}", Grouped(r.ledger, key.currency, sum.attributed),
                                    CurrencyName(s, key.currency));
    if (sum.count > 1) label += fmt::format("\\n({} payments)", sum.count);
    set(e, "label", label);
    set(e, "fontname", "Helvetica");
    set(e, "fontsize", "11");
    if (sum.exit) set(e, "style", "dashed");
  }
  return LayOutAndRenderSvg(gvc, g, "dot", InternalError("Graphviz could not lay out the flow-of-funds chart"));
}

#endif  // MONEYTRAIL_HAVE_GVC

}  // namespace moneytrail::trace

namespace moneytrail {

std::string DotQuoted(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '\\' || ch == '"') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

#ifdef MONEYTRAIL_HAVE_GVC
Result<std::string> RenderDotSvg(std::string_view dot, std::string_view layout) {
  using trace::GvcMutex;
  using trace::SharedGvc;
  using trace::LayOutAndRenderSvg;
  const std::string text(dot), engine(layout);
  std::lock_guard<std::mutex> lock(GvcMutex());
  Agraph_t* g = agmemread(text.c_str());
  if (g == nullptr) return InvalidArgumentError("the chart is not a Graphviz (DOT) graph");
  return LayOutAndRenderSvg(
      SharedGvc(), g, engine.c_str(),
      InvalidArgumentError(fmt::format("Graphviz could not lay out the chart with '{}'", engine.substr(0, 20))));
}
#endif

}  // namespace moneytrail

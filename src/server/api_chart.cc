// The link chart's drawings made on the server (issue #23; docs/ui.md): the SVG export of the
// chart's current view through Graphviz (an illustrative aid, FRE 107: the nodes and positions
// are the view's, every edge's amount is recomputed here from the case's store), and the trace
// overlay (a forward trace from an account by LIBR, FIFO, LIFO or pro-rata through the trace
// library: the attributed amounts per edge for the chart and the tracing schedule beside it).
// The case is asked of the workspace first, so a case the user may not see is NotFound.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "moneytrail/graphviz.h"
#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/trace.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"
#include "server/view_data.h"

namespace moneytrail::server::api_internal {

namespace {

struct EdgeKey {
  AccountId from, to;
  uint16_t currency;
  auto operator<=>(const EdgeKey&) const = default;
};

// The DOT text of the view: pinned nodes, an edge per (from, to, currency) with its exact sum.
Result<std::string> ViewDot(const store::Store& s, const CaseGraph& g, const workspace::CaseInfo& cs,
                            const Json& view) {
  ApiRequest filters;
  for (const auto& [key, value] : view["filters"].items()) filters.query[key] = value.get<std::string>();
  filters.query.erase("direction");  // the export draws the money both ways between the nodes shown
  MT_ASSIGN_OR_RETURN(FlowFilter filter, FilterFrom(filters));
  filter.incoming = false;  // each edge once: as its source's outgoing flow
  std::map<AccountId, const Json*> nodes;
  for (const Json& n : view["nodes"]) {
    const std::string label = n["account"].get<std::string>();
    if (label.rfind("subject-", 0) == 0 || label.rfind("rest-", 0) == 0) continue;
    MT_ASSIGN_OR_RETURN(AccountId a, AccountByLabel(s, label, "body: 'view.nodes'"));
    nodes[a] = &n;
  }
  if (nodes.empty()) return InvalidArgumentError("body: the view has no account to draw");
  std::map<std::string, std::string> group_label;
  for (const Json& gr : view["groups"]) group_label[gr["id"].get<std::string>()] = gr["label"].get<std::string>();
  std::map<EdgeKey, std::pair<DecimalSum, uint64_t>> edges;
  for (const auto& [a, json] : nodes) {
    ExpandOptions options{.filter = filter, .top = std::numeric_limits<size_t>::max(), .evidence = 0};
    for (const Flow& f : g.Expand(a, options).top) {
      if (!nodes.count(f.other)) continue;
      edges[{a, f.other, f.currency}] = {f.sum, f.transactions};
    }
  }
  std::string title = fmt::format("Illustrative aid (FRE 107)\\nCase {}: {}{}", DotQuoted(cs.number), DotQuoted(cs.title),
                                  cs.markings.empty() ? "" : " - markings: " + DotQuoted(workspace::FormatMarkings(cs.markings)));
  std::string period;
  for (const char* key : {"from", "to", "channel", "min_amount"}) {
    if (view["filters"].contains(key)) period += fmt::format(" {} {};", key, DotQuoted(view["filters"][key].get<std::string>()));
  }
  title += fmt::format("\\nEdges: exact sums of the amount paid between the accounts shown, from the case's store "
                       "(state {}){}", s.manifest_sha256().substr(0, 16), period.empty() ? "" : ";" + period);
  std::string dot = fmt::format(
      "digraph chart {{\n graph [label=\"{}\", labelloc=t, fontname=Helvetica, fontsize=11, splines=true, "
      "outputorder=edgesfirst];\n node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3f8\", color=\"#3b6ea8\", "
      "fontname=Helvetica, fontsize=9];\n edge [fontname=Helvetica, fontsize=8, color=\"#6b7b8b\"];\n",
      title);
  for (const auto& [a, json] : nodes) {
    std::string label = s.AccountLabel(a);
    const NodeKind kind = s.account(a).kind;
    if (kind != NodeKind::kAccount) label += fmt::format("\n({})", NodeKindName(kind));
    if (json->contains("group")) {
      auto it = group_label.find((*json)["group"].get<std::string>());
      if (it != group_label.end()) label += "\n" + it->second;
    }
    // Cytoscape's y grows downwards, Graphviz's upwards; one pixel is drawn as one point.
    dot += fmt::format(" n{} [label=\"{}\", pos=\"{},{}!\"{}];\n", a, DotQuoted(label), (*json)["x"].get<int64_t>(),
                       -(*json)["y"].get<int64_t>(), kind == NodeKind::kAccount ? "" : ", shape=ellipse, fillcolor=\"#eeeeee\"");
  }
  for (const auto& [key, sum] : edges) {
    dot += fmt::format(" n{} -> n{} [label=\"{} {} ({})\"];\n", key.from, key.to, SumText(sum.first),
                       DotQuoted(s.currency(key.currency)), sum.second);
  }
  dot += "}\n";
  return dot;
}

Result<Json> ExportSvg(workspace::Workspace& ws, Context& c) {
  const auto started = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  MT_ASSIGN_OR_RETURN(Json view, CanonicalView(c.body));
  MT_ASSIGN_OR_RETURN(std::string dot, ViewDot(*loaded->store, *loaded->graph, cs, view));
  MT_ASSIGN_OR_RETURN(std::string svg, RenderDotSvg(dot, "neato"));
  c.raw_body = std::move(svg);
  c.raw_content_type = "image/svg+xml";
  c.extra_headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"case-{}-chart.svg\"", cs.id));
  AddTiming(c, started);
  return Json();
}

std::string Units(const trace::Ledger& ledger, uint16_t currency, int64_t units) {
  return FormatDecimal(Decimal{units, ledger.currency_scale(currency)});
}

Result<Json> TraceOverlay(workspace::Workspace& ws, Context& c) {
  const auto started = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  MT_ASSIGN_OR_RETURN(AccountId seed, AccountFrom(s, c.request, "account"));
  trace::TraceOptions options;
  const std::string method = QueryText(c.request, "method");
  if (!method.empty()) {
    auto m = trace::ParseMethod(method);
    if (!m.ok()) {
      return InvalidArgumentError(fmt::format("query: 'method' is '{}'; expected libr, fifo, lifo or pro-rata",
                                              method.substr(0, 20)));
    }
    options.method = *m;
  }
  MT_ASSIGN_OR_RETURN(int64_t max_hops, QueryInt(c.request, "max_hops"));
  if (max_hops > 0) options.max_hops = static_cast<uint32_t>(std::min<int64_t>(max_hops, 1000));
  if (const std::string until = QueryText(c.request, "until"); !until.empty()) {
    MT_ASSIGN_OR_RETURN(options.until, ParseWhen("until", until, true));
  }
  MT_ASSIGN_OR_RETURN(int64_t limit, QueryInt(c.request, "limit"));
  if (limit == 0) limit = 1000;
  options.seed_accounts = {seed};
  MT_ASSIGN_OR_RETURN(trace::Ledger ledger, trace::Ledger::FromStore(s));
  MT_ASSIGN_OR_RETURN(trace::Trail trail, trace::TraceForward(ledger, options));
  MT_RETURN_IF_ERROR(trail.Reconcile());

  std::map<EdgeKey, std::tuple<int64_t, uint64_t, bool>> edges;  // attributed, payments, an exit
  Json schedule = Json::array();
  for (size_t i = 0; i < trail.flows.size(); ++i) {
    const trace::Flow& f = trail.flows[i];
    auto& [attributed, payments, exit] = edges[{f.from, f.to, f.currency}];
    attributed += f.attributed;  // bounded by the traced total, which Reconcile checked
    ++payments;
    exit = exit || f.is_exit;
    if (schedule.size() >= static_cast<size_t>(limit)) continue;
    const uint32_t file = s.source_file()[f.transaction];
    schedule.push_back({{"line", i + 1}, {"hop", f.hop}, {"time", FormatIsoTime(s.time()[f.transaction])},
                        {"transaction_id", f.transaction}, {"from", s.AccountLabel(f.from)}, {"to", s.AccountLabel(f.to)},
                        {"currency", s.currency(f.currency)}, {"amount", Units(ledger, f.currency, f.amount)},
                        {"attributed", Units(ledger, f.currency, f.attributed)},
                        {"disposition", f.is_exit ? std::string(trace::ExitKindName(f.exit_kind)) : "followed"},
                        {"source_file", file < s.sources().size() ? s.sources()[file].path : ""},
                        {"source_line", s.source_line()[f.transaction]}});
  }
  Json edge_list = Json::array();
  for (const auto& [key, v] : edges) {
    edge_list.push_back({{"from", key.from}, {"to", key.to}, {"from_node", NodeJson(s, key.from)},
                         {"to_node", NodeJson(s, key.to)}, {"currency", s.currency(key.currency)},
                         {"attributed", Units(ledger, key.currency, std::get<0>(v))}, {"payments", std::get<1>(v)},
                         {"exit", std::get<2>(v)}});
  }
  Json totals = Json::array();
  for (const trace::CurrencyTotals& t : trail.totals) {
    totals.push_back({{"currency", s.currency(t.currency)}, {"traced_in", Units(ledger, t.currency, t.traced_in)},
                      {"remaining", Units(ledger, t.currency, t.remaining)},
                      {"exited", Units(ledger, t.currency, t.exited_total())}, {"reconciles", true}});
  }
  Json holdings = Json::array();
  for (const trace::Holding& h : trail.holdings) {
    holdings.push_back({{"account", s.AccountLabel(h.account)}, {"currency", s.currency(h.currency)},
                        {"amount", Units(ledger, h.currency, h.amount)}});
  }
  Json out{{"markings", cs.markings}, {"seed", NodeJson(s, seed)}, {"method", trace::MethodName(trail.method)},
           {"direction", "forward"}, {"totals", totals}, {"edges", edge_list}, {"holdings", holdings},
           {"schedule", schedule}, {"schedule_lines", trail.flows.size()},
           {"schedule_complete", schedule.size() == trail.flows.size()}};
  AddTiming(c, started);
  return out;
}

}  // namespace

void AddChartRoutes(const RouteTable& add) {
  add("POST", "/api/v1/cases/{case_id}/views/export.svg",
      "The chart's view (view: nodes with positions, groups, filters) as SVG through Graphviz, labelled an "
      "illustrative aid (FRE 107); edge amounts recomputed from the store",
      ExportSvg);
  add("GET", "/api/v1/cases/{case_id}/views/trace",
      "A forward trace from an account (method libr, fifo, lifo or pro-rata; max_hops, until): attributed amounts "
      "per edge for the chart and the tracing schedule (limit lines) with source lines",
      TraceOverlay);
}

}  // namespace moneytrail::server::api_internal

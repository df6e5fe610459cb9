// A pattern instance as a small graph. Acyclic instances (fan-in, scatter-gather, stacks) are
// drawn in layers from left to right by longest path, so money visibly flows rightwards;
// instances with a cycle are drawn on an ellipse in order of first appearance, so a cycle is
// drawn around it in time order.
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "report/html_util.h"
#include "report/svg_charts.h"

namespace moneytrail::report_internal {
namespace {

constexpr double kWidth = 760;
constexpr double kBoxW = 128;
constexpr double kBoxH = 26;
constexpr size_t kLabelChars = 20;

struct Point {
  double x = 0, y = 0;
};

std::string Shorten(const std::string& s) {
  if (s.size() <= kLabelChars) return s;
  // Cut on a UTF-8 boundary.
  size_t cut = kLabelChars - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\xE2\x80\xA6";
}

// Where the segment from the box centre `c` towards `toward` leaves the box.
Point ClipToBox(Point c, Point toward) {
  double dx = toward.x - c.x, dy = toward.y - c.y;
  if (dx == 0 && dy == 0) return c;
  double sx = dx != 0 ? (kBoxW / 2 + 3) / std::abs(dx) : 1e9;
  double sy = dy != 0 ? (kBoxH / 2 + 3) / std::abs(dy) : 1e9;
  double s = std::min(sx, sy);
  return {c.x + dx * s, c.y + dy * s};
}

// Layers by longest path from the sources, or empty when the graph has a cycle.
std::vector<int> LongestPathLayers(size_t n, const std::vector<std::pair<size_t, size_t>>& edges) {
  std::vector<std::vector<size_t>> out(n);
  std::vector<int> indegree(n, 0);
  for (auto [a, b] : edges) {
    if (a == b) continue;
    out[a].push_back(b);
    ++indegree[b];
  }
  std::vector<size_t> order;
  for (size_t v = 0; v < n; ++v) {
    if (indegree[v] == 0) order.push_back(v);
  }
  std::vector<int> layer(n, 0);
  for (size_t i = 0; i < order.size(); ++i) {
    size_t v = order[i];
    for (size_t w : out[v]) {
      layer[w] = std::max(layer[w], layer[v] + 1);
      if (--indegree[w] == 0) order.push_back(w);
    }
  }
  if (order.size() != n) return {};
  return layer;
}

// The accounts and transactions that will be drawn.
struct Selection {
  std::vector<std::string> names;                 // every account, in order of first mention
  std::vector<size_t> nodes;                      // the drawn accounts (indices into names)
  std::vector<std::pair<size_t, size_t>> edges;   // drawn transactions (indices into nodes)
};

// Keeps the highlighted accounts, then the most connected (ties by first mention), up to
// `max_nodes`, and the transactions between kept accounts up to `max_edges`; counts the rest.
Selection Select(const report::PatternView& pattern, const std::set<std::string>& highlighted,
                 size_t max_nodes, size_t max_edges, PatternGraph& g) {
  Selection sel;
  std::map<std::string, size_t> index;
  auto intern = [&](const std::string& name) {
    auto [it, inserted] = index.emplace(name, sel.names.size());
    if (inserted) sel.names.push_back(name);
    return it->second;
  };
  std::vector<size_t> degree;
  for (const report::TxView& tx : pattern.transactions) {
    for (const std::string* end : {&tx.from, &tx.to}) {
      size_t i = intern(*end);
      degree.resize(sel.names.size(), 0);
      ++degree[i];
    }
  }
  for (const std::string& a : pattern.accounts) intern(a);
  degree.resize(sel.names.size(), 0);

  std::vector<size_t> ranked(sel.names.size());
  for (size_t i = 0; i < ranked.size(); ++i) ranked[i] = i;
  std::stable_sort(ranked.begin(), ranked.end(), [&](size_t a, size_t b) {
    bool ha = highlighted.count(sel.names[a]) > 0, hb = highlighted.count(sel.names[b]) > 0;
    if (ha != hb) return ha;
    return degree[a] > degree[b];
  });
  std::vector<bool> kept(sel.names.size(), false);
  for (size_t i = 0; i < ranked.size() && i < max_nodes; ++i) kept[ranked[i]] = true;
  g.hidden_accounts = sel.names.size() > max_nodes ? sel.names.size() - max_nodes : 0;

  std::vector<size_t> node_of(sel.names.size(), SIZE_MAX);
  for (size_t i = 0; i < sel.names.size(); ++i) {
    if (!kept[i]) continue;
    node_of[i] = sel.nodes.size();
    sel.nodes.push_back(i);
  }
  for (size_t t = 0; t < pattern.transactions.size(); ++t) {
    const report::TxView& tx = pattern.transactions[t];
    size_t a = node_of[index[tx.from]], b = node_of[index[tx.to]];
    if (a == SIZE_MAX || b == SIZE_MAX || sel.edges.size() >= max_edges) {
      ++g.hidden_transactions;
      continue;
    }
    sel.edges.emplace_back(a, b);
    g.shown_transactions.push_back(t);
  }
  return sel;
}

// Box centres: layers left to right when acyclic, else an ellipse. Sets g.layered; returns the
// drawing's height through `height`.
std::vector<Point> Layout(const Selection& sel, PatternGraph& g, double& height) {
  size_t n = sel.nodes.size();
  std::vector<Point> pos(n);
  std::vector<int> layer = LongestPathLayers(n, sel.edges);
  if (!layer.empty() && n > 1) {
    g.layered = true;
    int layers = *std::max_element(layer.begin(), layer.end()) + 1;
    std::vector<std::vector<size_t>> members(layers);
    for (size_t v = 0; v < n; ++v) members[layer[v]].push_back(v);
    size_t tallest = 0;
    for (const auto& m : members) tallest = std::max(tallest, m.size());
    height = std::max(150.0, 46.0 * static_cast<double>(tallest) + 40);
    for (int l = 0; l < layers; ++l) {
      double x = layers == 1 ? kWidth / 2
                             : 80 + (kWidth - 160) * l / static_cast<double>(layers - 1);
      const auto& m = members[l];
      for (size_t k = 0; k < m.size(); ++k) {
        pos[m[k]] = {x, height * (k + 1) / static_cast<double>(m.size() + 1)};
      }
    }
    return pos;
  }
  height = std::clamp(140.0 + 24.0 * static_cast<double>(n), 150.0, 430.0);
  double rx = kWidth / 2 - kBoxW / 2 - 16, ry = height / 2 - kBoxH / 2 - 14;
  for (size_t v = 0; v < n; ++v) {
    double angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * v / static_cast<double>(n);
    pos[v] = n == 1 ? Point{kWidth / 2, height / 2}
                    : Point{kWidth / 2 + rx * std::cos(angle), height / 2 + ry * std::sin(angle)};
  }
  return pos;
}

// One transaction's arrow (a curve bent by `offset` from the straight line, or a loop) and its
// numbered label, appended to `s` and `labels`.
// A point of the quadratic Bezier curve (a, ctrl, b) at t.
Point OnCurve(Point a, Point ctrl, Point b, double t) {
  double u = 1 - t;
  return {u * u * a.x + 2 * u * t * ctrl.x + t * t * b.x,
          u * u * a.y + 2 * u * t * ctrl.y + t * t * b.y};
}

// Where along the curve to put its number: the middle, unless another number is already there.
Point LabelSpot(Point a, Point ctrl, Point b, const std::vector<Point>& taken) {
  for (double t : {0.5, 0.36, 0.64, 0.26, 0.74}) {
    Point p = OnCurve(a, ctrl, b, t);
    bool clear = std::all_of(taken.begin(), taken.end(), [&](Point q) {
      return std::hypot(p.x - q.x, p.y - q.y) >= 18;
    });
    if (clear) return p;
  }
  return OnCurve(a, ctrl, b, 0.5);
}

void AppendEdge(const report::TxView& tx, size_t number, Point p0, Point p2, Point normal,
                double offset, bool loop, std::vector<Point>& taken, std::string& s,
                std::string& labels) {
  std::string colour(ChannelColour(tx.channel));
  std::string tip = Escape(fmt::format("{}. {} {} \xE2\x86\x92 {} {} ({})", number,
                                       FormatDateTime(tx.time), tx.from, tx.to,
                                       FormatMoney(tx.amount), report::ChannelWords(tx.channel)));
  Point label;
  if (loop) {
    s += fmt::format(
        "<path d=\"M{:.1f} {:.1f} C{:.1f} {:.1f} {:.1f} {:.1f} {:.1f} {:.1f}\" fill=\"none\" "
        "stroke=\"{}\" stroke-width=\"1.6\"><title>{}</title></path>",
        p0.x - 20, p0.y - kBoxH / 2, p0.x - 30, p0.y - 60, p0.x + 30, p0.y - 60, p0.x + 20,
        p0.y - kBoxH / 2, colour, tip);
    label = {p0.x, p0.y - 48};
  } else {
    Point mid{(p0.x + p2.x) / 2, (p0.y + p2.y) / 2};
    Point ctrl{mid.x + normal.x * offset * 2, mid.y + normal.y * offset * 2};
    Point start = ClipToBox(p0, ctrl), end = ClipToBox(p2, ctrl);
    s += fmt::format(
        "<path d=\"M{:.1f} {:.1f} Q{:.1f} {:.1f} {:.1f} {:.1f}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"1.6\"><title>{}</title></path>",
        start.x, start.y, ctrl.x, ctrl.y, end.x, end.y, colour, tip);
    // The arrowhead, along the curve's tangent at its end.
    double dx = end.x - ctrl.x, dy = end.y - ctrl.y, len = std::hypot(dx, dy);
    if (len > 0) {
      dx /= len;
      dy /= len;
      Point back{end.x - dx * 9, end.y - dy * 9};
      s += fmt::format(
          "<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" fill=\"{}\"/>", end.x,
          end.y, back.x - dy * 4.5, back.y + dx * 4.5, back.x + dy * 4.5, back.y - dx * 4.5,
          colour);
    }
    label = LabelSpot(start, ctrl, end, taken);
  }
  taken.push_back(label);
  labels += fmt::format(
      "<g class=\"edge-label\"><circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"8\" fill=\"#fff\" "
      "stroke=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
      "font-size=\"9\">{}</text></g>",
      label.x, label.y, colour, label.x, label.y + 3.2, number);
}

}  // namespace

PatternGraph DrawPatternGraph(const report::PatternView& pattern,
                              const std::vector<std::string>& highlight, size_t max_nodes,
                              size_t max_edges) {
  PatternGraph g;
  std::set<std::string> highlighted(highlight.begin(), highlight.end());
  Selection sel = Select(pattern, highlighted, max_nodes, max_edges, g);
  double height = 0;
  std::vector<Point> pos = Layout(sel, g, height);

  std::string& s = g.svg;
  std::string name = Escape(pattern.kind + " instance");
  s += fmt::format(
      "<svg class=\"pattern-graph\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" "
      "height=\"{:.0f}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
      kWidth, height, kWidth, height, name, name);
  // Parallel transactions between the same two accounts (either way) bend apart: the offset is
  // perpendicular to the direction from the lower to the higher node, whatever the edge's own.
  std::map<std::pair<size_t, size_t>, std::vector<size_t>> bundles;
  for (size_t e = 0; e < sel.edges.size(); ++e) {
    auto [a, b] = sel.edges[e];
    bundles[{std::min(a, b), std::max(a, b)}].push_back(e);
  }
  std::string labels;
  std::vector<Point> taken;  // label centres so far
  for (const auto& [pair, members] : bundles) {
    Point lo = pos[pair.first], hi = pos[pair.second];
    double len = std::hypot(hi.x - lo.x, hi.y - lo.y);
    Point normal = len > 0 ? Point{-(hi.y - lo.y) / len, (hi.x - lo.x) / len} : Point{};
    for (size_t j = 0; j < members.size(); ++j) {
      size_t e = members[j];
      auto [a, b] = sel.edges[e];
      double offset = (static_cast<double>(j) - (members.size() - 1) / 2.0) * 26.0;
      AppendEdge(pattern.transactions[g.shown_transactions[e]], e + 1, pos[a], pos[b], normal,
                 offset, a == b, taken, s, labels);
    }
  }
  s += labels;  // above every edge
  for (size_t v = 0; v < sel.nodes.size(); ++v) {
    const std::string& account = sel.names[sel.nodes[v]];
    bool hi = highlighted.count(account) > 0;
    s += fmt::format(
        "<g class=\"node\"><title>{}</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.0f}\" "
        "height=\"{:.0f}\" rx=\"5\" fill=\"{}\" stroke=\"#1f3b57\"/><text x=\"{:.1f}\" "
        "y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"{}\">{}</text></g>",
        Escape(account), pos[v].x - kBoxW / 2, pos[v].y - kBoxH / 2, kBoxW, kBoxH,
        hi ? "#1f3b57" : "#eef3f8", pos[v].x, pos[v].y + 3.8, hi ? "#fff" : "#1a1a1a",
        Escape(Shorten(account)));
  }
  s += "</svg>";
  return g;
}

}  // namespace moneytrail::report_internal

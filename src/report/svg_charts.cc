// The timeline, the bars, and the embedding of Graphviz's flow-of-funds chart.
#include "report/svg_charts.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "report/html_util.h"

namespace moneytrail::report_internal {
namespace {

constexpr double kTimelineWidth = 900;
constexpr double kPlotLeft = 70;
constexpr double kPlotRight = 880;
constexpr double kHalfHeight = 90;  // bar room above and below the axis
constexpr double kAxisY = 20 + kHalfHeight;

// The time axis with dated ticks (times of day when the span is under three days).
void AppendTimeAxis(Timestamp first, Timestamp last, std::string& s) {
  double span = static_cast<double>(last - first);
  s += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>",
      kPlotLeft, kAxisY, kPlotRight, kAxisY);
  const int kTicks = 6;
  bool short_span = last - first < 3 * 86400;
  for (int i = 0; i <= kTicks; ++i) {
    Timestamp t = first + static_cast<Timestamp>(span * i / kTicks);
    double x = kPlotLeft + (kPlotRight - kPlotLeft) * i / kTicks;
    std::string label = short_span ? FormatDateTime(t).substr(5, 11) : FormatDate(t);
    const char* anchor = i == 0 ? "start" : (i == kTicks ? "end" : "middle");
    s += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"{}\" "
        "fill=\"#333\">{}</text>",
        x, kAxisY + kHalfHeight, x, kAxisY + kHalfHeight + 4, x, kAxisY + kHalfHeight + 16,
        anchor, Escape(label));
  }
  s += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"20\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#bbb\"/>", kPlotLeft,
      kPlotLeft, kAxisY + kHalfHeight);
}

void AppendLegend(const std::vector<std::string>& channels, std::string& s) {
  double legend_y = kAxisY + kHalfHeight + 36;
  for (size_t i = 0; i < channels.size(); ++i) {
    double x = kPlotLeft + 160.0 * static_cast<double>(i % 5);
    double y = legend_y + 18.0 * static_cast<double>(i / 5);
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10.5\" fill=\"#222\">{}</text>",
        x, y - 9, ChannelColour(channels[i]), x + 14, y, Escape(report::ChannelWords(channels[i])));
  }
}

}  // namespace

std::string DrawTimeline(const std::vector<report::TimelineEvent>& events) {
  Timestamp first = events.front().time, last = events.front().time;
  std::map<std::string, double> largest;  // per currency
  std::vector<std::string> channels;      // in order of first appearance
  for (const report::TimelineEvent& e : events) {
    first = std::min(first, e.time);
    last = std::max(last, e.time);
    double& m = largest[e.amount.currency];
    m = std::max(m, std::abs(ToDouble(e.amount.amount)));
    if (std::find(channels.begin(), channels.end(), e.channel) == channels.end()) {
      channels.push_back(e.channel);
    }
  }
  if (last - first < 3600) {  // one moment: give the axis an hour either side
    first -= 3600;
    last += 3600;
  }
  double span = static_cast<double>(last - first);
  size_t legend_rows = (channels.size() + 4) / 5;
  double height = kAxisY + kHalfHeight + 36 + 18.0 * static_cast<double>(legend_rows);
  double bar_width = std::clamp((kPlotRight - kPlotLeft) / (2.0 * events.size()), 1.5, 8.0);

  std::string s = fmt::format(
      "<svg class=\"timeline\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "role=\"img\" aria-label=\"cash and wire timeline\"><title>Cash and wire timeline</title>",
      kTimelineWidth, height, kTimelineWidth, height);
  s += fmt::format(
      "<rect x=\"{:.1f}\" y=\"20\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#f2f8f2\"/>"
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#fbf2f2\"/>"
      "<text x=\"8\" y=\"{:.1f}\" font-size=\"11\" fill=\"#2d6a2d\">\xE2\x96\xB2 in</text>"
      "<text x=\"8\" y=\"{:.1f}\" font-size=\"11\" fill=\"#8a2d2d\">\xE2\x96\xBC out</text>",
      kPlotLeft, kPlotRight - kPlotLeft, kHalfHeight, kPlotLeft, kAxisY, kPlotRight - kPlotLeft,
      kHalfHeight, 20 + kHalfHeight / 2, kAxisY + kHalfHeight / 2 + 4);
  for (const report::TimelineEvent& e : events) {
    double top = largest[e.amount.currency];
    double frac = top > 0 ? std::sqrt(std::abs(ToDouble(e.amount.amount)) / top) : 0;
    double h = std::max(1.5, frac * (kHalfHeight - 4));
    double x = kPlotLeft + (kPlotRight - kPlotLeft) * static_cast<double>(e.time - first) / span -
               bar_width / 2;
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
        "<title>{}</title></rect>",
        x, e.inflow ? kAxisY - h : kAxisY, bar_width, h, ChannelColour(e.channel),
        Escape(fmt::format("{} \xC2\xB7 {} \xC2\xB7 {} \xC2\xB7 {}", FormatDateTime(e.time),
                           report::ChannelWords(e.channel), e.inflow ? "in" : "out", FormatMoney(e.amount))));
  }
  AppendTimeAxis(first, last, s);
  AppendLegend(channels, s);
  s += "</svg>";
  return s;
}

std::string DrawReasonBar(double weight, double max_abs) {
  constexpr double kW = 200, kMid = 100;
  double frac = max_abs > 0 ? std::min(1.0, std::abs(weight) / max_abs) : 0;
  double len = std::max(1.0, frac * (kMid - 2));
  double x = weight >= 0 ? kMid : kMid - len;
  return fmt::format(
      "<svg class=\"bar\" viewBox=\"0 0 {0:.0f} 14\" width=\"{0:.0f}\" height=\"14\" "
      "role=\"img\" aria-label=\"contribution\"><line x1=\"{1:.1f}\" y1=\"0\" x2=\"{1:.1f}\" "
      "y2=\"14\" stroke=\"#888\"/><rect x=\"{2:.1f}\" y=\"2\" width=\"{3:.1f}\" height=\"10\" "
      "fill=\"{4}\"/></svg>",
      kW, kMid, x, len, weight >= 0 ? "#c0392b" : "#2c6fad");
}

std::string DrawShareBar(double share) {
  double len = std::max(1.0, std::clamp(share, 0.0, 1.0) * 160);
  return fmt::format(
      "<svg class=\"bar\" viewBox=\"0 0 160 12\" width=\"160\" height=\"12\" role=\"img\" "
      "aria-label=\"share\"><rect x=\"0\" y=\"1\" width=\"160\" height=\"10\" fill=\"#eef1f4\"/>"
      "<rect x=\"0\" y=\"1\" width=\"{:.1f}\" height=\"10\" fill=\"#1f3b57\"/></svg>",
      len);
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Removes `name="..."` (with the space before it) from the tag text.
void DropAttribute(std::string& tag, std::string_view name) {
  std::string key = " " + std::string(name) + "=\"";
  size_t at = tag.find(key);
  if (at == std::string::npos) return;
  size_t end = tag.find('"', at + key.size());
  if (end == std::string::npos) return;
  tag.erase(at, end + 1 - at);
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

bool HasExternalReference(const std::string& lower) {
  static constexpr std::string_view kForbidden[] = {
      "<script", "<foreignobject", "<image", "<iframe", "<use", "javascript:", "@import",
      "<style", "<a ", "xml-stylesheet"};
  for (std::string_view f : kForbidden) {
    if (lower.find(f) != std::string::npos) return true;
  }
  for (std::string_view ref : {"href=\"", "href='", "url("}) {
    for (size_t at = lower.find(ref); at != std::string::npos; at = lower.find(ref, at + 1)) {
      size_t v = at + ref.size();
      if (v >= lower.size() || lower[v] != '#') return true;
    }
  }
  // Event handler attributes (onload=, onclick=, ...).
  for (size_t at = lower.find(" on"); at != std::string::npos; at = lower.find(" on", at + 1)) {
    size_t k = at + 3;
    while (k < lower.size() && std::isalpha(static_cast<unsigned char>(lower[k]))) ++k;
    if (k < lower.size() && lower[k] == '=') return true;
  }
  return false;
}

}  // namespace

std::string EmbedGraphvizSvg(std::string_view svg, std::string_view id_prefix) {
  size_t begin = svg.find("<svg");
  size_t end = svg.rfind("</svg>");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) return "";
  std::string body(svg.substr(begin, end + 6 - begin));
  // Comments (Graphviz writes one per node and edge).
  for (size_t at = body.find("<!--"); at != std::string::npos; at = body.find("<!--", at)) {
    size_t close = body.find("-->", at + 4);
    if (close == std::string::npos) return "";
    body.erase(at, close + 3 - at);
  }
  // Namespace declarations are not references, but the page must carry no URL at all.
  size_t root_end = body.find('>');
  if (root_end == std::string::npos) return "";
  std::string root = body.substr(0, root_end);
  // The size stays (in pt): the page's CSS scales a wide chart down to the page's width and
  // never blows a small one up.
  for (std::string_view attr : {"xmlns", "xmlns:xlink", "class", "style"}) {
    DropAttribute(root, attr);
  }
  std::string tidy;  // one space between attributes
  for (char c : root) {
    bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (space && (tidy.empty() || tidy.back() == ' ')) continue;
    tidy += space ? ' ' : c;
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  root = tidy;
  body = root + " class=\"flow-chart\" role=\"img\" aria-label=\"flow of funds\"" +
         body.substr(root_end);
  if (Lower(body).find("xmlns") != std::string::npos) {
    return "";  // a namespace on an inner element: not what Graphviz writes
  }
  if (HasExternalReference(Lower(body))) return "";
  std::string prefix(id_prefix);
  ReplaceAll(body, " id=\"", " id=\"" + prefix);
  ReplaceAll(body, "href=\"#", "href=\"#" + prefix);
  ReplaceAll(body, "url(#", "url(#" + prefix);
  return body;
}

}  // namespace moneytrail::report_internal

namespace moneytrail::report {
namespace {

// The number an attribute of `tag` starts with ("612pt" -> 612), or -1.
double NumberAttribute(std::string_view tag, std::string_view name) {
  std::string key = " " + std::string(name) + "=\"";
  size_t at = tag.find(key);
  if (at == std::string_view::npos) return -1;
  std::string digits;
  for (size_t k = at + key.size(); k < tag.size() && ((tag[k] >= '0' && tag[k] <= '9') ||
                                                      tag[k] == '.');
       ++k) {
    digits.push_back(tag[k]);
  }
  if (digits.empty()) return -1;
  char* end = nullptr;
  double v = std::strtod(digits.c_str(), &end);
  return end == digits.c_str() ? -1 : v;
}

}  // namespace

double ChartBoxWidthPt(PaperSize paper, ChartOrientation orientation) {
  const bool wide = orientation == ChartOrientation::kLandscape;
  const double page = paper == PaperSize::kA4 ? (wide ? 297.0 : 210.0) / 25.4 * 72.0
                                              : (wide ? 11.0 : 8.5) * 72.0;
  const double margins = 24.0 / 25.4 * 72.0;  // 12 mm each side (report_html.cc's @page)
  const double frame = 14.0 * 0.75;           // .chart-frame: 6 px padding + 1 px border, twice
  return page - margins - frame;
}

double ChartSmallestPrintedFontPt(std::string_view svg, PaperSize paper,
                                  ChartOrientation orientation) {
  size_t root = svg.find("<svg");
  if (root == std::string_view::npos) return 0;
  size_t root_end = svg.find('>', root);
  if (root_end == std::string_view::npos) return 0;
  std::string_view tag = svg.substr(root, root_end - root);
  const double width = NumberAttribute(tag, "width");
  const double height = NumberAttribute(tag, "height");
  if (width <= 0 || height <= 0) return 0;
  double smallest = -1;
  for (size_t at = svg.find(" font-size=\""); at != std::string_view::npos;
       at = svg.find(" font-size=\"", at + 1)) {
    double v = NumberAttribute(svg.substr(at), "font-size");
    if (v > 0 && (smallest < 0 || v < smallest)) smallest = v;
  }
  if (smallest <= 0) return 0;
  const double box_height = orientation == ChartOrientation::kLandscape ? kLandscapeChartBoxHeightPt
                                                                       : kChartBoxHeightPt;
  const double scale =
      std::min({1.0, ChartBoxWidthPt(paper, orientation) / width, box_height / height});
  return smallest * scale;
}

std::optional<ChartOrientation> ChartPrintOrientation(std::string_view svg, PaperSize paper) {
  for (ChartOrientation o : {ChartOrientation::kPortrait, ChartOrientation::kLandscape}) {
    if (ChartSmallestPrintedFontPt(svg, paper, o) >= kMinPrintedChartFontPt) return o;
  }
  return std::nullopt;
}

}  // namespace moneytrail::report

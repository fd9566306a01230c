#include "report_svg.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "text.h"
#include "xml.h"

namespace eh {
namespace {

// Colour-blind-safe palette (Okabe-Ito) for variants.
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};

/// A "nice" axis maximum (1, 2, 5 x 10^k) at or above v.
double nice_max(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

std::string fmt_axis(double v) { return format_short(v, 1000); }

struct Bar {
  std::string variant;
  std::string toolchain;
  std::optional<Rational> value;  // nothing: skipped or failed
};

/// One panel: groups of bars (one group per toolchain) for one metric.
std::string panel(const std::vector<std::string>& toolchains, const std::vector<std::string>& variants,
                  const std::vector<Bar>& bars, const std::string& metric, const std::string& unit, int x0, int width,
                  int height) {
  const int left = 56, top = 28, bottom = 52;
  const int plot_w = width - left - 12, plot_h = height - top - bottom;
  double max = 0;
  for (const auto& b : bars)
    if (b.value) max = std::max(max, b.value->to_double());
  double ymax = nice_max(max);
  std::string out = fmt::format("<g transform=\"translate({},0)\">\n", x0);
  out += fmt::format("<text x=\"{}\" y=\"16\" font-weight=\"bold\">{} per call ({})</text>\n", left,
                     metric == "allocs" ? "Allocations" : "Bytes", xml_escape(unit));
  // Axes and ticks.
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>\n", left, top, top + plot_h);
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>\n", left, top + plot_h,
                     left + plot_w);
  for (int i = 0; i <= 4; ++i) {
    double v = ymax * i / 4;
    int y = top + plot_h - static_cast<int>(std::lround(plot_h * i / 4.0));
    out +=
        fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/>\n", left + 1, y, left + plot_w, y);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 4, y + 4, fmt_axis(v));
  }
  out += fmt::format("<text transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                     top + plot_h / 2, xml_escape(unit));
  const double n_groups = static_cast<double>(std::max<std::size_t>(1, toolchains.size()));
  const double n_bars = static_cast<double>(std::max<std::size_t>(1, variants.size()));
  const double group_w = static_cast<double>(plot_w) / n_groups;
  const double bar_w = std::min(24.0, (group_w - 16) / n_bars);
  for (std::size_t g = 0; g < toolchains.size(); ++g) {
    const double gd = static_cast<double>(g);
    double gx = left + gd * group_w + (group_w - bar_w * static_cast<double>(variants.size())) / 2;
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", left + (gd + 0.5) * group_w,
                       top + plot_h + 16, xml_escape(toolchains[g]));
    for (std::size_t v = 0; v < variants.size(); ++v) {
      auto it = std::find_if(bars.begin(), bars.end(),
                             [&](const Bar& b) { return b.variant == variants[v] && b.toolchain == toolchains[g]; });
      if (it == bars.end()) continue;
      double x = gx + static_cast<double>(v) * bar_w;
      if (!it->value) {
        out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#999\">-</text>\n", x + bar_w / 2,
                           top + plot_h - 4);
        continue;
      }
      double h = plot_h * it->value->to_double() / ymax;
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" data-variant=\"{}\" "
          "data-toolchain=\"{}\" data-metric=\"{}\" data-value=\"{}\"><title>{} on {}: {} {}</title></rect>\n",
          x, top + plot_h - h, bar_w - 2, h, kPalette[v % 8], xml_escape(variants[v]), xml_escape(toolchains[g]),
          metric, it->value->to_string(6), xml_escape(variants[v]), xml_escape(toolchains[g]), format_rate(*it->value),
          xml_escape(unit));
    }
  }
  out += "</g>\n";
  return out;
}

}  // namespace

std::string entry_chart_path(const ScenarioRecord& s) {
  return s.from_catalog() ? fmt::format("charts/entry-{:02d}.svg", s.entry) : fmt::format("charts/{}.svg", s.id);
}

std::vector<std::string> sweeps_of(const ScenarioRecord& s) {
  std::vector<std::string> out;
  for (const auto& v : s.variants)
    if (!v.sweep.empty() && std::find(out.begin(), out.end(), v.sweep) == out.end()) out.push_back(v.sweep);
  return out;
}

std::string sweep_chart_path(const ScenarioRecord& s, const std::string& sweep) {
  return fmt::format("charts/sweep-{}-{}.svg", s.id, sweep);
}

std::string sweep_chart_svg(const Results& r, const ScenarioRecord& s, const std::string& sweep) {
  std::vector<const VariantRecord*> points;
  for (const auto& v : s.variants)
    if (v.sweep == sweep) points.push_back(&v);
  const std::string param = points.empty() ? "" : points.front()->param;
  auto allocs = [](const VariantRecord& v, const std::string& tc) -> std::optional<Rational> {
    auto it = v.results.find(tc);
    if (it == v.results.end() || it->second.status != RunStatus::ok || !it->second.counts) return std::nullopt;
    return it->second.counts->allocs_per_call();
  };
  double max = 0;
  for (const auto* v : points)
    for (const auto& t : r.toolchains)
      if (auto a = allocs(*v, t.version)) max = std::max(max, a->to_double());
  const double ymax = nice_max(max);
  const int left = 56, top = 36, plot_w = std::max(360, 90 * static_cast<int>(points.size())), plot_h = 200;
  const int width = left + plot_w + 24, height = top + plot_h + 48 + 20 * static_cast<int>(r.toolchains.size());
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height);
  out += fmt::format("<title>{}: allocs/op of {} against {}</title>\n", xml_escape(s.title), xml_escape(sweep),
                     xml_escape(param));
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += fmt::format("<text x=\"{}\" y=\"16\" font-weight=\"bold\">allocs/op of {} against {}</text>\n", left,
                     xml_escape(sweep), xml_escape(param));
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>\n", left, top, top + plot_h);
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>\n", left, top + plot_h,
                     left + plot_w);
  for (int i = 0; i <= 4; ++i) {
    int y = top + plot_h - static_cast<int>(std::lround(plot_h * i / 4.0));
    out +=
        fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/>\n", left + 1, y, left + plot_w, y);
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 4, y + 4, fmt_axis(ymax * i / 4));
  }
  // The parameter's values, evenly spaced in spec order (they need not be numbers).
  auto x_of = [&](std::size_t i) {
    return left +
           (static_cast<double>(i) + 0.5) * plot_w / static_cast<double>(std::max<std::size_t>(1, points.size()));
  };
  auto y_of = [&](double v) { return top + plot_h - plot_h * v / ymax; };
  for (std::size_t i = 0; i < points.size(); ++i)
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}={}</text>\n", x_of(i), top + plot_h + 16,
                       xml_escape(param), xml_escape(points[i]->value));
  // One line per toolchain, toolchains with the same values drawn as one
  // (so none hides under another); where allocs/op first leaves zero, a
  // dashed mark: the threshold the sweep is there to find.
  std::vector<std::pair<std::vector<std::optional<Rational>>, std::vector<std::string>>> groups;
  for (const auto& t : r.toolchains) {
    std::vector<std::optional<Rational>> series;
    for (const auto* v : points) series.push_back(allocs(*v, t.version));
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == series; });
    if (same == groups.end()) groups.push_back({series, {t.version}});
    else
      same->second.push_back(t.version);
  }
  int legend_y = top + plot_h + 36;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& [series, tcs] = groups[g];
    const char* colour = kPalette[g % 8];
    std::string path;
    std::optional<std::size_t> leaves_zero;
    bool zero_before = false;
    for (std::size_t i = 0; i < series.size(); ++i) {
      if (!series[i]) continue;
      const Rational& a = *series[i];
      if (a == Rational(0)) zero_before = true;
      else if (zero_before && !leaves_zero)
        leaves_zero = i;
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", x_of(i), y_of(a.to_double()));
      for (const auto& tc : tcs)
        out += fmt::format(
            "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\" data-sweep=\"{}\" data-toolchain=\"{}\" "
            "data-param=\"{}\" data-value=\"{}\"><title>{} on {}: {} allocs/op</title></circle>\n",
            x_of(i), y_of(a.to_double()), colour, xml_escape(sweep), xml_escape(tc), xml_escape(points[i]->value),
            a.to_string(6), xml_escape(points[i]->name), xml_escape(tc), format_rate(a));
    }
    if (!path.empty())
      out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path, colour);
    std::string label = xml_escape(join(tcs, ", "));
    if (leaves_zero) {
      const double x = (x_of(*leaves_zero - 1) + x_of(*leaves_zero)) / 2 + static_cast<double>(g) * 4;
      out += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"{3}\" stroke-dasharray=\"4 3\" "
          "data-threshold=\"{4}\" data-toolchains=\"{5}\"/>\n",
          x, top, top + plot_h, colour, xml_escape(points[*leaves_zero]->value), label);
      label += fmt::format(": no allocation up to {}={}, allocates from {}={}", xml_escape(param),
                           xml_escape(points[*leaves_zero - 1]->value), xml_escape(param),
                           xml_escape(points[*leaves_zero]->value));
    }
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", left, legend_y, colour);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", left + 16, legend_y + 10, label);
    legend_y += 20;
  }
  out += "</svg>\n";
  return out;
}

std::string entry_chart_svg(const Results& r, const ScenarioRecord& s) {
  std::vector<std::string> toolchains, variants;
  for (const auto& t : r.toolchains) toolchains.push_back(t.version);
  for (const auto& v : s.variants) variants.push_back(v.name);
  std::vector<Bar> allocs, bytes;
  for (const auto& v : s.variants)
    for (const auto& [tc, o] : v.results) {
      bool ok = o.status == RunStatus::ok && o.counts;
      allocs.push_back(Bar{v.name, tc, ok ? std::optional(o.counts->allocs_per_call()) : std::nullopt});
      bytes.push_back(Bar{v.name, tc, ok ? std::optional(o.counts->bytes_per_call()) : std::nullopt});
    }
  const int panel_w = std::max(320, static_cast<int>(toolchains.size() * (variants.size() * 20 + 24)) + 80);
  const int plot_h = 240, legend_h = 22 * static_cast<int>((variants.size() + 3) / 4) + 8;
  const int width = 2 * panel_w, height = plot_h + legend_h;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height);
  out += fmt::format("<title>{}: {} - allocations and bytes per call</title>\n",
                     s.from_catalog() ? fmt::format("Entry {}", s.entry) : xml_escape(s.id), xml_escape(s.title));
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += panel(toolchains, variants, allocs, "allocs", "allocs/op", 0, panel_w, plot_h);
  out += panel(toolchains, variants, bytes, "bytes", "B/op", panel_w, panel_w, plot_h);
  // Legend: one swatch per variant.
  for (std::size_t v = 0; v < variants.size(); ++v) {
    int lx = 56 + static_cast<int>(v % 4) * 170, ly = plot_h + 8 + static_cast<int>(v / 4) * 22;
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", lx, ly, kPalette[v % 8]);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 16, ly + 10, xml_escape(variants[v]));
  }
  out += "</svg>\n";
  return out;
}

std::string heatmap_label(const ScenarioRecord& s, const ClaimRecord& c) {
  return fmt::format("{}{} {}", c.origin == Origin::harness ? "* " : "",
                     s.from_catalog() ? fmt::format("{}.", s.entry) : s.id + ":", c.id);
}

std::string verdict_heatmap_svg(const Results& r) {
  struct Row {
    std::string label;
    const ClaimRecord* claim;
  };
  std::vector<Row> rows;
  for (const auto& s : r.scenarios)
    for (const auto& c : s.claims) rows.push_back(Row{heatmap_label(s, c), &c});
  const int label_w = 300, cell_w = 110, cell_h = 18, top = 48;
  const int width = label_w + cell_w * static_cast<int>(std::max<std::size_t>(1, r.toolchains.size())) + 16;
  const int height = top + cell_h * static_cast<int>(rows.size()) + 48;
  auto colour = [](Verdict v) {
    switch (v) {
      case Verdict::confirmed: return "#1b9e77";
      case Verdict::refuted: return "#d95f02";
      case Verdict::inconclusive: return "#e6ab02";
      case Verdict::skipped: return "#bbbbbb";
      case Verdict::error: return "#7570b3";
    }
    return "#ffffff";
  };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height);
  out += "<title>Verdicts per claim and toolchain</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out +=
      "<text x=\"8\" y=\"16\" font-weight=\"bold\">Verdict per claim (rows: entry. claim; * the harness's own) "
      "and toolchain (columns)</text>\n";
  for (std::size_t t = 0; t < r.toolchains.size(); ++t)
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", label_w + cell_w * t + cell_w / 2,
                       top - 8, xml_escape(r.toolchains[t].version));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    int y = top + cell_h * static_cast<int>(i);
    std::string label = rows[i].label.size() > 48 ? rows[i].label.substr(0, 47) + "…" : rows[i].label;
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", label_w - 6, y + 13, xml_escape(label));
    for (std::size_t t = 0; t < r.toolchains.size(); ++t) {
      auto it = rows[i].claim->verdicts.find(r.toolchains[t].version);
      if (it == rows[i].claim->verdicts.end()) continue;
      std::string_view word = to_string(it->second.verdict);
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\" data-claim=\"{}\" "
          "data-toolchain=\"{}\" data-verdict=\"{}\"><title>{} on {}: {}</title></rect>\n",
          label_w + cell_w * t, y, cell_w, cell_h, colour(it->second.verdict), xml_escape(rows[i].label),
          xml_escape(r.toolchains[t].version), word, xml_escape(rows[i].label), xml_escape(r.toolchains[t].version),
          word);
      bool dark = it->second.verdict == Verdict::skipped || it->second.verdict == Verdict::inconclusive;
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
                         label_w + cell_w * t + cell_w / 2, y + 13, dark ? "#222" : "white", word);
    }
  }
  // Legend.
  int lx = 8, ly = height - 24;
  for (Verdict v : {Verdict::confirmed, Verdict::refuted, Verdict::inconclusive, Verdict::skipped, Verdict::error}) {
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", lx, ly, colour(v));
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 16, ly + 10, to_string(v));
    lx += 100;
  }
  out += "</svg>\n";
  return out;
}

std::vector<std::pair<std::string, std::string>> all_charts(const Results& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : r.scenarios) {
    out.emplace_back(entry_chart_path(s), entry_chart_svg(r, s));
    for (const auto& sweep : sweeps_of(s)) out.emplace_back(sweep_chart_path(s, sweep), sweep_chart_svg(r, s, sweep));
  }
  out.emplace_back("charts/verdicts.svg", verdict_heatmap_svg(r));
  return out;
}

}  // namespace eh

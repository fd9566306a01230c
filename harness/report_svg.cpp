#include "report_svg.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "stats.h"
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

/// A linear axis from 0: its top and its ticks. With `whole`, every tick is
/// a whole number (counts are whole: no tick at 1.25 allocations).
struct LinearAxis {
  double top = 1;
  std::vector<double> ticks;
};

LinearAxis linear_axis(double max, bool whole) {
  LinearAxis a;
  // The step: 1, 2 or 5 x 10^k, giving at most 5 intervals.
  double step = nice_max(std::max(max, whole ? 1.0 : 1e-9) / 5);
  if (whole) step = std::max(1.0, std::round(step));
  a.top = std::max(step, std::ceil(max / step) * step);
  for (double t = 0; t <= a.top + step / 2; t += step) a.ticks.push_back(t);
  return a;
}

struct Bar {
  std::string variant;
  std::string toolchain;
  std::optional<Rational> value;  // nothing: skipped or failed
};

constexpr int kLeft = 64;  // room for the y axis labels of every panel

std::string svg_open(int width, int height) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height);
}

/// The frame of a panel: its title, both axes, the grid lines and their
/// labels (`tick_y` maps a value to its y), and the toolchains under their groups.
std::string panel_frame(const std::string& title, const std::string& unit, const std::vector<double>& ticks,
                        const std::function<double(double)>& tick_y, const std::function<std::string(double)>& label,
                        const std::vector<std::string>& toolchains, int plot_w, int top, int plot_h) {
  std::string out =
      fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>\n", kLeft, top - 12, xml_escape(title));
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>\n", kLeft, top, top + plot_h);
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>\n", kLeft, top + plot_h,
                     kLeft + plot_w);
  for (double t : ticks) {
    const double y = tick_y(t);
    out += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\" data-tick=\"{}\"/>\n",
                       kLeft + 1, y, kLeft + plot_w, y, xml_escape(label(t)));
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kLeft - 4, y + 4,
                       xml_escape(label(t)));
  }
  out += fmt::format("<text transform=\"translate(12,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                     top + plot_h / 2, xml_escape(unit));
  const double group_w = static_cast<double>(plot_w) / static_cast<double>(std::max<std::size_t>(1, toolchains.size()));
  for (std::size_t g = 0; g < toolchains.size(); ++g)
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       kLeft + (static_cast<double>(g) + 0.5) * group_w, top + plot_h + 16, xml_escape(toolchains[g]));
  return out;
}

/// Where bar or point `v` of group `g` goes: its left edge and width.
struct Slots {
  double group_w, bar_w;
  std::size_t n;
  double x(std::size_t g, std::size_t v) const {
    return kLeft + static_cast<double>(g) * group_w + (group_w - bar_w * static_cast<double>(n)) / 2 +
           static_cast<double>(v) * bar_w;
  }
};

Slots slots(int plot_w, std::size_t groups, std::size_t per_group) {
  const double group_w = static_cast<double>(plot_w) / static_cast<double>(std::max<std::size_t>(1, groups));
  const double bar_w = std::min(24.0, (group_w - 16) / static_cast<double>(std::max<std::size_t>(1, per_group)));
  return Slots{group_w, bar_w, per_group};
}

/// A number over its bar: across when short, else upright.
std::string value_label(double x, double y, const std::string& text) {
  if (text.size() <= 3)
    return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"9\">{}</text>\n", x, y - 3,
                       xml_escape(text));
  return fmt::format(
      "<text transform=\"translate({:.1f},{:.1f}) rotate(-90)\" font-size=\"9\" "
      "dominant-baseline=\"middle\">{}</text>\n",
      x, y - 3, xml_escape(text));
}

/// Groups of bars (one group per toolchain) for one count. A zero is drawn
/// as a baseline mark in the variant's colour with its 0, never as nothing.
std::string count_panel(const std::vector<std::string>& toolchains, const std::vector<std::string>& variants,
                        const std::vector<Bar>& bars, const std::string& metric, const std::string& unit, int x0,
                        int width, int height) {
  const int top = 40, bottom = 28;
  const int plot_w = width - kLeft - 12, plot_h = height - top - bottom;
  double max = 0;
  bool whole = true;
  for (const auto& b : bars)
    if (b.value) {
      max = std::max(max, b.value->to_double());
      whole = whole && b.value->den() == 1;
    }
  const LinearAxis axis = linear_axis(max, whole);
  auto y_of = [&](double v) { return top + plot_h - plot_h * v / axis.top; };
  std::string out = fmt::format("<g transform=\"translate({},0)\">\n", x0);
  out += panel_frame(fmt::format("{} per call ({})", metric == "allocs" ? "Allocations" : "Bytes", unit), unit,
                     axis.ticks, y_of, fmt_axis, toolchains, plot_w, top, plot_h);
  const Slots sl = slots(plot_w, toolchains.size(), variants.size());
  for (std::size_t g = 0; g < toolchains.size(); ++g)
    for (std::size_t v = 0; v < variants.size(); ++v) {
      auto it = std::find_if(bars.begin(), bars.end(),
                             [&](const Bar& b) { return b.variant == variants[v] && b.toolchain == toolchains[g]; });
      if (it == bars.end()) continue;
      const double x = sl.x(g, v), mid = x + (sl.bar_w - 2) / 2;
      if (!it->value) {
        out += fmt::format(
            "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#999\">-<title>{} on {}: not "
            "measured</title></text>\n",
            mid, top + plot_h - 4, xml_escape(variants[v]), xml_escape(toolchains[g]));
        continue;
      }
      const double h = plot_h * it->value->to_double() / axis.top;
      const bool zero = *it->value == Rational(0);
      // A zero bar is a 3 px mark on the axis: visible, and not a height.
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" data-variant=\"{}\" "
          "data-toolchain=\"{}\" data-metric=\"{}\" data-value=\"{}\"{}><title>{} on {}: {} {}</title></rect>\n",
          x, zero ? top + plot_h - 3.0 : top + plot_h - h, sl.bar_w - 2, zero ? 3.0 : h, kPalette[v % 8],
          xml_escape(variants[v]), xml_escape(toolchains[g]), metric, it->value->to_string(6),
          zero ? " data-zero=\"baseline\"" : "", xml_escape(variants[v]), xml_escape(toolchains[g]),
          format_rate(*it->value), xml_escape(unit));
      out += value_label(mid, zero ? top + plot_h - 3.0 : top + plot_h - h, format_rate(*it->value));
    }
  out += "</g>\n";
  return out;
}

/// A tick's time without trailing zeros: "10ms", "2.5µs".
std::string tick_time(double ns) {
  std::string t = format_time(ns);
  const auto unit = t.find_first_not_of("0123456789.");
  std::string number = t.substr(0, unit);
  if (number.find('.') != std::string::npos) {
    while (number.back() == '0') number.pop_back();
    if (number.back() == '.') number.pop_back();
  }
  return number + t.substr(unit);
}

/// benchstat's way of writing a median and its interval: "713.2µs ± 1%".
std::string time_label(const stats::MedianInterval& ci) {
  const double half = std::max(ci.hi - ci.median, ci.median - ci.lo);
  if (!std::isfinite(half) || ci.median <= 0) return format_time(ci.median) + " ± ∞";
  return fmt::format("{} ± {:.0f}%", format_time(ci.median), 100 * half / ci.median);
}

/// A claim's timing bound at the variant it is about, on toolchain `tc`: the
/// bound's lower (and, for similar, upper) ns.
struct BoundMark {
  const TimingBound* bound;
  std::string tc;
  double a, b;
};

/// The mark of a bound over the slot at x, w wide: a grey band (similar) or
/// a dashed line (faster), with the claim's words in its title.
std::string bound_mark(const BoundMark& l, double x, double w, const std::function<double(double)>& y_of) {
  const TimingBound& b = *l.bound;
  const std::string what = b.kind == ExpectKind::similar ? fmt::format("within {:.0f}% of {}", b.fraction * 100, b.than)
                           : b.fraction > 0 ? fmt::format("at least {:.0f}% faster than {}", b.fraction * 100, b.than)
                                            : fmt::format("faster than {}", b.than);
  if (b.kind == ExpectKind::similar)
    return fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#999\" fill-opacity=\"0.25\" "
        "data-bound=\"similar\" data-variant=\"{}\" data-toolchain=\"{}\"><title>{}: {} ({} to {})</title></rect>\n",
        x, y_of(l.b), w, std::max(1.0, y_of(l.a) - y_of(l.b)), xml_escape(b.variant), xml_escape(l.tc),
        xml_escape(b.variant), xml_escape(what), format_time(l.a), format_time(l.b));
  return fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\" stroke-dasharray=\"3 2\" "
      "data-bound=\"faster\" data-variant=\"{}\" data-toolchain=\"{}\"><title>{}: {} (below {})</title></line>\n",
      x, y_of(l.a), x + w, y_of(l.a), xml_escape(b.variant), xml_escape(l.tc), xml_escape(b.variant), xml_escape(what),
      format_time(l.a));
}

/// The timing panel: per toolchain, each timed variant's median with its
/// 95% interval, the claims' bounds drawn at the variant they are about
/// (faster: a dashed line the interval must be below; similar: the band it
/// must lie in), on a log scale when the values span more than 10x.
std::string timing_panel(const Results& r, const ScenarioRecord& s, const std::vector<std::string>& timed, int width,
                         int y0, int height) {
  const int top = y0 + 40, bottom = 48;
  const int plot_w = width - kLeft - 12, plot_h = height - 40 - bottom;
  std::map<std::pair<std::string, std::string>, stats::MedianInterval> cis;  // by variant, toolchain
  double lo = INFINITY, hi = 0;
  for (const auto& name : timed) {
    const VariantRecord* v = s.variant(name);
    for (const auto& [tc, o] : v->results)
      if (o.status == RunStatus::ok && o.samples.size() >= 2)
        if (auto ci = stats::median_ci(o.samples); ci && std::isfinite(ci->median)) {
          // Too few samples for an interval: the median alone, "± ∞" as benchstat says.
          cis[{name, tc}] = *ci;
          lo = std::min(lo, std::isfinite(ci->lo) ? ci->lo : ci->median);
          hi = std::max(hi, std::isfinite(ci->hi) ? ci->hi : ci->median);
        }
  }
  std::vector<BoundMark> lines;
  for (const auto& c : s.claims)
    for (const auto& b : c.timing)
      for (const auto& t : r.toolchains)
        if (cis.count({b.variant, t.key()}) && cis.count({b.than, t.key()})) {
          const double m = cis.at({b.than, t.key()}).median;
          BoundMark l{&b, t.key(), m * (1 - b.fraction), b.kind == ExpectKind::similar ? m * (1 + b.fraction) : 0};
          lo = std::min(lo, l.a);
          hi = std::max(hi, std::max(l.a, l.b));
          lines.push_back(l);
        }
  const bool log = lo > 0 && hi / lo > 10;
  std::vector<double> ticks;
  std::function<double(double)> y_of;
  if (log) {
    const double d0 = std::floor(std::log10(lo)), d1 = std::ceil(std::log10(hi));
    for (double d = d0; d <= d1; ++d) ticks.push_back(std::pow(10.0, d));
    y_of = [=](double v) { return top + plot_h - plot_h * (std::log10(v) - d0) / std::max(1.0, d1 - d0); };
  } else {
    const LinearAxis axis = linear_axis(hi, false);
    ticks = axis.ticks;
    y_of = [=](double v) { return top + plot_h - plot_h * v / axis.top; };
  }
  std::vector<std::string> toolchains;
  for (const auto& t : r.toolchains) toolchains.push_back(t.key());
  std::string out =
      panel_frame(log ? "Time per call: median and 95% interval (log scale)" : "Time per call: median and 95% interval",
                  "time/op", ticks, y_of, tick_time, toolchains, plot_w, top, plot_h);
  const Slots sl = slots(plot_w, toolchains.size(), timed.size());
  auto slot_of = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(timed.begin(), timed.end(), name) - timed.begin());
  };
  for (const auto& l : lines) {
    const std::size_t g =
        static_cast<std::size_t>(std::find(toolchains.begin(), toolchains.end(), l.tc) - toolchains.begin());
    const double x = sl.x(g, slot_of(l.bound->variant)) - 2, w = sl.bar_w + 2;
    out += bound_mark(l, x, w, y_of);
  }
  if (!lines.empty())
    out += fmt::format(
        "<text x=\"{0}\" y=\"{1}\" font-size=\"10\" fill=\"#555\">At a variant a claim is about: dashed, the line its "
        "median must be below (faster, or faster by a margin);</text>\n"
        "<text x=\"{0}\" y=\"{2}\" font-size=\"10\" fill=\"#555\">grey, the band it must lie in (similar). Hover "
        "for the claim.</text>\n",
        kLeft, top + plot_h + 30, top + plot_h + 42);
  for (std::size_t g = 0; g < toolchains.size(); ++g)
    for (std::size_t v = 0; v < timed.size(); ++v) {
      auto it = cis.find({timed[v], toolchains[g]});
      if (it == cis.end()) continue;
      const auto& ci = it->second;
      const double mid = sl.x(g, v) + (sl.bar_w - 2) / 2;
      const std::size_t colour = static_cast<std::size_t>(
          std::find_if(s.variants.begin(), s.variants.end(), [&](const auto& x) { return x.name == timed[v]; }) -
          s.variants.begin());
      const bool interval = std::isfinite(ci.lo) && std::isfinite(ci.hi);
      const double y_lo = y_of(interval ? ci.lo : ci.median), y_hi = y_of(interval ? ci.hi : ci.median);
      if (interval)
        out += fmt::format(
            "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
            "stroke-width=\"2\"/>\n",
            mid, y_lo, y_hi, kPalette[colour % 8]);
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\" data-variant=\"{}\" data-toolchain=\"{}\" "
          "data-median-ns=\"{:.6g}\" data-lo-ns=\"{:.6g}\" data-hi-ns=\"{:.6g}\"><title>{} on {}: {} "
          "(n={})</title></circle>\n",
          mid, y_of(ci.median), kPalette[colour % 8], xml_escape(timed[v]), xml_escape(toolchains[g]), ci.median, ci.lo,
          ci.hi, xml_escape(timed[v]), xml_escape(toolchains[g]), xml_escape(time_label(ci)),
          s.variant(timed[v])->results.at(toolchains[g]).samples.size());
      // Above the interval, or below it when the text would run into the title.
      const std::string text = time_label(ci);
      const double above = std::min(y_hi, y_of(ci.median) - 4);
      if (above - 5.5 * static_cast<double>(text.size()) > top) out += value_label(mid, above, text);
      else
        out += fmt::format(
            "<text transform=\"translate({:.1f},{:.1f}) rotate(-90)\" font-size=\"9\" text-anchor=\"end\" "
            "dominant-baseline=\"middle\">{}</text>\n",
            mid, std::max(y_lo, y_of(ci.median) + 4) + 3, xml_escape(text));
    }
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
  bool whole = true;
  for (const auto* v : points)
    for (const auto& t : r.toolchains)
      if (auto a = allocs(*v, t.key())) {
        max = std::max(max, a->to_double());
        whole = whole && a->den() == 1;
      }
  const LinearAxis axis = linear_axis(max, whole);
  const double ymax = axis.top;
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
  for (double t : axis.ticks) {
    const double y = top + plot_h - plot_h * t / ymax;
    out += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left + 1, y,
                       left + plot_w, y);
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 4, y + 4, fmt_axis(t));
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
    for (const auto* v : points) series.push_back(allocs(*v, t.key()));
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == series; });
    if (same == groups.end()) groups.push_back({series, {t.key()}});
    else
      same->second.push_back(t.key());
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
  std::vector<std::string> toolchains, variants, timed;
  for (const auto& t : r.toolchains) toolchains.push_back(t.key());
  for (const auto& v : s.variants) {
    variants.push_back(v.name);
    if (std::any_of(v.results.begin(), v.results.end(), [](const auto& x) { return x.second.samples.size() >= 2; }))
      timed.push_back(v.name);
  }
  std::vector<Bar> allocs, bytes;
  for (const auto& v : s.variants)
    for (const auto& [tc, o] : v.results) {
      bool ok = o.status == RunStatus::ok && o.counts;
      allocs.push_back(Bar{v.name, tc, ok ? std::optional(o.counts->allocs_per_call()) : std::nullopt});
      bytes.push_back(Bar{v.name, tc, ok ? std::optional(o.counts->bytes_per_call()) : std::nullopt});
    }
  const int panel_w = std::max(360, static_cast<int>(toolchains.size() * (variants.size() * 22 + 24)) + 90);
  const int plot_h = 300, timing_h = timed.empty() ? 0 : 340;
  const int legend_h = 22 * static_cast<int>((variants.size() + 3) / 4) + 8;
  const int width = 2 * panel_w, height = plot_h + timing_h + legend_h;
  std::string out = svg_open(width, height);
  out += fmt::format("<title>{}: {} - allocations and bytes per call{}</title>\n",
                     s.from_catalog() ? fmt::format("Entry {}", s.entry) : xml_escape(s.id), xml_escape(s.title),
                     timed.empty() ? "" : ", time per call");
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += count_panel(toolchains, variants, allocs, "allocs", "allocs/op", 0, panel_w, plot_h);
  out += count_panel(toolchains, variants, bytes, "bytes", "B/op", panel_w, panel_w, plot_h);
  if (!timed.empty()) out += timing_panel(r, s, timed, width, plot_h, timing_h);
  // Legend: one swatch per variant.
  for (std::size_t v = 0; v < variants.size(); ++v) {
    int lx = kLeft + static_cast<int>(v % 4) * 170, ly = plot_h + timing_h + 8 + static_cast<int>(v / 4) * 22;
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
                       top - 8, xml_escape(r.toolchains[t].key()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    int y = top + cell_h * static_cast<int>(i);
    std::string label = rows[i].label.size() > 48 ? rows[i].label.substr(0, 47) + "…" : rows[i].label;
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", label_w - 6, y + 13, xml_escape(label));
    for (std::size_t t = 0; t < r.toolchains.size(); ++t) {
      auto it = rows[i].claim->verdicts.find(r.toolchains[t].key());
      if (it == rows[i].claim->verdicts.end()) continue;
      std::string_view word = to_string(it->second.verdict);
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\" data-claim=\"{}\" "
          "data-toolchain=\"{}\" data-verdict=\"{}\"><title>{} on {}: {}</title></rect>\n",
          label_w + cell_w * t, y, cell_w, cell_h, colour(it->second.verdict), xml_escape(rows[i].label),
          xml_escape(r.toolchains[t].key()), word, xml_escape(rows[i].label), xml_escape(r.toolchains[t].key()), word);
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

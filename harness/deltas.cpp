#include "deltas.h"

#include <fmt/format.h>

#include "judge.h"
#include "stats.h"
#include "text.h"

namespace eh {
namespace {

/// The variant `fix` fixes: its `fixes`, taken value by value for a sweep.
const VariantRecord* bug_of(const ScenarioRecord& s, const VariantRecord& fix) {
  for (const auto& v : s.variants)
    if (v.name == fix.fixes) return &v;
  for (const auto& v : s.variants)
    if (v.sweep == fix.fixes && v.param == fix.param && v.value == fix.value) return &v;
  return nullptr;
}

std::optional<double> time_of(const VariantObservation& o, bool* timed) {
  *timed = o.samples.size() >= 2;
  return ns_per_op(o);
}

}  // namespace

std::vector<FixDelta> fix_deltas(const ScenarioRecord& s, const std::vector<ToolchainInfo>& toolchains) {
  std::vector<FixDelta> out;
  for (const auto& fix : s.variants) {
    if (fix.fixes.empty()) continue;
    const VariantRecord* bug = bug_of(s, fix);
    if (!bug) continue;
    for (const auto& t : toolchains) {
      auto f = fix.results.find(t.key()), b = bug->results.find(t.key());
      if (f == fix.results.end() || b == bug->results.end()) continue;
      const VariantObservation &fo = f->second, &bo = b->second;
      if (fo.status != RunStatus::ok || bo.status != RunStatus::ok || !fo.counts || !bo.counts) continue;
      FixDelta d;
      d.fix = fix.name;
      d.bug = bug->name;
      d.toolchain = t.key();
      d.bug_allocs = bo.counts->allocs_per_call();
      d.fix_allocs = fo.counts->allocs_per_call();
      d.bug_bytes = bo.counts->bytes_per_call();
      d.fix_bytes = fo.counts->bytes_per_call();
      bool more_allocs = true, more_bytes = true;
      const auto fr = count_repeats(fo), br = count_repeats(bo);
      for (const auto& fc : fr)
        for (const auto& bc : br) {
          more_allocs = more_allocs && fc.allocs_per_call() > bc.allocs_per_call();
          more_bytes = more_bytes && fc.bytes_per_call() > bc.bytes_per_call();
          d.varies = d.varies || fc != fr.front() || bc != br.front();
        }
      d.costs_more = more_allocs || more_bytes;
      bool bt = false, ft = false;
      d.bug_ns = time_of(bo, &bt);
      d.fix_ns = time_of(fo, &ft);
      d.timed = bt && ft;
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string delta_text(const Rational& before, const Rational& after) {
  const Rational diff = after - before;
  std::string sign = diff > Rational(0) ? "+" : "";
  std::string rel = before == Rational(0) ? (diff == Rational(0) ? ", 0%" : "")
                                          : fmt::format(", {:+.0f}%", (diff / before).to_double() * 100);
  return fmt::format("{} → {} ({}{}{})", format_rate(before), format_rate(after), sign, format_rate(diff), rel);
}

std::string delta_time(std::optional<double> before, std::optional<double> after) {
  if (!before || !after) return "-";
  return fmt::format("{} → {} ({:+.1f}%)", format_time(*before), format_time(*after), (*after / *before - 1) * 100);
}

}  // namespace eh

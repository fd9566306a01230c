#include "judge.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "pattern.h"
#include "stats.h"
#include "text.h"

namespace eh {

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative matcher with one backtrack point for the last '*'.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi, ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string format_rate(const Rational& r) {
  std::string exact = r.to_string(4);
  // A fraction with no short decimal reads better as one, marked as rounded.
  if (exact.find('/') != std::string::npos) return "~" + r.to_decimal(4);
  return exact;
}

const std::string& allocating_frame(const AllocSite& site) {
  static const std::string none;
  for (const auto& f : site.stack)
    if (!f.starts_with("runtime.mallocgc") && f != "runtime.profilealloc" && !f.starts_with("runtime.mProf_")) return f;
  return site.stack.empty() ? none : site.stack.front();
}

std::optional<std::string> m1_wording(const Diagnostic& d) {
  if (d.level != 1) return std::nullopt;
  if (d.message.starts_with("can inline "))
    if (auto at = d.message.find(" with cost "); at != std::string::npos) return d.message.substr(0, at);
  return d.message;
}

std::vector<AllocCounts> count_repeats(const VariantObservation& o) {
  if (!o.repeats.empty()) return o.repeats;
  if (o.counts) return {*o.counts};
  return {};
}

std::string ClaimVerdict::decisive() const {
  for (const auto& e : expectations)
    if (e.verdict == verdict) return !e.decisive.empty() ? e.decisive : !e.reason.empty() ? e.reason : e.observed;
  return reason;
}

Verdict combine(const std::vector<ExpectationVerdict>& vs, Combine how) {
  if (vs.empty()) return Verdict::error;
  for (const auto& rule : kCombineRules) {
    if (rule.how != how) continue;
    for (Verdict v : rule.first_of)
      if (std::any_of(vs.begin(), vs.end(), [&](const ExpectationVerdict& e) { return e.verdict == v; })) return v;
    return rule.otherwise;
  }
  return Verdict::error;
}

std::string verdict_rules() {
  std::string out = "**How a claim's verdict follows from its expectations**\n\n";
  for (const auto& rule : kCombineRules) {
    std::vector<std::string> order;
    for (Verdict v : rule.first_of) order.push_back(fmt::format("`{}`", v));
    out += fmt::format("- `combine: {}`{}: the first of {} that any expectation is; else `{}`.\n", rule.how,
                       rule.how == Combine::all ? " (the default)" : "", join(order, ", "), rule.otherwise);
  }
  out +=
      "- An expectation is `error` when its variant did not build or run, `skipped` when the variant is not run "
      "on the toolchain (`min_go`, `before_go`) or `--quick` skips timing, `inconclusive` when the measurement "
      "cannot decide (timing not significant; counts that differ between the three processes across the bound; a "
      "profile amount known only as a range straddling it).\n"
      "- A claim's own qualifier (`min_go`, `before_go` on the claim) makes it `skipped` on the toolchains outside "
      "it, with the reason, before any expectation is judged.\n"
      "- So under `--quick` a claim with a timing expectation is `skipped` unless another expectation is `refuted` "
      "or `error`; its other expectations' verdicts are still shown.\n";
  return out + "\n";
}

namespace {

const char* unit(Metric m) { return m == Metric::allocs ? "allocs/op" : "B/op"; }

Rational rate(const AllocCounts& c, Metric m) { return m == Metric::allocs ? c.allocs_per_call() : c.bytes_per_call(); }

/// The observation of `variant`, or a verdict saying why there is none.
const VariantObservation* usable(const Observations& obs, const std::string& variant, ExpectationVerdict& out) {
  auto it = obs.find(variant);
  if (it == obs.end()) {
    out.verdict = Verdict::error;
    out.reason = fmt::format("variant '{}' was not run", variant);
    return nullptr;
  }
  if (it->second.status == RunStatus::skipped) {
    out.verdict = Verdict::skipped;
    out.reason = it->second.reason;
    return nullptr;
  }
  if (it->second.status == RunStatus::error) {
    out.verdict = Verdict::error;
    out.reason = fmt::format("variant '{}': {}", variant, it->second.reason);
    return nullptr;
  }
  return &it->second;
}

/// The observations of an expectation's `variant` and `than`, or nothing
/// (with the verdict saying why) when either has none.
std::optional<std::pair<const VariantObservation*, const VariantObservation*>> usable_pair(const Observations& obs,
                                                                                           const Expectation& e,
                                                                                           ExpectationVerdict& out) {
  const VariantObservation* a = usable(obs, e.variant, out);
  if (!a) return std::nullopt;
  const VariantObservation* b = usable(obs, e.than, out);
  if (!b) return std::nullopt;
  return std::pair{a, b};
}

/// The counts of `o`, or an error verdict when it printed none.
std::optional<std::vector<AllocCounts>> counts_of(const VariantObservation& o, const std::string& variant,
                                                  ExpectationVerdict& out) {
  auto r = count_repeats(o);
  if (!r.empty()) return r;
  out.verdict = Verdict::error;
  out.reason = fmt::format("variant '{}': TestEscapeHarness printed no allocation counts", variant);
  return std::nullopt;
}

/// "2 allocs/op (20000 mallocs over 10000 calls)", or for counts that
/// differ between processes "65.954 to 66.61 allocs/op in 3 processes
/// (65954 to 66610 mallocs over 1000 calls)".
std::string counts_text(const std::vector<AllocCounts>& rs, Metric m) {
  auto [lo, hi] = std::minmax_element(
      rs.begin(), rs.end(), [&](const AllocCounts& a, const AllocCounts& b) { return rate(a, m) < rate(b, m); });
  const char* what = m == Metric::allocs ? "mallocs" : "bytes";
  auto raw = [&](const AllocCounts& c) { return m == Metric::allocs ? c.mallocs : c.bytes; };
  if (rate(*lo, m) == rate(*hi, m))
    return fmt::format("{} {} ({} {} over {} calls)", format_rate(rate(*lo, m)), unit(m), raw(*lo), what, lo->calls);
  return fmt::format("{} to {} {} in {} processes ({} to {} {} over {} calls)", format_rate(rate(*lo, m)),
                     format_rate(rate(*hi, m)), unit(m), rs.size(), raw(*lo), raw(*hi), what, lo->calls);
}

/// The verdict of a test applied to each of several measurements: the same
/// at every one, or inconclusive because they differ.
Verdict over_repeats(const std::vector<bool>& results, ExpectationVerdict& v, std::string_view what) {
  const auto n = std::count(results.begin(), results.end(), true);
  if (n == static_cast<long>(results.size())) return Verdict::confirmed;
  if (n == 0) return Verdict::refuted;
  v.reason = fmt::format("varies between runs: holds in {} of {} measurements ({})", n, results.size(), what);
  return Verdict::inconclusive;
}

ExpectationVerdict judge_amount(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  Metric m = e.kind == ExpectKind::allocs ? Metric::allocs : Metric::bytes;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  auto rs = counts_of(*o, e.variant, v);
  if (!rs) return v;
  Rational tol = e.tolerance_relative ? e.value * e.tolerance : e.tolerance;
  auto holds = [&](const Rational& got) {
    switch (e.compare) {
      case Compare::exactly: return got == e.value;
      case Compare::at_least: return got >= e.value;
      case Compare::at_most: return got <= e.value;
      case Compare::approx: return (got - e.value).abs() <= tol;
    }
    return false;
  };
  static constexpr const char* kOps[] = {"=", ">=", "<=", ""};
  v.expected = e.compare == Compare::approx
                   ? fmt::format("{} +/- {} {} ({} to {})", e.value.to_string(), tol.to_string(), unit(m),
                                 (e.value - tol).to_string(), (e.value + tol).to_string())
                   : fmt::format("{} {} {}", kOps[static_cast<int>(e.compare)], e.value.to_string(), unit(m));
  std::vector<bool> results;
  for (const auto& c : *rs) results.push_back(holds(rate(c, m)));
  v.observed = counts_text(*rs, m);
  v.verdict = over_repeats(results, v, v.observed);
  v.decisive = fmt::format("{}: {} (expected {})", e.variant, v.observed.substr(0, v.observed.find(" (")), v.expected);
  return v;
}

ExpectationVerdict judge_fewer(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  auto pair = usable_pair(obs, e, v);
  if (!pair) return v;
  const auto [a, b] = *pair;
  auto ra = counts_of(*a, e.variant, v);
  if (!ra) return v;
  auto rb = counts_of(*b, e.than, v);
  if (!rb) return v;
  // Every pairing of a measurement of one with one of the other.
  std::vector<bool> results;
  for (const auto& ca : *ra)
    for (const auto& cb : *rb) {
      Rational diff = rate(cb, e.metric) - rate(ca, e.metric);
      std::optional<Rational> need;
      if (e.by_at_least) need = e.by_relative ? rate(cb, e.metric) * *e.by_at_least : *e.by_at_least;
      results.push_back(diff > Rational(0) && (!need || diff >= *need));
    }
  const Rational xa = rate(ra->front(), e.metric), xb = rate(rb->front(), e.metric);
  if (!e.by_at_least) v.expected = fmt::format("{} below {}", e.variant, e.than);
  else if (e.by_relative)
    v.expected = fmt::format("{} below {} by >= {}% of {} ({} {})", e.variant, e.than,
                             (*e.by_at_least * Rational(100)).to_string(), e.than, format_rate(xb * *e.by_at_least),
                             unit(e.metric));
  else
    v.expected = fmt::format("{} below {} by >= {} {}", e.variant, e.than, e.by_at_least->to_string(), unit(e.metric));
  auto range = [&](const std::vector<AllocCounts>& rs) {
    auto [lo, hi] = std::minmax_element(rs.begin(), rs.end(), [&](const AllocCounts& x, const AllocCounts& y) {
      return rate(x, e.metric) < rate(y, e.metric);
    });
    const Rational l = rate(*lo, e.metric), h = rate(*hi, e.metric);
    return l == h ? format_rate(l) : fmt::format("{} to {}", format_rate(l), format_rate(h));
  };
  std::string change = xb == Rational(0) ? "" : fmt::format(", {:+.1f}%", ((xa - xb) / xb).to_double() * 100);
  v.observed = fmt::format("{} {} vs {} {} {} (difference {}{})", e.variant, range(*ra), e.than, range(*rb),
                           unit(e.metric), format_rate(xb - xa), change);
  v.verdict = over_repeats(results, v, v.observed);
  v.decisive = v.observed;
  return v;
}

/// The messages a diagnostic expectation reads: on the marked line (or the
/// call's, for the inlined copy), in the dialect asked for.
std::vector<std::string> messages_for(const Scenario& s, const Expectation& e, const Variant& var,
                                      const VariantObservation& o, std::string* where) {
  std::string file;
  int line = 0;
  if (e.copy == Copy::inlined || e.marker == "call") {
    file = var.call_pos.file;
    line = var.call_pos.line;
  } else {
    MarkerRef m = s.find_marker(var, e.marker);
    if (!m.found()) return {};
    file = m.block->file;
    line = m.block->first_line + m.line - 1;
  }
  *where = fmt::format("{}:{}", file, line);
  std::vector<std::string> out;
  for (const auto& d : o.diagnostics) {
    if (d.pos.file != file || d.pos.line != line) continue;
    if (e.copy == Copy::inlined && d.region != Region::call) continue;
    std::optional<std::string> text = e.dialect == Dialect::m ? m1_wording(d) : std::optional(d.message);
    if (text && std::find(out.begin(), out.end(), *text) == out.end()) out.push_back(*text);
  }
  return out;
}

bool escape_related(std::string_view m) {
  return m.find("escape") != std::string_view::npos || m.find("heap") != std::string_view::npos ||
         m.find("leaking") != std::string_view::npos || m.find("capturing") != std::string_view::npos;
}

ExpectationVerdict judge_diagnostic(const Scenario& s, const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  const Variant* var = s.find_variant(e.variant);
  if (!var || (e.marker != "call" && !s.find_marker(*var, e.marker).found())) {
    v.verdict = Verdict::error;
    v.reason = fmt::format("marker @{} not found in variant '{}'", e.marker, e.variant);
    return v;
  }
  std::string where;
  std::vector<std::string> on_line = messages_for(s, e, *var, *o, &where);
  const std::string* hit = nullptr;
  for (const auto& msg : on_line)
    if (!hit && pattern_search(e.matches, msg)) hit = &msg;
  v.expected = fmt::format("{} {} message matching /{}/ at {} (@{}{})", e.present ? "a" : "no",
                           e.dialect == Dialect::m ? "-m" : "-m=2", e.matches, where, e.marker,
                           e.copy == Copy::inlined ? ", the copy inlined at the call" : "");
  std::vector<std::string> quoted;
  for (const auto& msg : on_line) quoted.push_back("\"" + msg + "\"");
  v.observed = on_line.empty() ? "no message on that line" : join(quoted, "; ");
  v.verdict = (hit != nullptr) == e.present ? Verdict::confirmed : Verdict::refuted;
  // What decided it: the message that matched, or the escape messages that
  // did not (inlining reports first on a line would hide them otherwise).
  if (hit) {
    v.decisive = "\"" + *hit + "\"";
  } else {
    std::vector<std::string> relevant;
    for (const auto& msg : on_line)
      if (escape_related(msg)) relevant.push_back("\"" + msg + "\"");
    v.decisive = fmt::format(
        "no message matching /{}/{}", e.matches,
        relevant.empty() ? on_line.empty() ? " (none on the line)" : "" : " (" + join(relevant, "; ") + ")");
  }
  return v;
}

bool whole_stack(const AllocSite& site) {
  for (const auto& f : site.stack)
    if (f.starts_with("runtime.mallocgc")) return true;
  return false;
}

bool stack_matches(const std::vector<std::string>& stack, const std::string& pattern) {
  return std::any_of(stack.begin(), stack.end(), [&](const std::string& f) { return glob_match(pattern, f); });
}

/// The amount test of a site expectation at one end of the possible range.
bool site_holds(const Expectation& e, const Rational& r) {
  if (!e.has_amount) return (r > Rational(0)) == e.present;
  return e.compare == Compare::exactly ? r == e.value : e.compare == Compare::at_least ? r >= e.value : r <= e.value;
}

ExpectationVerdict judge_cpu(const Expectation& e, const VariantObservation& o);

ExpectationVerdict judge_site(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  if (e.view == SiteView::cpu) return judge_cpu(e, *o);
  auto rs = counts_of(*o, e.variant, v);
  if (!rs) return v;
  const std::vector<AllocSite>* sites = &o->sites;
  std::int64_t calls = rs->front().calls;
  const bool pprof = e.view == SiteView::pprof;
  if (pprof) {
    if (!o->pprof_sites || o->pprof_calls <= 0) {
      v.verdict = Verdict::error;
      v.reason = fmt::format("variant '{}': no memory profile was read through go tool pprof", e.variant);
      return v;
    }
    sites = &*o->pprof_sites;
    calls = o->pprof_calls;
  }
  // What the profile cannot see, per call: objects on stacks whose runtime
  // frames were cut (go1.19 cuts every stack; go1.27 those of new(T)), when
  // the pattern names a runtime function; and objects the tiny allocator
  // merged into blocks it records once (exact mallocs minus recorded ones).
  const bool runtime_pattern = e.view == SiteView::full && e.function.starts_with("runtime.");
  std::int64_t matched = 0, recorded = 0, cut = 0;
  std::map<std::string, std::int64_t> tops;  // allocating frame -> objects
  for (const auto& site : *sites) {
    recorded += site.objects;
    tops[allocating_frame(site)] += site.objects;
    if (stack_matches(site.stack, e.function)) matched += site.objects;
    else if (runtime_pattern && !whole_stack(site))
      cut += site.objects;
  }
  // Exact counts of the same process as the profile: the facts run's, or
  // the memory-profile run's own for the pprof view.
  const Rational exact =
      pprof && o->pprof_mallocs > 0 ? Rational(o->pprof_mallocs, calls) : rs->front().allocs_per_call();
  const Rational seen(matched, calls), in_profile(recorded, calls);
  // The objects the profile cannot see: whatever the exact count has beyond
  // what it recorded (the tiny allocator packs small pointer-free objects
  // into blocks it records once). runtime/metrics' count of packed objects
  // is not used to narrow this: it is flushed per P, not per window.
  const Rational gap = exact > in_profile ? exact - in_profile : Rational(0);
  // The pprof view judges what go tool pprof shows, and it shows only what
  // the profile recorded: the gap is no part of its amount. (The benchmark
  // runs on every P, so its window's count also holds other goroutines'
  // mallocs: a stray one there must not decide what pprof shows.)
  const Rational hidden = pprof ? Rational(0) : Rational(cut, calls) + gap;
  std::vector<std::string> frames;
  for (const auto& [f, n] : tops) frames.push_back(fmt::format("{} {}/op", f, format_rate(Rational(n, calls))));
  const std::string range = hidden == Rational(0)
                                ? format_rate(seen)
                                : fmt::format("{} to {}", format_rate(seen), format_rate(seen + hidden));
  std::vector<std::string> notes;
  if (gap > Rational(0) && pprof)
    notes.push_back(
        fmt::format("the process counted {} allocs/op in its measured runs, {} more than the profile "
                    "records on the measured calls' stacks: objects in tiny-allocator blocks the "
                    "profile records once, or other goroutines' mallocs; pprof shows neither",
                    format_rate(exact), format_rate(gap)));
  else if (gap > Rational(0))
    notes.push_back(
        fmt::format("the profile records {} of {} allocs/op: pointer-free objects under 16 B share "
                    "tiny-allocator blocks it records once",
                    format_rate(in_profile), format_rate(exact)));
  if (cut > 0)
    notes.push_back(fmt::format("{} allocs/op on stacks whose runtime frames this toolchain cut",
                                format_rate(Rational(cut, calls))));
  const std::string view_note = pprof ? " (as go tool pprof -traces shows them)" : "";
  v.observed =
      fmt::format("{} of {} allocs/op from stacks with {}{}{}; allocating frames{}: {}", range,
                  format_rate(pprof ? in_profile : exact), e.function, view_note,
                  notes.empty() ? "" : " (" + join(notes, "; ") + ")", hidden == Rational(0) ? "" : " (recorded)",
                  frames.empty() ? "none (no allocations)" : join(frames, ", "));
  if (e.has_amount)
    v.expected = fmt::format("{} {} allocs/op from stacks with {}{}",
                             e.compare == Compare::exactly    ? "="
                             : e.compare == Compare::at_least ? ">="
                                                              : "<=",
                             e.value.to_string(), e.function, view_note);
  else
    v.expected =
        fmt::format("{} {} on the allocating stacks{}", e.function, e.present ? "present" : "absent", view_note);
  // The true amount lies in [seen, seen + hidden]; the verdict stands only
  // if it is the same over the whole range.
  const bool low = site_holds(e, seen), high = site_holds(e, seen + hidden);
  const bool inside = e.has_amount && e.compare == Compare::exactly && hidden > Rational(0) && seen < e.value &&
                      e.value < seen + hidden;
  v.verdict = low ? Verdict::confirmed : Verdict::refuted;
  v.decisive = fmt::format("{}: {} of {} allocs/op under {}{}", e.variant, range,
                           format_rate(pprof ? in_profile : exact), e.function, pprof ? " (pprof view)" : "");
  if (low != high || inside) {
    v.verdict = Verdict::inconclusive;
    v.reason =
        fmt::format("the amount under {} is known only as {} allocs/op ({})", e.function, range, join(notes, "; "));
  }
  if (rs->size() > 1 && rs->front().mallocs != rs->back().mallocs)
    v.observed += fmt::format(" (the stacks of the first of {} processes)", rs->size());
  return v;
}

/// A Wilson score interval for a binomial share.
std::pair<double, double> share_interval(std::int64_t hits, std::int64_t n, double z) {
  const double p = static_cast<double>(hits) / static_cast<double>(n), nn = static_cast<double>(n);
  const double denom = 1 + z * z / nn, centre = (p + z * z / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

ExpectationVerdict judge_cpu(const Expectation& e, const VariantObservation& o) {
  ExpectationVerdict v;
  if (!o.cpu || o.cpu_total <= 0) {
    v.verdict = Verdict::error;
    v.reason = o.cpu ? "the CPU profile holds no samples (the benchmark ran too briefly to be sampled)"
                     : fmt::format("variant '{}': no CPU profile was taken", e.variant);
    return v;
  }
  std::int64_t hits = 0;
  std::map<std::string, std::int64_t> leaves;  // innermost frame -> samples, of the matching stacks
  for (const auto& st : *o.cpu)
    if (stack_matches(st.stack, e.function)) {
      hits += st.samples;
      if (!st.stack.empty()) leaves[st.stack.front()] += st.samples;
    }
  const double share = static_cast<double>(hits) / static_cast<double>(o.cpu_total);
  const double target = e.value.to_double();
  auto [lo, hi] = share_interval(hits, o.cpu_total, stats::inverse_normal_cdf(0.975));
  std::vector<std::pair<std::int64_t, std::string>> top;
  for (const auto& [f, n] : leaves) top.emplace_back(n, f);
  std::sort(top.rbegin(), top.rend());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < top.size() && i < 3; ++i)
    names.push_back(fmt::format("{} {}", top[i].second,
                                format_percent(static_cast<double>(top[i].first) / static_cast<double>(o.cpu_total))));
  v.observed = fmt::format("{} of {} CPU samples ({}, 95% interval {} to {}) have {} on the stack{}", hits, o.cpu_total,
                           format_percent(share), format_percent(lo), format_percent(hi), e.function,
                           names.empty() ? "" : "; most in " + join(names, ", "));
  v.decisive = fmt::format("{}: {} of CPU samples under {}", e.variant, format_percent(share), e.function);
  if (!e.has_amount) {
    v.expected = fmt::format("{} {} in the CPU profile", e.function, e.present ? "present" : "absent");
    v.verdict = (hits > 0) == e.present ? Verdict::confirmed : Verdict::refuted;
    return v;
  }
  const char* op = e.compare == Compare::at_least ? ">=" : e.compare == Compare::at_most ? "<=" : "=";
  v.expected = fmt::format("{} {} of the CPU samples under {}", op, format_percent(target), e.function);
  // A share from sampling is decided by its interval, not its point.
  const bool yes = e.compare == Compare::at_least ? lo >= target : hi <= target;
  const bool no = e.compare == Compare::at_least ? hi < target : lo > target;
  v.verdict = yes ? Verdict::confirmed : no ? Verdict::refuted : Verdict::inconclusive;
  if (v.verdict == Verdict::inconclusive)
    v.reason = fmt::format("the share's 95% interval ({} to {}) straddles {}", format_percent(lo), format_percent(hi),
                           format_percent(target));
  return v;
}

/// Two variants' timing samples at one look, summarised: medians with
/// intervals, the U test, and the ratio of `variant` to `than` with its
/// interval, all at the look's level.
struct TimingPair {
  stats::MedianInterval a, b;
  std::optional<stats::UTest> u;
  stats::RatioInterval ratio;
  double alpha = 0.05;  // the look's nominal level; the intervals' confidence is 1 - alpha

  std::string p() const {
    if (!u) return "= n/a";
    return u->p < 1e-4 ? std::string("< 0.0001") : fmt::format("= {:.3g}", u->p);
  }
  bool significant() const { return u && u->p < alpha; }
  /// "95%", "99.95%": the intervals' confidence.
  std::string level() const { return fmt::format("{:.4g}%", (1 - alpha) * 100); }
  std::string interval() const { return fmt::format("[{:.3f}, {:.3f}]", ratio.lo, ratio.hi); }
};

std::string pct_change(double ratio) { return fmt::format("{:+.1f}%", (ratio - 1) * 100); }

/// A timing rule: the verdict at one look (confirmed, refuted, or
/// inconclusive with its reason), and the expectation's wording.
struct TimingRule {
  std::string (*expected)(const Expectation& e, const std::string& level);
  void (*decide)(const Expectation& e, const TimingPair& t, ExpectationVerdict& v);
};

std::string alpha_text(double a) { return fmt::format("{:.2g}", a); }

/// The level a decision needs, in words: "p < 0.05" for one fixed-sample
/// test, the looks' levels for a sequential one.
std::string design_text(const JudgeOptions& opt) {
  if (opt.looks.size() <= 1) return alpha_text(opt.looks.empty() ? opt.alpha : opt.looks[0].alpha);
  std::vector<std::string> at;
  for (const auto& l : opt.looks) at.push_back(fmt::format("{} at n = {}", alpha_text(l.alpha), l.samples));
  return fmt::format("the look's O'Brien-Fleming level ({}; {} overall)", join(at, ", "), alpha_text(opt.alpha));
}

/// A timing expectation judged by a group sequential test (opt.looks): at
/// each look the samples of both variants reach, the first that many of
/// each (in the order they were taken) are judged at that look's level, and
/// the first look that decides gives the verdict. Samples taken after it
/// (for another comparison) change nothing. No decision by the last look is
/// inconclusive. Without looks, one test at opt.alpha on every sample.
ExpectationVerdict judge_samples(const Expectation& e, const Observations& obs, const JudgeOptions& opt,
                                 const TimingRule& rule) {
  ExpectationVerdict v;
  v.expected = rule.expected(e, design_text(opt));
  if (opt.quick || !opt.no_timing.empty()) {
    v.verdict = Verdict::skipped;
    v.reason = opt.quick ? "quick mode" : opt.no_timing;
    return v;
  }
  auto pair = usable_pair(obs, e, v);
  if (!pair) return v;
  const VariantObservation* a = pair->first;  // not a structured binding: the lambdas below capture them
  const VariantObservation* b = pair->second;
  const std::size_t have = std::min(a->samples.size(), b->samples.size());
  std::vector<stats::Look> looks = opt.looks;
  if (looks.empty()) looks.push_back({static_cast<int>(std::max(a->samples.size(), b->samples.size())), 0, opt.alpha});
  auto no_samples = [&] {
    v.verdict = Verdict::error;
    v.reason = fmt::format("no timing samples for the first look ({} of {}, {} of {}; it needs {} each)",
                           a->samples.size(), e.variant, b->samples.size(), e.than, looks[0].samples);
    return v;
  };
  const bool fixed = opt.looks.empty();
  for (std::size_t k = 0; k < looks.size(); ++k) {
    const auto n = static_cast<std::size_t>(looks[k].samples);
    if (!fixed && have < n) break;
    auto prefix = [&](const std::vector<double>& xs) {
      return fixed ? xs : std::vector<double>(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(n));
    };
    const std::vector<double> sa = prefix(a->samples), sb = prefix(b->samples);
    auto ma = stats::median_ci(sa, 1 - looks[k].alpha), mb = stats::median_ci(sb, 1 - looks[k].alpha);
    auto ratio = stats::ratio_ci(sa, sb, 1 - looks[k].alpha);
    if (!ma || !mb || !ratio) return no_samples();
    TimingPair t{*ma, *mb, stats::mann_whitney_u(sa, sb), *ratio, looks[k].alpha};
    const std::string look =
        fixed ? "" : fmt::format(", look {} of {} (level {})", k + 1, looks.size(), alpha_text(t.alpha));
    v.observed = fmt::format("{} {} [{}, {}] vs {} {} [{}, {}]; ratio {:.3f} {} ({}), p {}, n = {}+{}{}", e.variant,
                             format_time(t.a.median), format_time(t.a.lo), format_time(t.a.hi), e.than,
                             format_time(t.b.median), format_time(t.b.lo), format_time(t.b.hi), t.ratio.estimate,
                             t.interval(), pct_change(t.ratio.estimate), t.p(), sa.size(), sb.size(), look);
    v.decisive = fmt::format("{} [{}, {}], p {}", pct_change(t.ratio.estimate), pct_change(t.ratio.lo),
                             pct_change(t.ratio.hi), t.p());
    v.reason.clear();
    rule.decide(e, t, v);
    if (v.verdict != Verdict::inconclusive) return v;
    if (!fixed && k + 1 == looks.size()) v.reason += fmt::format(" at the last look (n = {})", n);
  }
  if (v.observed.empty()) return no_samples();
  if (!fixed && have < static_cast<std::size_t>(looks.back().samples))
    v.reason += fmt::format("; sampling stopped before the last look ({} of {}, {} of {}; the last look needs {})",
                            a->samples.size(), e.variant, b->samples.size(), e.than, looks.back().samples);
  return v;
}

/// "N of bug's M samples": those of the pair taken on a busy machine, or "".
std::string busy_samples(const Expectation& e, const Observations& obs) {
  std::vector<std::string> parts;
  double cores = 0;
  for (const std::string* name : {&e.variant, &e.than}) {
    auto it = obs.find(*name);
    if (it == obs.end() || it->second.busy_samples == 0) continue;
    parts.push_back(fmt::format("{} of {}'s {} samples", it->second.busy_samples, *name, it->second.samples.size()));
    cores = std::max(cores, it->second.busy_cores);
  }
  if (parts.empty()) return "";
  return fmt::format(
      "{} were taken while other processes kept the machine busy (up to {:.1f} cores beside the "
      "benchmark, each run retaken first): a busy machine's samples decide nothing",
      join(parts, " and "), cores);
}

/// The samples' verdict, unless some were taken on a busy machine: then
/// inconclusive, whatever they say, so that load never flips a verdict.
ExpectationVerdict judge_timing(const Expectation& e, const Observations& obs, const JudgeOptions& opt,
                                const TimingRule& rule) {
  ExpectationVerdict v = judge_samples(e, obs, opt, rule);
  if (v.verdict == Verdict::confirmed || v.verdict == Verdict::refuted || v.verdict == Verdict::inconclusive)
    if (std::string busy = busy_samples(e, obs); !busy.empty()) {
      v.verdict = Verdict::inconclusive;
      v.reason = busy;
    }
  return v;
}

const TimingRule kFaster{
    [](const Expectation& e, const std::string& level) {
      return e.by_at_least ? fmt::format("ns/op of {} below {} by >= {}% (the ratio's interval below {:.3f}), p < {}",
                                         e.variant, e.than, (*e.by_at_least * Rational(100)).to_string(),
                                         1 - e.by_at_least->to_double(), level)
                           : fmt::format("median ns/op of {} below {}, p < {}", e.variant, e.than, level);
    },
    [](const Expectation& e, const TimingPair& t, ExpectationVerdict& v) {
      const double margin = e.by_at_least ? e.by_at_least->to_double() : 0;
      const bool sig = t.significant();
      if (sig && t.ratio.hi < 1 && t.ratio.hi <= 1 - margin) {
        v.verdict = Verdict::confirmed;
      } else if ((sig && t.ratio.lo > 1) || (margin > 0 && t.ratio.lo > 1 - margin)) {
        v.verdict = Verdict::refuted;  // slower, or surely less faster than claimed
      } else {
        v.verdict = Verdict::inconclusive;
        v.reason = !t.u   ? std::string("all samples equal: no ranking")
                   : !sig ? fmt::format("no significant difference (p {} >= {})", t.p(), alpha_text(t.alpha))
                          : fmt::format("the ratio's {} interval {} straddles the claimed {:.3f}", t.level(),
                                        t.interval(), 1 - margin);
      }
    }};

// An equivalence test: similar only when the whole interval is inside the
// margin; different only when the whole interval is outside it.
const TimingRule kSimilar{
    [](const Expectation& e, const std::string& level) {
      const double within = e.by_at_least->to_double();
      return fmt::format("the interval of the ratio of {} to {} (confidence 1 - {}) within [{:.3f}, {:.3f}] ({}%)",
                         e.variant, e.than, level, 1 - within, 1 + within,
                         (*e.by_at_least * Rational(100)).to_string());
    },
    [](const Expectation& e, const TimingPair& t, ExpectationVerdict& v) {
      const double within = e.by_at_least->to_double();
      if (t.ratio.lo >= 1 - within && t.ratio.hi <= 1 + within) {
        v.verdict = Verdict::confirmed;
      } else if (t.ratio.hi < 1 - within || t.ratio.lo > 1 + within) {
        v.verdict = Verdict::refuted;
      } else {
        v.verdict = Verdict::inconclusive;
        v.reason = fmt::format("the ratio's {} interval {} is not inside the margin [{:.3f}, {:.3f}]", t.level(),
                               t.interval(), 1 - within, 1 + within);
      }
    }};

/// The rule of a timing kind (is_timing): the judge and timing_open share it.
const TimingRule& timing_rule(ExpectKind k) { return k == ExpectKind::faster ? kFaster : kSimilar; }

/// The largest object under `function` in `o`'s sites, and the count of sites without a size.
std::pair<std::int64_t, int> largest_under(const VariantObservation& o, const std::string& function) {
  std::int64_t most = 0;
  int unsized = 0;
  for (const auto& site : o.sites)
    if (stack_matches(site.stack, function)) {
      if (site.size == 0) ++unsized;
      most = std::max(most, site.size);
    }
  return {most, unsized};
}

ExpectationVerdict judge_largest(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  auto pair = usable_pair(obs, e, v);
  if (!pair) return v;
  const auto [a, b] = *pair;
  auto [la, ua] = largest_under(*a, e.function);
  auto [lb, ub] = largest_under(*b, e.function);
  v.expected = fmt::format("the largest object under {} of {} at least {} times that of {}", e.function, e.variant,
                           e.ratio_at_least->to_string(), e.than);
  if (ua || ub || la == 0 || lb == 0) {
    v.verdict = Verdict::error;
    v.reason = fmt::format("no sized allocation under {} in {} or {}", e.function, e.variant, e.than);
    return v;
  }
  const Rational ratio(la, lb);
  v.observed = fmt::format("{}: {} B; {}: {} B (ratio {})", e.variant, la, e.than, lb, format_rate(ratio));
  v.decisive = fmt::format("largest under {}: {} B vs {} B (x{})", e.function, la, lb, format_rate(ratio));
  v.verdict = ratio >= *e.ratio_at_least ? Verdict::confirmed : Verdict::refuted;
  return v;
}

ExpectationVerdict judge_holds(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  v.expected = fmt::format("{} is true", e.expr);
  auto it = o->holds.find(e.expr);
  if (it == o->holds.end()) {
    v.verdict = Verdict::error;
    v.reason = fmt::format("variant '{}': TestEscapeHarness printed no value for {}", e.variant, e.expr);
    return v;
  }
  v.observed = fmt::format("{} is {}", e.expr, it->second ? "true" : "false");
  v.decisive = v.observed;
  v.verdict = it->second ? Verdict::confirmed : Verdict::refuted;
  return v;
}

/// Why the claim is not judged on this toolchain, or "".
std::string claim_gate(const Claim& c, const JudgeOptions& opt) {
  if (!opt.toolchain_go) return "";
  if (c.min_go && *opt.toolchain_go < *c.min_go)
    return fmt::format("the claim is about Go {} and newer; {} is older", c.min_go->to_string(), opt.toolchain);
  if (c.before_go && !(*opt.toolchain_go < *c.before_go))
    return fmt::format("the claim is about Go before {}; {} is not older", c.before_go->to_string(), opt.toolchain);
  return "";
}

}  // namespace

ExpectationVerdict judge_expectation(const Scenario& s, const Expectation& e, const Observations& obs,
                                     const JudgeOptions& opt) {
  ExpectationVerdict v;
  switch (e.kind) {
    case ExpectKind::allocs:
    case ExpectKind::bytes: v = judge_amount(e, obs); break;
    case ExpectKind::fewer: v = judge_fewer(e, obs); break;
    case ExpectKind::diagnostic: v = judge_diagnostic(s, e, obs); break;
    case ExpectKind::site: v = judge_site(e, obs); break;
    case ExpectKind::faster: v = judge_timing(e, obs, opt, timing_rule(e.kind)); break;
    case ExpectKind::holds: v = judge_holds(e, obs); break;
    case ExpectKind::similar: v = judge_timing(e, obs, opt, timing_rule(e.kind)); break;
    case ExpectKind::largest: v = judge_largest(e, obs); break;
  }
  v.expectation = e.describe();
  return v;
}

bool timing_open(const Expectation& e, const Observations& obs, const JudgeOptions& opt) {
  if (opt.looks.empty() || !is_timing(e.kind)) return false;
  if (judge_timing(e, obs, opt, timing_rule(e.kind)).verdict != Verdict::inconclusive)
    return false;                                   // decided, or not to be judged at all
  if (!busy_samples(e, obs).empty()) return false;  // more samples cannot decide it
  const auto a = obs.find(e.variant), b = obs.find(e.than);
  return std::min(a->second.samples.size(), b->second.samples.size()) <
         static_cast<std::size_t>(opt.looks.back().samples);
}

ClaimVerdict judge_claim(const Scenario& s, const Claim& c, const Observations& obs, const JudgeOptions& opt) {
  ClaimVerdict out;
  if (std::string gate = claim_gate(c, opt); !gate.empty()) {
    out.verdict = Verdict::skipped;
    out.reason = gate;
    return out;
  }
  for (const auto& e : c.expect) out.expectations.push_back(judge_expectation(s, e, obs, opt));
  out.verdict = combine(out.expectations, c.combine);
  for (const auto& e : out.expectations)
    if (e.verdict == out.verdict && out.verdict != Verdict::confirmed) {
      out.reason = e.reason.empty() ? e.observed : e.reason;
      break;
    }
  return out;
}

}  // namespace eh

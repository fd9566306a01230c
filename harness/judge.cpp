#include "judge.h"

#include <cmath>
#include <fmt/format.h>

#include "pattern.h"
#include "stats.h"

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

Verdict combine(const std::vector<ExpectationVerdict>& vs) {
  auto any = [&](Verdict v) {
    for (const auto& e : vs)
      if (e.verdict == v) return true;
    return false;
  };
  for (Verdict v : {Verdict::error, Verdict::refuted, Verdict::inconclusive, Verdict::skipped})
    if (any(v)) return v;
  return vs.empty() ? Verdict::error : Verdict::confirmed;
}

namespace {

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

const AllocCounts* counts_of(const VariantObservation& o, const std::string& variant, ExpectationVerdict& out) {
  if (o.counts) return &*o.counts;
  out.verdict = Verdict::error;
  out.reason = fmt::format("variant '{}': TestEscapeHarness printed no allocation counts", variant);
  return nullptr;
}

Rational rate(const AllocCounts& c, Metric m) { return m == Metric::allocs ? c.allocs_per_call() : c.bytes_per_call(); }
const char* unit(Metric m) { return m == Metric::allocs ? "allocs/op" : "B/op"; }

ExpectationVerdict judge_amount(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  Metric m = e.kind == ExpectKind::allocs ? Metric::allocs : Metric::bytes;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  const AllocCounts* c = counts_of(*o, e.variant, v);
  if (!c) return v;
  Rational got = rate(*c, m);
  bool ok = false;
  switch (e.compare) {
    case Compare::exactly:
      ok = got == e.value;
      v.expected = fmt::format("= {} {}", e.value.to_string(), unit(m));
      break;
    case Compare::at_least:
      ok = got >= e.value;
      v.expected = fmt::format(">= {} {}", e.value.to_string(), unit(m));
      break;
    case Compare::at_most:
      ok = got <= e.value;
      v.expected = fmt::format("<= {} {}", e.value.to_string(), unit(m));
      break;
    case Compare::approx: {
      Rational tol = e.tolerance_relative ? e.value * e.tolerance : e.tolerance;
      ok = (got - e.value).abs() <= tol;
      v.expected = fmt::format("{} +/- {} {} ({} to {})", e.value.to_string(), tol.to_string(), unit(m),
                               (e.value - tol).to_string(), (e.value + tol).to_string());
      break;
    }
  }
  v.observed =
      fmt::format("{} {} ({} {} over {} calls)", format_rate(got), unit(m), m == Metric::allocs ? c->mallocs : c->bytes,
                  m == Metric::allocs ? "mallocs" : "bytes", c->calls);
  v.verdict = ok ? Verdict::confirmed : Verdict::refuted;
  return v;
}

ExpectationVerdict judge_fewer(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  const VariantObservation* a = usable(obs, e.variant, v);
  if (!a) return v;
  const VariantObservation* b = usable(obs, e.than, v);
  if (!b) return v;
  const AllocCounts* ca = counts_of(*a, e.variant, v);
  if (!ca) return v;
  const AllocCounts* cb = counts_of(*b, e.than, v);
  if (!cb) return v;
  Rational ra = rate(*ca, e.metric), rb = rate(*cb, e.metric);
  Rational diff = rb - ra;
  // A relative threshold is a fraction of the other variant's rate.
  std::optional<Rational> need;
  if (e.by_at_least) need = e.by_relative ? rb * *e.by_at_least : *e.by_at_least;
  bool ok = diff > Rational(0) && (!need || diff >= *need);
  if (!e.by_at_least) v.expected = fmt::format("{} below {}", e.variant, e.than);
  else if (e.by_relative)
    v.expected = fmt::format("{} below {} by >= {}% of {} ({} {})", e.variant, e.than,
                             (*e.by_at_least * Rational(100)).to_string(), e.than, format_rate(*need), unit(e.metric));
  else
    v.expected = fmt::format("{} below {} by >= {} {}", e.variant, e.than, e.by_at_least->to_string(), unit(e.metric));
  v.observed = fmt::format("{} {} vs {} {} {} (difference {})", e.variant, format_rate(ra), e.than, format_rate(rb),
                           unit(e.metric), format_rate(diff));
  v.verdict = ok ? Verdict::confirmed : Verdict::refuted;
  return v;
}

ExpectationVerdict judge_diagnostic(const Scenario& s, const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  const Variant* var = s.find_variant(e.variant);
  MarkerRef m = var ? s.find_marker(*var, e.marker) : MarkerRef{};
  if (!m.found()) {
    v.verdict = Verdict::error;
    v.reason = fmt::format("marker @{} not found in variant '{}'", e.marker, e.variant);
    return v;
  }
  const std::string& file = m.is_call ? var->call_pos.file : m.block->file;
  int spec_line = m.is_call ? var->call_pos.line : m.block->first_line + m.line - 1;
  std::vector<std::string> on_line;
  bool matched = false;
  for (const auto& d : o->diagnostics) {
    if (d.pos.file != file || d.pos.line != spec_line) continue;
    on_line.push_back(d.message);
    if (pattern_search(e.matches, d.message)) matched = true;
  }
  v.expected = fmt::format("{} -m message matching /{}/ at {}:{} (@{})", e.present ? "a" : "no", e.matches, file,
                           spec_line, e.marker);
  if (on_line.empty()) {
    v.observed = "no -m message on that line";
  } else {
    std::string all;
    for (const auto& msg : on_line) all += (all.empty() ? "\"" : "; \"") + msg + "\"";
    v.observed = all;
  }
  v.verdict = matched == e.present ? Verdict::confirmed : Verdict::refuted;
  return v;
}

ExpectationVerdict judge_site(const Expectation& e, const Observations& obs) {
  ExpectationVerdict v;
  const VariantObservation* o = usable(obs, e.variant, v);
  if (!o) return v;
  const std::vector<AllocSite>* sites = nullptr;
  std::int64_t calls = 0;
  if (e.view == SiteView::full) {
    const AllocCounts* c = counts_of(*o, e.variant, v);
    if (!c) return v;
    sites = &o->sites;
    calls = c->calls;
  } else {
    if (!o->pprof_sites || o->pprof_calls <= 0) {
      v.verdict = Verdict::error;
      v.reason = fmt::format("variant '{}': no memory profile was read through go tool pprof", e.variant);
      return v;
    }
    sites = &*o->pprof_sites;
    calls = o->pprof_calls;
  }
  // `unseen`: objects whose stack lost the allocator and the runtime frame
  // that called it. Every heap object comes from runtime.mallocgc*, so a
  // stack without it was cut (go1.19 cuts every stack; go1.27 those of
  // size-specialised new(T)): a runtime.* pattern may have been there.
  const bool runtime_pattern = e.view == SiteView::full && e.function.starts_with("runtime.");
  auto whole = [](const AllocSite& site) {
    for (const auto& f : site.stack)
      if (f.starts_with("runtime.mallocgc")) return true;
    return false;
  };
  std::int64_t matched = 0, total = 0, unseen = 0;
  std::map<std::string, std::int64_t> tops;  // allocating frame -> objects, for the observation
  for (const auto& site : *sites) {
    total += site.objects;
    tops[allocating_frame(site)] += site.objects;
    bool hit = false;
    for (const auto& f : site.stack)
      if (glob_match(e.function, f)) {
        hit = true;
        break;
      }
    if (hit) matched += site.objects;
    else if (runtime_pattern && !whole(site))
      unseen += site.objects;
  }
  const std::string where = e.view == SiteView::pprof ? " (as go tool pprof -traces shows them)" : "";
  Rational got(matched, calls);
  std::string frames;
  for (const auto& [f, n] : tops)
    frames += fmt::format("{}{} {}/op", frames.empty() ? "" : ", ", f, format_rate(Rational(n, calls)));
  v.observed =
      fmt::format("{} of {} allocs/op from stacks with {}; allocating frames: {}", format_rate(got),
                  format_rate(Rational(total, calls)), e.function, frames.empty() ? "none (no allocations)" : frames);
  if (e.has_amount) {
    const char* op = e.compare == Compare::exactly ? "=" : e.compare == Compare::at_least ? ">=" : "<=";
    v.expected = fmt::format("{} {} allocs/op from stacks with {}{}", op, e.value.to_string(), e.function, where);
  } else {
    v.expected = fmt::format("{} {} on the allocating stacks{}", e.function, e.present ? "present" : "absent", where);
  }
  // The true count lies in [matched, matched + unseen]; the verdict stands
  // only if it is the same over the whole interval.
  auto holds = [&](std::int64_t n) {
    if (!e.has_amount) return (n > 0) == e.present;
    const Rational r(n, calls);
    return e.compare == Compare::exactly ? r == e.value : e.compare == Compare::at_least ? r >= e.value : r <= e.value;
  };
  const bool low = holds(matched), high = holds(matched + unseen);
  // `exactly` is the one test not monotone in the count: the value may lie
  // strictly inside the interval while both ends miss it.
  const bool inside = e.has_amount && e.compare == Compare::exactly && unseen > 0 &&
                      Rational(matched, calls) < e.value && e.value < Rational(matched + unseen, calls);
  v.verdict = low ? Verdict::confirmed : Verdict::refuted;
  if (low != high || inside) {
    v.verdict = Verdict::inconclusive;
    v.reason = fmt::format(
        "{} of {} allocs/op come from stacks whose runtime frames this toolchain's profile dropped, "
        "so {} may be among them",
        format_rate(Rational(unseen, calls)), format_rate(Rational(total, calls)), e.function);
  }
  return v;
}

/// Two variants' timing samples, summarised: medians with intervals, the U
/// test, and the relative change of `variant` against `than`.
struct TimingPair {
  stats::MedianInterval a, b;
  std::optional<stats::UTest> u;
  double change = 0;

  /// "= 0.31", "< 0.0001": for "p {}" in messages.
  std::string p() const {
    if (!u) return "= n/a";
    return u->p < 1e-4 ? std::string("< 0.0001") : fmt::format("= {:.3g}", u->p);
  }
};

/// The pair for a timing expectation, or nothing with `v` set: skipped in
/// quick mode, the variants' own verdict when they did not run, error
/// without samples. `v.observed` gets the numbers.
std::optional<TimingPair> timing_pair(const Expectation& e, const Observations& obs, const JudgeOptions& opt,
                                      ExpectationVerdict& v) {
  if (opt.quick) {
    v.verdict = Verdict::skipped;
    v.reason = "quick mode";
    return std::nullopt;
  }
  const VariantObservation* a = usable(obs, e.variant, v);
  if (!a) return std::nullopt;
  const VariantObservation* b = usable(obs, e.than, v);
  if (!b) return std::nullopt;
  auto ma = stats::median_ci(a->samples), mb = stats::median_ci(b->samples);
  if (!ma || !mb) {
    v.verdict = Verdict::error;
    v.reason =
        fmt::format("no timing samples ({} of {}, {} of {})", a->samples.size(), e.variant, b->samples.size(), e.than);
    return std::nullopt;
  }
  TimingPair t{*ma, *mb, stats::mann_whitney_u(a->samples, b->samples), (ma->median - mb->median) / mb->median};
  v.observed =
      fmt::format("{} {:.4g} ns/op [{:.4g}, {:.4g}] vs {} {:.4g} ns/op [{:.4g}, {:.4g}] ({:+.1f}%), p {}, n = {}+{}",
                  e.variant, t.a.median, t.a.lo, t.a.hi, e.than, t.b.median, t.b.lo, t.b.hi, t.change * 100, t.p(),
                  a->samples.size(), b->samples.size());
  return t;
}

ExpectationVerdict judge_faster(const Expectation& e, const Observations& obs, const JudgeOptions& opt) {
  ExpectationVerdict v;
  v.expected = e.by_at_least ? fmt::format("median ns/op of {} below {} by >= {}%, p < {}", e.variant, e.than,
                                           (*e.by_at_least * Rational(100)).to_string(), opt.alpha)
                             : fmt::format("median ns/op of {} below {}, p < {}", e.variant, e.than, opt.alpha);
  auto t = timing_pair(e, obs, opt, v);
  if (!t) return v;
  if (!t->u || t->u->p >= opt.alpha) {
    v.verdict = Verdict::inconclusive;
    v.reason = t->u ? fmt::format("no significant difference (p {} >= {})", t->p(), opt.alpha)
                    : std::string("all samples equal: no ranking");
    return v;
  }
  bool faster = t->a.median < t->b.median;
  bool enough = !e.by_at_least || -t->change >= e.by_at_least->to_double();
  v.verdict = faster && enough ? Verdict::confirmed : Verdict::refuted;
  return v;
}

ExpectationVerdict judge_similar(const Expectation& e, const Observations& obs, const JudgeOptions& opt) {
  ExpectationVerdict v;
  double within = e.by_at_least->to_double();
  v.expected = fmt::format("median ns/op of {} within {}% of {}", e.variant,
                           (*e.by_at_least * Rational(100)).to_string(), e.than);
  auto t = timing_pair(e, obs, opt, v);
  if (!t) return v;
  // Within the margin is similar, significant or not; beyond it, only a
  // significant difference refutes.
  if (std::abs(t->change) <= within) {
    v.verdict = Verdict::confirmed;
  } else if (t->u && t->u->p < opt.alpha) {
    v.verdict = Verdict::refuted;
  } else {
    v.verdict = Verdict::inconclusive;
    v.reason = fmt::format("medians differ by {:+.1f}% but not significantly (p {})", t->change * 100, t->p());
  }
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
  v.verdict = it->second ? Verdict::confirmed : Verdict::refuted;
  return v;
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
    case ExpectKind::faster: v = judge_faster(e, obs, opt); break;
    case ExpectKind::holds: v = judge_holds(e, obs); break;
    case ExpectKind::similar: v = judge_similar(e, obs, opt); break;
  }
  v.expectation = e.describe();
  return v;
}

ClaimVerdict judge_claim(const Scenario& s, const Claim& c, const Observations& obs, const JudgeOptions& opt) {
  ClaimVerdict out;
  for (const auto& e : c.expect) out.expectations.push_back(judge_expectation(s, e, obs, opt));
  out.verdict = combine(out.expectations);
  for (const auto& e : out.expectations)
    if (e.verdict == out.verdict && out.verdict != Verdict::confirmed) {
      out.reason = e.reason.empty() ? e.observed : e.reason;
      break;
    }
  return out;
}

}  // namespace eh

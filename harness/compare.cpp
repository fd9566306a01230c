#include "compare.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>

#include "report_markdown.h"

namespace eh {

bool quick_skip(const ClaimVerdict& v) { return v.verdict == Verdict::skipped && v.reason == "quick mode"; }

namespace {

bool has_timing(const ClaimVerdict& v) {
  return std::any_of(v.expectations.begin(), v.expectations.end(),
                     [](const ExpectationVerdict& e) { return describes_timing(e.expectation); });
}

std::vector<const ExpectationVerdict*> untimed(const ClaimVerdict& v) {
  std::vector<const ExpectationVerdict*> out;
  for (const auto& e : v.expectations)
    if (!describes_timing(e.expectation)) out.push_back(&e);
  return out;
}

std::string number(const ExpectationVerdict& e) { return e.decisive.empty() ? e.observed : e.decisive; }

}  // namespace

Comparison compare_results(const Results& baseline, const Results& run) {
  Comparison c;
  std::set<std::string> base_tc, run_tc;
  std::map<std::string, std::string> base_cpu;
  for (const auto& t : baseline.toolchains) {
    base_tc.insert(t.key());
    base_cpu[t.key()] = t.cpu;
  }
  std::set<std::string> other_cpu;  // toolchains measured on another CPU than their baseline
  for (const auto& t : run.toolchains) {
    run_tc.insert(t.key());
    auto b = base_cpu.find(t.key());
    if (b != base_cpu.end() && !b->second.empty() && !t.cpu.empty() && b->second != t.cpu) {
      other_cpu.insert(t.key());
      c.other_cpus.push_back(CpuChange{t.key(), b->second, t.cpu});
    }
  }
  for (const auto& t : run_tc)
    if (!base_tc.count(t)) c.only_in_run.push_back(t);
  for (const auto& t : base_tc)
    if (!run_tc.count(t)) c.only_in_baseline.push_back(t);

  auto change = [&](const ScenarioRecord& s, const std::string& claim, const std::string& tc, const ClaimVerdict* old,
                    const ClaimVerdict* now) {
    return VerdictChange{s.entry,
                         s.id,
                         s.label(),
                         claim,
                         tc,
                         old ? std::string(to_string(old->verdict)) : "",
                         now ? std::string(to_string(now->verdict)) : "",
                         old ? key_number(*old) : "",
                         now ? key_number(*now) : ""};
  };
  auto note = [&](const ScenarioRecord& s, const std::string& claim, const std::string& tc, const ClaimVerdict* old,
                  const ClaimVerdict* now) { c.changes.push_back(change(s, claim, tc, old, now)); };
  // A timing claim on another CPU: its other expectations, in their order,
  // against the baseline's; the first that differs is the claim's drift.
  auto untimed_drift = [&](const ScenarioRecord& s, const std::string& claim, const std::string& tc,
                           const ClaimVerdict& old, const ClaimVerdict& now) -> bool {
    const auto was = untimed(old), is = untimed(now);
    for (std::size_t i = 0; i < std::max(was.size(), is.size()); ++i) {
      if (i < was.size() && i < is.size() && was[i]->expectation == is[i]->expectation &&
          was[i]->verdict == is[i]->verdict)
        continue;
      const ExpectationVerdict* w = i < was.size() ? was[i] : nullptr;
      const ExpectationVerdict* n = i < is.size() ? is[i] : nullptr;
      c.changes.push_back(
          VerdictChange{s.entry, s.id, s.label(), fmt::format("{} ({})", claim, (n ? n : w)->expectation), tc,
                        w ? std::string(to_string(w->verdict)) : "", n ? std::string(to_string(n->verdict)) : "",
                        w ? number(*w) : "", n ? number(*n) : ""});
      return true;
    }
    return false;
  };
  for (const auto& s : run.scenarios) {
    const ScenarioRecord* b = baseline.scenario(s.id);
    for (const auto& claim : s.claims) {
      const ClaimRecord* bc = b ? b->claim(claim.id) : nullptr;
      for (const auto& [tc, v] : claim.verdicts) {
        if (!base_tc.count(tc)) continue;  // reported as a toolchain without baseline
        auto it = bc ? bc->verdicts.find(tc) : decltype(bc->verdicts.end()){};
        if (!bc || it == bc->verdicts.end()) {
          note(s, claim.id, tc, nullptr, &v);
          continue;
        }
        if (quick_skip(v) || quick_skip(it->second)) {
          ++c.not_compared_quick;
          continue;
        }
        // An error is never the CPU's: it compares as any verdict does.
        if (other_cpu.count(tc) && (has_timing(v) || has_timing(it->second)) && v.verdict != Verdict::error &&
            it->second.verdict != Verdict::error) {
          ++c.not_compared_cpu;
          if (!untimed_drift(s, claim.id, tc, it->second, v) && it->second.verdict != v.verdict)
            c.cpu_changes.push_back(change(s, claim.id, tc, &it->second, &v));
          continue;
        }
        ++c.compared;
        if (it->second.verdict != v.verdict) note(s, claim.id, tc, &it->second, &v);
      }
    }
  }
  // Claims the baseline has on toolchains this run covered, but the run lacks.
  for (const auto& b : baseline.scenarios) {
    const ScenarioRecord* s = run.scenario(b.id);
    for (const auto& claim : b.claims) {
      const ClaimRecord* rc = s ? s->claim(claim.id) : nullptr;
      for (const auto& [tc, v] : claim.verdicts)
        if (run_tc.count(tc) && (!rc || !rc->verdicts.count(tc)) && s) note(b, claim.id, tc, &v, nullptr);
    }
  }
  auto order = [](const VerdictChange& x, const VerdictChange& y) {
    return std::tie(x.entry, x.scenario, x.claim, x.toolchain) < std::tie(y.entry, y.scenario, y.claim, y.toolchain);
  };
  std::sort(c.changes.begin(), c.changes.end(), order);
  std::sort(c.cpu_changes.begin(), c.cpu_changes.end(), order);
  return c;
}

namespace {

std::string change_lines(const std::vector<VerdictChange>& changes) {
  std::string out;
  for (const auto& ch : changes) {
    std::string what = ch.old_verdict.empty()   ? fmt::format("new claim, {}", ch.new_verdict)
                       : ch.new_verdict.empty() ? fmt::format("{} -> not judged in this run", ch.old_verdict)
                                                : fmt::format("{} -> {}", ch.old_verdict, ch.new_verdict);
    out += fmt::format("  {} {} on {}: {}\n", ch.label, ch.claim, ch.toolchain, what);
    if (!ch.old_number.empty()) out += fmt::format("      was: {}\n", ch.old_number);
    if (!ch.new_number.empty()) out += fmt::format("      now: {}\n", ch.new_number);
  }
  return out;
}

std::string not_compared(const Comparison& c) {
  std::string out = c.not_compared_quick ? fmt::format("not compared: {} timing verdict{} (quick mode)\n",
                                                       c.not_compared_quick, c.not_compared_quick == 1 ? "" : "s")
                                         : "";
  if (c.not_compared_cpu == 0) return out;
  // The toolchains by the pair of CPUs, in the order of the run.
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& x : c.other_cpus) {
    std::string pair = fmt::format("{} here, {} in the baseline", x.run_cpu, x.baseline_cpu);
    auto at = std::find_if(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == pair; });
    if (at == pairs.end()) {
      pairs.emplace_back(pair, x.toolchain);
    } else {
      at->second += ", " + x.toolchain;
    }
  }
  std::string cpus;
  for (const auto& [pair, toolchains] : pairs)
    cpus += fmt::format("{}{}: {}", cpus.empty() ? "" : "; ", pair, toolchains);
  out += fmt::format("not compared: {} timing verdict{} measured on another CPU ({})\n", c.not_compared_cpu,
                     c.not_compared_cpu == 1 ? "" : "s", cpus);
  if (!c.cpu_changes.empty())
    out += fmt::format("changed with the CPU, not counted as drift: {}\n", c.cpu_changes.size()) +
           change_lines(c.cpu_changes);
  return out;
}

}  // namespace

std::string format_comparison(const Comparison& c, const std::string& baseline_name) {
  std::string out;
  if (!c.drift()) {
    out += fmt::format("no drift: {} verdicts match {}\n", c.compared, baseline_name);
  } else {
    out += fmt::format("drift: {} change{} against {}\n", c.changes.size() + c.only_in_run.size(),
                       c.changes.size() + c.only_in_run.size() == 1 ? "" : "s", baseline_name);
    out += change_lines(c.changes);
    for (const auto& t : c.only_in_run)
      out += fmt::format("  toolchain {}: in this run only, no baseline to compare with\n", t);
  }
  out += not_compared(c);
  if (!c.only_in_baseline.empty()) {
    std::string list;
    for (const auto& t : c.only_in_baseline) list += (list.empty() ? "" : ", ") + t;
    out += fmt::format("not run: {} (in the baseline only)\n", list);
  }
  return out;
}

Results relabelled(const Results& baseline, const std::string& from, const std::string& to) {
  Results r = baseline;
  std::erase_if(r.toolchains, [&](const ToolchainInfo& t) { return t.key() != from; });
  for (auto& t : r.toolchains) {
    // `to` is a run's key: its version, and its configuration after a '/'.
    t.version = to.substr(0, to.find('/'));
    t.config = to.find('/') == std::string::npos ? "" : to.substr(to.find('/') + 1);
  }
  for (auto& s : r.scenarios) {
    for (auto& c : s.claims) {
      std::map<std::string, ClaimVerdict> kept;
      if (auto it = c.verdicts.find(from); it != c.verdicts.end()) kept[to] = it->second;
      c.verdicts = std::move(kept);
    }
    for (auto& v : s.variants) {
      std::map<std::string, VariantObservation> kept;
      if (auto it = v.results.find(from); it != v.results.end()) kept[to] = it->second;
      v.results = std::move(kept);
    }
  }
  return r;
}

std::string format_release_change(const Comparison& c, const std::string& release, const std::string& against,
                                  const std::string& baseline_name) {
  const std::size_t n = c.changes.size();
  std::string out = n == 0 ? fmt::format("new Go release: {} changes no verdict of {} ({} compared, {})\n", release,
                                         against, c.compared, baseline_name)
                           : fmt::format("new Go release: {} changes {} verdict{} of {} ({})\n", release, n,
                                         n == 1 ? "" : "s", against, baseline_name);
  return out + change_lines(c.changes) + not_compared(c);
}

}  // namespace eh

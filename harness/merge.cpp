#include "merge.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>

namespace eh {

std::optional<Results> merge_results(const std::vector<NamedResults>& inputs, std::string* err) {
  if (inputs.empty()) {
    *err = "nothing to merge";
    return std::nullopt;
  }
  Results out;
  out.generated_by = inputs.front().results.generated_by;
  std::map<std::string, std::string> toolchain_from;  // version -> input name
  for (const auto& in : inputs) {
    out.date = std::max(out.date, in.results.date);
    out.quick = out.quick || in.results.quick;
    for (const auto& t : in.results.toolchains) {
      if (auto it = toolchain_from.find(t.key()); it != toolchain_from.end()) {
        *err = fmt::format("both {} and {} have results for {}; merge takes each toolchain from one file", it->second,
                           in.name, t.key());
        return std::nullopt;
      }
      toolchain_from[t.key()] = in.name;
      out.toolchains.push_back(t);
    }
  }
  std::map<std::string, std::string> scenario_from;
  for (const auto& in : inputs) {
    for (const auto& s : in.results.scenarios) {
      ScenarioRecord* m = nullptr;
      for (auto& x : out.scenarios)
        if (x.id == s.id) m = &x;
      if (!m) {
        out.scenarios.push_back(s);
        scenario_from[s.id] = in.name;
        continue;
      }
      if (m->source_hash != s.source_hash) {
        *err = fmt::format("scenario {} was generated from different code in {} and {} (source hash {} vs {})", s.id,
                           scenario_from[s.id], in.name, m->source_hash, s.source_hash);
        return std::nullopt;
      }
      for (const auto& c : s.claims) {
        auto it = std::find_if(m->claims.begin(), m->claims.end(), [&](const ClaimRecord& x) { return x.id == c.id; });
        if (it == m->claims.end()) {
          m->claims.push_back(c);
          continue;
        }
        for (const auto& [tc, v] : c.verdicts) it->verdicts[tc] = v;  // toolchains are disjoint (checked above)
      }
      for (const auto& v : s.variants) {
        auto it = std::find_if(m->variants.begin(), m->variants.end(),
                               [&](const VariantRecord& x) { return x.name == v.name; });
        if (it == m->variants.end()) {
          m->variants.push_back(v);
          continue;
        }
        for (const auto& [tc, o] : v.results) it->results[tc] = o;
      }
    }
  }
  sort_toolchains(out);
  std::sort(out.scenarios.begin(), out.scenarios.end(), [](const ScenarioRecord& a, const ScenarioRecord& b) {
    return scenario_order(a.entry, a.id) < scenario_order(b.entry, b.id);
  });
  return out;
}

namespace {

/// Copies toolchain `tc`'s cells of `from` into `to` (same scenario, same code).
void copy_cells(const ScenarioRecord& from, ScenarioRecord& to, const std::string& tc) {
  for (auto& c : to.claims)
    if (const ClaimRecord* old = from.claim(c.id))
      if (auto it = old->verdicts.find(tc); it != old->verdicts.end()) c.verdicts[tc] = it->second;
  for (auto& v : to.variants)
    if (const VariantRecord* old = from.variant(v.name))
      if (auto it = old->results.find(tc); it != old->results.end()) v.results[tc] = it->second;
  if (auto it = from.runs.find(tc); it != from.runs.end()) to.runs[tc] = it->second;
}

}  // namespace

Results update_results(const Results& previous, Results run, const std::map<std::string, std::string>& current,
                       std::vector<std::string>* dropped) {
  std::set<std::string> ran;
  for (const auto& t : run.toolchains) ran.insert(t.key());
  for (const auto& t : previous.toolchains)
    if (!ran.count(t.key())) run.toolchains.push_back(t);
  for (const auto& old : previous.scenarios) {
    auto hash = current.find(old.id);
    if (hash == current.end()) {
      dropped->push_back(fmt::format("{}: no spec defines it any more", old.id));
      continue;
    }
    ScenarioRecord* now = nullptr;
    for (auto& s : run.scenarios)
      if (s.id == old.id) now = &s;
    if (old.source_hash != hash->second) {
      if (!old.runs.empty() && (!now || old.runs.size() > now->runs.size()))
        dropped->push_back(
            fmt::format("{}: its spec or code changed since its cells were measured; run it again", old.id));
      continue;
    }
    if (!now) {  // not run this time (--only): kept whole
      run.scenarios.push_back(old);
      continue;
    }
    for (const auto& [tc, _] : old.runs)
      if (!ran.count(tc)) copy_cells(old, *now, tc);
  }
  // A toolchain no kept cell uses any more is not listed.
  std::erase_if(run.toolchains, [&](const ToolchainInfo& t) {
    return !ran.count(t.key()) && std::none_of(run.scenarios.begin(), run.scenarios.end(),
                                               [&](const ScenarioRecord& s) { return s.runs.count(t.key()) > 0; });
  });
  // The set is in quick mode only when every cell of it is.
  run.quick = std::all_of(run.scenarios.begin(), run.scenarios.end(), [](const ScenarioRecord& s) {
    return std::all_of(s.runs.begin(), s.runs.end(), [](const auto& cell) { return cell.second.quick; });
  });
  sort_toolchains(run);
  std::sort(run.scenarios.begin(), run.scenarios.end(), [](const ScenarioRecord& a, const ScenarioRecord& b) {
    return scenario_order(a.entry, a.id) < scenario_order(b.entry, b.id);
  });
  return run;
}

}  // namespace eh

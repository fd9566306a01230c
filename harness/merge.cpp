#include "merge.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>

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
      if (auto it = toolchain_from.find(t.version); it != toolchain_from.end()) {
        *err = fmt::format("both {} and {} have results for {}; merge takes each toolchain from one file", it->second,
                           in.name, t.version);
        return std::nullopt;
      }
      toolchain_from[t.version] = in.name;
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
    return std::tie(a.entry, a.id) < std::tie(b.entry, b.id);
  });
  return out;
}

}  // namespace eh

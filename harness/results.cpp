#include "results.h"

#include <algorithm>

#include "stats.h"

namespace eh {

const VariantRecord* ScenarioRecord::variant(std::string_view name) const {
  for (const auto& v : variants)
    if (v.name == name) return &v;
  return nullptr;
}

const ClaimRecord* ScenarioRecord::claim(std::string_view claim_id) const {
  for (const auto& c : claims)
    if (c.id == claim_id) return &c;
  return nullptr;
}

const ScenarioRecord* Results::scenario(std::string_view id) const {
  for (const auto& s : scenarios)
    if (s.id == id) return &s;
  return nullptr;
}

ScenarioRecord make_record(const Scenario& s, const std::string& source_hash) {
  ScenarioRecord r;
  r.id = s.id;
  r.entry = s.entry;
  r.title = s.title;
  r.summary = s.summary;
  r.file = s.file;
  r.source_hash = source_hash;
  for (const auto& c : s.claims) r.claims.push_back(ClaimRecord{c.id, c.text, c.aspect, {}, c.correction, c.holds_in});
  for (const auto& v : s.variants)
    r.variants.push_back(
        VariantRecord{v.name, v.about, v.reconstructed, v.adapted, v.min_go ? v.min_go->to_string() : "", {}});
  return r;
}

void add_toolchain_results(ScenarioRecord& record, const Scenario& s, const std::string& toolchain,
                           const Observations& obs, const JudgeOptions& opt) {
  for (std::size_t i = 0; i < s.claims.size(); ++i)
    record.claims[i].verdicts[toolchain] = judge_claim(s, s.claims[i], obs, opt);
  for (auto& v : record.variants)
    if (auto it = obs.find(v.name); it != obs.end()) v.results[toolchain] = it->second;
}

void sort_toolchains(Results& r) {
  std::stable_sort(r.toolchains.begin(), r.toolchains.end(), [](const ToolchainInfo& a, const ToolchainInfo& b) {
    auto va = GoVersion::parse(a.version), vb = GoVersion::parse(b.version);
    if (va && vb) return *va < *vb;
    if (va || vb) return va.has_value();
    return a.version < b.version;
  });
}

std::optional<double> ns_per_op(const VariantObservation& o) {
  if (auto m = stats::median(o.samples)) return m;
  if (o.bench) return o.bench->metric("ns/op");
  return std::nullopt;
}

}  // namespace eh

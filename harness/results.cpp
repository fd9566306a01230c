#include "results.h"

#include "config.h"

#include <algorithm>

#include <fmt/format.h>

#include "stats.h"

namespace eh {

std::string ScenarioRecord::label() const { return from_catalog() ? fmt::format("entry {}", entry) : id; }

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

std::string quick_note(const Results& r) {
  int cells = 0, quick = 0;
  for (const auto& s : r.scenarios)
    for (const auto& [tc, run] : s.runs) ++cells, quick += run.quick;
  // A set without cells (nothing ran) has only the run's own flag to go by.
  if (cells == 0 ? r.quick : quick == cells) return ", quick mode: timing claims skipped";
  if (quick == 0) return "";
  return fmt::format(", {} of {} cells from quick runs (their timing claims skipped; EVIDENCE.md says which)", quick,
                     cells);
}

std::vector<CoverageRow> coverage_of(const CatalogText& catalog, int entry, const std::vector<Claim>& claims,
                                     const std::vector<NotEncoded>& not_encoded) {
  // A quote covers the sentences it overlaps where it stands in the entry,
  // and any sentence whose words it is (a comment repeated in two blocks).
  auto covers = [&](const std::string& quote, const CatalogSentence& sent) {
    if (sent.text.find(quote) != std::string::npos || quote.find(sent.text) != std::string::npos) return true;
    auto at = catalog.find_quote(entry, quote);
    return at && at->first < sent.end && sent.begin < at->second;
  };
  std::vector<CoverageRow> out;
  for (const CatalogSentence* sent : catalog.sentences_of(entry)) {
    CoverageRow row{sent->line, sent->label, sent->text, {}, ""};
    for (const auto& c : claims)
      for (const auto& q : c.quotes)
        if (covers(q.text, *sent) && std::find(row.claims.begin(), row.claims.end(), c.id) == row.claims.end())
          row.claims.push_back(c.id);
    for (const auto& n : not_encoded)
      if (row.not_encoded.empty() && covers(n.quote.text, *sent)) row.not_encoded = n.reason;
    out.push_back(std::move(row));
  }
  return out;
}

ScenarioRecord make_record(const Scenario& s, const std::string& source_hash, const CatalogText* catalog) {
  ScenarioRecord r;
  r.id = s.id;
  r.entry = s.entry;
  r.title = s.title;
  r.summary = s.summary;
  r.source = s.source;
  r.file = s.file;
  r.source_hash = source_hash;
  for (const auto& c : s.claims) {
    ClaimRecord cr{c.id, c.text, c.aspect, c.origin, {}, {}, c.correction, c.holds_where, "", {}};
    for (const auto& q : c.quotes) cr.quotes.push_back(q.text);
    for (const auto& e : c.expect)
      if (is_timing(e.kind) && (!e.by_at_least || e.by_relative))
        cr.timing.push_back(TimingBound{e.kind, e.variant, e.than, e.by_at_least ? e.by_at_least->to_double() : 0});
    if (c.min_go && c.before_go)
      cr.qualifier = fmt::format("Go {} to before {}", c.min_go->to_string(), c.before_go->to_string());
    else if (c.min_go)
      cr.qualifier = fmt::format("Go {} or newer", c.min_go->to_string());
    else if (c.before_go)
      cr.qualifier = fmt::format("Go before {}", c.before_go->to_string());
    r.claims.push_back(std::move(cr));
  }
  for (const auto& v : s.variants)
    r.variants.push_back(VariantRecord{v.name,
                                       v.about,
                                       v.reconstructed,
                                       v.adapted,
                                       v.min_go ? v.min_go->to_string() : "",
                                       v.fixes,
                                       v.sweep,
                                       v.param,
                                       v.value,
                                       v.gcflags,
                                       {}});
  if (catalog && s.from_catalog()) r.coverage = coverage_of(*catalog, s.entry, s.claims, s.not_encoded);
  return r;
}

JudgeOptions cell_judge_options(const ToolchainInfo& t, bool quick, double alpha, std::vector<stats::Look> looks) {
  JudgeOptions jo;
  jo.quick = quick;
  jo.alpha = alpha;
  jo.looks = std::move(looks);
  jo.toolchain = t.key();
  jo.toolchain_go = GoVersion::parse(t.version);
  if (auto c = config_of_key(t.config); c && !config_info(*c).emulator.empty())
    jo.no_timing = fmt::format("{} runs under {}: its times are the emulator's, not the hardware's",
                               config_info(*c).spelling, config_info(*c).emulator);
  return jo;
}

void add_toolchain_results(ScenarioRecord& record, const Scenario& s, const Observations& obs, const JudgeOptions& opt,
                           const CellRun& run) {
  const std::string& toolchain = opt.toolchain;
  record.runs[toolchain] = run;
  for (std::size_t i = 0; i < s.claims.size(); ++i)
    record.claims[i].verdicts[toolchain] = judge_claim(s, s.claims[i], obs, opt);
  for (auto& v : record.variants)
    if (auto it = obs.find(v.name); it != obs.end()) v.results[toolchain] = it->second;
}

std::vector<ConfigChange> config_changes(const Results& r, const ClaimRecord& c) {
  std::vector<ConfigChange> out;
  for (const auto& t : r.toolchains) {
    if (t.config.empty()) continue;
    auto it = c.verdicts.find(t.key()), base = c.verdicts.find(t.version);
    if (it == c.verdicts.end() || base == c.verdicts.end()) continue;
    const ClaimVerdict &v = it->second, &b = base->second;
    if (v.verdict == Verdict::skipped || b.verdict == Verdict::skipped || v.verdict == b.verdict) continue;
    out.push_back(ConfigChange{t.key(), t.version, v.verdict, b.verdict, v.decisive(), b.decisive()});
  }
  return out;
}

std::string config_about(const ToolchainInfo& t) {
  if (t.config.empty()) return "";
  auto c = config_of_key(t.config);
  return c ? std::string(config_info(*c).about) : t.config;
}

void sort_toolchains(Results& r) {
  auto config_rank = [](const ToolchainInfo& t) {
    auto c = config_of_key(t.config);
    return c ? static_cast<int>(*c) : static_cast<int>(kConfigs.size());
  };
  std::stable_sort(r.toolchains.begin(), r.toolchains.end(), [&](const ToolchainInfo& a, const ToolchainInfo& b) {
    auto va = GoVersion::parse(a.version), vb = GoVersion::parse(b.version);
    if (va && vb && *va != *vb) return *va < *vb;
    if (!va != !vb) return va.has_value();
    if (!va && !vb && a.version != b.version) return a.version < b.version;
    return config_rank(a) < config_rank(b);
  });
}

std::optional<double> ns_per_op(const VariantObservation& o) {
  if (auto m = stats::median(o.samples)) return m;
  if (o.bench) return o.bench->metric("ns/op");
  return std::nullopt;
}

}  // namespace eh

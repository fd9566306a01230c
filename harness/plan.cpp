#include "plan.h"

#include <algorithm>
#include <fmt/format.h>

#include "fs.h"
#include "text.h"

namespace eh {
namespace {

/// The variants `name` is compared with by timing expectations, in spec order.
std::vector<std::string> timing_partners(const Scenario& s, const std::string& name) {
  std::vector<std::string> out;
  auto add = [&](const std::string& n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (const auto& c : s.claims)
    for (const auto& e : c.expect) {
      if (!is_timing(e.kind)) continue;
      if (e.variant == name) add(e.than);
      if (e.than == name) add(e.variant);
    }
  return out;
}

bool reads_view(const Scenario& s, const std::string& name, SiteView view) {
  for (const auto& c : s.claims)
    for (const auto& e : c.expect)
      if (e.kind == ExpectKind::site && e.view == view && e.variant == name) return true;
  return false;
}

/// The toolchain by what it reports, and by where it lives: two builds
/// calling themselves the same version are not assumed to be one.
/// v3: records with a nonce, counts in several processes, -m=2 lines kept,
/// CPU profiles, gcflags. v4: a batch driver's repeats count without the
/// heap profile.
std::string facts_key(const GeneratedModule& module, const GoPackage& p, const Toolchain& tc, const Variant& v,
                      bool pprof, bool cpu) {
  std::string all = fmt::format("facts v4\n{}\n{} {} {} {} {}\npprof={} cpu={}\ngcflags={}\n", ESCAPE_HARNESS_VERSION,
                                tc.version, tc.goos, tc.goarch, tc.goroot, tc.go, pprof, cpu, join(v.gcflags, " "));
  // The default configuration's keys are those of before configurations.
  if (tc.config != BuildConfig::standard)
    all += fmt::format("config={} emulator={}\n", config_info(tc.config).key, tc.emulator);
  for (const auto& f : module.files)
    if (f.path.starts_with(p.dir + "/")) all += f.path + "\n" + f.content;
  return fnv1a_hex(all);
}

/// v5: sequential looks.
std::string timing_key(const std::string& facts, const TimingSettings& t) {
  return fnv1a_hex(fmt::format("timing v5\n{}\n{}\n{} x {} by {}, {} looks at {}", facts, t.cpu, t.samples, t.benchtime,
                               t.samples_per_process, t.looks, t.alpha));
}

}  // namespace

std::string version_gate(const Toolchain& tc, const Variant& v) {
  if (!tc.parsed) return "";  // a devel toolchain: assume it is new enough
  if (v.min_go && *tc.parsed < *v.min_go)
    return fmt::format("needs Go {} or newer; {} is older", v.min_go->to_string(), tc.version);
  if (v.before_go && !(*tc.parsed < *v.before_go))
    return fmt::format("shows Go before {} only; {} is not older", v.before_go->to_string(), tc.version);
  return "";
}

RunPlan make_plan(const std::vector<Scenario>& scenarios, const GeneratedModule& module,
                  std::vector<Toolchain> toolchains, const std::string& work_dir, const TimingSettings& timing) {
  RunPlan plan;
  plan.toolchains = std::move(toolchains);
  plan.scenarios = &scenarios;
  plan.work_dir = work_dir;
  plan.module_root = join_path(work_dir, "gosrc");
  plan.timing = timing;
  plan.looks = timing.design();
  for (const auto& s : scenarios) {
    auto& names = plan.timed.emplace_back();
    for (const auto& c : s.claims)
      for (const auto& e : c.expect)
        if (is_timing(e.kind))
          for (const auto& n : {e.variant, e.than})
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  for (const auto& tc : plan.toolchains) {
    auto& per_tc = plan.variants.emplace_back();
    for (const auto& s : scenarios) {
      auto& per_s = per_tc.emplace_back();
      for (const auto& v : s.variants) {
        VariantPlan vp;
        vp.toolchain = &tc;
        vp.scenario = &s;
        vp.variant = &v;
        vp.package = module.package(s.id, v.name);
        vp.package_dir = join_path(plan.module_root, vp.package->dir);
        vp.binary = join_path(work_dir, fmt::format("bin/{}/{}/{}.test", tc.dir_name(), s.id, v.dir));
        vp.pprof = reads_view(s, v.name, SiteView::pprof);
        vp.cpu = reads_view(s, v.name, SiteView::cpu);
        vp.facts_key = facts_key(module, *vp.package, tc, v, vp.pprof, vp.cpu);
        vp.partners = timing_partners(s, v.name);
        // Under an emulator there is nothing to time (the judge says why).
        if (!vp.partners.empty() && tc.emulator.empty()) vp.timing_key = timing_key(vp.facts_key, timing);
        vp.gate = version_gate(tc, v);
        if (vp.gate.empty()) vp.gate = config_gate(tc.config, tc.parsed, tc.version);
        per_s.push_back(std::move(vp));
      }
    }
  }
  return plan;
}

const VariantPlan* RunPlan::find(std::size_t toolchain, std::size_t scenario, std::string_view variant) const {
  for (const auto& v : variants.at(toolchain).at(scenario))
    if (v.variant->name == variant) return &v;
  return nullptr;
}

std::vector<stats::Look> TimingSettings::design() const {
  std::vector<int> at;
  const int k = std::clamp(looks, 1, samples);
  for (int i = 1; i <= k; ++i) at.push_back((i * samples + k - 1) / k);
  return stats::obrien_fleming(at, alpha);
}

int RunPlan::steps(bool quick) const {
  const int processes = (timing.samples + timing.samples_per_process - 1) / timing.samples_per_process;
  int total = 0;
  for (const auto& per_tc : variants)
    for (const auto& per_s : per_tc)
      for (const auto& v : per_s) total += 1 + (quick || !v.timed() ? 0 : processes);
  return total;
}

}  // namespace eh

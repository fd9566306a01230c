#include "report_profile.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report_scan.h"
#include "text.h"

namespace eh {
namespace {

using ojson = nlohmann::ordered_json;

std::string shown_path(const ProfileReport& r, const std::string& file) {
  const std::string src = r.goroot.empty() ? "" : r.goroot + "/src/";
  if (!src.empty() && file.starts_with(src)) return "$GOROOT/src/" + file.substr(src.size());
  const std::string dir = r.dir.ends_with("/") ? r.dir : r.dir + "/";
  if (file.starts_with(dir)) return file.substr(dir.size());
  return file;
}

/// A per-op figure: whole when it is, else to two decimals (the exact
/// counts and iterations are in the JSON).
/// A reason names files absolutely (the profile does): shown as the rest.
std::string shown_reason(const ProfileReport& r, const std::string& reason) {
  std::string out = reason;
  if (!r.dir.empty()) out = replace_all(out, r.dir.ends_with("/") ? r.dir : r.dir + "/", "");
  if (!r.goroot.empty()) out = replace_all(out, r.goroot + "/src/", "$GOROOT/src/");
  return out;
}

std::string per_op(double v) {
  if (v == std::floor(v)) return fmt::format("{:.0f}", v);
  std::string s = fmt::format("{:.2f}", v);
  while (s.ends_with("0")) s.pop_back();
  if (s.ends_with(".")) s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string cost(const Site& s) {
  return fmt::format("{} allocs/op, {} B/op in {}", per_op(s.objects_per_op()), per_op(s.bytes_per_op()), s.benchmark);
}

std::string benchmem_text(const BenchmarkProfile& b) {
  if (!b.benchmem_allocs) return "-benchmem: none";
  return fmt::format("-benchmem {} allocs/op {} B/op", per_op(*b.benchmem_allocs),
                     per_op(b.benchmem_bytes.value_or(0)));
}

/// Sites summed over the benchmarks that reach them, by bytes/op then objects/op.
struct Overall {
  const Site* site;
  double objects = 0, bytes = 0;
  int benchmarks = 0;
};
std::vector<Overall> overall(const ProfileReport& r) {
  std::map<std::tuple<std::string, std::string, int>, Overall> by;
  for (const auto& s : r.sites) {
    auto& o = by[{s.function, s.file, s.line}];
    if (!o.site) o.site = &s;
    o.objects += s.objects_per_op();
    o.bytes += s.bytes_per_op();
    ++o.benchmarks;
  }
  std::vector<Overall> out;
  for (auto& [k, o] : by) out.push_back(o);
  std::sort(out.begin(), out.end(), [](const Overall& a, const Overall& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.objects > b.objects;
  });
  return out;
}

std::string where(const ProfileReport& r, const Site& s) {
  return fmt::format("{}:{}{}", shown_path(r, s.file), s.line, s.column ? fmt::format(":{}", s.column) : "");
}

}  // namespace

const char* const kProfileGap =
    "the profile records a tiny-allocator block (16 B) once and not the allocations that share it (runtime: "
    "mallocgcTiny returns before profilealloc), and -benchmem truncates to whole numbers";

bool reconciled(const BenchmarkProfile& b) {
  if (!b.benchmem_allocs || b.objects < 0 || b.bytes < 0) return false;
  return b.objects_per_op() <= *b.benchmem_allocs + 1.0;
}

std::string profile_summary(const ProfileReport& r, std::size_t top) {
  std::string out = fmt::format(
      "profiled {} with {}: {} benchmarks, each run at -test.benchtime={}x and {}x (per op: the difference over {} "
      "iterations), {:.1f} s\n",
      fmt::join(r.patterns, " "), r.toolchain, r.benchmarks.size(), r.shorter, r.longer, r.longer - r.shorter,
      r.seconds);
  for (const auto& b : r.benchmarks) {
    out += fmt::format("\n{}  ({})\n", b.name, b.package);
    if (!b.error.empty()) {
      out += fmt::format("  not profiled: {}\n", b.error);
      continue;
    }
    const double gap = b.benchmem_allocs ? *b.benchmem_allocs - b.objects_per_op() : 0;
    out += fmt::format("  {} · profile {} objects/op {} B/op{}\n", benchmem_text(b), per_op(b.objects_per_op()),
                       per_op(b.bytes_per_op()),
                       !b.benchmem_allocs ? ""
                       : b.objects < 0 || b.bytes < 0
                           ? " · NOT reconciled: the shorter run allocated more than the longer (state such as a "
                             "sync.Pool or b.RunParallel's goroutines differs between runs), per-op figures unreliable"
                       : !reconciled(b) ? " · NOT reconciled: the profile sees more than -benchmem"
                       : std::abs(gap) >= 0.005
                           ? fmt::format(" · gap {} objects/op (tiny allocations, truncation)", per_op(gap))
                           : "");
    std::size_t shown = 0;
    for (const auto& s : r.sites) {
      if (s.benchmark != b.name || s.bench_package != b.package) continue;
      if (++shown > top) {
        out += "  ...\n";
        break;
      }
      out += fmt::format("  {:>8} obj/op {:>9} B/op  {:<22} {} {}\n      {}\n", per_op(s.objects_per_op()),
                         per_op(s.bytes_per_op()), to_string(s.category), where(r, s), s.function,
                         shown_reason(r, s.reason));
    }
  }
  auto all = overall(r);
  if (!all.empty()) out += "\ntop sites over all benchmarks (per op, summed over the benchmarks that reach them):\n";
  for (std::size_t i = 0; i < all.size() && i < top; ++i)
    out += fmt::format("  {:>9} B/op {:>8} obj/op  {:>3} benchmark{}  {:<22} {} {}\n", per_op(all[i].bytes),
                       per_op(all[i].objects), all[i].benchmarks, all[i].benchmarks == 1 ? " " : "s",
                       to_string(all[i].site->category), where(r, *all[i].site), all[i].site->function);
  std::map<SiteCategory, int> cats;
  for (const auto& s : r.sites) ++cats[s.category];
  out += "\nsites per category:";
  for (const auto& c : enum_names(SiteCategory{})) out += fmt::format(" {} {},", c.name, cats[c.value]);
  out.back() = '\n';
  out += fmt::format("escapes the compiler reported that no benchmark reached: {}\n", r.unreached.size());
  for (const auto& e : r.errors)
    out += fmt::format("error: {}{}: {}\n", e.package, e.benchmark.empty() ? "" : " " + e.benchmark, e.reason);
  return out;
}

std::string profile_markdown(const ProfileReport& r) {
  std::string out = fmt::format(
      "# Allocation profile: {}\n\nToolchain {}; every benchmark run at `-test.benchtime={}x` and `{}x` with "
      "`-test.memprofilerate=1`; per op is the difference over {} iterations.\n\n",
      fmt::join(r.patterns, " "), r.toolchain, r.shorter, r.longer, r.longer - r.shorter);
  out +=
      "| benchmark | -benchmem allocs/op | B/op | profile objects/op | B/op | reconciled |\n"
      "|---|---:|---:|---:|---:|---|\n";
  for (const auto& b : r.benchmarks)
    out += b.error.empty() ? fmt::format("| {} | {} | {} | {} | {} | {} |\n", b.name,
                                         b.benchmem_allocs ? per_op(*b.benchmem_allocs) : "-",
                                         b.benchmem_bytes ? per_op(*b.benchmem_bytes) : "-", per_op(b.objects_per_op()),
                                         per_op(b.bytes_per_op()), reconciled(b) ? "yes" : "no")
                           : fmt::format("| {} | not profiled: {} | | | | |\n", b.name, b.error);
  out += fmt::format("\nThe gap between the two counts: {}.\n\n## Sites\n\n", kProfileGap);
  out += "| benchmark | objects/op | B/op | category | site | function | why |\n|---|---:|---:|---|---|---|---|\n";
  for (const auto& s : r.sites)
    out += fmt::format("| {} | {} | {} | {} | `{}` | `{}` | {} |\n", s.benchmark, per_op(s.objects_per_op()),
                       per_op(s.bytes_per_op()), to_string(s.category), where(r, s), s.function,
                       shown_reason(r, s.reason));
  if (!r.unreached.empty()) {
    out += fmt::format("\n## Escapes no benchmark reached ({})\n\n", r.unreached.size());
    for (const auto& f : r.unreached)
      out +=
          fmt::format("- `{}:{}:{}` {} ({})\n", shown_path(r, f.file), f.line, f.column, f.message, to_string(f.shape));
  }
  if (!r.errors.empty()) {
    out += "\n## Errors\n\n";
    for (const auto& e : r.errors)
      out += fmt::format("- {}{}: {}\n", e.package, e.benchmark.empty() ? "" : " " + e.benchmark, e.reason);
  }
  return out;
}

namespace {

ojson finding_json(const ProfileReport& r, const Finding& f) {
  const ojson steps = chain_json(f.chain, [&](const std::string& file) { return shown_path(r, file); });
  const ojson entries = catalog_json(f.shape, r.verdicts);
  return ojson{{"message", f.message},
               {"function", f.function},
               {"shape", to_string(f.shape)},
               {"catalog", entries},
               {"chain", steps}};
}

}  // namespace

std::string profile_json(const ProfileReport& r) {
  ojson j;
  j["toolchain"] = r.toolchain;
  j["patterns"] = r.patterns;
  j["benchtime"] = {{"shorter", r.shorter}, {"longer", r.longer}, {"ops", r.longer - r.shorter}};
  j["seconds"] = r.seconds;
  ojson benches = ojson::array();
  for (const auto& b : r.benchmarks) {
    ojson bj{{"package", b.package}, {"benchmark", b.name}, {"ops", b.ops}};
    if (!b.error.empty()) {
      bj["error"] = b.error;
    } else {
      bj["benchmem"] = b.benchmem_allocs ? ojson{{"allocs_per_op", *b.benchmem_allocs},
                                                 {"bytes_per_op", b.benchmem_bytes.value_or(0)}}
                                         : ojson(nullptr);
      bj["profile"] = {{"objects", b.objects},
                       {"bytes", b.bytes},
                       {"objects_per_op", b.objects_per_op()},
                       {"bytes_per_op", b.bytes_per_op()},
                       {"framework_objects", b.framework_objects}};
      bj["reconciled"] = reconciled(b);
      if (b.benchmem_allocs) bj["gap_objects_per_op"] = *b.benchmem_allocs - b.objects_per_op();
    }
    benches.push_back(bj);
  }
  j["benchmarks"] = benches;
  j["gap_reason"] = kProfileGap;
  ojson sites = ojson::array();
  for (const auto& s : r.sites) {
    ojson sj{{"benchmark", s.benchmark},
             {"package", s.package},
             {"file", shown_path(r, s.file)},
             {"line", s.line},
             {"column", s.column},
             {"function", s.function},
             {"objects_per_op", s.objects_per_op()},
             {"bytes_per_op", s.bytes_per_op()},
             {"objects", s.objects},
             {"bytes", s.bytes},
             {"ops", s.ops},
             {"category", to_string(s.category)},
             {"reason", shown_reason(r, s.reason)},
             {"code", s.code}};
    if (s.finding) {
      ojson f = finding_json(r, *s.finding);
      sj["message"] = f["message"];
      sj["chain"] = f["chain"];
      sj["shape"] = f["shape"];
      sj["catalog"] = f["catalog"];
    }
    if (s.caller)
      sj["caller"] = {
          {"function", s.caller->function}, {"file", shown_path(r, s.caller->file)}, {"line", s.caller->line}};
    sites.push_back(sj);
  }
  j["sites"] = sites;
  ojson un = ojson::array();
  for (const auto& f : r.unreached) {
    ojson fj = finding_json(r, f);
    fj["file"] = shown_path(r, f.file);
    fj["line"] = f.line;
    fj["column"] = f.column;
    un.push_back(fj);
  }
  j["unreached"] = un;
  ojson errs = ojson::array();
  for (const auto& e : r.errors)
    errs.push_back({{"package", e.package}, {"benchmark", e.benchmark}, {"reason", e.reason}});
  j["errors"] = errs;
  return j.dump(2) + "\n";
}

std::string profile_sarif(const ProfileReport& r) {
  ojson rules = ojson::array();
  for (const auto& c : enum_names(SiteCategory{})) {
    const std::string text = fmt::format(
        "{}: {}. The cost is measured: the difference of two runs of the benchmark with -test.memprofilerate=1. "
        "Reading escape analysis: {}",
        c.name, describe(c.value), kEscapeGuide);
    rules.push_back(ojson{
        {"id", fmt::format("EHP{:03d}", static_cast<int>(c.value) + 1)},
        {"name", c.name},
        {"shortDescription", {{"text", describe(c.value)}}},
        {"fullDescription", {{"text", fmt::format("A heap allocation a benchmark measured: {}.", describe(c.value))}}},
        {"help",
         {{"text", text},
          {"markdown", fmt::format("**{}**: {}. See [escape analysis in the Go GC guide]({}).", c.name,
                                   describe(c.value), kEscapeGuide)}}},
        {"helpUri", kEscapeGuide},
        {"defaultConfiguration", {{"level", "note"}}},
        {"properties",
         {{"precision", "high"},
          {"problem.severity", "recommendation"},
          {"tags", {"performance", "allocation", "escape-analysis", std::string(c.name)}}}}});
  }
  ojson results = ojson::array();
  for (const auto& s : r.sites) {
    const std::string shown = shown_path(r, s.file);
    ojson artifact;
    if (shown.starts_with("$GOROOT/src/")) artifact = {{"uri", uri_path(shown.substr(12))}, {"uriBaseId", "%GOROOT%"}};
    else if (!shown.starts_with("/"))
      artifact = {{"uri", uri_path(shown)}, {"uriBaseId", "%SRCROOT%"}};
    else
      artifact = {{"uri", "file://" + uri_path(shown)}};
    ojson region{{"startLine", std::max(1, s.line)}};
    if (s.column > 0) region["startColumn"] = s.column;
    results.push_back(ojson{
        {"ruleId", fmt::format("EHP{:03d}", static_cast<int>(s.category) + 1)},
        {"ruleIndex", static_cast<int>(s.category)},
        {"level", "note"},
        {"message", {{"text", fmt::format("{}: {}", cost(s), shown_reason(r, s.reason))}}},
        {"locations", ojson::array({{{"physicalLocation", {{"artifactLocation", artifact}, {"region", region}}}}})},
        {"properties",
         {{"benchmark", s.benchmark}, {"objectsPerOp", s.objects_per_op()}, {"bytesPerOp", s.bytes_per_op()}}}});
  }
  ojson driver{{"name", "escape-harness"},
               {"version", ESCAPE_HARNESS_VERSION},
               {"informationUri", kEscapeGuide},
               {"rules", rules}};
  ojson run{{"tool", {{"driver", driver}}},
            {"invocations", ojson::array({{{"executionSuccessful", r.errors.empty()}}})},
            {"originalUriBaseIds",
             {{"%SRCROOT%", {{"uri", "file://" + uri_path(r.dir.ends_with("/") ? r.dir : r.dir + "/")}}},
              {"%GOROOT%", {{"uri", "file://" + uri_path(r.goroot + "/src/")}}}}},
            {"results", results}};
  return ojson{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
               {"version", "2.1.0"},
               {"runs", ojson::array({run})}}
             .dump(2) +
         "\n";
}

namespace {

using SiteMatch = std::tuple<std::string, std::string, std::string, std::string, int>;

/// Sites with files as reports show them: two toolchains, two GOROOTs.
std::map<SiteMatch, Site> match_sites(const ProfileReport& r) {
  std::map<SiteMatch, Site> out;
  for (Site s : r.sites) {
    s.file = shown_path(r, s.file);
    // Inside the standard library or a dependency, lines move between
    // releases: such a site is matched by the module's line that called it.
    SiteMatch key{s.bench_package, s.benchmark, s.function, s.file, s.line};
    if (s.category == SiteCategory::outside && s.caller)
      key = {s.bench_package, s.benchmark, s.function, shown_path(r, s.caller->file), s.caller->line};
    out.emplace(std::move(key), std::move(s));
  }
  return out;
}

std::string site_line(const Site& s) {
  return fmt::format("{} {}:{} {}: {} allocs/op {} B/op ({})", s.benchmark, s.file, s.line, s.function,
                     per_op(s.objects_per_op()), per_op(s.bytes_per_op()), to_string(s.category));
}

ojson site_json(const Site& s) {
  ojson j{{"benchmark", s.benchmark},
          {"package", s.bench_package},
          {"file", s.file},
          {"line", s.line},
          {"function", s.function},
          {"objects_per_op", s.objects_per_op()},
          {"bytes_per_op", s.bytes_per_op()},
          {"category", to_string(s.category)},
          {"reason", s.reason}};
  if (s.finding) j["message"] = s.finding->message;
  return j;
}

}  // namespace

long ProfileDiff::more() const {
  long n = static_cast<long>(added.size());
  for (const auto& [o, s] : changed) n += s.objects * o.ops > o.objects * s.ops || s.bytes * o.ops > o.bytes * s.ops;
  return n;
}

ProfileDiff diff_profiles(const ProfileReport& older, const ProfileReport& newer) {
  ProfileDiff d;
  d.older = older.toolchain;
  d.newer = newer.toolchain;
  auto a = match_sites(older), b = match_sites(newer);
  for (const auto& [k, s] : a) {
    auto it = b.find(k);
    if (it == b.end()) d.removed.push_back(s);
    else if (s.objects * it->second.ops != it->second.objects * s.ops ||
             s.bytes * it->second.ops != it->second.bytes * s.ops || s.category != it->second.category)
      d.changed.emplace_back(s, it->second);
    else
      ++d.unchanged;
  }
  for (const auto& [k, s] : b)
    if (!a.count(k)) d.added.push_back(s);
  return d;
}

std::string profile_diff_summary(const ProfileDiff& d, std::size_t listed) {
  std::string out = fmt::format(
      "{} -> {}: {} allocation sites added, {} removed, {} changed, {} unchanged (matched by "
      "benchmark, function and line)\n",
      d.older, d.newer, d.added.size(), d.removed.size(), d.changed.size(), d.unchanged);
  auto list = [&](const char* title, const std::vector<Site>& ss) {
    if (ss.empty()) return;
    out += fmt::format("\n{} ({}):\n", title, ss.size());
    for (std::size_t i = 0; i < ss.size() && i < listed; ++i) out += "  " + site_line(ss[i]) + "\n";
    if (ss.size() > listed) out += fmt::format("  ... {} more\n", ss.size() - listed);
  };
  list("added", d.added);
  list("removed", d.removed);
  if (!d.changed.empty()) out += fmt::format("\nchanged ({}):\n", d.changed.size());
  for (std::size_t i = 0; i < d.changed.size() && i < listed; ++i)
    out += fmt::format("  {} -> {} allocs/op {} B/op ({})\n", site_line(d.changed[i].first),
                       per_op(d.changed[i].second.objects_per_op()), per_op(d.changed[i].second.bytes_per_op()),
                       to_string(d.changed[i].second.category));
  return out;
}

std::string profile_diff_markdown(const ProfileDiff& d) {
  std::string out = fmt::format(
      "# Allocation profile diff: {} -> {}\n\n{} sites added, {} removed, {} changed, {} "
      "unchanged.\n",
      d.older, d.newer, d.added.size(), d.removed.size(), d.changed.size(), d.unchanged);
  auto list = [&](const char* title, const std::vector<Site>& ss) {
    out += fmt::format("\n## {} ({})\n\n", title, ss.size());
    for (const auto& s : ss) out += "- `" + site_line(s) + "`\n";
  };
  list("Added", d.added);
  list("Removed", d.removed);
  out += fmt::format("\n## Changed ({})\n\n", d.changed.size());
  for (const auto& [o, n] : d.changed)
    out += fmt::format("- `{}` -> {} allocs/op {} B/op ({})\n", site_line(o), per_op(n.objects_per_op()),
                       per_op(n.bytes_per_op()), to_string(n.category));
  return out;
}

std::string profile_diff_json(const ProfileDiff& d) {
  ojson j{{"older", d.older}, {"newer", d.newer}};
  ojson added = ojson::array(), removed = ojson::array(), changed = ojson::array();
  for (const auto& s : d.added) added.push_back(site_json(s));
  for (const auto& s : d.removed) removed.push_back(site_json(s));
  for (const auto& [o, n] : d.changed) changed.push_back({{"older", site_json(o)}, {"newer", site_json(n)}});
  j["added"] = added;
  j["removed"] = removed;
  j["changed"] = changed;
  j["unchanged"] = d.unchanged;
  return j.dump(2) + "\n";
}

}  // namespace eh

#include "report_exports.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "compare.h"
#include "generate.h"
#include "report_markdown.h"
#include "text.h"
#include "xml.h"

namespace eh {

namespace {

/// A variant's place in the export: the pair it belongs to (the bug a fix
/// fixes, named as the bug is) and its part in it, `bug` for the bug, so
/// that `benchstat -col /variant` puts every bug in the first column and
/// compares each fix with its own. A variant in no pair is a pair of its
/// own under its own name.
struct BenchKey {
  enum Part { bug, fix, alone } part = alone;
  std::string pair, variant;
};

BenchKey bench_key(const ScenarioRecord& s, const VariantRecord& v) {
  const std::string own = v.sweep.empty() ? v.name : v.sweep;
  if (!v.fixes.empty()) {
    // A sweep's fix of a sweep fixes the bug at the same value.
    const bool sweep_of_sweep = !s.variant(v.fixes) && !v.sweep.empty();
    return {BenchKey::fix, sweep_of_sweep ? fmt::format("{}/{}={}", v.fixes, v.param, v.value) : v.fixes, own};
  }
  for (const auto& f : s.variants)
    if (!f.fixes.empty() && (f.fixes == v.name || (!v.sweep.empty() && f.fixes == v.sweep)))
      return {BenchKey::bug, v.name, "bug"};
  return {BenchKey::alone, v.name, own};
}

std::string bench_name(const ScenarioRecord& s, const BenchKey& k, int procs) {
  const std::string prefix = s.from_catalog() ? fmt::format("Entry{:02d}", s.entry) : camel_case(s.id);
  return fmt::format("Benchmark{}/pair={}/variant={}-{}", prefix, k.pair, k.variant, procs);
}

/// The variants in the order their columns should come: bugs (so that
/// `variant=bug` is the first column of every table), fixes, the rest.
std::vector<std::pair<const VariantRecord*, BenchKey>> bench_order(const ScenarioRecord& s) {
  std::vector<std::pair<const VariantRecord*, BenchKey>> out;
  for (const auto& v : s.variants) out.emplace_back(&v, bench_key(s, v));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second.part < b.second.part; });
  return out;
}

}  // namespace

std::string benchstat_export(const Results& r) {
  std::string out = "# " + r.generated_by +
                    ": allocs/op and B/op are exact counts (one line per process that counted them),\n"
                    "# ns/op the timing samples only; `run:` is the run that measured the lines below it.\n"
                    "#   benchstat -col /variant FILE     each fix against its own bug (pair=)\n"
                    "#   benchstat -col goversion FILE    the toolchains\n"
                    "#   benchstat -col config FILE       the build configurations (default, pgo, arm64, ...)\n"
                    "Unit allocs/op assume=exact\nUnit B/op assume=exact\n";
  // A configuration line holds until the next one of its key.
  std::optional<std::string> run;
  auto run_line = [&](const std::string& date) {
    const std::string value = date.empty() ? "unknown" : date;
    if (value == run) return std::string();
    run = value;
    return fmt::format("run: {}\n", value);
  };
  for (const auto& t : r.toolchains) {
    out += fmt::format("\ngoos: {}\ngoarch: {}\ngoversion: {}\nconfig: {}\n", t.goos, t.goarch, t.version,
                       config_name(t.config));
    if (!t.cpu.empty()) out += fmt::format("cpu: {}\n", t.cpu);
    for (const auto& s : r.scenarios) {
      auto cell = s.runs.find(t.key());
      std::string counts;
      std::vector<std::pair<std::string, std::string>> timing;  // the run that took them, the lines
      for (const auto& [v, key] : bench_order(s)) {
        auto it = v->results.find(t.key());
        if (it == v->results.end() || it->second.status != RunStatus::ok || !it->second.bench) continue;
        const VariantObservation& o = it->second;
        const std::string name = bench_name(s, key, o.bench->procs);
        std::vector<AllocCounts> processes = o.repeats;
        if (processes.empty() && o.counts) processes.push_back(*o.counts);
        for (const auto& c : processes)
          counts += fmt::format("{}\t{}\t{} allocs/op\t{} B/op\n", name, c.calls, c.allocs_per_call().to_decimal(4),
                                c.bytes_per_call().to_decimal(4));
        if (o.samples.empty() || o.samples.size() != o.sample_iterations.size()) continue;
        std::string lines;
        for (std::size_t i = 0; i < o.samples.size(); ++i)
          lines += fmt::format("{}\t{}\t{} ns/op\n", name, o.sample_iterations[i], o.samples[i]);
        timing.emplace_back(o.samples_taken, std::move(lines));
      }
      if (counts.empty() && timing.empty()) continue;
      out += fmt::format("pkg: {}/{}\n", kModulePath, s.id);
      if (!counts.empty()) out += run_line(cell == s.runs.end() ? "" : cell->second.date) + counts;
      for (const auto& [date, lines] : timing) out += run_line(date) + lines;
    }
  }
  return out;
}

namespace {

/// Seconds the processes measuring scenario `s` on toolchain `tc` took in
/// the run (0 for what came from the cache).
double cell_seconds(const ScenarioRecord& s, const std::string& tc) {
  double sum = 0;
  for (const auto& v : s.variants)
    if (auto it = v.results.find(tc); it != v.results.end()) sum += it->second.seconds;
  return sum;
}

}  // namespace

std::string junit_export(const Results& r, const Results* baseline) {
  struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    /// Both schemas give <testsuites> no `skipped`: only a suite counts them.
    std::string attrs(bool suite) const {
      return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\"{} time=\"{:.3f}\"", tests, failures, errors,
                         suite ? fmt::format(" skipped=\"{}\"", skipped) : "", seconds);
    }
  } all;
  std::string suites;
  for (const auto& s : r.scenarios) {
    Counts suite;
    std::string cases;
    const ScenarioRecord* bs = baseline ? baseline->scenario(s.id) : nullptr;
    // A claim's time is an even share of its cell's: the claims of a
    // toolchain are judged on the same measurements.
    std::map<std::string, int> judged;
    for (const auto& c : s.claims)
      for (const auto& [tc, v] : c.verdicts) ++judged[tc];
    std::map<std::string, double> share;
    for (const auto& [tc, n] : judged) {
      const double cell = cell_seconds(s, tc);
      suite.seconds += cell;
      share[tc] = cell / n;
    }
    for (const auto& c : s.claims) {
      const ClaimRecord* bc = bs ? bs->claim(c.id) : nullptr;
      for (const auto& [tc, v] : c.verdicts) {
        ++suite.tests;
        std::string body;
        std::string word(to_string(v.verdict));
        if (v.verdict == Verdict::error) {
          ++suite.errors;
          body += fmt::format("      <error type=\"error\" message=\"{}\"/>\n", xml_escape(v.reason));
        } else if (bc && bc->verdicts.count(tc) && bc->verdicts.at(tc).verdict != v.verdict && !quick_skip(v) &&
                   !quick_skip(bc->verdicts.at(tc))) {
          ++suite.failures;
          body += fmt::format(
              "      <failure type=\"drift\" message=\"{} -> {} against the baseline\">was: {}\nnow: {}</failure>\n",
              to_string(bc->verdicts.at(tc).verdict), word, xml_escape(key_number(bc->verdicts.at(tc))),
              xml_escape(key_number(v)));
        } else if (v.verdict == Verdict::skipped) {
          // The reason as text: the Jenkins schema gives <skipped> no attributes.
          ++suite.skipped;
          body += fmt::format("      <skipped>{}</skipped>\n", xml_escape(v.reason));
        }
        std::string out = fmt::format("{}: {}\n", word, key_number(v));
        for (const auto& e : v.expectations)
          out += fmt::format("- {}: {}; expected {}; observed {}{}\n", e.expectation, to_string(e.verdict), e.expected,
                             e.observed, e.reason.empty() ? "" : " (" + e.reason + ")");
        cases += fmt::format(
            "    <testcase name=\"{} on {}\" classname=\"escape-harness.{}{}\" time=\"{:.3f}\">\n{}"
            "      <system-out>{}</system-out>\n    </testcase>\n",
            xml_escape(c.id), xml_escape(tc), s.from_catalog() ? fmt::format("entry{:02d}.", s.entry) : "",
            xml_escape(s.id), share.at(tc), body, xml_escape(out));
      }
    }
    all.tests += suite.tests;
    all.failures += suite.failures;
    all.errors += suite.errors;
    all.skipped += suite.skipped;
    all.seconds += suite.seconds;
    suites += fmt::format("  <testsuite name=\"{}: {}\" {}>\n{}  </testsuite>\n", xml_escape(s.label()),
                          xml_escape(s.title), suite.attrs(true), cases);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"escape-harness\" {}>\n{}</testsuites>\n",
      all.attrs(false), suites);
}

}  // namespace eh

#include "report_exports.h"

#include <fmt/format.h>

#include "compare.h"
#include "generate.h"
#include "report_markdown.h"
#include "text.h"
#include "xml.h"

namespace eh {

std::string benchstat_export(const Results& r) {
  std::string out;
  for (const auto& t : r.toolchains) {
    out += fmt::format("goos: {}\ngoarch: {}\ngoversion: {}\n", t.goos, t.goarch, t.version);
    if (!t.cpu.empty()) out += fmt::format("cpu: {}\n", t.cpu);
    for (const auto& s : r.scenarios) {
      out += fmt::format("pkg: {}/{}\n", kModulePath, s.id);
      for (const auto& v : s.variants) {
        auto it = v.results.find(t.version);
        if (it == v.results.end() || it->second.status != RunStatus::ok || !it->second.bench) continue;
        const VariantObservation& o = it->second;
        // A sweep's value is a key of its own (variant=bug/n=8), so that
        // `benchstat -col /variant` compares bug and fix at each n.
        const std::string keys =
            v.sweep.empty() ? "variant=" + v.name : fmt::format("variant={}/{}={}", v.sweep, v.param, v.value);
        std::string name = fmt::format("Benchmark{}/{}-{}", camel_case(s.id), keys, o.bench->procs);
        std::string counts;
        if (o.counts)
          counts = fmt::format("\t{} B/op\t{} allocs/op", o.counts->bytes_per_call().to_decimal(4),
                               o.counts->allocs_per_call().to_decimal(4));
        std::vector<double> samples = o.samples;
        if (samples.empty())
          if (auto ns = o.bench->metric("ns/op")) samples.push_back(*ns);
        for (double ns : samples) out += fmt::format("{}\t{}\t{} ns/op{}\n", name, o.bench->iterations, ns, counts);
      }
    }
    out += "\n";
  }
  return out;
}

std::string junit_export(const Results& r, const Results* baseline) {
  int tests = 0, failures = 0, errors = 0;
  std::string suites;
  for (const auto& s : r.scenarios) {
    int st = 0, sf = 0, se = 0;
    std::string cases;
    const ScenarioRecord* bs = baseline ? baseline->scenario(s.id) : nullptr;
    for (const auto& c : s.claims) {
      const ClaimRecord* bc = bs ? bs->claim(c.id) : nullptr;
      for (const auto& [tc, v] : c.verdicts) {
        ++st;
        std::string body;
        std::string word(to_string(v.verdict));
        if (v.verdict == Verdict::error) {
          ++se;
          body += fmt::format("      <error type=\"error\" message=\"{}\"/>\n", xml_escape(v.reason));
        } else if (bc && bc->verdicts.count(tc) && bc->verdicts.at(tc).verdict != v.verdict && !quick_skip(v) &&
                   !quick_skip(bc->verdicts.at(tc))) {
          ++sf;
          body += fmt::format(
              "      <failure type=\"drift\" message=\"{} -> {} against the baseline\">was: {}\nnow: {}</failure>\n",
              to_string(bc->verdicts.at(tc).verdict), word, xml_escape(key_number(bc->verdicts.at(tc))),
              xml_escape(key_number(v)));
        } else if (v.verdict == Verdict::skipped) {
          body += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(v.reason));
        }
        std::string out = fmt::format("{}: {}\n", word, key_number(v));
        for (const auto& e : v.expectations)
          out += fmt::format("- {}: {}; expected {}; observed {}{}\n", e.expectation, to_string(e.verdict), e.expected,
                             e.observed, e.reason.empty() ? "" : " (" + e.reason + ")");
        cases += fmt::format(
            "    <testcase name=\"{} on {}\" classname=\"escape-harness.{}{}\">\n{}"
            "      <system-out>{}</system-out>\n    </testcase>\n",
            xml_escape(c.id), xml_escape(tc), s.from_catalog() ? fmt::format("entry{:02d}.", s.entry) : "",
            xml_escape(s.id), body, xml_escape(out));
      }
    }
    tests += st;
    failures += sf;
    errors += se;
    suites +=
        fmt::format("  <testsuite name=\"{}: {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}  </testsuite>\n",
                    xml_escape(s.label()), xml_escape(s.title), st, sf, se, cases);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"escape-harness\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}</testsuites>\n",
      tests, failures, errors, suites);
}

}  // namespace eh

#pragma once
// A small, fully populated Results for the JSON and report tests.

#include "results.h"

namespace eh::test {

inline AllocSite alloc_site(std::int64_t objects, std::int64_t bytes, std::vector<std::string> stack) {
  AllocSite s;
  s.objects = objects;
  s.bytes = bytes;
  s.stack = std::move(stack);
  return s;
}

inline ExpectationVerdict expectation_verdict(Verdict v, std::string expectation, std::string expected,
                                              std::string observed, std::string reason = "") {
  ExpectationVerdict e;
  e.verdict = v;
  e.expectation = std::move(expectation);
  e.expected = std::move(expected);
  e.observed = std::move(observed);
  e.reason = std::move(reason);
  return e;
}

inline Results sample_results() {
  Results r;
  r.generated_by = "escape-harness 0.1.0";
  r.date = "2026-11-30T01:02:03Z";
  r.toolchains = {ToolchainInfo{"go1.26.8", "linux", "amd64", "AMD EPYC", ""}};
  ScenarioRecord s;
  s.id = "demo";
  s.entry = 3;
  s.title = "The \"passed by value\" pointer";
  s.summary = "A summary | with a pipe.";
  s.file = "scenarios/03-demo.yaml";
  s.source_hash = "0123456789abcdef";
  r.catalog_file = "catalog/escape-analysis-find-the-bug.txt";
  ClaimRecord c;
  c.id = "moves";
  c.text = "n moves to the heap.";
  c.aspect = Aspect::symptom;
  c.quotes = {"n moves to the heap"};
  ClaimVerdict v;
  v.verdict = Verdict::refuted;
  v.reason = "\"n does not escape\"";
  v.expectations = {
      expectation_verdict(Verdict::refuted, "-m on bug @param matches /moved to heap: n/",
                          "a -m message matching /moved to heap: n/ at scenarios/03-demo.yaml:12 (@param)",
                          "\"n does not escape\""),
      expectation_verdict(Verdict::confirmed, "allocs/op of bug = 0", "= 0 allocs/op",
                          "0 allocs/op (0 mallocs over 10000 calls)")};
  c.verdicts["go1.26.8"] = v;
  s.claims.push_back(c);
  ClaimRecord t;
  t.id = "faster";
  t.text = "fix is faster.";
  t.aspect = Aspect::fix;
  ClaimVerdict tv;
  tv.verdict = Verdict::skipped;
  tv.reason = "quick mode";
  tv.expectations = {expectation_verdict(Verdict::skipped, "ns/op of fix < bug", "", "", "quick mode")};
  t.verdicts["go1.26.8"] = tv;
  t.origin = Origin::harness;
  s.claims.push_back(t);
  CoverageRow said;
  said.line = 21;
  said.label = "Symptom";
  said.text = "Symptom. n moves to the heap.";
  said.claims = {"moves"};
  CoverageRow unsaid;
  unsaid.line = 22;
  unsaid.label = "Cause";
  unsaid.text = "Cause. Taking the address of a parameter.";
  unsaid.not_encoded = "a cause the measurements cannot tell apart from others";
  s.coverage = {said, unsaid};

  VariantRecord bug;
  bug.name = "bug";
  bug.about = "The catalog's code.";
  VariantObservation o;
  o.counts = AllocCounts{10000, 60, 960};
  o.sites = {alloc_site(60, 960, {"runtime.mallocgc", "runtime.growslice", "p.f", "p.harnessLoop"})};
  BenchResult b;
  b.name = "BenchmarkBug";
  b.procs = 2;
  b.iterations = 1000000;
  b.metrics = {{"ns/op", 4.5}, {"B/op", 0}, {"allocs/op", 0}};
  b.config = {{"goos", "linux"}, {"pkg", "escapeharness/demo/bug"}};
  o.bench = b;
  Diagnostic d;
  d.pos = SourcePos{"scenarios/03-demo.yaml", 12, 14};
  d.region = Region::code;
  d.code_line = 1;
  d.generated = "demo/bug/code.go:9:11";
  d.message = "n does not escape";
  d.code = "func walk(n Node) int { // @param";
  o.diagnostics = {d};
  o.samples = {5.0, 4.0, 6.0};
  o.sample_iterations = {200000, 250000, 160000};
  o.samples_taken = "2026-11-20T09:00:00Z";
  bug.results["go1.26.8"] = o;
  s.variants.push_back(bug);
  VariantRecord fix;
  fix.name = "fix";
  fix.reconstructed = "The catalog describes it in words.";
  fix.min_go = "1.21";
  VariantObservation skipped;
  skipped.status = RunStatus::skipped;
  skipped.reason = "needs Go 1.21 or newer; go1.19.8 is older";
  fix.results["go1.26.8"] = skipped;
  VariantObservation pp = o;
  pp.pprof_sites = std::vector<AllocSite>{alloc_site(1001, 16016, {"p.f", "p.harnessLoop"})};
  pp.pprof_calls = 1001;
  pp.samples.clear();
  pp.sample_iterations.clear();
  fix.results["go1.27.3"] = pp;
  s.variants.push_back(fix);
  r.scenarios.push_back(s);
  return r;
}

}  // namespace eh::test

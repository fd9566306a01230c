#include "fuzz_entries.h"

#include <cstdlib>

#include "generate.h"
#include "judge.h"
#include "pattern.h"
#include "parse_bench.h"
#include "parse_chains.h"
#include "parse_facts.h"
#include "parse_m.h"
#include "scan.h"
#include "spec_loader.h"

namespace eh::fuzz {
namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

void spec_loader(std::string_view data) {
  std::vector<InputError> errors;
  auto s = parse_scenario("fuzz.yaml", std::string(data), errors);
  for (const auto& e : errors) {
    check(!e.format().empty());
    check(e.pos.line >= 0 && e.pos.column >= 0);
  }
  check(s.has_value() == errors.empty());
  if (!s) return;
  // A spec that loads must generate, and every generated line must map back
  // into the spec's range or nowhere.
  GeneratedModule m = generate({*s});
  for (const auto& f : m.files) {
    int lines = 1;
    for (char c : f.content) lines += c == '\n';
    for (int l = 1; l <= lines; ++l)
      if (auto p = m.to_spec(f.path, l, 1)) check(p->pos.line >= 1);
  }
  for (const auto& c : s->claims)
    for (const auto& e : c.expect) check(!e.describe().empty());
}

void parse_m(std::string_view data) {
  for (const auto& l : parse_compiler_output(data)) {
    check(l.line > 0 && l.column >= 0 && !l.file.empty() && !l.message.empty());
  }
  for (const auto& c : parse_m2_chains(data)) check(c.line > 0 && !c.subject.empty());
}

void parse_bench(std::string_view data) {
  for (const auto& r : parse_bench_output(data)) check(r.iterations > 0 && r.procs > 0 && !r.name.empty());
}

void parse_profile(std::string_view data) {
  for (const auto& s : parse_pprof_traces(data)) check(!s.stack.empty() && s.objects >= 0);
  auto f = parse_harness_facts(data);
  if (f.counts) {
    check(f.counts->calls > 0);
    (void)f.counts->allocs_per_call().to_string();
  }
  for (const auto& s : f.sites) check(!s.stack.empty());
  for (const auto& c : parse_json_log_chains(data, "/")) check(c.line > 0);
}

void scan(std::string_view data) {
  // The input is both the -m=2 output and every source file it names, so
  // named_results reads arbitrary text too. Fed whole and in 3-byte pieces,
  // the findings must be the same.
  auto source = [&](const std::string&) -> std::optional<std::string> { return std::string(data); };
  EscapeScanner whole(source), pieces(source);
  whole.feed(data);
  whole.finish();
  for (std::size_t i = 0; i < data.size(); i += 3) pieces.feed(data.substr(i, 3));
  pieces.finish();
  check(whole.findings() == pieces.findings());
  for (const auto& f : whole.findings()) {
    check(f.line > 0 && !f.message.empty());
    check(static_cast<int>(f.shape) >= 0 && static_cast<int>(f.shape) < kShapeCount);
    (void)static_subject(f.message);
  }
  for (int line : {0, 1, 2, 7, 1000}) (void)named_results(data, line);
}

void judge(std::string_view data) {
  // Line 1: a `matches:` pattern; line 2: a `function:` glob; the rest is a
  // test binary's records and compiler output at once. Whatever they are,
  // matching ends (RE2 is linear; the glob matcher backtracks once) and every
  // verdict is one of the five with its words filled in.
  const auto nl1 = data.find('\n');
  const std::string pattern(data.substr(0, nl1));
  std::string_view rest = nl1 == std::string_view::npos ? std::string_view() : data.substr(nl1 + 1);
  const auto nl2 = rest.find('\n');
  const std::string glob(rest.substr(0, nl2));
  const std::string text(nl2 == std::string_view::npos ? std::string_view() : rest.substr(nl2 + 1));
  const bool valid = !pattern_error(pattern);
  if (valid) (void)pattern_search(pattern, text);
  Scenario s;
  s.id = "fuzz";
  Variant v;
  v.name = "bug";
  v.call = "f()";
  s.variants = {v};
  VariantObservation o;
  HarnessFacts f = parse_records(text, "n");
  o.counts = f.counts;
  if (f.counts) o.repeats = {*f.counts, *f.counts};
  o.sites = f.sites;
  o.allocator_frames = f.allocator_frames;
  for (const auto& l : parse_compiler_output(text)) {
    Diagnostic d;
    d.region = Region::call;
    d.message = l.message;
    o.diagnostics.push_back(d);
  }
  Observations obs{{"bug", o}};
  std::vector<Expectation> es(4);
  es[0].kind = ExpectKind::allocs;
  es[0].compare = Compare::at_least;
  es[0].value = Rational(1);
  es[1].kind = ExpectKind::site;
  es[1].function = glob;
  es[1].has_amount = true;
  es[1].compare = Compare::at_most;
  es[1].value = Rational(2);
  es[2].kind = ExpectKind::diagnostic;
  es[2].marker = "call";
  es[2].matches = valid ? pattern : "x";
  es[3].kind = ExpectKind::largest;
  es[3].function = glob;
  es[3].than = "bug";
  es[3].ratio_at_least = Rational(2);
  JudgeOptions opt;
  opt.toolchain = "go1.26.8";
  for (auto& e : es) {
    e.variant = "bug";
    ExpectationVerdict ev = judge_expectation(s, e, obs, opt);
    check(static_cast<int>(ev.verdict) >= 0 && static_cast<int>(ev.verdict) <= static_cast<int>(Verdict::error));
    check(ev.verdict != Verdict::error || !ev.reason.empty());
    check(!e.describe().empty());
  }
}

Entry entry(std::string_view target) {
  if (target == "judge") return judge;
  if (target == "spec_loader") return spec_loader;
  if (target == "parse_m") return parse_m;
  if (target == "parse_bench") return parse_bench;
  if (target == "parse_profile") return parse_profile;
  if (target == "scan") return scan;
  return nullptr;
}

}  // namespace eh::fuzz

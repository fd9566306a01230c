// Throughput (bytes/s) of the parsers and the spec loader, on captured real
// go output from tests/fixtures repeated to a realistic size.
//
//   build/bench/parsers_bench
//   build/bench/parsers_bench --benchmark_filter=Compiler --m2-corpus FILE

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fs.h"
#include "parse_bench.h"
#include "parse_facts.h"
#include "parse_m.h"
#include "scan.h"
#include "spec_loader.h"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string fixture(const std::string& name) {
  return read(eh::join_path(ESCAPE_HARNESS_SOURCE_DIR "/tests/fixtures", name));
}

/// `text` repeated until it is at least `bytes` long.
std::string repeated(const std::string& text, std::size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += text;
  return out;
}

std::string g_corpus_path;  // --m2-corpus: a large real -m=2 output file

/// The scanner as `scan` uses it: every line parsed into a view, the
/// escapes counted (what grep -c counts, but with positions parsed).
void BM_ParseCompilerOutput(benchmark::State& state) {
  const std::string text =
      g_corpus_path.empty() ? repeated(fixture("m2_go1.26.8_closure-capture_bug.txt"), 1 << 20) : read(g_corpus_path);
  std::size_t lines = 0, escapes = 0;
  for (auto _ : state) {
    lines = escapes = 0;
    eh::for_each_compiler_line(text, [&](const eh::CompilerLineView& l) {
      ++lines;
      escapes += l.message.find("escapes to heap") != std::string_view::npos;
    });
    benchmark::DoNotOptimize(escapes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["lines"] = static_cast<double>(lines);
  state.counters["escapes"] = static_cast<double>(escapes);
}
BENCHMARK(BM_ParseCompilerOutput)->Unit(benchmark::kMillisecond);

/// The same, copied out into owning CompilerLines.
void BM_ParseCompilerOutputCopied(benchmark::State& state) {
  const std::string text = repeated(fixture("m2_go1.26.8_closure-capture_bug.txt"), 1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(eh::parse_compiler_output(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseCompilerOutputCopied)->Unit(benchmark::kMillisecond);

/// What `scan` does with go build's stderr: fed in 64 KiB pieces as a pipe
/// delivers them, every heap allocation classified (no source reader: the
/// named-result check reads files, which is I/O, not parsing).
void BM_EscapeScanner(benchmark::State& state) {
  const std::string text =
      g_corpus_path.empty() ? repeated(fixture("scan_m2_go1.26.8.txt"), 1 << 20) : read(g_corpus_path);
  std::size_t findings = 0;
  for (auto _ : state) {
    eh::EscapeScanner scanner;
    for (std::size_t i = 0; i < text.size(); i += 1 << 16) scanner.feed(std::string_view(text).substr(i, 1 << 16));
    scanner.finish();
    findings = scanner.findings().size();
    benchmark::DoNotOptimize(findings);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_EscapeScanner)->Unit(benchmark::kMillisecond);

void BM_ParseBenchOutput(benchmark::State& state) {
  const std::string text = repeated(fixture("facts_go1.26.8_closure-capture_bug.txt"), 1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(eh::parse_bench_output(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseBenchOutput)->Unit(benchmark::kMillisecond);

void BM_ParseHarnessFacts(benchmark::State& state) {
  const std::string text = repeated(fixture("facts_go1.26.8_closure-capture_bug.txt"), 1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(eh::parse_harness_facts(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseHarnessFacts)->Unit(benchmark::kMillisecond);

void BM_ParsePprofTraces(benchmark::State& state) {
  const std::string text = repeated(fixture("pprof_traces_go1.26.8_map-growth_bug.txt"), 1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(eh::parse_pprof_traces(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParsePprofTraces)->Unit(benchmark::kMillisecond);

void BM_LoadSpec(benchmark::State& state) {
  const std::string text = read(ESCAPE_HARNESS_SOURCE_DIR "/scenarios/05-closure-capture.yaml");
  for (auto _ : state) {
    std::vector<eh::InputError> errors;
    benchmark::DoNotOptimize(eh::parse_scenario("s.yaml", text, errors));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LoadSpec)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  // Our own flag first; Google Benchmark rejects flags it does not know.
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--m2-corpus" && i + 1 < argc) {
      g_corpus_path = argv[++i];
      continue;
    }
    rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

#include "run.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <random>
#include <set>
#include <thread>

#include "batch.h"
#include "parse_chains.h"
#include "parse_facts.h"
#include "parse_m.h"
#include "stats.h"
#include "text.h"
#include "judge.h"
#include "why.h"

namespace eh {
namespace {

std::string normalise(std::string path) {
  while (path.starts_with("./")) path.erase(0, 2);
  return path;
}

/// "<what> (<how it ended>): <excerpt of its output>", the excerpt only when there is one.
std::string failure(std::string_view what, const ProcessResult& r, std::chrono::milliseconds timeout) {
  std::string excerpt = failure_excerpt(r.out + r.err);
  return fmt::format("{} ({}){}{}", what, r.describe(timeout), excerpt.empty() ? "" : ": ", excerpt);
}

/// 128 random bits as hex: what a run's records must carry.
std::string new_nonce() {
  static std::mutex mu;
  static std::random_device device;
  std::lock_guard<std::mutex> lock(mu);
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", device(), device(), device(), device());
}

bool runtime_frame(std::string_view f) { return f.starts_with("runtime.") || f.starts_with("internal/runtime/"); }

/// Marks `o` as an error with `reason`; returns false for the caller to pass on.
bool fail(VariantObservation& o, std::string reason) {
  o.status = RunStatus::error;
  o.reason = std::move(reason);
  return false;
}

}  // namespace

std::string failure_excerpt(std::string_view text) {
  // The first panic or fatal error and a few lines after it, else the end.
  for (std::string_view marker : {"panic: ", "fatal error: ", "--- FAIL"}) {
    auto at = text.find(marker);
    if (at == std::string_view::npos) continue;
    std::size_t end = at;
    for (int i = 0; i < 4 && end != std::string_view::npos; ++i) end = text.find('\n', end + 1);
    return std::string(trim(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at)));
  }
  return std::string(trim(tail_lines(text, 8)));
}

std::string cpu_model(const FileSystem& fs) {
  std::string err;
  auto text = fs.read("/proc/cpuinfo", &err);
  if (!text) return "";
  std::size_t at = text->find("model name");
  if (at == std::string::npos) return "";
  std::size_t colon = text->find(':', at), nl = text->find('\n', at);
  if (colon == std::string::npos || colon > nl) return "";
  return std::string(trim(std::string_view(*text).substr(colon + 1, nl - colon - 1)));
}

Runner::Runner(ProcessRunner& processes, FileSystem& fs, const GeneratedModule& module, const RunPlan& plan,
               RunOptions options, const Interrupts& interrupts)
    : processes_(processes),
      fs_(fs),
      module_(module),
      plan_(plan),
      opt_(std::move(options)),
      interrupts_(interrupts),
      cache_(fs, opt_.cache_dir, opt_.read_cache) {}

bool Runner::prepare(std::string* err) {
  std::set<std::string> made;
  for (const auto& f : module_.files) {
    std::string path = join_path(plan_.module_root, f.path);
    std::string dir = path.substr(0, path.rfind('/'));
    if (!made.count(dir)) {
      if (!fs_.make_dirs(dir, err)) return false;
      made.insert(dir);
    }
    std::string ignore;
    if (auto old = fs_.read(path, &ignore); old && *old == f.content) continue;
    if (!fs_.write(path, f.content, err)) return false;
  }
  return true;
}

Command Runner::go_command(const Toolchain& tc, std::vector<std::string> args,
                           std::chrono::milliseconds timeout) const {
  Command c;
  c.argv.push_back(tc.go);
  for (auto& a : args) c.argv.push_back(std::move(a));
  c.cwd = plan_.module_root;
  c.env = go_environment(tc, opt_.inherited_env);
  c.timeout = timeout;
  return c;
}

Command Runner::pprof_command(const Toolchain& tc, std::vector<std::string> args) {
  std::string tool;
  {
    std::lock_guard<std::mutex> lock(pprof_mu_);
    auto it = pprof_tools_.find(tc.key());
    if (it == pprof_tools_.end()) {
      it = pprof_tools_.emplace(tc.key(), named_pprof(run(go_command(tc, kPprofLookup, opt_.run_timeout)))).first;
    }
    tool = it->second;
  }
  if (tool.empty()) {
    args.insert(args.begin(), {"tool", "pprof"});
    return go_command(tc, std::move(args), opt_.run_timeout);
  }
  Command c = go_command(tc, std::move(args), opt_.run_timeout);
  c.argv.front() = tool;
  return c;
}

Command Runner::binary_command(const VariantPlan& vp, std::vector<std::string> args, const std::string& binary) const {
  Command c;
  if (!vp.toolchain->emulator.empty()) c.argv.push_back(vp.toolchain->emulator);
  c.argv.push_back(binary.empty() ? vp.binary : binary);
  for (auto& a : args) c.argv.push_back(std::move(a));
  c.cwd = vp.package_dir;
  c.env = go_environment(*vp.toolchain, opt_.inherited_env);
  c.timeout = opt_.run_timeout;
  return c;
}

namespace {
/// Where the calling thread adds the time of the processes it runs: the
/// variant it is measuring (set by Measuring), or nowhere.
thread_local std::chrono::milliseconds* t_spent = nullptr;

struct Measuring {
  explicit Measuring(std::chrono::milliseconds* spent) { t_spent = spent; }
  ~Measuring() { t_spent = nullptr; }
  Measuring(const Measuring&) = delete;
  Measuring& operator=(const Measuring&) = delete;
};
}  // namespace

ProcessResult Runner::run(const Command& c) {
  const bool go_tool = c.argv.at(0).ends_with("/go") || c.argv.at(0).ends_with("/pprof");
  (go_tool ? go_started_ : binaries_started_)++;
  ProcessResult r = processes_.run(c);
  if (t_spent) *t_spent += r.elapsed;
  return r;
}

/// Whether -m=2 prints a line that -m does not: an explanation's heading
/// ("x escapes to heap in f:"), closure capture modes, why a call is not inlined.
bool m2_only(std::string_view message) {
  return message.ends_with(":") || message.find(" capturing by ") != std::string_view::npos ||
         message.starts_with("cannot inline ");
}

std::vector<Diagnostic> Runner::map_diagnostics(const std::string& text) const {
  std::vector<Diagnostic> out;
  for (auto& l : parse_compiler_output(text)) {
    std::string path = normalise(l.file);
    auto where = module_.to_spec(path, l.line, l.column);
    // At -m=2 an explained decision reads "x escapes to heap in f:" and is
    // followed by indented reasons; the -m message comes separately.
    if (!where || l.indent > 0) continue;
    const GoFile* f = module_.file(path);
    Diagnostic d;
    d.pos = where->pos;
    d.region = where->region;
    d.code_line = where->code_line;
    d.generated = fmt::format("{}:{}:{}", path, l.line, l.column);
    d.message = l.message.ends_with(":") ? normalise_subject(l.message) : l.message;
    d.level = m2_only(l.message) ? 2 : 1;
    d.code = f ? std::string(trim(line_of(f->content, l.line))) : "";
    // A call line reads "harnessResult0 = f(x)": show the spec's part.
    if (d.region == Region::call)
      if (auto eq = d.code.find("harnessResult"); eq == 0 && d.code.find(" = ") != std::string::npos)
        d.code = d.code.substr(d.code.find(" = ") + 3);
    // The same message can be printed twice (package and test compile).
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
  }
  return out;
}

std::string Runner::build_error(const ProcessResult& r, const Command& c) const {
  if (r.outcome != Outcome::exited) return fmt::format("`go test -c` {}", r.describe(c.timeout));
  std::vector<std::string> msgs;
  for (const auto& l : parse_compiler_output(r.err)) {
    std::string path = normalise(l.file);
    if (l.indent > 0) continue;
    if (auto where = module_.to_spec(path, l.line, l.column))
      msgs.push_back(
          fmt::format("{}: {} (generated {}:{}:{})", to_string(where->pos), l.message, path, l.line, l.column));
    else if (module_.file(path))
      msgs.push_back(fmt::format("{}:{}:{}: {}", path, l.line, l.column, l.message));
  }
  if (msgs.empty()) msgs.emplace_back(trim(tail_lines(r.err, 5)));
  return fmt::format("does not compile: {}", join(msgs, "; "));
}

std::string Runner::pgo_profile_path(const VariantPlan& vp) const {
  return join_path(plan_.work_dir,
                   fmt::format("pgo/{}/{}/{}.pprof", vp.toolchain->dir_name(), vp.scenario->id, vp.variant->dir));
}

std::optional<VariantObservation> Runner::cached_facts(const VariantPlan& vp) {
  auto cached = cache_.facts(vp.facts_key);
  if (cached && cached->status == RunStatus::ok) {
    // One entry serves both kinds of run: a run without the benchmark drops
    // it, so its output does not depend on what made the entry; a run with
    // it does not take an entry made without it.
    if (!opt_.facts_benchmark) cached->bench.reset();
    else if (!cached->bench) {
      cache_.not_used();
      cached.reset();
    }
  }
  if (!cached) return std::nullopt;
  // A pgo build is only as cached as the profile it was built with: the
  // binary a timing run rebuilds must be built from the same file, which
  // the cache keeps beside the result for work directories that lack it.
  if (cached->pgo_profile.empty()) return cached;
  std::string err;
  const std::string path = pgo_profile_path(vp);
  if (auto kept = fs_.read(path, &err); kept && fnv1a_hex(*kept) == cached->pgo_profile) {
    if (!cache_.profile(vp.facts_key)) cache_.store_profile(vp.facts_key, *kept);
    return cached;
  }
  if (auto stored = cache_.profile(vp.facts_key); stored && fnv1a_hex(*stored) == cached->pgo_profile &&
                                                  fs_.make_dirs(path.substr(0, path.rfind('/')), &err) &&
                                                  fs_.write(path, *stored, &err))
    return cached;
  cache_.not_used();
  return std::nullopt;
}

void Runner::keep(const VariantPlan& vp, VariantObservation& o) {
  normalise_paths(*vp.toolchain, o);
  // Only what does not depend on this machine's luck is kept: a timeout or
  // a failed start is retried next time.
  if (o.status != RunStatus::error || o.reason.starts_with("does not compile")) {
    std::string err;
    if (!o.pgo_profile.empty())
      if (auto content = fs_.read(pgo_profile_path(vp), &err)) cache_.store_profile(vp.facts_key, *content);
    cache_.store_facts(vp.facts_key, o);
  }
}

VariantObservation Runner::variant_facts(const VariantPlan& vp) {
  if (auto cached = cached_facts(vp)) return std::move(*cached);
  VariantObservation o = measure(vp);
  keep(vp, o);
  return o;
}

VariantObservation Runner::measure(const VariantPlan& vp) {
  VariantObservation o;
  if (!vp.gate.empty()) {
    o.status = RunStatus::skipped;
    o.reason = vp.gate;
    return o;
  }
  if (!vp.toolchain->unavailable.empty()) {
    fail(o, vp.toolchain->unavailable);
    return o;
  }
  if (vp.toolchain->config == BuildConfig::pgo && !take_pgo_profile(vp, o)) return o;
  if (!compile(vp, o) || !run_facts(vp, o)) return o;
  explain_dependencies(vp, o);
  locate_allocations(vp, o);
  if (vp.pprof && !read_pprof_view(vp, o)) return o;
  if (vp.cpu) read_cpu_profile(vp, o);
  return o;
}

std::string Runner::compiler_flags(const VariantPlan& vp, const std::string& logdir) const {
  std::vector<std::string> flags;
  if (!logdir.empty()) flags = {"-m=2", fmt::format("'-json=0,file://{}'", logdir)};
  for (const auto& f : vp.variant->gcflags) flags.push_back(f);
  if (const ConfigInfo& ci = config_info(vp.toolchain->config); !ci.gcflag.empty()) flags.emplace_back(ci.gcflag);
  return join(flags, " ");
}

Command Runner::build_command(const VariantPlan& vp, const VariantObservation& o, const std::string& output,
                              const std::string& logdir) const {
  std::vector<std::string> args = {"test", "-c", "-vet=off", "-o", output};
  if (std::string flags = compiler_flags(vp, logdir); !flags.empty()) args.push_back("-gcflags=" + flags);
  if (!o.pgo_profile.empty()) args.push_back("-pgo=" + pgo_profile_path(vp));
  args.push_back("./" + vp.package->dir);
  return go_command(*vp.toolchain, std::move(args), opt_.compile_timeout);
}

bool Runner::take_pgo_profile(const VariantPlan& vp, VariantObservation& o) {
  // The variant's own benchmark, built as by default, under a CPU profile;
  // the build after it reads that profile (-pgo=). The profile stays in the
  // work directory: a timing run that rebuilds the binary needs it.
  const Toolchain& tc = *vp.toolchain;
  const std::string plain = vp.binary + ".default", prof = pgo_profile_path(vp);
  std::string err;
  if (!fs_.make_dirs(vp.binary.substr(0, vp.binary.rfind('/')), &err) ||
      !fs_.make_dirs(prof.substr(0, prof.rfind('/')), &err))
    return fail(o, err);
  Command build = build_command(vp, o, plain, "");
  ProcessResult b = run(build);
  if (!b.ok()) return fail(o, build_error(b, build));
  fs_.remove(prof, &err);
  Command c = binary_command(vp,
                             {"-test.run", "^$", "-test.bench", "^" + vp.package->benchmark + "$", "-test.benchtime",
                              opt_.cpu_benchtime, "-test.cpuprofile", prof},
                             plain);
  ProcessResult r = run(c);
  if (!r.ok()) return fail(o, failure("the benchmark run for the PGO profile failed", r, opt_.run_timeout));
  Command pp = pprof_command(tc, {"-traces", "-sample_index=samples", plain, prof});
  ProcessResult pr = run(pp);
  if (!pr.ok())
    return fail(o, fmt::format("go tool pprof failed on the PGO profile ({}): {}", pr.describe(pp.timeout),
                               trim(tail_lines(pr.err, 5))));
  o.pgo_samples = 0;
  for (const auto& site : parse_pprof_traces(pr.out)) o.pgo_samples += site.objects;
  auto content = fs_.read(prof, &err);
  if (o.pgo_samples == 0 || !content) {
    // Too fast to sample: say so, and build as by default rather than pretend.
    o.pgo_note = fmt::format("the CPU profile of {} ({}) has no samples: built without a profile",
                             vp.package->benchmark, opt_.cpu_benchtime);
    return true;
  }
  o.pgo_profile = fnv1a_hex(*content);
  return true;
}

std::string Runner::json_log(const std::string& logdir, const GoPackage& p) const {
  // -json=0,file://DIR writes DIR/<import path, '/' as %2F>/<source file>.json.
  std::string json, err;
  const std::string pkgdir = join_path(logdir, replace_all(p.import_path, "/", "%2F"));
  if (auto names = fs_.list(pkgdir, &err))
    for (const auto& n : *names)
      if (n.ends_with(".json"))
        if (auto text = fs_.read(join_path(pkgdir, n), &err)) json += *text;
  return json;
}

bool Runner::compile(const VariantPlan& vp, VariantObservation& o) {
  const Toolchain& tc = *vp.toolchain;
  const GoPackage& p = *vp.package;
  std::string err;
  if (!fs_.make_dirs(vp.binary.substr(0, vp.binary.rfind('/')), &err)) return fail(o, err);
  // One compile for the binary, the -m messages and both why-chain routes.
  // The compiler writes the JSON log only when it compiles: after a build
  // served from go's cache the log may be missing, and a fresh directory
  // name (part of the flags, so of the cache key) forces the compile.
  std::string json;
  ProcessResult b;
  Command build;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string logdir = join_path(plan_.work_dir, fmt::format("optlog/{}/{}/{}{}", tc.dir_name(), p.scenario,
                                                               p.variant, attempt ? "-again" : ""));
    if (!fs_.make_dirs(logdir, &err)) return fail(o, err);
    build = build_command(vp, o, vp.binary, logdir);
    b = run(build);
    if (!b.ok()) break;
    json = json_log(logdir, p);
    if (!json.empty()) break;
  }
  if (!b.ok()) return fail(o, build_error(b, build));
  o.diagnostics = map_diagnostics(b.err + b.out);
  o.chains = explain(parse_m2_chains(b.err), parse_json_log_chains(json, plan_.module_root + "/"), module_);
  if (json.empty()) o.chains_note = "the JSON optimisation log was not written";
  return true;
}

ProcessResult Runner::run_recorded(const VariantPlan& vp, std::vector<std::string> args, const std::string& tag,
                                   HarnessFacts* facts, const std::map<std::string, std::string>& env,
                                   const std::string& binary, bool* returned) {
  const std::string records = join_path(plan_.work_dir, fmt::format("records/{}/{}/{}.{}", vp.toolchain->dir_name(),
                                                                    vp.scenario->id, vp.variant->dir, tag));
  std::string err;
  fs_.make_dirs(records.substr(0, records.rfind('/')), &err);
  fs_.remove(records, &err);
  const std::string nonce = new_nonce();
  Command c = binary_command(vp, std::move(args), binary);
  c.env["ESCAPE_HARNESS_RECORDS"] = records;
  c.env["ESCAPE_HARNESS_NONCE"] = nonce;
  for (const auto& [k, v] : env) c.env[k] = v;
  ProcessResult r = run(c);
  std::string text = fs_.read(records, &err).value_or("");
  *facts = parse_records(text, nonce);
  // A batch driver's "done" line says its variant returned.
  if (returned) *returned = !batch_done(text, nonce).empty();
  return r;
}

/// Why a run's records cannot be trusted, or "": a line without the nonce,
/// or benchmark results on stdout that the records do not account for.
std::string untrusted(const HarnessFacts& f, const std::string& stdout_text, const std::string& benchmark,
                      std::size_t rounds) {
  if (f.foreign_lines)
    return fmt::format("{} line{} of the records file do not carry the run's nonce (first: '{}')", f.foreign_lines,
                       f.foreign_lines == 1 ? "" : "s", f.first_foreign);
  const char* were = rounds == 1 ? "was" : "were";
  std::size_t printed = 0, other = 0;
  for (const auto& br : parse_bench_output(stdout_text)) (br.name == benchmark ? printed : other)++;
  if (const std::size_t lines = printed + other; rounds == 0 && lines > 0)
    return fmt::format(
        "the test binary printed {} benchmark result{} where no benchmark was run: something else "
        "prints benchmark lines",
        lines, lines == 1 ? "" : "s");
  if (printed < rounds && other == 0)
    return fmt::format(
        "the test binary printed {} result{} for {} where {} {} run: the code under test writes to stdout while "
        "the benchmark runs, which breaks the result line (write to io.Discard or a file instead)",
        printed, printed == 1 ? "" : "s", benchmark, rounds, were);
  if (printed != rounds || other != 0)
    return fmt::format(
        "the test binary printed {} result{} for {} and {} for other benchmarks where {} {} run: "
        "something else prints benchmark lines",
        printed, printed == 1 ? "" : "s", benchmark, other, rounds, were);
  if (const std::size_t recorded = round_results(f.bench_runs).size(); recorded != rounds)
    return fmt::format("the records hold {} benchmark rounds where {} {} run", recorded, rounds, were);
  return "";
}

bool Runner::run_facts(const VariantPlan& vp, VariantObservation& o, const std::string& driver, int index) {
  const GoPackage& p = *vp.package;
  // The counts alone; the first process also runs the benchmark, unless
  // the run reads no ns/op. A batch driver takes the variant's index, and
  // its repeats, which read only the counts, go without the heap profile.
  const std::vector<std::string> counts_only =
      driver.empty() ? std::vector<std::string>{"-test.run", "^TestEscapeHarness$", "-test.bench", "^$"}
                     : std::vector<std::string>{std::to_string(index)};
  const std::vector<std::string> repeat =
      driver.empty() ? counts_only : std::vector<std::string>{"counts", std::to_string(index)};
  const std::vector<std::string> args =
      opt_.facts_benchmark
          ? std::vector<std::string>{"-test.run",      "^TestEscapeHarness$", "-test.bench", "^" + p.benchmark + "$",
                                     "-test.benchmem", "-test.benchtime",     opt_.benchtime}
          : counts_only;
  bool done = false;
  auto returned = [&](const char* what) {
    return driver.empty() || done ? "" : fmt::format("the batch driver's {} did not return", what);
  };
  HarnessFacts hf;
  ProcessResult f = run_recorded(vp, args, "facts", &hf, {}, driver, &done);
  if (!f.ok()) return fail(o, failure("the test binary failed", f, opt_.run_timeout));
  const std::size_t rounds = opt_.facts_benchmark ? 1 : 0;
  if (std::string why = untrusted(hf, f.out, p.benchmark, rounds); !why.empty()) return fail(o, why);
  if (std::string why = returned("run"); !why.empty()) return fail(o, why);
  if (!hf.counts) return fail(o, "TestEscapeHarness recorded no allocation counts");
  o.counts = hf.counts;
  o.repeats = {*hf.counts};
  o.sites = std::move(hf.sites);
  if (!driver.empty())
    for (auto& site : o.sites) site.at_file = as_test_file(site.at_file, p.dir, batch_content(vp), test_file_path(vp));
  o.allocator_frames = hf.allocator_frames;
  o.holds = std::move(hf.holds);
  for (auto& br : parse_bench_output(f.out)) {
    br.metrics["ns/op"] = round_results(hf.bench_runs).front();  // the harness's own clock
    o.bench = std::move(br);
  }
  // The counts again in processes of their own: a map's hash seed, and so
  // its overflow buckets, differ from one process to the next.
  for (int i = 1; i < opt_.count_processes; ++i) {
    HarnessFacts again;
    ProcessResult r = run_recorded(vp, repeat, fmt::format("repeat{}", i), &again, {}, driver, &done);
    if (!r.ok()) return fail(o, failure("a repeat of the test binary failed", r, opt_.run_timeout));
    if (again.foreign_lines) return fail(o, untrusted(again, "", "", 0) + " (a repeat of the counts)");
    if (std::string why = returned("repeat"); !why.empty()) return fail(o, why);
    if (!again.counts) return fail(o, "TestEscapeHarness recorded no allocation counts (a repeat of the counts)");
    o.repeats.push_back(*again.counts);
  }
  return true;
}

std::string Runner::batch_content(const VariantPlan& vp) const {
  return join_path(plan_.work_dir,
                   fmt::format("batch/{}/{}/{}.go", vp.toolchain->dir_name(), vp.scenario->id, vp.variant->dir));
}

std::string Runner::test_file_path(const VariantPlan& vp) const {
  return join_path(plan_.module_root, vp.package->harness_test());
}

bool Runner::batchable(const VariantPlan& vp) const {
  // A pgo build, a profile view or a CPU profile needs the variant's own
  // test binary; quick mode's facts run no benchmark, so the driver needs none.
  return batching() && vp.gate.empty() && vp.toolchain->unavailable.empty() &&
         vp.toolchain->config != BuildConfig::pgo && !vp.pprof && !vp.cpu &&
         module_.file(vp.package->harness_test()) != nullptr;
}

std::vector<std::optional<VariantObservation>> Runner::build_batch(const std::vector<const VariantPlan*>& vps,
                                                                   std::string* driver) {
  std::vector<std::optional<VariantObservation>> out(vps.size());
  const Toolchain& tc = *vps.front()->toolchain;
  const std::string& scenario = vps.front()->scenario->id;
  const std::string dir = join_path(plan_.work_dir, fmt::format("batch/{}/{}", tc.dir_name(), scenario));
  const std::string driver_rel = fmt::format("{}/{}/{}", kBatchDir, import_path_element(tc.key()), scenario);
  const std::string binary = join_path(dir, "driver");
  std::string err;
  if (!fs_.make_dirs(dir, &err) || !fs_.make_dirs(join_path(plan_.module_root, driver_rel), &err)) return out;
  std::map<std::string, std::string> overlay;
  std::vector<std::string> imports;
  for (const VariantPlan* vp : vps) {
    const GoPackage& p = *vp->package;
    const std::string content = batch_content(*vp);
    if (!fs_.write(content, batch_harness_file(module_.file(p.harness_test())->content), &err)) return out;
    overlay[join_path(plan_.module_root, p.dir + "/" + std::string(kBatchFile))] = content;
    imports.push_back(p.import_path);
  }
  if (!fs_.write(join_path(dir, "overlay.json"), batch_overlay_json(overlay), &err) ||
      !fs_.write(join_path(plan_.module_root, driver_rel + "/main.go"), batch_driver_source(imports), &err))
    return out;
  // As compile() does: a build served from go's cache may leave a JSON log
  // missing, and a fresh directory name (part of the flags) forces the compile.
  ProcessResult b;
  std::vector<std::string> logs(vps.size());
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<std::string> logdirs;
    std::vector<std::string> args = {"build", "-o", binary, "-overlay=" + join_path(dir, "overlay.json")};
    for (const VariantPlan* vp : vps) {
      const GoPackage& p = *vp->package;
      logdirs.push_back(join_path(plan_.work_dir, fmt::format("optlog/{}/{}/{}-batch{}", tc.dir_name(), p.scenario,
                                                              p.variant, attempt ? "-again" : "")));
      if (!fs_.make_dirs(logdirs.back(), &err)) return out;
      // The flags the variant's own `go test -c` compiles its package with.
      args.push_back(fmt::format("-gcflags={}={}", p.import_path, compiler_flags(*vp, logdirs.back())));
    }
    args.push_back("./" + driver_rel);
    b = run(go_command(tc, args, opt_.compile_timeout));
    if (!b.ok()) return out;  // each variant's own build says why
    for (std::size_t i = 0; i < vps.size(); ++i) logs[i] = json_log(logdirs[i], *vps[i]->package);
    if (std::none_of(logs.begin(), logs.end(), [](const std::string& j) { return j.empty(); })) break;
  }
  const auto blocks = split_by_package(b.err + b.out);
  for (std::size_t i = 0; i < vps.size(); ++i) {
    const GoPackage& p = *vps[i]->package;
    VariantObservation o;
    auto block = blocks.find(p.import_path);
    const std::string content = batch_content(*vps[i]);
    const std::string text = as_test_file(block == blocks.end() ? "" : block->second, p.dir, content, p.harness_test());
    o.diagnostics = map_diagnostics(text);
    o.chains = explain(
        parse_m2_chains(text),
        parse_json_log_chains(as_test_file(logs[i], p.dir, content, test_file_path(*vps[i])), plan_.module_root + "/"),
        module_);
    if (logs[i].empty()) o.chains_note = "the JSON optimisation log was not written";
    out[i] = std::move(o);
  }
  *driver = binary;
  return out;
}

std::vector<VariantObservation> Runner::scenario_facts(const std::vector<const VariantPlan*>& vps,
                                                       const ProgressFn& progress) {
  auto step = [&](const VariantPlan& vp, std::string_view what) {
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mu_);
    progress(fmt::format("{} {} {}: {}", vp.toolchain->key(), vp.scenario->id, vp.variant->name, what));
  };
  std::vector<VariantObservation> out(vps.size());
  std::vector<bool> have(vps.size(), false), stepped(vps.size(), false);
  std::vector<std::size_t> batch;
  for (std::size_t i = 0; i < vps.size(); ++i) {
    if (interrupts_.signal()) return out;
    if (auto cached = cached_facts(*vps[i])) {
      step(*vps[i], "facts");
      out[i] = std::move(*cached);
      have[i] = true;
    } else if (batchable(*vps[i])) {
      batch.push_back(i);
    }
  }
  if (batch.size() >= 2 && !interrupts_.signal()) {
    std::vector<const VariantPlan*> members;
    for (std::size_t i : batch) members.push_back(vps[i]);
    std::chrono::milliseconds spent{0};
    std::string driver;
    std::vector<std::optional<VariantObservation>> built;
    {
      Measuring measuring(&spent);
      built = build_batch(members, &driver);
    }
    // The one build's time, shared by the variants it built.
    const double build_share = std::chrono::duration<double>(spent).count() / static_cast<double>(members.size());
    for (std::size_t j = 0; j < built.size() && !interrupts_.signal(); ++j) {
      if (!built[j]) continue;
      const VariantPlan& vp = *members[j];
      step(vp, fmt::format("facts (one binary for {})", members.size()));
      stepped[batch[j]] = true;
      VariantObservation o = std::move(*built[j]);
      std::chrono::milliseconds ran{0};
      bool ok = false;
      {
        Measuring measuring(&ran);
        ok = run_facts(vp, o, driver, static_cast<int>(j));
        if (ok) {
          explain_dependencies(vp, o);
          locate_allocations(vp, o);
        }
      }
      if (!ok) continue;  // measured again below, from its own test binary
      o.seconds += build_share + std::chrono::duration<double>(ran).count();
      keep(vp, o);
      out[batch[j]] = std::move(o);
      have[batch[j]] = true;
    }
  }
  for (std::size_t i = 0; i < vps.size(); ++i) {
    if (have[i] || interrupts_.signal()) continue;
    if (!stepped[i]) step(*vps[i], "facts");
    std::chrono::milliseconds spent{0};
    {
      Measuring measuring(&spent);
      out[i] = measure(*vps[i]);
    }
    out[i].seconds += std::chrono::duration<double>(spent).count();
    keep(*vps[i], out[i]);
  }
  return out;
}

bool Runner::read_cpu_profile(const VariantPlan& vp, VariantObservation& o) {
  const GoPackage& p = *vp.package;
  std::string prof = vp.binary + ".cpu";
  HarnessFacts hf;
  ProcessResult r = run_recorded(vp,
                                 {"-test.run", "^$", "-test.bench", "^" + p.benchmark + "$", "-test.benchtime",
                                  opt_.cpu_benchtime, "-test.cpuprofile", prof},
                                 "cpu", &hf);
  if (!r.ok()) return fail(o, failure("the CPU-profile run failed", r, opt_.run_timeout));
  Command pp = pprof_command(*vp.toolchain, {"-traces", "-sample_index=samples", vp.binary, prof});
  ProcessResult pr = run(pp);
  if (!pr.ok())
    return fail(o, fmt::format("go tool pprof failed on the CPU profile ({}): {}", pr.describe(pp.timeout),
                               trim(tail_lines(pr.err, 5))));
  o.cpu.emplace();
  o.cpu_total = 0;
  for (auto& site : parse_pprof_traces(pr.out)) {
    // Above the benchmark's loop is the testing package: cut it there.
    if (auto at = std::find(site.stack.begin(), site.stack.end(), p.loop_function); at != site.stack.end())
      site.stack.erase(at + 1, site.stack.end());
    o.cpu_total += site.objects;
    o.cpu->push_back(CpuStack{site.objects, std::move(site.stack)});
  }
  return true;
}

bool Runner::read_pprof_view(const VariantPlan& vp, VariantObservation& o) {
  const GoPackage& p = *vp.package;
  // -test.benchtime=Nx runs the benchmark once with b.N = 1, then with N.
  const int n = 1000;
  std::string prof = vp.binary + ".mem";
  HarnessFacts hf;
  ProcessResult mr = run_recorded(vp,
                                  {"-test.run", "^$", "-test.bench", "^" + p.benchmark + "$", "-test.benchtime",
                                   fmt::format("{}x", n), "-test.memprofile", prof, "-test.memprofilerate", "1"},
                                  "mem", &hf, {{"ESCAPE_HARNESS_COUNT", "1"}});
  if (!mr.ok()) return fail(o, failure("the memory-profile run failed", mr, opt_.run_timeout));
  if (std::string why = untrusted(hf, mr.out, p.benchmark, 1); !why.empty()) return fail(o, why);
  Command pp = pprof_command(*vp.toolchain, {"-traces", "-sample_index=alloc_objects", vp.binary, prof});
  ProcessResult pr = run(pp);
  if (!pr.ok())
    return fail(o, fmt::format("go tool pprof failed ({}): {}", pr.describe(pp.timeout), trim(tail_lines(pr.err, 5))));
  std::vector<AllocSite> sites;
  for (auto& site : parse_pprof_traces(pr.out)) {
    auto at = std::find(site.stack.begin(), site.stack.end(), p.loop_function);
    if (at == site.stack.end() || site.objects == 0) continue;
    site.stack.erase(at + 1, site.stack.end());
    sites.push_back(std::move(site));
  }
  o.pprof_sites = std::move(sites);
  o.pprof_calls = n + 1;
  o.pprof_mallocs = hf.bench_mallocs;
  o.pprof_tiny = hf.bench_tiny;
  return true;
}

void Runner::explain_dependencies(const VariantPlan& vp, VariantObservation& o) {
  // Where the calls allocate outside the variant's package (fmt.Errorf,
  // time.Time.Format): compile those packages with -m=2 for their chains.
  const GoPackage& p = *vp.package;
  std::vector<AllocPoint> points;
  std::set<std::string> packages;
  for (const auto& site : o.sites) {
    if (site.at_line <= 0) continue;
    auto f = std::find_if(site.stack.begin(), site.stack.end(), [](const std::string& x) { return !runtime_frame(x); });
    if (f == site.stack.end()) continue;
    std::string pkg = package_of(*f);
    if (pkg == p.import_path) continue;
    points.push_back(AllocPoint{pkg, *f, site.at_file, site.at_line});
    packages.insert(pkg);
  }
  if (points.empty()) return;
  std::vector<std::string> args = {"build"};
  for (const auto& pkg : packages) args.push_back(fmt::format("-gcflags={}=-m=2", pkg));
  args.push_back("./" + p.dir);
  Command c = go_command(*vp.toolchain, args, opt_.compile_timeout);
  ProcessResult r = run(c);
  if (!r.ok()) {
    o.chains_note = fmt::format("the -m=2 build of {} failed ({})", *packages.begin(), r.describe(c.timeout));
    return;
  }
  for (auto& w : explain_points(parse_m2_chains(r.err), points, vp.toolchain->goroot)) o.chains.push_back(std::move(w));
}

void Runner::locate_allocations(const VariantPlan& vp, VariantObservation& o) const {
  const std::string root = plan_.module_root + "/";
  const std::string goroot_src = vp.toolchain->goroot + "/src/";
  if (!o.counts) return;
  for (const auto& site : o.sites) {
    if (site.at_line <= 0) continue;
    AllocPlace place;
    if (auto f =
            std::find_if(site.stack.begin(), site.stack.end(), [](const std::string& x) { return !runtime_frame(x); });
        f != site.stack.end())
      place.function = *f;
    place.allocator = allocating_frame(site);
    place.objects = site.objects;
    std::string generated;  // "x/bug/code.go:4" for the variant's own code
    if (site.at_file.starts_with(root)) {
      std::string rel = site.at_file.substr(root.size());
      generated = fmt::format("{}:{}:", rel, site.at_line);
      if (auto sp = module_.to_spec(rel, site.at_line, 0)) {
        place.spec = sp->pos;
        place.where =
            sp->region == Region::call ? "the call" : fmt::format("{} line {}", to_string(sp->region), sp->code_line);
      } else {
        place.where = fmt::format("{}:{} (harness code)", rel, site.at_line);
      }
    } else {
      std::string file = site.at_file.starts_with(goroot_src) ? site.at_file.substr(goroot_src.size()) : site.at_file;
      place.where = fmt::format("{}:{}", file, site.at_line);
    }
    for (std::size_t i = 0; i < o.chains.size() && place.chain < 0; ++i) {
      const WhyChain& c = o.chains[i];
      bool here = c.package.empty() ? !generated.empty() && c.generated.starts_with(generated)
                                    : c.generated.starts_with(fmt::format("{}:{}:", site.at_file, site.at_line));
      if (here) place.chain = static_cast<int>(i);
    }
    auto same = std::find_if(o.places.begin(), o.places.end(), [&](const AllocPlace& x) {
      return x.where == place.where && x.allocator == place.allocator && x.function == place.function;
    });
    if (same != o.places.end()) {
      same->objects += place.objects;
    } else {
      o.places.push_back(std::move(place));
    }
  }
}

void Runner::normalise_paths(const Toolchain& tc, VariantObservation& o) const {
  const std::string root = plan_.module_root + "/";
  const std::string goroot_src = tc.goroot + "/src/";
  auto fix = [&](std::string& path) {
    if (path.starts_with(root)) {
      path.erase(0, root.size());
    } else if (!tc.goroot.empty() && path.starts_with(goroot_src)) {
      path = "$GOROOT/src/" + path.substr(goroot_src.size());
    }
  };
  for (auto& site : o.sites) fix(site.at_file);
  for (auto& c : o.chains) {
    fix(c.generated);
    for (auto& st : c.steps) fix(st.generated);
  }
}

FactsTable Runner::facts(const ProgressFn& progress, const ScenarioDoneFn& done) {
  // A job is one variant, or in quick mode one scenario's variants on one
  // toolchain, which scenario_facts batches where it can.
  const bool by_scenario = batching();
  std::vector<std::vector<const VariantPlan*>> jobs;
  FactsTable table(plan_.variants.size());
  std::vector<std::vector<std::size_t>> remaining(plan_.variants.size());
  for (std::size_t t = 0; t < plan_.variants.size(); ++t) {
    table[t].resize(plan_.variants[t].size());
    for (const auto& per_s : plan_.variants[t]) {
      remaining[t].push_back(per_s.size());
      if (by_scenario && !per_s.empty()) jobs.emplace_back();
      for (const auto& vp : per_s) {
        if (!by_scenario) jobs.emplace_back();
        jobs.back().push_back(&vp);
      }
    }
  }
  auto index_of = [&](const VariantPlan& vp) {
    return std::pair{static_cast<std::size_t>(vp.toolchain - plan_.toolchains.data()),
                     static_cast<std::size_t>(vp.scenario - plan_.scenarios->data())};
  };
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      std::size_t k = next++;
      if (k >= jobs.size() || interrupts_.signal()) return;
      std::vector<VariantObservation> got = scenario_facts(jobs[k], progress);
      if (interrupts_.signal()) return;
      auto [t, s] = index_of(*jobs[k].front());
      std::lock_guard<std::mutex> lock(mu);
      for (std::size_t i = 0; i < got.size(); ++i) table[t][s][jobs[k][i]->variant->name] = std::move(got[i]);
      remaining[t][s] -= got.size();
      if (remaining[t][s] == 0 && done && !interrupts_.signal()) done(t, s, table[t][s]);
    }
  };
  std::vector<std::thread> threads;
  int n = std::max(1, std::min<int>(opt_.jobs, static_cast<int>(jobs.size())));
  for (int i = 1; i < n; ++i) threads.emplace_back(worker);
  worker();
  for (auto& th : threads) th.join();
  return table;
}

std::vector<std::string> Runner::timing_to_take(std::size_t t, std::size_t s, Observations& obs,
                                                const ProgressFn& progress) {
  // Only variants whose facts ran can be timed; cached samples are reused
  // only on the same CPU model with the same sampling settings.
  std::vector<std::string> names = plan_.timed.at(s);
  std::erase_if(names, [&](const std::string& n) { return !obs.count(n) || obs[n].status != RunStatus::ok; });
  for (const auto& n : names) {
    obs[n].samples.clear();
    obs[n].sample_iterations.clear();
    obs[n].samples_taken = opt_.date;
    obs[n].busy_samples = 0;
    obs[n].busy_cores = 0;
  }
  std::erase_if(names, [&](const std::string& n) {
    if (auto cached = cache_.timing(timing_key(*plan_.find(t, s, n), obs[n]))) {
      obs[n].samples = std::move(cached->ns_per_op);
      obs[n].sample_iterations = std::move(cached->iterations);
      obs[n].samples_taken = std::move(cached->taken);
      return true;
    }
    return false;
  });
  // Facts from the cache leave no binary behind: build the ones missing.
  std::erase_if(names, [&](const std::string& n) {
    const VariantPlan& vp = *plan_.find(t, s, n);
    std::string err;
    if (fs_.exists(vp.binary)) return false;
    if (progress) progress(fmt::format("{} {} {}: build for timing", vp.toolchain->key(), vp.scenario->id, n));
    fs_.make_dirs(vp.binary.substr(0, vp.binary.rfind('/')), &err);
    // As the facts' compile built it, without the -m flags (which change no code).
    Command build = build_command(vp, obs[n], vp.binary, "");
    ProcessResult b = run(build);
    if (b.ok()) return false;
    fail(obs[n], build_error(b, build));
    return true;
  });
  return names;
}

std::string Runner::timing_key(const VariantPlan& vp, const VariantObservation& o) const {
  // A pgo binary's times are those of the profile it was built with.
  return o.pgo_profile.empty() ? vp.timing_key : fnv1a_hex(vp.timing_key + "\npgo " + o.pgo_profile);
}

void Runner::timing(std::size_t t, std::size_t s, Observations& obs, const ProgressFn& progress) {
  const TimingSettings& ts = plan_.timing;
  if (!plan_.toolchains.at(t).emulator.empty()) return;  // the judge says why there are no samples
  std::vector<std::string> names = timing_to_take(t, s, obs, progress);
  std::set<std::string> failed;
  const int per_process = std::max(1, std::min(ts.samples_per_process, ts.samples));
  // The plan's looks; none (settings no design takes) is one look at the end.
  const std::vector<stats::Look> looks =
      plan_.looks.empty() ? std::vector<stats::Look>{{ts.samples, 0, ts.alpha}} : plan_.looks;
  const int last = looks.back().samples;
  // One round: `count` more samples of each variant in `which`, interleaved,
  // so a slow patch of the machine lands on all of them alike.
  auto round = [&](const std::vector<std::string>& which, int count) {
    for (const auto& n : which) {
      if (interrupts_.signal()) return;
      if (failed.count(n)) continue;
      const VariantPlan& vp = *plan_.find(t, s, n);
      VariantObservation& o = obs[n];
      if (progress)
        progress(fmt::format("{} {} {}: timing {} (the most: {})", vp.toolchain->key(), vp.scenario->id, n,
                             o.samples.size() + static_cast<std::size_t>(count), last));
      HarnessFacts hf;
      ProcessResult r;
      double others = 0;  // cores other processes used while it ran
      // A process during which others kept the machine busy runs again once
      // they have had a while (1 s, 2 s, 4 s) to finish.
      for (int take = 0;; ++take) {
        const std::optional<CpuReading> before = opt_.cpu ? opt_.cpu->read() : std::nullopt;
        hf = HarnessFacts{};
        r = run_recorded(vp,
                         {"-test.run", "^$", "-test.bench", "^" + vp.package->benchmark + "$", "-test.benchtime",
                          ts.benchtime, "-test.count", std::to_string(count)},
                         "timing", &hf);
        o.seconds += std::chrono::duration<double>(r.elapsed).count();
        const std::optional<CpuReading> after = before ? opt_.cpu->read() : std::nullopt;
        others = before && after ? others_cores(*before, *after) : 0;
        if (!r.ok() || others < opt_.busy_cores || take >= opt_.busy_retakes || interrupts_.signal()) break;
        if (progress)
          progress(fmt::format("{} {} {}: timing again: other processes used {:.1f} cores meanwhile",
                               vp.toolchain->key(), vp.scenario->id, n, others));
        opt_.cpu->pause(opt_.busy_wait * (1 << take));
      }
      std::string why = r.ok() ? untrusted(hf, r.out, vp.package->benchmark, static_cast<std::size_t>(count))
                               : failure("a timing run failed", r, opt_.run_timeout);
      if (!why.empty()) {
        fail(o, why);
        o.samples.clear();
        o.sample_iterations.clear();
        failed.insert(n);
        continue;
      }
      const auto rounds = bench_rounds(hf.bench_runs);
      for (const BenchRound& b : rounds) {
        o.samples.push_back(b.ns_per_op);
        o.sample_iterations.push_back(b.iterations);
      }
      if (others >= opt_.busy_cores) {
        o.busy_samples += static_cast<int>(rounds.size());
        o.busy_cores = std::max(o.busy_cores, others);
      }
    }
  };
  // The sequential test (judge.h, timing_open): up to each look, rounds of
  // the variants still needed; after it, a variant goes on only while a
  // comparison it is in is undecided. The judge replays the same looks on
  // the samples, so what stopped sampling is what decides the verdict.
  JudgeOptions jo;
  jo.alpha = ts.alpha;
  jo.looks = plan_.looks;
  std::vector<std::string> todo = names;
  int have = 0;
  for (const stats::Look& look : looks) {
    for (; have < look.samples && !interrupts_.signal(); have += std::min(per_process, look.samples - have))
      round(todo, std::min(per_process, look.samples - have));
    if (interrupts_.signal()) return;
    std::set<std::string> open;
    for (const auto& c : plan_.scenarios->at(s).claims)
      for (const auto& e : c.expect)
        if (timing_open(e, obs, jo)) open.insert({e.variant, e.than});
    std::erase_if(todo, [&](const std::string& n) { return !open.count(n) || failed.count(n); });
    if (todo.empty()) break;
  }
  // Samples taken on a busy machine are this run's alone.
  for (const auto& n : names)
    if (!failed.count(n) && obs[n].busy_samples == 0)
      cache_.store_timing(timing_key(*plan_.find(t, s, n), obs[n]),
                          TimingSamples{obs[n].samples, obs[n].sample_iterations, obs[n].samples_taken});
}

}  // namespace eh

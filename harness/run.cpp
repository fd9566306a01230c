#include "run.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <set>
#include <thread>

#include "parse_chains.h"
#include "parse_m.h"
#include "stats.h"

namespace eh {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

std::string line_of(const std::string& text, int n) {
  std::size_t b = 0;
  for (int i = 1; i < n; ++i) {
    b = text.find('\n', b);
    if (b == std::string::npos) return {};
    ++b;
  }
  std::size_t e = text.find('\n', b);
  return text.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

std::string normalise(std::string path) {
  while (path.starts_with("./")) path.erase(0, 2);
  return path;
}

/// "<what> (<how it ended>): <excerpt of its output>", the excerpt only when there is one.
std::string failure(std::string_view what, const ProcessResult& r, std::chrono::milliseconds timeout) {
  std::string excerpt = failure_excerpt(r.out + r.err);
  return fmt::format("{} ({}){}{}", what, r.describe(timeout), excerpt.empty() ? "" : ": ", excerpt);
}

/// Why `v` does not run on `tc`, or "" when it does.
std::string version_gate(const Toolchain& tc, const Variant& v) {
  if (!tc.parsed) return "";  // a devel toolchain: assume it is new enough
  if (v.min_go && *tc.parsed < *v.min_go)
    return fmt::format("needs Go {} or newer; {} is older", v.min_go->to_string(), tc.version);
  if (v.before_go && !(*tc.parsed < *v.before_go))
    return fmt::format("shows Go before {} only; {} is not older", v.before_go->to_string(), tc.version);
  return "";
}

}  // namespace

std::string failure_excerpt(std::string_view text) {
  // The first panic or fatal error and a few lines after it, else the end.
  for (std::string_view marker : {"panic: ", "fatal error: ", "--- FAIL"}) {
    auto at = text.find(marker);
    if (at == std::string_view::npos) continue;
    std::size_t end = at;
    for (int i = 0; i < 4 && end != std::string_view::npos; ++i) end = text.find('\n', end + 1);
    return trim(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
  }
  return trim(tail_lines(text, 8));
}

std::string tail_lines(std::string_view text, int n) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t pos = text.size();
  for (int i = 0; i < n && pos != std::string_view::npos && pos > 0; ++i) pos = text.rfind('\n', pos - 1);
  if (pos == std::string_view::npos) pos = 0;
  else if (pos > 0 || text[0] == '\n')
    ++pos;
  return std::string(text.substr(pos));
}

std::string cpu_model(const FileSystem& fs) {
  std::string err;
  auto text = fs.read("/proc/cpuinfo", &err);
  if (!text) return "";
  std::size_t at = text->find("model name");
  if (at == std::string::npos) return "";
  std::size_t colon = text->find(':', at), nl = text->find('\n', at);
  if (colon == std::string::npos || colon > nl) return "";
  return trim(std::string_view(*text).substr(colon + 1, nl - colon - 1));
}

std::string utc_now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Runner::Runner(ProcessRunner& processes, FileSystem& fs, const GeneratedModule& module, RunOptions options)
    : processes_(processes),
      fs_(fs),
      module_(module),
      opt_(std::move(options)),
      cache_(fs, opt_.cache_dir, opt_.read_cache) {}

bool Runner::prepare(std::string* err) {
  std::string root = join_path(opt_.work_dir, "gosrc");
  std::set<std::string> made;
  for (const auto& f : module_.files) {
    std::string path = join_path(root, f.path);
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
  c.cwd = join_path(opt_.work_dir, "gosrc");
  c.env = go_environment(tc, opt_.inherited_env);
  c.timeout = timeout;
  return c;
}

ProcessResult Runner::run(Command c) {
  (c.argv.at(0).ends_with("/go") ? go_started_ : binaries_started_)++;
  return processes_.run(c);
}

std::string Runner::binary_path(const Toolchain& tc, const GoPackage& p) const {
  return join_path(opt_.work_dir, fmt::format("bin/{}/{}/{}.test", tc.version, p.scenario, p.variant));
}

std::vector<Diagnostic> Runner::map_diagnostics(const std::string& text) const {
  std::vector<Diagnostic> out;
  for (auto& l : parse_compiler_output(text)) {
    std::string path = normalise(l.file);
    auto where = module_.to_spec(path, l.line, l.column);
    // At -m=2 an explained decision reads "x escapes to heap in f:" and is
    // followed by indented reasons; the -m level-1 message comes separately.
    if (!where || l.indent > 0 || l.message.ends_with(":")) continue;
    const GoFile* f = module_.file(path);
    Diagnostic d;
    d.pos = where->pos;
    d.region = where->region;
    d.code_line = where->code_line;
    d.generated = fmt::format("{}:{}:{}", path, l.line, l.column);
    d.message = l.message;
    d.code = f ? trim(line_of(f->content, l.line)) : "";
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
  std::string msgs;
  for (const auto& l : parse_compiler_output(r.err)) {
    std::string path = normalise(l.file);
    if (l.indent > 0) continue;
    if (auto where = module_.to_spec(path, l.line, l.column))
      msgs += fmt::format("{}{}: {} (generated {}:{}:{})", msgs.empty() ? "" : "; ", to_string(where->pos), l.message,
                          path, l.line, l.column);
    else if (module_.file(path))
      msgs += fmt::format("{}{}:{}:{}: {}", msgs.empty() ? "" : "; ", path, l.line, l.column, l.message);
  }
  if (msgs.empty()) msgs = trim(tail_lines(r.err, 5));
  return fmt::format("does not compile: {}", msgs);
}

std::string Runner::facts_key(const Scenario& s, const Variant& v, const Toolchain& tc) const {
  const GoPackage* p = module_.package(s.id, v.name);
  bool pprof = false;
  for (const auto& c : s.claims)
    for (const auto& e : c.expect)
      pprof |= e.kind == ExpectKind::site && e.view == SiteView::pprof && e.variant == v.name;
  // The toolchain by what it reports, and by where it lives: two builds
  // calling themselves the same version are not assumed to be one.
  // v2: built with -vet=off (a v1 entry may hold a vet failure as an error).
  std::string all = fmt::format("facts v2\n{}\n{} {} {} {} {}\npprof={}\n", ESCAPE_HARNESS_VERSION, tc.version, tc.goos,
                                tc.goarch, tc.goroot, tc.go, pprof);
  for (const auto& f : module_.files)
    if (f.path.starts_with(p->dir + "/")) all += f.path + "\n" + f.content;
  return fnv1a_hex(all);
}

VariantObservation Runner::variant_facts(const Scenario& s, const Variant& v, const GoPackage& p, const Toolchain& tc) {
  std::string key = facts_key(s, v, tc);
  if (auto cached = cache_.facts(key)) return *cached;
  VariantObservation o = measure(s, v, p, tc);
  normalise_paths(tc, o);
  // Only what does not depend on this machine's luck is kept: a timeout or
  // a failed start is retried next time.
  if (o.status != RunStatus::error || o.reason.starts_with("does not compile")) cache_.store_facts(key, o);
  return o;
}

VariantObservation Runner::measure(const Scenario& s, const Variant& v, const GoPackage& p, const Toolchain& tc) {
  VariantObservation o;
  if (std::string why = version_gate(tc, v); !why.empty()) {
    o.status = RunStatus::skipped;
    o.reason = why;
    return o;
  }
  std::string bin = binary_path(tc, p);
  std::string err;
  if (!fs_.make_dirs(bin.substr(0, bin.rfind('/')), &err)) {
    o.status = RunStatus::error;
    o.reason = err;
    return o;
  }
  // One compile for the binary, the -m messages and both why-chain routes.
  // The compiler writes the JSON log only when it compiles: after a build
  // served from go's cache the log may be missing, and a fresh directory
  // name (part of the flags, so of the cache key) forces the compile.
  const std::string root = join_path(opt_.work_dir, "gosrc") + "/";
  std::string json;
  ProcessResult b;
  Command build;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string logdir = join_path(
        opt_.work_dir, fmt::format("optlog/{}/{}/{}{}", tc.version, p.scenario, p.variant, attempt ? "-again" : ""));
    if (!fs_.make_dirs(logdir, &err)) {
      o.status = RunStatus::error;
      o.reason = err;
      return o;
    }
    build = go_command(
        tc,
        {"test", "-c", "-vet=off", "-o", bin, fmt::format("-gcflags=-m=2 '-json=0,file://{}'", logdir), "./" + p.dir},
        opt_.compile_timeout);
    b = run(build);
    if (!b.ok()) break;
    std::string escaped;
    for (char ch : p.import_path) escaped += ch == '/' ? std::string("%2F") : std::string(1, ch);
    std::string pkgdir = join_path(logdir, escaped);
    if (auto names = fs_.list(pkgdir, &err))
      for (const auto& n : *names)
        if (n.ends_with(".json"))
          if (auto text = fs_.read(join_path(pkgdir, n), &err)) json += *text;
    if (!json.empty()) break;
  }
  if (!b.ok()) {
    o.status = RunStatus::error;
    o.reason = build_error(b, build);
    return o;
  }
  o.diagnostics = map_diagnostics(b.err + b.out);
  o.chains = explain(parse_m2_chains(b.err), parse_json_log_chains(json, root), module_);
  if (json.empty()) o.chains_note = "the JSON optimisation log was not written";

  Command facts;
  facts.argv = {bin,
                "-test.run",
                "^TestEscapeHarness$",
                "-test.bench",
                "^" + p.benchmark + "$",
                "-test.benchmem",
                "-test.benchtime",
                opt_.benchtime};
  facts.cwd = join_path(join_path(opt_.work_dir, "gosrc"), p.dir);
  facts.env = go_environment(tc, opt_.inherited_env);
  facts.timeout = opt_.run_timeout;
  ProcessResult f = run(facts);
  if (!f.ok()) {
    o.status = RunStatus::error;
    o.reason = failure("the test binary failed", f, facts.timeout);
    return o;
  }
  HarnessFacts hf = parse_harness_facts(f.out);
  o.counts = hf.counts;
  o.sites = std::move(hf.sites);
  o.allocator_frames = hf.allocator_frames;
  o.holds = std::move(hf.holds);
  for (auto& br : parse_bench_output(f.out))
    if (br.name == p.benchmark) o.bench = std::move(br);
  if (!o.counts) {
    o.status = RunStatus::error;
    o.reason = "TestEscapeHarness printed no allocation counts";
    return o;
  }

  explain_dependencies(p, tc, o);
  locate_allocations(p, tc, o);

  bool wants_pprof = false;
  for (const auto& c : s.claims)
    for (const auto& e : c.expect)
      wants_pprof |= e.kind == ExpectKind::site && e.view == SiteView::pprof && e.variant == v.name;
  if (wants_pprof) {
    // -test.benchtime=Nx runs the benchmark once with b.N = 1, then with N.
    const int n = 1000;
    std::string prof = bin + ".mem";
    Command m;
    m.argv = {bin,
              "-test.run",
              "^$",
              "-test.bench",
              "^" + p.benchmark + "$",
              "-test.benchtime",
              fmt::format("{}x", n),
              "-test.memprofile",
              prof,
              "-test.memprofilerate",
              "1"};
    m.cwd = facts.cwd;
    m.env = facts.env;
    m.timeout = opt_.run_timeout;
    ProcessResult mr = run(m);
    if (!mr.ok()) {
      o.status = RunStatus::error;
      o.reason = failure("the memory-profile run failed", mr, m.timeout);
      return o;
    }
    Command pp =
        go_command(tc, {"tool", "pprof", "-traces", "-sample_index=alloc_objects", bin, prof}, opt_.run_timeout);
    ProcessResult pr = run(pp);
    if (!pr.ok()) {
      o.status = RunStatus::error;
      o.reason = fmt::format("go tool pprof failed ({}): {}", pr.describe(pp.timeout), trim(tail_lines(pr.err, 5)));
      return o;
    }
    std::vector<AllocSite> sites;
    for (auto& site : parse_pprof_traces(pr.out)) {
      auto at = std::find(site.stack.begin(), site.stack.end(), p.loop_function);
      if (at == site.stack.end() || site.objects == 0) continue;
      site.stack.erase(at + 1, site.stack.end());
      sites.push_back(std::move(site));
    }
    o.pprof_sites = std::move(sites);
    o.pprof_calls = n + 1;
  }
  return o;
}

void Runner::explain_dependencies(const GoPackage& p, const Toolchain& tc, VariantObservation& o) {
  // Where the calls allocate outside the variant's package (fmt.Errorf,
  // time.Time.Format): compile those packages with -m=2 for their chains.
  std::vector<AllocPoint> points;
  std::set<std::string> packages;
  for (const auto& site : o.sites) {
    if (site.at_line <= 0) continue;
    for (const auto& f : site.stack) {
      if (f.starts_with("runtime.") || f.starts_with("internal/runtime/")) continue;
      std::string pkg = package_of(f);
      if (pkg != p.import_path) {
        points.push_back(AllocPoint{pkg, f, site.at_file, site.at_line});
        packages.insert(pkg);
      }
      break;
    }
  }
  if (points.empty()) return;
  std::vector<std::string> args = {"build"};
  for (const auto& pkg : packages) args.push_back(fmt::format("-gcflags={}=-m=2", pkg));
  args.push_back("./" + p.dir);
  Command c = go_command(tc, args, opt_.compile_timeout);
  ProcessResult r = run(c);
  if (!r.ok()) {
    o.chains_note = fmt::format("the -m=2 build of {} failed ({})", *packages.begin(), r.describe(c.timeout));
    return;
  }
  for (auto& w : explain_points(parse_m2_chains(r.err), points, tc.goroot)) o.chains.push_back(std::move(w));
}

void Runner::locate_allocations(const GoPackage& p, const Toolchain& tc, VariantObservation& o) const {
  const std::string root = join_path(opt_.work_dir, "gosrc") + "/";
  const std::string goroot_src = tc.goroot + "/src/";
  if (!o.counts) return;
  for (const auto& site : o.sites) {
    if (site.at_line <= 0) continue;
    AllocPlace place;
    for (const auto& f : site.stack)
      if (!f.starts_with("runtime.") && !f.starts_with("internal/runtime/")) {
        place.function = f;
        break;
      }
    place.allocator = allocating_frame(site);
    place.objects = site.objects;
    std::string generated;  // "x/bug/code.go:4" for the variant's own code
    if (site.at_file.starts_with(root)) {
      std::string rel = site.at_file.substr(root.size());
      generated = fmt::format("{}:{}:", rel, site.at_line);
      if (auto sp = module_.to_spec(rel, site.at_line, 0)) {
        place.spec = sp->pos;
        const char* block = sp->region == Region::common  ? "common"
                            : sp->region == Region::setup ? "setup"
                            : sp->region == Region::call  ? "call"
                                                          : "code";
        place.where = sp->region == Region::call ? "the call" : fmt::format("{} line {}", block, sp->code_line);
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
    if (same != o.places.end()) same->objects += place.objects;
    else
      o.places.push_back(std::move(place));
  }
  (void)p;
}

void Runner::normalise_paths(const Toolchain& tc, VariantObservation& o) const {
  const std::string root = join_path(opt_.work_dir, "gosrc") + "/";
  const std::string goroot_src = tc.goroot + "/src/";
  auto fix = [&](std::string& path) {
    if (path.starts_with(root)) path.erase(0, root.size());
    else if (!tc.goroot.empty() && path.starts_with(goroot_src))
      path = "$GOROOT/src/" + path.substr(goroot_src.size());
  };
  for (auto& site : o.sites) fix(site.at_file);
  for (auto& c : o.chains) {
    fix(c.generated);
    for (auto& st : c.steps) fix(st.generated);
  }
}

FactsTable Runner::facts(const std::vector<Scenario>& scenarios, const std::vector<Toolchain>& toolchains,
                         const ProgressFn& progress,
                         const std::function<void(std::size_t, std::size_t, const Observations&)>& done) {
  struct Job {
    std::size_t tc, scenario, variant;
  };
  std::vector<Job> jobs;
  for (std::size_t t = 0; t < toolchains.size(); ++t)
    for (std::size_t i = 0; i < scenarios.size(); ++i)
      for (std::size_t v = 0; v < scenarios[i].variants.size(); ++v) jobs.push_back({t, i, v});
  FactsTable table(toolchains.size(), std::vector<Observations>(scenarios.size()));
  std::vector<std::vector<std::size_t>> remaining(toolchains.size(), std::vector<std::size_t>(scenarios.size()));
  for (std::size_t t = 0; t < toolchains.size(); ++t)
    for (std::size_t i = 0; i < scenarios.size(); ++i) remaining[t][i] = scenarios[i].variants.size();
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      std::size_t k = next++;
      if (k >= jobs.size() || interrupt_signal()) return;
      const Job& j = jobs[k];
      const Scenario& s = scenarios[j.scenario];
      const Variant& v = s.variants[j.variant];
      const Toolchain& tc = toolchains[j.tc];
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mu_);
        progress(fmt::format("{} {} {}: facts", tc.version, s.id, v.name));
      }
      VariantObservation o = variant_facts(s, v, *module_.package(s.id, v.name), tc);
      std::lock_guard<std::mutex> lock(mu);
      table[j.tc][j.scenario][v.name] = std::move(o);
      if (--remaining[j.tc][j.scenario] == 0 && done && !interrupt_signal())
        done(j.tc, j.scenario, table[j.tc][j.scenario]);
    }
  };
  std::vector<std::thread> threads;
  int n = std::max(1, std::min<int>(opt_.jobs, static_cast<int>(jobs.size())));
  for (int i = 1; i < n; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return table;
}

void Runner::timing(const Scenario& s, const Toolchain& tc, Observations& obs, const ProgressFn& progress) {
  std::vector<std::string> names;
  for (const auto& c : s.claims)
    for (const auto& e : c.expect)
      if (e.kind == ExpectKind::faster || e.kind == ExpectKind::similar)
        for (const auto& n : {e.variant, e.than})
          if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  // Only variants whose facts ran can be timed; cached samples are reused
  // only on the same CPU model with the same sampling settings.
  std::erase_if(names, [&](const std::string& n) { return !obs.count(n) || obs[n].status != RunStatus::ok; });
  std::map<std::string, std::string> keys;
  // v3: extra rounds take the compared variants along.
  for (const auto& n : names)
    keys[n] =
        fnv1a_hex(fmt::format("timing v3\n{}\n{}\n{} x {} by {}, to {} or {}", facts_key(s, *s.find_variant(n), tc),
                              opt_.cpu, opt_.timing_samples, opt_.timing_benchtime, opt_.samples_per_process,
                              opt_.timing_target, opt_.timing_max_samples));
  for (const auto& n : names) obs[n].samples.clear();
  std::erase_if(names, [&](const std::string& n) {
    if (auto cached = cache_.timing(keys[n])) {
      obs[n].samples = *cached;
      return true;
    }
    return false;
  });
  // Rounds of a few samples per process, the variants interleaved, so a
  // slow patch of the machine lands on all of them alike.
  std::set<std::string> failed;
  // Facts from the cache leave no binary behind: build the ones missing.
  for (const auto& n : names) {
    const GoPackage* p = module_.package(s.id, n);
    std::string bin = binary_path(tc, *p), err;
    if (fs_.exists(bin)) continue;
    if (progress) progress(fmt::format("{} {} {}: build for timing", tc.version, s.id, n));
    fs_.make_dirs(bin.substr(0, bin.rfind('/')), &err);
    Command build = go_command(tc, {"test", "-c", "-vet=off", "-o", bin, "./" + p->dir}, opt_.compile_timeout);
    ProcessResult b = run(build);
    if (!b.ok()) {
      obs[n].status = RunStatus::error;
      obs[n].reason = build_error(b, build);
      failed.insert(n);
    }
  }
  const int per_process = std::max(1, std::min(opt_.samples_per_process, opt_.timing_samples));
  // One round: `count` more samples of each variant in `which`, interleaved.
  auto round = [&](const std::vector<std::string>& which, int count) {
    for (const auto& n : which) {
      if (interrupt_signal()) return;
      if (failed.count(n)) continue;
      VariantObservation& o = obs[n];
      if (progress)
        progress(fmt::format("{} {} {}: timing {}/{}", tc.version, s.id, n,
                             o.samples.size() + static_cast<std::size_t>(count), opt_.timing_samples));
      const GoPackage* p = module_.package(s.id, n);
      Command c;
      c.argv = {
          binary_path(tc, *p), "-test.run",           "^$",          "-test.bench",        "^" + p->benchmark + "$",
          "-test.benchtime",   opt_.timing_benchtime, "-test.count", std::to_string(count)};
      c.cwd = join_path(join_path(opt_.work_dir, "gosrc"), p->dir);
      c.env = go_environment(tc, opt_.inherited_env);
      c.timeout = opt_.run_timeout;
      ProcessResult r = run(c);
      if (!r.ok()) {
        o.status = RunStatus::error;
        o.reason = failure("a timing run failed", r, c.timeout);
        o.samples.clear();
        failed.insert(n);
        continue;
      }
      for (const auto& br : parse_bench_output(r.out))
        if (br.name == p->benchmark)
          if (auto ns = br.metric("ns/op")) o.samples.push_back(*ns);
    }
  };
  for (int taken = 0; taken < opt_.timing_samples && !interrupt_signal(); taken += per_process)
    round(names, std::min(per_process, opt_.timing_samples - taken));
  // Then more rounds while a median is not yet precise enough: for that
  // variant and every variant it is compared with, still interleaved, so a
  // slow patch during the extra rounds cannot land on one side of a
  // comparison only.
  std::map<std::string, std::set<std::string>> partners;
  for (const auto& c : s.claims)
    for (const auto& e : c.expect)
      if (e.kind == ExpectKind::faster || e.kind == ExpectKind::similar) {
        partners[e.variant].insert(e.than);
        partners[e.than].insert(e.variant);
      }
  auto imprecise = [&] {
    std::set<std::string> more;
    for (const auto& n : names) {
      const auto& xs = obs[n].samples;
      if (failed.count(n) || static_cast<int>(xs.size()) >= opt_.timing_max_samples) continue;
      auto ci = stats::median_ci(xs);
      if (!ci || !std::isfinite(ci->lo) || !std::isfinite(ci->hi) ||
          (ci->hi - ci->lo) / 2 > opt_.timing_target * ci->median) {
        more.insert(n);
        more.insert(partners[n].begin(), partners[n].end());
      }
    }
    std::vector<std::string> out;
    for (const auto& n : names)
      if (more.count(n) && !failed.count(n) && static_cast<int>(obs[n].samples.size()) < opt_.timing_max_samples)
        out.push_back(n);
    return out;
  };
  for (auto more = imprecise(); !more.empty() && !interrupt_signal(); more = imprecise()) round(more, per_process);
  if (interrupt_signal()) return;
  for (const auto& n : names)
    if (!failed.count(n)) cache_.store_timing(keys[n], obs[n].samples);
}

}  // namespace eh

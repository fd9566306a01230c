#include "results_json.h"

#include "config.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "text.h"

namespace eh {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

/// The value a results.json names; an unknown name is an error, whatever the enum.
template <NamedEnum E>
E enum_from(const std::string& name, std::string_view what) {
  if (auto v = parse_enum<E>(name)) return *v;
  throw std::runtime_error(
      fmt::format("unknown {} '{}' (expected one of: {})", what, name, join(enum_name_list<E>(), ", ")));
}

template <NamedEnum E>
E enum_at(const json& j, const char* key, std::string_view what) {
  return enum_from<E>(j.at(key).get<std::string>(), what);
}

ojson sites_json(const std::vector<AllocSite>& sites) {
  ojson a = ojson::array();
  for (const auto& s : sites) {
    ojson j{{"objects", s.objects}, {"bytes", s.bytes}, {"stack", s.stack}};
    if (s.size > 0) j["size"] = s.size;
    if (s.at_line > 0) {
      j["at_file"] = s.at_file;
      j["at_line"] = s.at_line;
    }
    a.push_back(j);
  }
  return a;
}

std::vector<AllocSite> sites_from(const json& a) {
  std::vector<AllocSite> out;
  for (const auto& s : a)
    out.push_back(AllocSite{s.at("objects").get<std::int64_t>(), s.at("bytes").get<std::int64_t>(),
                            s.at("stack").get<std::vector<std::string>>(), s.value("at_file", ""),
                            s.value("at_line", 0), s.value("size", std::int64_t{0})});
  return out;
}

/// The spec place of a step or a chain: file, line, column, region, code line.
void put_place(ojson& j, const SourcePos& pos, Region region, int code_line) {
  j["file"] = pos.file;
  j["line"] = pos.line;
  j["column"] = pos.column;
  j["region"] = to_string(region);
  j["code_line"] = code_line;
}

ojson steps_json(const std::vector<WhyStep>& steps) {
  ojson a = ojson::array();
  for (const auto& s : steps) {
    ojson sj{{"text", s.text}};
    if (!s.generated.empty()) sj["generated"] = s.generated;
    if (s.pos.line > 0) put_place(sj, s.pos, s.region, s.code_line);
    a.push_back(sj);
  }
  return a;
}

std::vector<WhyStep> steps_from(const json& a) {
  std::vector<WhyStep> out;
  for (const auto& sj : a) {
    WhyStep s;
    s.text = sj.at("text").get<std::string>();
    s.generated = sj.value("generated", "");
    if (sj.contains("line")) {
      s.pos = SourcePos{sj.at("file").get<std::string>(), sj.at("line").get<int>(), sj.at("column").get<int>()};
      s.region = enum_at<Region>(sj, "region", "region");
      s.code_line = sj.at("code_line").get<int>();
    }
    out.push_back(std::move(s));
  }
  return out;
}

ojson counts_json(const AllocCounts& c) {
  ojson j{{"calls", c.calls}, {"mallocs", c.mallocs}, {"bytes", c.bytes}};
  if (c.tiny >= 0) j["tiny"] = c.tiny;
  return j;
}

ojson bench_json(const BenchResult& br) {
  ojson b{{"name", br.name}, {"procs", br.procs}, {"iterations", br.iterations}};
  ojson m = ojson::object(), c = ojson::object();
  for (const auto& [unit, value] : br.metrics) m[unit] = value;
  for (const auto& [k, v] : br.config) c[k] = v;
  b["metrics"] = m;
  b["config"] = c;
  return b;
}

ojson chains_json(const std::vector<WhyChain>& chains) {
  ojson cs = ojson::array();
  for (const auto& c : chains) {
    ojson cj{{"package", c.package}, {"subject", c.subject}};
    put_place(cj, c.pos, c.region, c.code_line);
    cj["generated"] = c.generated;
    cj["routes"] = to_string(c.routes);
    cj["steps"] = steps_json(c.steps);
    if (!c.json_steps.empty()) cj["json_steps"] = steps_json(c.json_steps);
    cs.push_back(cj);
  }
  return cs;
}

ojson observation_json(const VariantObservation& o) {
  ojson j;
  j["status"] = to_string(o.status);
  if (!o.reason.empty()) j["reason"] = o.reason;
  if (o.counts) {
    j["allocs_per_op"] = o.counts->allocs_per_call().to_double();
    j["bytes_per_op"] = o.counts->bytes_per_call().to_double();
  }
  if (auto ns = ns_per_op(o)) j["ns_per_op"] = *ns;
  if (o.counts) {
    j["calls"] = o.counts->calls;
    j["mallocs"] = o.counts->mallocs;
    j["bytes"] = o.counts->bytes;
    if (o.counts->tiny >= 0) j["tiny"] = o.counts->tiny;
  }
  if (o.repeats.size() > 1) {
    ojson rs = ojson::array();
    for (const auto& c : o.repeats) rs.push_back(counts_json(c));
    j["repeats"] = rs;
  }
  if (o.bench) j["bench"] = bench_json(*o.bench);
  ojson d = ojson::array();
  for (const auto& x : o.diagnostics) {
    ojson dj;
    put_place(dj, x.pos, x.region, x.code_line);
    if (x.level != 1) dj["level"] = x.level;
    dj["generated"] = x.generated;
    dj["message"] = x.message;
    dj["code"] = x.code;
    d.push_back(dj);
  }
  j["diagnostics"] = d;
  j["sites"] = sites_json(o.sites);
  if (o.allocator_frames) j["allocator_frames"] = *o.allocator_frames;
  if (!o.holds.empty()) {
    ojson h = ojson::object();
    for (const auto& [expr, value] : o.holds) h[expr] = value;
    j["holds"] = h;
  }
  if (o.pprof_sites)
    j["pprof"] = ojson{{"calls", o.pprof_calls},
                       {"mallocs", o.pprof_mallocs},
                       {"tiny", o.pprof_tiny},
                       {"sites", sites_json(*o.pprof_sites)}};
  if (o.cpu) {
    ojson st = ojson::array();
    for (const auto& s : *o.cpu) st.push_back(ojson{{"samples", s.samples}, {"stack", s.stack}});
    j["cpu"] = ojson{{"samples", o.cpu_total}, {"stacks", st}};
  }
  if (!o.samples.empty()) j["samples_ns_per_op"] = o.samples;
  if (!o.sample_iterations.empty()) j["samples_iterations"] = o.sample_iterations;
  if (!o.samples.empty() && !o.samples_taken.empty()) j["samples_taken"] = o.samples_taken;
  if (o.busy_samples > 0) {
    j["busy_samples"] = o.busy_samples;
    j["busy_cores"] = o.busy_cores;
  }
  if (o.seconds > 0) j["seconds"] = std::round(o.seconds * 1000) / 1000;
  if (!o.chains.empty()) j["chains"] = chains_json(o.chains);
  if (!o.places.empty()) {
    ojson ps = ojson::array();
    for (const auto& pl : o.places) {
      ojson pj{{"function", pl.function},
               {"allocator", pl.allocator},
               {"where", pl.where},
               {"objects", pl.objects},
               {"chain", pl.chain}};
      if (pl.spec.line > 0) pj["spec"] = ojson{{"file", pl.spec.file}, {"line", pl.spec.line}};
      ps.push_back(pj);
    }
    j["places"] = ps;
  }
  if (!o.chains_note.empty()) j["chains_note"] = o.chains_note;
  if (!o.pgo_profile.empty() || !o.pgo_note.empty())
    j["pgo"] = ojson{{"profile", o.pgo_profile}, {"samples", o.pgo_samples}, {"note", o.pgo_note}};
  return j;
}

AllocCounts counts_from(const json& j) {
  return AllocCounts{j.at("calls").get<std::int64_t>(), j.at("mallocs").get<std::int64_t>(),
                     j.at("bytes").get<std::int64_t>(), j.value("tiny", std::int64_t{-1})};
}

BenchResult bench_from(const json& b) {
  BenchResult r;
  r.name = b.at("name").get<std::string>();
  r.procs = b.at("procs").get<int>();
  r.iterations = b.at("iterations").get<std::int64_t>();
  for (const auto& [unit, value] : b.at("metrics").items()) r.metrics[unit] = value.get<double>();
  for (const auto& [k, v] : b.at("config").items()) r.config[k] = v.get<std::string>();
  return r;
}

std::vector<WhyChain> chains_from(const json& a) {
  std::vector<WhyChain> out;
  for (const auto& cj : a) {
    WhyChain c;
    c.package = cj.value("package", "");
    c.subject = cj.at("subject").get<std::string>();
    c.pos = SourcePos{cj.at("file").get<std::string>(), cj.at("line").get<int>(), cj.at("column").get<int>()};
    c.region = enum_at<Region>(cj, "region", "region");
    c.code_line = cj.at("code_line").get<int>();
    c.generated = cj.at("generated").get<std::string>();
    c.routes = enum_at<Routes>(cj, "routes", "routes");
    c.steps = steps_from(cj.at("steps"));
    if (cj.contains("json_steps")) c.json_steps = steps_from(cj.at("json_steps"));
    out.push_back(std::move(c));
  }
  return out;
}

VariantObservation observation_from(const json& j) {
  VariantObservation o;
  o.status = enum_at<RunStatus>(j, "status", "status");
  o.reason = j.value("reason", "");
  if (j.contains("calls")) o.counts = counts_from(j);
  if (j.contains("repeats"))
    for (const auto& r : j.at("repeats")) o.repeats.push_back(counts_from(r));
  else if (o.counts)
    o.repeats = {*o.counts};
  if (j.contains("bench")) o.bench = bench_from(j.at("bench"));
  for (const auto& x : j.at("diagnostics")) {
    Diagnostic d;
    d.pos = SourcePos{x.at("file").get<std::string>(), x.at("line").get<int>(), x.at("column").get<int>()};
    d.region = enum_at<Region>(x, "region", "region");
    d.level = x.value("level", 1);
    d.code_line = x.at("code_line").get<int>();
    d.generated = x.at("generated").get<std::string>();
    d.message = x.at("message").get<std::string>();
    d.code = x.at("code").get<std::string>();
    o.diagnostics.push_back(std::move(d));
  }
  o.sites = sites_from(j.at("sites"));
  if (j.contains("allocator_frames")) o.allocator_frames = j.at("allocator_frames").get<bool>();
  if (j.contains("holds"))
    for (const auto& [expr, value] : j.at("holds").items()) o.holds[expr] = value.get<bool>();
  if (j.contains("pprof")) {
    o.pprof_calls = j.at("pprof").at("calls").get<std::int64_t>();
    o.pprof_mallocs = j.at("pprof").value("mallocs", std::int64_t{0});
    o.pprof_tiny = j.at("pprof").value("tiny", std::int64_t{-1});
    o.pprof_sites = sites_from(j.at("pprof").at("sites"));
  }
  if (j.contains("cpu")) {
    o.cpu_total = j.at("cpu").at("samples").get<std::int64_t>();
    o.cpu.emplace();
    for (const auto& s : j.at("cpu").at("stacks"))
      o.cpu->push_back(CpuStack{s.at("samples").get<std::int64_t>(), s.at("stack").get<std::vector<std::string>>()});
  }
  if (j.contains("samples_ns_per_op")) o.samples = j.at("samples_ns_per_op").get<std::vector<double>>();
  if (j.contains("samples_iterations"))
    o.sample_iterations = j.at("samples_iterations").get<std::vector<std::int64_t>>();
  o.samples_taken = j.value("samples_taken", "");
  o.busy_samples = j.value("busy_samples", 0);
  o.busy_cores = j.value("busy_cores", 0.0);
  o.seconds = j.value("seconds", 0.0);
  if (j.contains("chains")) o.chains = chains_from(j.at("chains"));
  if (j.contains("places"))
    for (const auto& pj : j.at("places")) {
      AllocPlace pl;
      pl.function = pj.at("function").get<std::string>();
      pl.allocator = pj.at("allocator").get<std::string>();
      pl.where = pj.at("where").get<std::string>();
      pl.objects = pj.at("objects").get<std::int64_t>();
      pl.chain = pj.at("chain").get<int>();
      if (pj.contains("spec"))
        pl.spec = SourcePos{pj.at("spec").at("file").get<std::string>(), pj.at("spec").at("line").get<int>(), 0};
      o.places.push_back(std::move(pl));
    }
  o.chains_note = j.value("chains_note", "");
  if (j.contains("pgo")) {
    const json& p = j.at("pgo");
    o.pgo_profile = p.value("profile", "");
    o.pgo_samples = p.value("samples", std::int64_t{0});
    o.pgo_note = p.value("note", "");
  }
  return o;
}

ojson verdict_json(const ClaimVerdict& v) {
  ojson j;
  j["verdict"] = to_string(v.verdict);
  if (!v.reason.empty()) j["reason"] = v.reason;
  ojson es = ojson::array();
  for (const auto& e : v.expectations) {
    ojson x{{"expectation", e.expectation}, {"verdict", to_string(e.verdict)}};
    for (auto [key, value] : {std::pair{"expected", &e.expected}, std::pair{"observed", &e.observed},
                              std::pair{"reason", &e.reason}, std::pair{"decisive", &e.decisive}})
      if (!value->empty()) x[key] = *value;
    es.push_back(x);
  }
  j["expectations"] = es;
  return j;
}

ClaimVerdict verdict_from_json(const json& j) {
  ClaimVerdict v;
  v.verdict = enum_at<Verdict>(j, "verdict", "verdict");
  v.reason = j.value("reason", "");
  for (const auto& x : j.at("expectations"))
    v.expectations.push_back(ExpectationVerdict{
        enum_at<Verdict>(x, "verdict", "verdict"), x.at("expectation").get<std::string>(), x.value("expected", ""),
        x.value("observed", ""), x.value("reason", ""), x.value("decisive", "")});
  return v;
}

ojson coverage_json(const std::vector<CoverageRow>& rows) {
  ojson a = ojson::array();
  for (const auto& r : rows) {
    ojson j{{"line", r.line}, {"text", r.text}};
    if (!r.label.empty()) j["label"] = r.label;
    if (!r.claims.empty()) j["claims"] = r.claims;
    if (!r.not_encoded.empty()) j["not_encoded"] = r.not_encoded;
    a.push_back(j);
  }
  return a;
}

std::vector<CoverageRow> coverage_from(const json& a) {
  std::vector<CoverageRow> out;
  for (const auto& j : a)
    out.push_back(CoverageRow{j.at("line").get<int>(), j.value("label", ""), j.at("text").get<std::string>(),
                              j.value("claims", std::vector<std::string>{}), j.value("not_encoded", "")});
  return out;
}

ojson claim_json(const ClaimRecord& c) {
  ojson cj{{"id", c.id}, {"text", c.text}, {"aspect", to_string(c.aspect)}};
  if (c.origin != Origin::source) cj["origin"] = to_string(c.origin);
  if (!c.quotes.empty()) cj["quotes"] = c.quotes;
  if (!c.qualifier.empty()) cj["qualifier"] = c.qualifier;
  ojson verdicts = ojson::object(), evidence = ojson::object();
  for (const auto& [tc, v] : c.verdicts) {
    verdicts[tc] = to_string(v.verdict);
    evidence[tc] = verdict_json(v);
  }
  cj["verdicts"] = verdicts;
  if (!c.correction.empty()) cj["correction"] = c.correction;
  if (!c.holds_where.empty()) cj["holds_where"] = c.holds_where;
  if (!c.timing.empty()) {
    ojson t = ojson::array();
    for (const auto& b : c.timing)
      t.push_back(
          ojson{{"kind", to_string(b.kind)}, {"variant", b.variant}, {"than", b.than}, {"fraction", b.fraction}});
    cj["timing"] = t;
  }
  cj["evidence"] = evidence;
  return cj;
}

ClaimRecord claim_from(const json& cj) {
  ClaimRecord c;
  c.id = cj.at("id").get<std::string>();
  c.text = cj.at("text").get<std::string>();
  c.aspect = enum_from<Aspect>(cj.value("aspect", "symptom"), "aspect");
  c.origin = enum_from<Origin>(cj.value("origin", "source"), "origin");
  c.quotes = cj.value("quotes", std::vector<std::string>{});
  c.qualifier = cj.value("qualifier", "");
  c.correction = cj.value("correction", "");
  c.holds_where = cj.value("holds_where", std::vector<std::string>{});
  if (cj.contains("timing"))
    for (const auto& b : cj.at("timing"))
      c.timing.push_back(TimingBound{enum_from<ExpectKind>(b.at("kind").get<std::string>(), "timing kind"),
                                     b.at("variant").get<std::string>(), b.at("than").get<std::string>(),
                                     b.at("fraction").get<double>()});
  const json& ev = cj.contains("evidence") ? cj.at("evidence") : json::object();
  // "verdicts" is the documented contract and wins; "evidence" adds the detail.
  for (const auto& [tc, v] : cj.at("verdicts").items()) {
    ClaimVerdict cv = ev.contains(tc) ? verdict_from_json(ev.at(tc)) : ClaimVerdict{};
    cv.verdict = enum_from<Verdict>(v.get<std::string>(), "verdict");
    c.verdicts[tc] = cv;
  }
  return c;
}

ojson variant_json(const VariantRecord& v) {
  ojson vj{{"name", v.name}};
  for (auto [key, value] :
       {std::pair{"about", &v.about}, std::pair{"reconstructed", &v.reconstructed}, std::pair{"adapted", &v.adapted},
        std::pair{"min_go", &v.min_go}, std::pair{"fixes", &v.fixes}, std::pair{"sweep", &v.sweep},
        std::pair{"param", &v.param}, std::pair{"value", &v.value}})
    if (!value->empty()) vj[key] = *value;
  if (!v.gcflags.empty()) vj["gcflags"] = v.gcflags;
  ojson res = ojson::object();
  for (const auto& [tc, o] : v.results) res[tc] = observation_json(o);
  vj["results"] = res;
  return vj;
}

VariantRecord variant_from(const json& vj) {
  VariantRecord v;
  v.name = vj.at("name").get<std::string>();
  for (auto [key, value] :
       {std::pair{"about", &v.about}, std::pair{"reconstructed", &v.reconstructed}, std::pair{"adapted", &v.adapted},
        std::pair{"min_go", &v.min_go}, std::pair{"fixes", &v.fixes}, std::pair{"sweep", &v.sweep},
        std::pair{"param", &v.param}, std::pair{"value", &v.value}})
    *value = vj.value(key, "");
  v.gcflags = vj.value("gcflags", std::vector<std::string>{});
  for (const auto& [tc, o] : vj.at("results").items()) v.results[tc] = observation_from(o);
  return v;
}

ojson scenario_json(const ScenarioRecord& s) {
  ojson sj;
  sj["id"] = s.id;
  if (s.entry) sj["entry"] = s.entry;
  if (!s.source.empty()) sj["source"] = s.source;
  sj["title"] = s.title;
  if (!s.summary.empty()) sj["summary"] = s.summary;
  sj["file"] = s.file;
  sj["source_hash"] = s.source_hash;
  ojson runs = ojson::object();
  for (const auto& [tc, run] : s.runs) runs[tc] = ojson{{"date", run.date}, {"quick", run.quick}};
  sj["runs"] = runs;
  if (!s.coverage.empty()) sj["coverage"] = coverage_json(s.coverage);
  ojson cs = ojson::array();
  for (const auto& c : s.claims) cs.push_back(claim_json(c));
  sj["claims"] = cs;
  ojson vs = ojson::array();
  for (const auto& v : s.variants) vs.push_back(variant_json(v));
  sj["variants"] = vs;
  return sj;
}

ScenarioRecord scenario_from(const json& sj) {
  ScenarioRecord s;
  s.id = sj.at("id").get<std::string>();
  s.entry = sj.value("entry", 0);
  s.source = sj.value("source", "");
  s.title = sj.at("title").get<std::string>();
  s.summary = sj.value("summary", "");
  s.file = sj.value("file", "");
  s.source_hash = sj.value("source_hash", "");
  if (sj.contains("runs"))
    for (const auto& [tc, run] : sj.at("runs").items())
      s.runs[tc] = CellRun{run.at("date").get<std::string>(), run.value("quick", false)};
  if (sj.contains("coverage")) s.coverage = coverage_from(sj.at("coverage"));
  for (const auto& cj : sj.at("claims")) s.claims.push_back(claim_from(cj));
  for (const auto& vj : sj.at("variants")) s.variants.push_back(variant_from(vj));
  return s;
}

}  // namespace

std::string observation_to_json_text(const VariantObservation& o) { return observation_json(o).dump() + "\n"; }

std::optional<VariantObservation> observation_from_json_text(const std::string& text, std::string* err) {
  try {
    return observation_from(json::parse(text));
  } catch (const std::exception& e) {
    *err = e.what();
    return std::nullopt;
  }
}

std::string results_to_json(const Results& r) {
  ojson j;
  j["schema"] = r.schema;
  j["generated_by"] = r.generated_by;
  j["date"] = r.date;
  j["quick"] = r.quick;
  ojson tcs = ojson::array();
  for (const auto& t : r.toolchains)
    tcs.push_back(ojson{{"key", t.key()},
                        {"version", t.version},
                        {"config", config_name(t.config)},
                        {"goos", t.goos},
                        {"goarch", t.goarch},
                        {"cpu", t.cpu}});
  j["toolchains"] = tcs;
  if (!r.catalog_file.empty())
    j["catalog"] = ojson{{"file", r.catalog_file}, {"notes", coverage_json(r.catalog_notes)}};
  ojson ss = ojson::array();
  for (const auto& s : r.scenarios) ss.push_back(scenario_json(s));
  j["scenarios"] = ss;
  return j.dump(2) + "\n";
}

std::optional<Results> results_from_json(const std::string& text, std::string* err) {
  try {
    json j = json::parse(text);
    Results r;
    r.schema = j.at("schema").get<int>();
    if (r.schema != kResultsSchema) {
      *err = fmt::format("schema {} is not supported (this harness reads schema {}; rerun to regenerate it)", r.schema,
                         kResultsSchema);
      return std::nullopt;
    }
    r.generated_by = j.value("generated_by", "");
    r.date = j.value("date", "");
    r.quick = j.value("quick", false);
    for (const auto& t : j.at("toolchains")) {
      const std::string name = t.value("config", config_name(""));
      auto config = parse_config(name);
      if (!config) {
        *err = fmt::format("toolchain {}: unknown configuration '{}' (known: {})", t.value("version", "?"), name,
                           config_spellings());
        return std::nullopt;
      }
      r.toolchains.push_back(ToolchainInfo{t.at("version").get<std::string>(), t.at("goos").get<std::string>(),
                                           t.at("goarch").get<std::string>(), t.value("cpu", ""),
                                           std::string(config_info(*config).key)});
    }
    if (j.contains("catalog")) {
      r.catalog_file = j.at("catalog").at("file").get<std::string>();
      r.catalog_notes = coverage_from(j.at("catalog").at("notes"));
    }
    for (const auto& sj : j.at("scenarios")) r.scenarios.push_back(scenario_from(sj));
    return r;
  } catch (const std::exception& e) {
    *err = fmt::format("not a results file of this harness: {}", e.what());
    return std::nullopt;
  }
}

}  // namespace eh

#include "results_json.h"

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

ojson sites_json(const std::vector<AllocSite>& sites) {
  ojson a = ojson::array();
  for (const auto& s : sites) {
    ojson j{{"objects", s.objects}, {"bytes", s.bytes}, {"stack", s.stack}};
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
                            s.value("at_line", 0)});
  return out;
}

ojson steps_json(const std::vector<WhyStep>& steps) {
  ojson a = ojson::array();
  for (const auto& s : steps) {
    ojson sj{{"text", s.text}};
    if (!s.generated.empty()) sj["generated"] = s.generated;
    if (s.pos.line > 0) {
      sj["file"] = s.pos.file;
      sj["line"] = s.pos.line;
      sj["column"] = s.pos.column;
      sj["region"] = to_string(s.region);
      sj["code_line"] = s.code_line;
    }
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
      s.region = enum_from<Region>(sj.at("region").get<std::string>(), "region");
      s.code_line = sj.at("code_line").get<int>();
    }
    out.push_back(std::move(s));
  }
  return out;
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
  }
  if (o.bench) {
    ojson b;
    b["name"] = o.bench->name;
    b["procs"] = o.bench->procs;
    b["iterations"] = o.bench->iterations;
    ojson m;
    for (const auto& [unit, value] : o.bench->metrics) m[unit] = value;
    b["metrics"] = m;
    ojson c;
    for (const auto& [k, v] : o.bench->config) c[k] = v;
    b["config"] = c;
    j["bench"] = b;
  }
  ojson d = ojson::array();
  for (const auto& x : o.diagnostics)
    d.push_back(ojson{{"file", x.pos.file},
                      {"line", x.pos.line},
                      {"column", x.pos.column},
                      {"region", to_string(x.region)},
                      {"code_line", x.code_line},
                      {"generated", x.generated},
                      {"message", x.message},
                      {"code", x.code}});
  j["diagnostics"] = d;
  j["sites"] = sites_json(o.sites);
  if (o.allocator_frames) j["allocator_frames"] = *o.allocator_frames;
  if (!o.holds.empty()) {
    ojson h = ojson::object();
    for (const auto& [expr, value] : o.holds) h[expr] = value;
    j["holds"] = h;
  }
  if (o.pprof_sites) j["pprof"] = ojson{{"calls", o.pprof_calls}, {"sites", sites_json(*o.pprof_sites)}};
  if (!o.samples.empty()) j["samples_ns_per_op"] = o.samples;
  if (!o.chains.empty()) {
    ojson cs = ojson::array();
    for (const auto& c : o.chains) {
      ojson cj{{"package", c.package},        {"subject", c.subject},     {"file", c.pos.file},
               {"line", c.pos.line},          {"column", c.pos.column},   {"region", to_string(c.region)},
               {"code_line", c.code_line},    {"generated", c.generated}, {"routes", to_string(c.routes)},
               {"steps", steps_json(c.steps)}};
      if (!c.json_steps.empty()) cj["json_steps"] = steps_json(c.json_steps);
      cs.push_back(cj);
    }
    j["chains"] = cs;
  }
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
  return j;
}

VariantObservation observation_from(const json& j) {
  VariantObservation o;
  o.status = enum_from<RunStatus>(j.at("status").get<std::string>(), "status");
  o.reason = j.value("reason", "");
  if (j.contains("calls"))
    o.counts = AllocCounts{j.at("calls").get<std::int64_t>(), j.at("mallocs").get<std::int64_t>(),
                           j.at("bytes").get<std::int64_t>()};
  if (j.contains("bench")) {
    const json& b = j.at("bench");
    BenchResult r;
    r.name = b.at("name").get<std::string>();
    r.procs = b.at("procs").get<int>();
    r.iterations = b.at("iterations").get<std::int64_t>();
    for (const auto& [unit, value] : b.at("metrics").items()) r.metrics[unit] = value.get<double>();
    for (const auto& [k, v] : b.at("config").items()) r.config[k] = v.get<std::string>();
    o.bench = r;
  }
  for (const auto& x : j.at("diagnostics")) {
    Diagnostic d;
    d.pos = SourcePos{x.at("file").get<std::string>(), x.at("line").get<int>(), x.at("column").get<int>()};
    d.region = enum_from<Region>(x.at("region").get<std::string>(), "region");
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
    o.pprof_sites = sites_from(j.at("pprof").at("sites"));
  }
  if (j.contains("samples_ns_per_op")) o.samples = j.at("samples_ns_per_op").get<std::vector<double>>();
  if (j.contains("chains"))
    for (const auto& cj : j.at("chains")) {
      WhyChain c;
      c.package = cj.value("package", "");
      c.subject = cj.at("subject").get<std::string>();
      c.pos = SourcePos{cj.at("file").get<std::string>(), cj.at("line").get<int>(), cj.at("column").get<int>()};
      c.region = enum_from<Region>(cj.at("region").get<std::string>(), "region");
      c.code_line = cj.at("code_line").get<int>();
      c.generated = cj.at("generated").get<std::string>();
      c.routes = enum_from<Routes>(cj.at("routes").get<std::string>(), "routes");
      c.steps = steps_from(cj.at("steps"));
      if (cj.contains("json_steps")) c.json_steps = steps_from(cj.at("json_steps"));
      o.chains.push_back(std::move(c));
    }
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
  return o;
}

ojson verdict_json(const ClaimVerdict& v) {
  ojson j;
  j["verdict"] = to_string(v.verdict);
  if (!v.reason.empty()) j["reason"] = v.reason;
  ojson es = ojson::array();
  for (const auto& e : v.expectations) {
    ojson x{{"expectation", e.expectation}, {"verdict", to_string(e.verdict)}};
    if (!e.expected.empty()) x["expected"] = e.expected;
    if (!e.observed.empty()) x["observed"] = e.observed;
    if (!e.reason.empty()) x["reason"] = e.reason;
    es.push_back(x);
  }
  j["expectations"] = es;
  return j;
}

ClaimVerdict verdict_from_json(const json& j) {
  ClaimVerdict v;
  v.verdict = enum_from<Verdict>(j.at("verdict").get<std::string>(), "verdict");
  v.reason = j.value("reason", "");
  for (const auto& x : j.at("expectations"))
    v.expectations.push_back(ExpectationVerdict{enum_from<Verdict>(x.at("verdict").get<std::string>(), "verdict"),
                                                x.at("expectation").get<std::string>(), x.value("expected", ""),
                                                x.value("observed", ""), x.value("reason", "")});
  return v;
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
    tcs.push_back(ojson{{"version", t.version}, {"goos", t.goos}, {"goarch", t.goarch}, {"cpu", t.cpu}});
  j["toolchains"] = tcs;
  ojson ss = ojson::array();
  for (const auto& s : r.scenarios) {
    ojson sj;
    sj["id"] = s.id;
    sj["entry"] = s.entry;
    sj["title"] = s.title;
    if (!s.summary.empty()) sj["summary"] = s.summary;
    sj["file"] = s.file;
    sj["source_hash"] = s.source_hash;
    ojson cs = ojson::array();
    for (const auto& c : s.claims) {
      ojson cj{{"id", c.id}, {"text", c.text}, {"aspect", to_string(c.aspect)}};
      ojson verdicts = ojson::object(), evidence = ojson::object();
      for (const auto& [tc, v] : c.verdicts) {
        verdicts[tc] = to_string(v.verdict);
        evidence[tc] = verdict_json(v);
      }
      cj["verdicts"] = verdicts;
      if (!c.correction.empty()) cj["correction"] = c.correction;
      if (!c.holds_in.empty()) cj["holds_in"] = c.holds_in;
      cj["evidence"] = evidence;
      cs.push_back(cj);
    }
    sj["claims"] = cs;
    ojson vs = ojson::array();
    for (const auto& v : s.variants) {
      ojson vj{{"name", v.name}};
      if (!v.about.empty()) vj["about"] = v.about;
      if (!v.reconstructed.empty()) vj["reconstructed"] = v.reconstructed;
      if (!v.adapted.empty()) vj["adapted"] = v.adapted;
      if (!v.min_go.empty()) vj["min_go"] = v.min_go;
      ojson res = ojson::object();
      for (const auto& [tc, o] : v.results) res[tc] = observation_json(o);
      vj["results"] = res;
      vs.push_back(vj);
    }
    sj["variants"] = vs;
    ss.push_back(sj);
  }
  j["scenarios"] = ss;
  return j.dump(2) + "\n";
}

std::optional<Results> results_from_json(const std::string& text, std::string* err) {
  try {
    json j = json::parse(text);
    Results r;
    r.schema = j.at("schema").get<int>();
    if (r.schema != kResultsSchema) {
      *err = fmt::format("schema {} is not supported (this harness reads schema {})", r.schema, kResultsSchema);
      return std::nullopt;
    }
    r.generated_by = j.value("generated_by", "");
    r.date = j.value("date", "");
    r.quick = j.value("quick", false);
    for (const auto& t : j.at("toolchains"))
      r.toolchains.push_back(ToolchainInfo{t.at("version").get<std::string>(), t.at("goos").get<std::string>(),
                                           t.at("goarch").get<std::string>(), t.value("cpu", "")});
    for (const auto& sj : j.at("scenarios")) {
      ScenarioRecord s;
      s.id = sj.at("id").get<std::string>();
      s.entry = sj.at("entry").get<int>();
      s.title = sj.at("title").get<std::string>();
      s.summary = sj.value("summary", "");
      s.file = sj.value("file", "");
      s.source_hash = sj.value("source_hash", "");
      for (const auto& cj : sj.at("claims")) {
        ClaimRecord c;
        c.id = cj.at("id").get<std::string>();
        c.text = cj.at("text").get<std::string>();
        c.aspect = enum_from<Aspect>(cj.value("aspect", "symptom"), "aspect");
        c.correction = cj.value("correction", "");
        if (cj.contains("holds_in")) c.holds_in = cj.at("holds_in").get<std::vector<std::string>>();
        const json& ev = cj.contains("evidence") ? cj.at("evidence") : json::object();
        // "verdicts" is the documented contract and wins; "evidence" adds the detail.
        for (const auto& [tc, v] : cj.at("verdicts").items()) {
          ClaimVerdict cv = ev.contains(tc) ? verdict_from_json(ev.at(tc)) : ClaimVerdict{};
          cv.verdict = enum_from<Verdict>(v.get<std::string>(), "verdict");
          c.verdicts[tc] = cv;
        }
        s.claims.push_back(std::move(c));
      }
      for (const auto& vj : sj.at("variants")) {
        VariantRecord v;
        v.name = vj.at("name").get<std::string>();
        v.about = vj.value("about", "");
        v.reconstructed = vj.value("reconstructed", "");
        v.adapted = vj.value("adapted", "");
        v.min_go = vj.value("min_go", "");
        for (const auto& [tc, o] : vj.at("results").items()) v.results[tc] = observation_from(o);
        s.variants.push_back(std::move(v));
      }
      r.scenarios.push_back(std::move(s));
    }
    return r;
  } catch (const std::exception& e) {
    *err = fmt::format("not a results file of this harness: {}", e.what());
    return std::nullopt;
  }
}

}  // namespace eh

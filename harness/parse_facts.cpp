#include "parse_facts.h"

#include <charconv>

#include "text.h"

namespace eh {
namespace {

constexpr std::string_view kPrefix = "escape-harness: ";

/// Value of "key=" in a space-separated list of key=value fields.
std::optional<std::string_view> field(std::string_view s, std::string_view key) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t e = s.find(' ', i);
    if (e == std::string_view::npos) e = s.size();
    std::string_view f = s.substr(i, e - i);
    if (f.size() > key.size() && f.starts_with(key) && f[key.size()] == '=') return f.substr(key.size() + 1);
    i = e + 1;
  }
  return std::nullopt;
}

bool number(std::optional<std::string_view> s, std::int64_t& out) {
  if (!s) return false;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
  return ec == std::errc() && p == s->data() + s->size() && out >= 0;
}

/// pprof prints values with unit suffixes when it scales them ("1.20k").
bool pprof_value(std::string_view s, std::int64_t& out) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) return false;
  std::string_view unit = s.substr(static_cast<std::size_t>(p - s.data()));
  double scale = unit.empty() ? 1 : unit == "k" ? 1e3 : unit == "M" ? 1e6 : unit == "G" ? 1e9 : 0;
  // Anything not a count that fits in 64 bits is not a value pprof printed.
  if (scale == 0 || !(v >= 0) || v * scale >= 9.2e18) return false;
  out = static_cast<std::int64_t>(v * scale + 0.5);
  return true;
}

std::string frame_name(std::string_view s) {
  s = trim(s);
  if (s.ends_with(" (inline)")) s.remove_suffix(9);
  return std::string(s);
}

/// One fact line (the text after the prefix or the nonce) into `out`.
void parse_fact(std::string_view rest, HarnessFacts& out) {
  rest = trim(rest);
  if (rest.starts_with("counts ")) {
    AllocCounts c;
    if (number(field(rest, "calls"), c.calls) && c.calls > 0 && number(field(rest, "mallocs"), c.mallocs) &&
        number(field(rest, "bytes"), c.bytes)) {
      if (std::int64_t t = 0; number(field(rest, "tiny"), t)) c.tiny = t;
      out.counts = c;
    }
  } else if (rest.starts_with("profile ")) {
    if (auto v = field(rest, "allocator-frames"); v && (*v == "true" || *v == "false"))
      out.allocator_frames = *v == "true";
  } else if (rest.starts_with("holds ")) {
    // "holds value=true expr=<Go text to the end of the line>"
    auto value = field(rest, "value");
    auto expr = rest.find(" expr=");
    if (value && (*value == "true" || *value == "false") && expr != std::string_view::npos)
      out.holds[std::string(rest.substr(expr + 6))] = *value == "true";
  } else if (rest.starts_with("bench ")) {
    std::int64_t n = 0, ns = 0;
    std::int64_t mallocs = 0;
    if (number(field(rest, "n"), n) && n > 0 && number(field(rest, "ns"), ns)) out.bench_runs.emplace_back(n, ns);
    if (number(field(rest, "mallocs"), mallocs)) out.bench_mallocs += mallocs;
    if (std::int64_t tiny = 0; number(field(rest, "tiny"), tiny)) out.bench_tiny += tiny;
  } else if (rest.starts_with("site ")) {
    AllocSite s;
    auto stack = field(rest, "stack");
    if (!number(field(rest, "objects"), s.objects) || !number(field(rest, "bytes"), s.bytes) || !stack) return;
    if (auto size = field(rest, "size")) number(size, s.size);
    for (std::size_t b = 0; b <= stack->size();) {
      std::size_t e = stack->find(';', b);
      if (e == std::string_view::npos) e = stack->size();
      if (e > b) s.stack.emplace_back(stack->substr(b, e - b));
      b = e + 1;
    }
    if (auto where = field(rest, "at")) {
      auto colon = where->rfind(':');
      std::int64_t line_no = 0;
      if (colon != std::string_view::npos && number(where->substr(colon + 1), line_no) && line_no > 0) {
        s.at_file = std::string(where->substr(0, colon));
        s.at_line = static_cast<int>(line_no);
      }
    }
    if (!s.stack.empty()) out.sites.push_back(std::move(s));
  }
}

template <class F>
void each_line(std::string_view text, F f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    f(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
}

}  // namespace

HarnessFacts parse_harness_facts(std::string_view text) {
  HarnessFacts out;
  each_line(text, [&](std::string_view line) {
    if (auto at = line.find(kPrefix); at != std::string_view::npos) parse_fact(line.substr(at + kPrefix.size()), out);
  });
  return out;
}

HarnessFacts parse_records(std::string_view text, std::string_view nonce) {
  HarnessFacts out;
  each_line(text, [&](std::string_view line) {
    if (line.empty()) return;
    if (!nonce.empty() && line.size() > nonce.size() && line.starts_with(nonce) && line[nonce.size()] == ' ') {
      parse_fact(line.substr(nonce.size() + 1), out);
    } else if (out.foreign_lines++ == 0) {
      out.first_foreign = std::string(line.substr(0, 120));
    }
  });
  return out;
}

std::vector<BenchRound> bench_rounds(const std::vector<std::pair<std::int64_t, std::int64_t>>& runs) {
  std::vector<BenchRound> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    bool last = i + 1 == runs.size() || runs[i + 1].first == 1;
    if (last) out.push_back({runs[i].first, static_cast<double>(runs[i].second) / static_cast<double>(runs[i].first)});
  }
  return out;
}

std::vector<double> round_results(const std::vector<std::pair<std::int64_t, std::int64_t>>& runs) {
  std::vector<double> out;
  for (const BenchRound& r : bench_rounds(runs)) out.push_back(r.ns_per_op);
  return out;
}

std::vector<AllocSite> parse_pprof_traces(std::string_view text) {
  std::vector<AllocSite> out;
  bool in_sample = false;
  AllocSite cur;
  auto flush = [&] {
    if (in_sample && !cur.stack.empty()) out.push_back(cur);
    cur = AllocSite{};
    in_sample = false;
  };
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.starts_with("-----------+")) {
      flush();
      in_sample = true;
      continue;
    }
    if (!in_sample) continue;  // the header: File, Type, Time...
    std::string_view t = trim(line);
    if (t.empty()) continue;
    if (t.starts_with("bytes:")) {
      // The label pprof adds for the allocation size; sizes are read from
      // the alloc_space index elsewhere, so this only marks the sample.
      continue;
    }
    if (cur.stack.empty()) {
      // "<value>   <innermost frame>"
      auto sp = t.find_first_of(" \t");
      if (sp == std::string_view::npos || !pprof_value(t.substr(0, sp), cur.objects)) {
        in_sample = false;
        continue;
      }
      cur.stack.push_back(frame_name(t.substr(sp)));
    } else {
      cur.stack.push_back(frame_name(t));
    }
  }
  flush();
  return out;
}

}  // namespace eh

#include "parse_chains.h"

#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "parse_m.h"
#include "text.h"

namespace eh {
namespace {

bool is_subject(std::string_view m) {
  return m.find(" escapes to heap") != std::string_view::npos || m.starts_with("parameter ") ||
         m.starts_with("leaking param");
}

std::string strip_colon(std::string_view s) {
  if (s.ends_with(':')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

ChainStep parse_from_step(std::string_view text) {
  ChainStep step;
  auto at = text.rfind(" at ");
  if (at != std::string_view::npos) {
    CompilerLine pos;
    // Reuse the compiler-line parser on "file:line:col: x".
    std::string probe = std::string(text.substr(at + 4)) + ": x";
    if (parse_compiler_line(probe, pos)) {
      step.file = pos.file;
      step.line = pos.line;
      step.column = pos.column;
      text = text.substr(0, at);
    }
  }
  step.text = std::string(trim(text));
  return step;
}

std::string normalise_subject(std::string_view s) {
  std::string out = strip_colon(trim(s));
  if (auto in = out.find(" escapes to heap in "); in != std::string::npos) out.resize(in + 16);
  // "parameter p leaks to {storage for func literal} for f with derefs=0":
  // the function is the last " for " before " with derefs=".
  if (out.starts_with("parameter "))
    if (auto w = out.find(" with derefs="); w != std::string::npos)
      if (auto f = out.rfind(" for ", w); f != std::string::npos && out.find('}', f) == std::string::npos)
        out.erase(f, w - f);
  return out;
}

std::vector<EscapeChain> parse_m2_chains(std::string_view text) {
  std::vector<EscapeChain> out;
  EscapeChain* cur = nullptr;
  for (auto& l : parse_compiler_output(text)) {
    if (l.indent == 0) {
      cur = nullptr;
      // Only a subject the compiler goes on to explain ends in ':'.
      if (is_subject(l.message) && l.message.back() == ':') {
        out.push_back(EscapeChain{l.file, l.line, l.column, normalise_subject(l.message), {}});
        cur = &out.back();
      }
      continue;
    }
    if (!cur || l.file != cur->file || l.line != cur->line || l.column != cur->column) continue;
    std::string m = strip_colon(trim(l.message));
    if (m.starts_with("from ")) cur->steps.push_back(parse_from_step(m));
    else if (m.starts_with("flow: "))
      cur->steps.push_back(ChainStep{m, "", 0, 0});
  }
  return out;
}

namespace {

/// A position field of the log: an integer that fits an int, else 0. A
/// number such as 4.4e33 converted to int is undefined behaviour (found by
/// the parse_profile fuzz target).
int position(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    return v <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ? static_cast<int>(v) : 0;
  }
  if (it->is_number_integer()) {
    const auto v = it->get<std::int64_t>();
    return v >= 0 && v <= std::numeric_limits<int>::max() ? static_cast<int>(v) : 0;
  }
  return 0;
}

}  // namespace

std::vector<EscapeChain> parse_json_log_chains(std::string_view text, std::string_view root) {
  std::vector<EscapeChain> out;
  auto relative = [&](std::string uri) {
    if (uri.starts_with("file://")) uri.erase(0, 7);
    if (!root.empty() && uri.starts_with(root)) uri.erase(0, root.size());
    while (uri.starts_with("/")) uri.erase(0, 1);
    return uri;
  };
  std::string file;  // of the log's header line
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    try {
      if (j.contains("file") && j["file"].is_string()) {
        file = relative(j["file"].get<std::string>());
        continue;
      }
      const auto code = j.value("code", std::string());
      const auto message = j.value("message", std::string());
      if ((code != "escape" && code != "escapes" && code != "leak") || message.empty()) continue;
      if (!j.contains("range") || !j["range"].is_object()) continue;
      const auto& start = j["range"].value("start", nlohmann::json::object());
      if (!start.is_object()) continue;
      EscapeChain c;
      c.file = file;
      c.line = position(start, "line");
      c.column = position(start, "character");
      c.subject = normalise_subject(message);
      if (j.contains("relatedInformation") && j["relatedInformation"].is_array())
        for (const auto& r : j["relatedInformation"]) {
          if (!r.is_object()) continue;
          std::string m = r.value("message", std::string());
          if (!m.starts_with("escflow:")) continue;
          m = strip_colon(trim(m.substr(8)));
          ChainStep step{m, "", 0, 0};
          if (m.starts_with("from ") && r.contains("location") && r["location"].is_object()) {
            const auto& loc = r["location"];
            step.file = relative(loc.value("uri", std::string()));
            if (loc.contains("range") && loc["range"].is_object()) {
              const auto& s = loc["range"].value("start", nlohmann::json::object());
              if (s.is_object()) {
                step.line = position(s, "line");
                step.column = position(s, "character");
              }
            }
          }
          c.steps.push_back(std::move(step));
        }
      if (c.line > 0) out.push_back(std::move(c));
    } catch (const nlohmann::json::exception&) {
      // A field of an unexpected type: not a diagnostic this parser knows.
    }
  }
  return out;
}

}  // namespace eh

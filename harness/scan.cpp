#include "scan.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include "parse_m.h"

namespace eh {
namespace {

bool has_step(const std::vector<ChainStep>& chain, std::string_view what) {
  for (const auto& s : chain)
    if (s.text.find(what) != std::string::npos) return true;
  return false;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == ':')) s.remove_suffix(1);
  return std::string(s);
}

/// The target of the chain's last flow: "flow: result ← &{...}" (Go 1.20
/// on) or "flow: result = &{...}" (Go 1.19 and older) -> "result".
std::string last_flow_target(const std::vector<ChainStep>& chain) {
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if (it->text.starts_with("flow: ")) {
      std::string_view t = it->text;
      t.remove_prefix(6);
      auto arrow = t.find(" ← ");
      if (arrow == std::string_view::npos) arrow = t.find(" = ");
      return std::string(t.substr(0, arrow));
    }
  return "";
}

bool identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

std::string_view describe(Shape s) {
  switch (s) {
    case Shape::bytes_to_interface: return "[]byte(string) copied and passed on through an interface";
    case Shape::interface_boxing: return "a non-pointer value converted to an interface (boxing)";
    case Shape::address_taken: return "a variable moved to the heap because its address escapes";
    case Shape::fmt_argument: return "an argument boxed for fmt.Errorf, fmt.Sprintf and friends";
    case Shape::closure_capture: return "a closure escapes, or a variable it captures moves to the heap";
    case Shape::named_result: return "a value that escapes by being stored in a named result";
    case Shape::make_escape: return "a map or slice (make, append, a literal) escapes";
    case Shape::other: return "none of the catalog's shapes";
  }
  return "";
}

std::vector<std::pair<int, std::string>> catalog_entries(Shape s) {
  switch (s) {
    case Shape::bytes_to_interface: return {{1, "interface-upgrade"}};
    case Shape::interface_boxing: return {{2, "variadic-any"}};
    case Shape::address_taken: return {{3, "param-address"}};
    case Shape::fmt_argument: return {{4, "error-wrapper"}, {10, "reflect-tax"}};
    case Shape::closure_capture: return {{5, "closure-capture"}, {13, "deferred-closure"}};
    case Shape::named_result: return {{9, "named-result"}};
    case Shape::make_escape: return {{8, "map-by-key"}, {12, "map-growth"}};
    case Shape::other: return {};
  }
  return {};
}

bool fmt_call(const std::vector<ChainStep>& chain) {
  for (const auto& s : chain)
    if (s.text.starts_with("from fmt.") && s.text.ends_with("(call parameter)")) return true;
  return false;
}

/// The chain ends in a call whose callee the compiler cannot see: a method
/// called through an interface, which -m=2 writes as a selector on a value
/// ("from w.Write(([]byte)(s)) (call parameter)"). Calls it can see are
/// written as functions or method expressions ("HTMLEscape(&b, ...)",
/// "(*decodeState).literalStore(d, ...)") and go on to the callee's own
/// flow. A call of another package's function ("pkg.F(...)") reads like a
/// method call; the receiver's type is not in the output, so such a call is
/// counted here too when it sends its argument straight to the heap.
bool interface_call(const std::vector<ChainStep>& chain) {
  if (chain.empty() || !chain.back().text.ends_with(" (call parameter)")) return false;
  if (!chain.front().text.starts_with("flow: {heap} ")) return false;
  std::string_view call = chain.back().text;
  call.remove_prefix(5);  // "from "
  auto paren = call.find('(');
  if (paren == std::string_view::npos || paren == 0) return false;  // "(*T).m(...)"
  std::string_view callee = call.substr(0, paren);
  return callee.find('.') != std::string_view::npos;
}

/// The value ends up stored in a variable and the chain stops there: no
/// return step, no {heap}. The variable outlives the allocation: it is the
/// function's named result, or a variable that moved to the heap, or one
/// declared outside the loop the allocation is in.
bool into_variable(const std::vector<ChainStep>& chain) {
  std::string target = last_flow_target(chain);
  return identifier(target) && !has_step(chain, "(return)") && !has_step(chain, "{heap}");
}

bool container_subject(std::string_view subject) {
  return subject.starts_with("make(") || subject.starts_with("append") || subject.starts_with("map[") ||
         subject.starts_with("[]");
}

/// The text of a bracketed group starting at s[i] (one of ( [ {), without
/// the brackets; i is left after the closing one. Strings, runes and
/// comments are skipped; nothing else of Go's syntax matters here.
std::optional<std::string_view> group(std::string_view s, std::size_t& i) {
  if (i >= s.size()) return std::nullopt;
  const std::size_t begin = i + 1;
  int depth = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      i = s.find('\n', i);
      if (i == std::string_view::npos) return std::nullopt;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      i = s.find("*/", i + 2);
      if (i == std::string_view::npos) return std::nullopt;
      ++i;
    } else if (c == '"' || c == '\'' || c == '`') {
      for (++i; i < s.size() && s[i] != c; ++i)
        if (c != '`' && s[i] == '\\') ++i;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) {
        ++i;
        return s.substr(begin, i - 1 - begin);
      }
    }
  }
  return std::nullopt;
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
}

std::vector<std::string> named_results(std::string_view source, int line) {
  // The nearest line at or before `line` (1-based) that starts with "func ":
  // the top-level declaration around it.
  std::size_t decl = std::string_view::npos;
  std::size_t pos = 0;
  for (int l = 1; l <= line && pos < source.size(); ++l) {
    if (source.substr(pos).starts_with("func ")) decl = pos;
    pos = source.find('\n', pos);
    if (pos == std::string_view::npos) break;
    ++pos;
  }
  if (decl == std::string_view::npos) return {};
  std::size_t i = decl + 5;
  skip_space(source, i);
  if (i < source.size() && source[i] == '(' && !group(source, i)) return {};  // the receiver
  skip_space(source, i);
  while (i < source.size() && (std::isalnum(static_cast<unsigned char>(source[i])) || source[i] == '_')) ++i;
  if (i < source.size() && source[i] == '[' && !group(source, i)) return {};   // type parameters
  if (i >= source.size() || source[i] != '(' || !group(source, i)) return {};  // the parameters
  while (i < source.size() && (source[i] == ' ' || source[i] == '\t')) ++i;
  if (i >= source.size() || source[i] != '(') return {};  // no results, or one unnamed type
  auto results = group(source, i);
  if (!results) return {};
  // "proxy, dst net.Addr, err error": named when some part is "name type".
  std::vector<std::string> names;
  bool named = false;
  std::size_t start = 0;
  int depth = 0;
  std::string_view r = *results;
  for (std::size_t k = 0; k <= r.size(); ++k) {
    char c = k < r.size() ? r[k] : ',';
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c != ',' || depth != 0) continue;
    std::string part = trim(r.substr(start, k - start));
    start = k + 1;
    if (part.empty()) continue;
    auto space = part.find_first_of(" \t\n");
    std::string first = part.substr(0, space);
    const bool keyword = first == "chan" || first == "func" || first == "struct" || first == "interface";
    if (space != std::string::npos && identifier(first) && !keyword) named = true;
    names.push_back(first);
  }
  if (!named) return {};
  return names;
}

bool static_subject(std::string_view message) {
  auto end = message.find(" escapes to heap");
  if (end == std::string_view::npos || message.starts_with("moved to heap: ")) return false;
  std::string_view s = message.substr(0, end);
  if (s.empty()) return false;
  if (s == "struct {}{}" || s == "true" || s == "false" || s == "nil") return true;
  // The compiler prints constants as their values: "text", `raw`, 'r', 42, -1.5, 0x10.
  // A string constant is one literal: a concatenation has a '+' outside it.
  if (s.front() == '"' || s.front() == '`') {
    char q = s.front();
    std::size_t i = 1;
    for (; i < s.size(); ++i) {
      if (q == '"' && s[i] == '\\') {
        ++i;
        continue;
      }
      if (s[i] == q) break;
    }
    return i == s.size() - 1;
  }
  if (s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  if (s.front() == '\'') return s.size() >= 3 && s.back() == '\'';
  if (!(s.front() >= '0' && s.front() <= '9')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' || c == '-')) return false;
  return true;
}

Shape classify(std::string_view message, const std::vector<ChainStep>& chain) {
  if (message.starts_with("moved to heap: "))
    return has_step(chain, "(captured by a closure)") ? Shape::closure_capture : Shape::address_taken;
  std::string_view subject = message.substr(0, message.find(" escapes to heap"));
  if (subject == "func literal") return Shape::closure_capture;
  if (subject.starts_with("([]byte)(") || subject.starts_with("[]byte("))
    return interface_call(chain) ? Shape::bytes_to_interface : Shape::other;
  if (subject == "... argument") return fmt_call(chain) ? Shape::fmt_argument : Shape::interface_boxing;
  // Expressions that allocate storage of their own.
  const bool container = container_subject(subject);
  const bool allocates = container || subject.starts_with("&") || subject.starts_with("new(") ||
                         subject.starts_with("string(") || subject.find(" + ") != std::string_view::npos;
  if (allocates) {
    if (into_variable(chain)) return Shape::named_result;  // settled by EscapeScanner
    return container ? Shape::make_escape : Shape::other;
  }
  // A value (a variable, a constant, a conversion, a struct literal) gets
  // storage of its own only when it is boxed into an interface.
  if (has_step(chain, "(interface-converted)") || has_step(chain, "&{storage for") || has_step(chain, "panic("))
    return fmt_call(chain) ? Shape::fmt_argument : Shape::interface_boxing;
  return Shape::other;
}

void EscapeScanner::feed(std::string_view chunk) {
  bytes_ += static_cast<long long>(chunk.size());
  while (!chunk.empty()) {
    const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
    if (!nl) {
      partial_.append(chunk);
      return;
    }
    std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data());
    if (partial_.empty()) {
      line(chunk.substr(0, n));
    } else {
      partial_.append(chunk.substr(0, n));
      line(partial_);
      partial_.clear();
    }
    chunk.remove_prefix(n + 1);
  }
}

/// A value whose chain ends at a variable X (no return, no {heap}) escapes
/// because X outlives it. Which X is known only once the package's output is
/// read (the "moved to heap: X" line may come later) and with the source:
///  - X moved to the heap itself: the value takes X's shape (closure-capture,
///    address-taken), the reason its storage is on the heap;
///  - X is a named result of the function around the store: named-result;
///  - otherwise X is declared outside the loop the allocation is in (or the
///    source cannot be read): make-escape for a map or slice, other else.
void EscapeScanner::settle_package() {
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<int, Shape>>> moved;  // (file, name)
  for (std::size_t i = package_begin_; i < findings_.size(); ++i) {
    const Finding& f = findings_[i];
    if (f.message.starts_with("moved to heap: ")) moved[{f.file, f.message.substr(15)}].emplace_back(f.line, f.shape);
  }
  std::map<std::string, std::optional<std::string>> sources;  // read once per package
  for (std::size_t i = package_begin_; i < findings_.size(); ++i) {
    Finding& f = findings_[i];
    if (f.shape != Shape::named_result) continue;
    std::string file = f.file;
    int line = f.line;
    for (const auto& st : f.chain)
      if (st.line > 0) {
        file = st.file;
        line = st.line;
      }
    const std::string target = last_flow_target(f.chain);
    if (auto it = moved.find({file, target}); it != moved.end()) {
      // The declaration nearest before the store.
      const std::pair<int, Shape>* best = nullptr;
      for (const auto& m : it->second)
        if (m.first <= line && (!best || m.first > best->first)) best = &m;
      if (best) {
        f.shape = best->second;
        continue;
      }
    }
    bool named = false;
    if (source_) {
      auto [src, inserted] = sources.try_emplace(file);
      if (inserted) src->second = source_(file);
      if (src->second)
        for (const auto& n : named_results(*src->second, line)) named |= n == target;
    }
    if (!named) {
      std::string_view subject = f.message;
      f.shape = container_subject(subject) ? Shape::make_escape : Shape::other;
    }
  }
  package_begin_ = findings_.size();
}

void EscapeScanner::finish() {
  if (!partial_.empty()) line(partial_);
  partial_.clear();
  settle_package();
  // go build compiles packages in parallel and prints each as it finishes:
  // order the findings so two scans of the same code read alike.
  std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.package, a.file, a.line, a.column, a.message) <
           std::tie(b.package, b.file, b.line, b.column, b.message);
  });
}

void EscapeScanner::line(std::string_view text) {
  ++lines_;
  if (text.starts_with("# ")) {
    // A new package: the previous one's explanations are done with.
    settle_package();
    package_ = std::string(
        text.substr(2, text.find(' ', 2) == std::string_view::npos ? std::string_view::npos : text.find(' ', 2) - 2));
    explained_.clear();
    seen_.clear();
    current_ = nullptr;
    return;
  }
  CompilerLineView v;
  if (!parse_compiler_line(text, v)) return;
  if (v.indent > 0) {
    if (!current_ || std::get<0>(current_key_) != v.file || std::get<1>(current_key_) != v.line ||
        std::get<2>(current_key_) != v.column)
      return;
    std::string m = trim(v.message);
    if (m.starts_with("from ")) {
      current_->push_back(parse_from_step(m));
    } else if (m.starts_with("flow: ")) {
      current_->push_back(ChainStep{m, "", 0, 0});
    }
    return;
  }
  current_ = nullptr;
  std::string_view m = v.message;
  if (m.ends_with(":")) {
    // An explanation follows: "x escapes to heap in f:".
    if (m.find(" escapes to heap") == std::string_view::npos) return;
    current_key_ = Key{std::string(v.file), v.line, v.column, normalise_subject(m)};
    current_ = &explained_[current_key_];
    current_->clear();
    return;
  }
  const bool moved = m.starts_with("moved to heap: ");
  if (!moved && !m.ends_with(" escapes to heap")) return;
  auto seen_key = std::make_tuple(std::string(v.file), v.line, v.column, std::string(m));
  if (!seen_.insert(seen_key).second) return;
  std::string subject = moved ? std::string(m.substr(15)) + " escapes to heap" : std::string(m);
  Finding f;
  f.package = package_;
  f.file = std::string(v.file);
  f.line = v.line;
  f.column = v.column;
  f.message = std::string(m);
  if (auto it = explained_.find(Key{f.file, f.line, f.column, subject}); it != explained_.end()) {
    f.chain = it->second;
  } else {
    // Level 1 may abbreviate what -m=2 explains in full ("append escapes to
    // heap" for "append(buf, x) escapes to heap in f:"): take the
    // explanation at the same place whose subject extends it.
    std::string stem = subject.substr(0, subject.find(" escapes to heap"));
    for (auto e = explained_.lower_bound(Key{f.file, f.line, f.column, ""});
         e != explained_.end() && std::get<0>(e->first) == f.file && std::get<1>(e->first) == f.line &&
         std::get<2>(e->first) == f.column;
         ++e)
      if (std::get<3>(e->first).starts_with(stem + "(")) {
        f.chain = e->second;
        break;
      }
  }
  f.shape = classify(f.message, f.chain);
  f.static_data = (f.shape == Shape::interface_boxing || f.shape == Shape::fmt_argument) && static_subject(f.message);
  findings_.push_back(std::move(f));
}

}  // namespace eh

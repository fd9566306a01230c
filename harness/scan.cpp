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

/// Without leading blanks, and without trailing blanks and colons.
std::string trim_blanks_colons(std::string_view s) {
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

/// The source from (line, column) to the end of that line (1-based, the
/// column in bytes as the compiler counts it); empty when out of range.
std::string_view text_at(std::string_view src, int line, int column) {
  std::size_t pos = 0;
  for (int l = 1; l < line; ++l) {
    pos = src.find('\n', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  auto eol = src.find('\n', pos);
  std::string_view text = src.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
  if (column < 1 || static_cast<std::size_t>(column - 1) > text.size()) return {};
  return text.substr(static_cast<std::size_t>(column - 1));
}

std::string_view word_at(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '.')) ++j;
  return s.substr(i, j - i);
}

/// The type written after `name` in a parameter list or a var declaration
/// ("ok bool", "a, b byte", "var l level"); empty when there is none.
std::string type_after(std::string_view s, std::size_t i) {
  for (;;) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i < s.size() && s[i] == ',') {  // "a, b byte": the type comes after the list
      ++i;
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      std::string_view next = word_at(s, i);
      if (next.empty() || !identifier(next)) return "";
      i += next.size();
      continue;
    }
    break;
  }
  if (s.substr(i).starts_with("struct{}") || s.substr(i).starts_with("struct {}")) return "struct{}";
  std::string_view type = word_at(s, i);
  return identifier(type) || type.find('.') != std::string_view::npos ? std::string(type) : "";
}

bool whole_word_at(std::string_view s, std::size_t at, std::string_view name) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; };
  return (at == 0 || !word(s[at - 1])) && (at + name.size() >= s.size() || !word(s[at + name.size()]));
}

/// The declared type of variable `name` in the function around `line`: a
/// parameter, a receiver or a `var` in its body; empty when not found.
std::string declared_type(std::string_view src, int line, std::string_view name) {
  std::size_t decl = std::string_view::npos, pos = 0, end = src.size();
  for (int l = 1; pos < src.size(); ++l) {
    if (l <= line && src.substr(pos).starts_with("func ")) decl = pos;
    auto nl = src.find('\n', pos);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
    if (l == line) {
      end = nl;
      break;
    }
  }
  if (decl == std::string_view::npos) return "";
  std::string_view fn = src.substr(decl, end - decl);
  std::string found;
  for (std::size_t at = fn.find(name); at != std::string_view::npos; at = fn.find(name, at + 1)) {
    if (!whole_word_at(fn, at, name)) continue;
    std::size_t b = at;
    while (b > 0 && (fn[b - 1] == ' ' || fn[b - 1] == '\t')) --b;
    const bool param = b > 0 && (fn[b - 1] == '(' || fn[b - 1] == ',');
    const bool var = b >= 3 && fn.substr(b - 3, 3) == "var";
    if (!param && !var) continue;
    if (std::string t = type_after(fn, at + name.size()); !t.empty()) found = t;
  }
  return found;
}

enum class BoxedKind { unknown, single_byte, zero_size, integer };

/// What a value of `type` boxes to; named types are looked up in `src`.
BoxedKind boxed_kind(std::string_view src, const std::string& type, int depth = 0) {
  static const std::set<std::string_view> single = {"bool", "byte", "uint8", "int8"};
  static const std::set<std::string_view> integer = {"int",    "int16",  "int32",  "int64",   "uint",
                                                     "uint16", "uint32", "uint64", "uintptr", "rune"};
  if (type.empty() || depth > 3) return BoxedKind::unknown;
  if (single.count(type)) return BoxedKind::single_byte;
  if (integer.count(type)) return BoxedKind::integer;
  if (type == "struct{}") return BoxedKind::zero_size;
  if (!identifier(type)) return BoxedKind::unknown;
  // "type T U" at the top level, or "\tT U" inside a "type (" block.
  bool in_block = false;
  for (std::size_t pos = 0; pos < src.size();) {
    auto nl = src.find('\n', pos);
    std::string_view l = src.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? src.size() : nl + 1;
    if (l.starts_with("type (")) {
      in_block = true;
      continue;
    }
    if (in_block && l.starts_with(")")) in_block = false;
    std::size_t at;
    if (l.starts_with("type ")) at = 5;
    else if (in_block && l.starts_with("\t") && !l.starts_with("\t\t"))
      at = 1;
    else
      continue;
    if (l.substr(at, type.size()) != type || at + type.size() >= l.size() || l[at + type.size()] != ' ') continue;
    return boxed_kind(src, type_after(l, at + type.size()), depth + 1);
  }
  return BoxedKind::unknown;
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
    case Shape::make_escape: return "a map (make or a literal) escapes";
    case Shape::other: return "none of the catalog's shapes";
    case Shape::append_growth: return "a slice grown by append that is stored or returned";
    case Shape::returned_pointer: return "a &T{} or new(T) returned or stored beyond its function";
    case Shape::string_concat: return "a string built with + that is returned or stored";
    case Shape::string_conversion: return "a string(b) or []byte(s) conversion that is returned or stored";
    case Shape::slice_make: return "a slice made by make or a literal that escapes";
  }
  return "";
}

std::string_view remedy(Shape s) {
  switch (s) {
    case Shape::append_growth: return "pre-size the slice (make with a capacity) or reuse one across calls";
    case Shape::returned_pointer: return "return the value instead of a pointer, or let the caller pass the storage in";
    case Shape::string_concat: return "append to a caller's []byte or a strings.Builder sized once";
    case Shape::string_conversion: return "keep []byte or string throughout, or convert once at the boundary";
    case Shape::slice_make: return "give make a constant size, or reuse the slice across calls";
    default: return "";
  }
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
    default: return {};
  }
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

/// The shape of an expression that allocates storage of its own, when it
/// escapes by being returned or stored ("append(s, x) escapes to heap").
Shape storage_shape(std::string_view subject) {
  if (subject.starts_with("append")) return Shape::append_growth;
  if (subject.starts_with("make(map") || subject.starts_with("map[")) return Shape::make_escape;
  if (subject.starts_with("make(") || subject.starts_with("[]")) return Shape::slice_make;
  if (subject.starts_with("&") || subject.starts_with("new(")) return Shape::returned_pointer;
  if (subject.starts_with("string(") || subject.starts_with("([]byte)(") || subject.starts_with("[]byte("))
    return Shape::string_conversion;
  if (subject.find(" + ") != std::string_view::npos) return Shape::string_concat;
  return Shape::other;
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

/// The function declared around `line`, named as -m=2 names it from go1.20
/// on ("F", "(*T).M", "T.M"), for output that does not name it (go1.19's
/// "x escapes to heap:"); empty outside a function. A closure is named by
/// the function it is in.
std::string enclosing_function(std::string_view src, int line) {
  std::size_t decl = std::string_view::npos, pos = 0;
  for (int l = 1; l <= line && pos < src.size(); ++l) {
    if (src.substr(pos).starts_with("func ")) decl = pos;
    pos = src.find('\n', pos);
    if (pos == std::string_view::npos) break;
    ++pos;
  }
  if (decl == std::string_view::npos) return "";
  std::size_t i = decl + 5;
  std::string receiver;
  if (i < src.size() && src[i] == '(') {
    auto r = group(src, i);
    if (!r) return "";
    std::string_view t = *r;
    // "(w *Writer)", "(*Writer)", "(s stringWriter)", "(l *List[T])": the type, without parameters.
    auto sp = t.find_last_of(" \t");
    if (sp != std::string_view::npos) t = t.substr(sp + 1);
    if (auto br = t.find('['); br != std::string_view::npos) t = t.substr(0, br);
    receiver = t.starts_with("*") ? "(" + std::string(t) + ")." : std::string(t) + ".";
    skip_space(src, i);
  }
  std::size_t b = i;
  while (i < src.size() && (std::isalnum(static_cast<unsigned char>(src[i])) || src[i] == '_')) ++i;
  if (i == b) return "";
  return receiver + std::string(src.substr(b, i - b));
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
    std::string part = trim_blanks_colons(r.substr(start, k - start));
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
    return interface_call(chain) ? Shape::bytes_to_interface : Shape::string_conversion;
  if (subject == "... argument") return fmt_call(chain) ? Shape::fmt_argument : Shape::interface_boxing;
  // Expressions that allocate storage of their own.
  const bool container = container_subject(subject);
  const bool allocates = container || subject.starts_with("&") || subject.starts_with("new(") ||
                         subject.starts_with("string(") || subject.find(" + ") != std::string_view::npos;
  if (allocates) {
    if (into_variable(chain)) return Shape::named_result;  // settled by EscapeScanner
    return storage_shape(subject);
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
  Sources sources;  // read once per package
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
    if (const std::string* src = source_of(file, sources))
      for (const auto& n : named_results(*src, line)) named |= n == target;
    if (!named) f.shape = storage_shape(f.message);
  }
  for (std::size_t i = package_begin_; i < findings_.size(); ++i) {
    Finding& f = findings_[i];
    if (f.function.empty())
      if (const std::string* src = source_of(f.file, sources)) f.function = enclosing_function(*src, f.line);
    if (f.message.starts_with("&errors.errorString{...} ") && has_step(f.chain, "fmt.err")) {
      settle_errorf(f, sources);
    } else if (f.shape == Shape::interface_boxing || f.shape == Shape::fmt_argument) {
      settle_boxing(f, sources);
    }
  }
  merge_generated();
  package_begin_ = findings_.size();
}

/// fmt.Errorf is inlined from go1.26 on, its no-formatting branch with it:
/// "return errors.New(format)" reports &errors.errorString{...} at the call.
/// fmt.errorf returns nil, and that branch runs, only when the call has no
/// arguments and its format no '%' (fmt/errors.go). With arguments (the
/// call's "... argument" at the same position) or a '%', the allocation is
/// inside fmt.errorf, not here; with a constant message it is a real 16 B per
/// call that a sentinel error would save (entry 4).
void EscapeScanner::settle_errorf(Finding& f, Sources& sources) {
  if (variadic_.count({f.file, f.line, f.column})) {
    f.allocation = Allocation::no;
    f.note = "fmt.Errorf with arguments: its inlined errors.New branch never runs (fmt.errorf allocates instead)";
    f.shape = Shape::fmt_argument;
    return;
  }
  f.shape = Shape::fmt_argument;
  const std::string* src = source_of(f.file, sources);
  if (!src) return;
  // The compiler points at the call's '(' (or at "fmt.Errorf(" itself).
  std::string_view call = text_at(*src, f.line, f.column);
  if (auto paren = call.find('('); paren != std::string_view::npos) call.remove_prefix(paren);
  else
    return;
  auto quote = call.find_first_of("\"`");
  if (quote == std::string_view::npos || call.substr(0, quote).find_first_not_of("( \t") != std::string_view::npos)
    return;
  const char q = call[quote];
  auto end = call.find(q, quote + 1);
  if (end != std::string_view::npos && call.substr(quote, end - quote).find('%') != std::string_view::npos) {
    f.allocation = Allocation::no;
    f.note = "fmt.Errorf with a '%' in its format: its inlined errors.New branch never runs";
  }
}

/// Values that box into an interface without allocating: single-byte and
/// zero-size values point at static data (runtime.staticuint64s,
/// runtime.zerobase); integers below 256 do too, larger ones allocate.
void EscapeScanner::settle_boxing(Finding& f, Sources& sources) {
  const std::string subject = f.message.substr(0, f.message.find(" escapes to heap"));
  if (static_subject(f.message)) {
    f.allocation = Allocation::no;
    f.note = "a constant: read-only data, nothing is allocated";
    return;
  }
  const std::string* src = source_of(f.file, sources);
  BoxedKind kind = BoxedKind::unknown;
  if (subject.ends_with("{}") && subject.find('{') == subject.size() - 2) {
    const std::string type = subject.substr(0, subject.size() - 2);
    if (type.find('.') != std::string::npos) {
      f.allocation = Allocation::unlikely;
      f.note = "an empty literal of another package's type: zero-size, and no allocation, when the type has no fields";
      return;
    }
    kind = src ? boxed_kind(*src, type) : BoxedKind::unknown;
  } else if (identifier(subject) && src) {
    kind = boxed_kind(*src, declared_type(*src, f.line, subject));
  }
  switch (kind) {
    case BoxedKind::single_byte:
      f.allocation = Allocation::no;
      f.note = "a single-byte value: it boxes to static data (runtime.staticuint64s), nothing is allocated";
      break;
    case BoxedKind::zero_size:
      f.allocation = Allocation::no;
      f.note = "a zero-size value: it boxes to runtime.zerobase, nothing is allocated";
      break;
    case BoxedKind::integer:
      f.allocation = Allocation::unlikely;
      f.note = "an integer: values below 256 box to static data, larger ones allocate";
      break;
    case BoxedKind::unknown: break;
  }
}

/// A wrapper the compiler generates for a promoted method (<autogenerated>:1)
/// inlines the wrapped method and reports its allocations again: the same
/// message is already reported at the wrapped method's line.
void EscapeScanner::merge_generated() {
  // "(*Outer).Read" wraps "(*Inner).Read": the method's name and the message
  // match; a finding with no function never merges.
  auto method = [](const std::string& function) {
    auto dot = function.rfind('.');
    return dot == std::string::npos ? function : function.substr(dot + 1);
  };
  std::set<std::pair<std::string, std::string>> real;  // (method, message)
  for (std::size_t i = package_begin_; i < findings_.size(); ++i)
    if (findings_[i].file != "<autogenerated>" && !findings_[i].function.empty())
      real.emplace(method(findings_[i].function), findings_[i].message);
  auto first = findings_.begin() + static_cast<std::ptrdiff_t>(package_begin_);
  auto end = std::remove_if(first, findings_.end(), [&](const Finding& f) {
    return f.file == "<autogenerated>" && !f.function.empty() && real.count({method(f.function), f.message});
  });
  merged_generated_ += findings_.end() - end;
  findings_.erase(end, findings_.end());
}

const std::string* EscapeScanner::source_of(const std::string& file, Sources& sources) {
  if (!source_ || file == "<autogenerated>") return nullptr;
  auto [src, inserted] = sources.try_emplace(file);
  if (inserted) src->second = source_(file);
  return src->second ? &*src->second : nullptr;
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
    functions_.clear();
    variadic_.clear();
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
    std::string m = trim_blanks_colons(v.message);
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
    if (auto in = m.rfind(" escapes to heap in "); in != std::string_view::npos)
      functions_[current_key_] = std::string(m.substr(in + 20, m.size() - in - 21));
    return;
  }
  if (m.starts_with("... argument ")) variadic_.insert({std::string(v.file), v.line, v.column});
  const bool moved = m.starts_with("moved to heap: ");
  if (keep_notes_ && m.ends_with(" does not escape") && !m.starts_with("leaking param"))
    notes_.push_back(CompilerNote{std::string(v.file), v.line, v.column, std::string(m)});
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
    if (auto fn = functions_.find(it->first); fn != functions_.end()) f.function = fn->second;
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
        if (auto fn = functions_.find(e->first); fn != functions_.end()) f.function = fn->second;
        break;
      }
  }
  f.shape = classify(f.message, f.chain);
  findings_.push_back(std::move(f));
}

}  // namespace eh

#pragma once
// scan: the catalog's shapes in a real code base. The -m=2 output of a
// module's packages is read as a stream (memory grows with one package's
// explanations, not with the output), every heap allocation the compiler
// reports ("x escapes to heap", "moved to heap: x") becomes a Finding with
// its why-chain, and each is classified into one of the catalog's shapes.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "names.h"
#include "parse_chains.h"

namespace eh {

enum class Shape {
  bytes_to_interface,  // entry 1: []byte(s) passed on through an interface
  interface_boxing,    // entry 2: a non-pointer value converted to an interface
  address_taken,       // entry 3: a variable moved to the heap because its address escapes
  fmt_argument,        // entries 4, 10: an argument boxed for fmt.Errorf, fmt.Sprintf, ...
  closure_capture,     // entries 5, 13: a closure, or a variable it captures, escapes
  named_result,        // entry 9: a value that escapes by being stored in a named result
  make_escape,         // entries 8, 12: a map (make or a literal) escapes
  other,
  // The harness's own shapes: no catalog entry describes them.
  append_growth,      // a slice grown by append, stored or returned
  returned_pointer,   // a &T{} or new(T) returned or stored beyond its function
  string_concat,      // a string built with + that escapes
  string_conversion,  // string(b) or []byte(s) returned or stored
  slice_make,         // a slice made by make or a literal escapes
};
constexpr std::array<Named<Shape>, 13> enum_names(Shape) {
  return {{{Shape::bytes_to_interface, "bytes-to-interface"},
           {Shape::interface_boxing, "interface-boxing"},
           {Shape::address_taken, "address-taken"},
           {Shape::fmt_argument, "fmt-argument"},
           {Shape::closure_capture, "closure-capture"},
           {Shape::named_result, "named-result"},
           {Shape::make_escape, "make-escape"},
           {Shape::other, "other"},
           {Shape::append_growth, "append-growth"},
           {Shape::returned_pointer, "returned-pointer"},
           {Shape::string_concat, "string-concat"},
           {Shape::string_conversion, "string-conversion"},
           {Shape::slice_make, "slice-make"}}};
}
inline constexpr int kShapeCount = static_cast<int>(enum_names(Shape{}).size());

/// One line about what the shape is, for reports.
std::string_view describe(Shape s);
/// The remedy the harness suggests for a shape no catalog entry describes;
/// empty for the catalog's shapes (their entries say it).
std::string_view remedy(Shape s);
/// The catalog entries (and scenario ids) that show the shape.
std::vector<std::pair<int, std::string>> catalog_entries(Shape s);

/// Whether a reported heap allocation allocates at run time.
enum class Allocation {
  yes,
  no,        // reported as escaping, but nothing is allocated at this position
  unlikely,  // allocates only for some values (an integer boxed below 256 does not)
};
constexpr std::array<Named<Allocation>, 3> enum_names(Allocation) {
  return {{{Allocation::yes, "yes"}, {Allocation::no, "no"}, {Allocation::unlikely, "unlikely"}}};
}

struct Finding {
  std::string package;  // from the "# pkg" header
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;   // "x escapes to heap", "moved to heap: x"
  std::string function;  // from -m=2's "... escapes to heap in F:" header; empty without one
  Shape shape = Shape::other;
  /// Whether it allocates, and why not when it does not: a constant, a
  /// single-byte or zero-size value boxed into an interface is read-only data
  /// (measured 0 allocs/op, tests/fixtures/profile); fmt.Errorf's inlined
  /// errors.New branch never runs when the call has arguments.
  Allocation allocation = Allocation::yes;
  std::string note;              // the reason, when allocation is not yes
  std::vector<ChainStep> chain;  // -m=2's explanation; empty when it gave none

  friend bool operator==(const Finding&, const Finding&) = default;
};

/// A message the compiler printed that is not a heap allocation ("make([]byte,
/// n) does not escape"): the reason a heap allocation without an escape
/// message surprises.
struct CompilerNote {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
};

/// Classifies one heap allocation by its message and chain (pure). A value
/// whose chain ends in a variable comes out as named_result, a candidate:
/// EscapeScanner settles it with the rest of the package and the source.
Shape classify(std::string_view message, const std::vector<ChainStep>& chain);

/// The named results of the top-level function declared around `line` of Go
/// source ("func f() (cfg *Config, ok bool)" -> cfg, ok); empty when they are
/// unnamed or the line is outside a function.
std::vector<std::string> named_results(std::string_view source, int line);

/// Whether the escaping subject is a constant or an empty struct literal,
/// which the compiler boxes without allocating ("\"x\" escapes to heap",
/// "1000 escapes to heap", "struct {}{} escapes to heap").
bool static_subject(std::string_view message);

/// Reads -m=2 output in chunks of any size.
class EscapeScanner {
 public:
  /// The text of a source file as the compiler names it (relative to the
  /// directory go ran in, or absolute); nullopt when it cannot be read.
  using SourceReader = std::function<std::optional<std::string>(const std::string& file)>;

  EscapeScanner() = default;
  /// With a reader, a value stored in a variable is checked against the
  /// function's named results; without, it is never called named-result.
  explicit EscapeScanner(SourceReader source) : source_(std::move(source)) {}

  void feed(std::string_view chunk);
  /// Call once at the end of the output: the findings are then ordered by
  /// package, file, line, column and message.
  void finish();

  const std::vector<Finding>& findings() const { return findings_; }
  /// Findings at <autogenerated>:1 (a promoted method's wrapper) that repeat
  /// a finding of the wrapped method in the same package: merged into it.
  long merged_generated() const { return merged_generated_; }
  /// "x does not escape" messages, when kept (keep_notes()).
  const std::vector<CompilerNote>& notes() const { return notes_; }
  void keep_notes() { keep_notes_ = true; }
  long long bytes() const { return bytes_; }
  long long lines() const { return lines_; }

 private:
  using Sources = std::map<std::string, std::optional<std::string>>;  // read once per package
  void line(std::string_view text);
  void settle_package();
  void settle_errorf(Finding& f, Sources& sources);
  void settle_boxing(Finding& f, Sources& sources);
  void merge_generated();
  const std::string* source_of(const std::string& file, Sources& sources);

  using Key = std::tuple<std::string, int, int, std::string>;  // file, line, column, subject
  std::string partial_;                                        // an incomplete last line
  std::string package_;
  std::map<Key, std::vector<ChainStep>> explained_;  // this package's explanations
  std::vector<ChainStep>* current_ = nullptr;
  Key current_key_;
  std::set<std::tuple<std::string, int, int, std::string>> seen_;  // this package's findings
  std::set<std::tuple<std::string, int, int>> variadic_;           // "... argument" positions
  std::map<Key, std::string> functions_;                           // explanation -> function
  long merged_generated_ = 0;
  bool keep_notes_ = false;
  std::vector<CompilerNote> notes_;
  std::vector<Finding> findings_;
  std::size_t package_begin_ = 0;  // this package's first finding
  SourceReader source_;
  long long bytes_ = 0;
  long long lines_ = 0;
};

}  // namespace eh

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
  make_escape,         // entries 8, 12: a make of a map or slice escapes
  other,
};
constexpr std::array<Named<Shape>, 8> enum_names(Shape) {
  return {{{Shape::bytes_to_interface, "bytes-to-interface"},
           {Shape::interface_boxing, "interface-boxing"},
           {Shape::address_taken, "address-taken"},
           {Shape::fmt_argument, "fmt-argument"},
           {Shape::closure_capture, "closure-capture"},
           {Shape::named_result, "named-result"},
           {Shape::make_escape, "make-escape"},
           {Shape::other, "other"}}};
}
inline constexpr int kShapeCount = static_cast<int>(enum_names(Shape{}).size());

/// One line about what the shape is, for reports.
std::string_view describe(Shape s);
/// The catalog entries (and scenario ids) that show the shape.
std::vector<std::pair<int, std::string>> catalog_entries(Shape s);

struct Finding {
  std::string package;  // from the "# pkg" header
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;  // "x escapes to heap", "moved to heap: x"
  Shape shape = Shape::other;
  /// A constant or a struct{}{} boxed into an interface: the compiler says it
  /// escapes, but the value is read-only data and nothing is allocated (the
  /// harness measured 0 allocs/op for such values on go1.19.8 and go1.26.8;
  /// entry 2's constant call site shows the same).
  bool static_data = false;
  std::vector<ChainStep> chain;  // -m=2's explanation; empty when it gave none

  friend bool operator==(const Finding&, const Finding&) = default;
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
  long long bytes() const { return bytes_; }
  long long lines() const { return lines_; }

 private:
  void line(std::string_view text);
  void settle_package();

  using Key = std::tuple<std::string, int, int, std::string>;  // file, line, column, subject
  std::string partial_;                                        // an incomplete last line
  std::string package_;
  std::map<Key, std::vector<ChainStep>> explained_;  // this package's explanations
  std::vector<ChainStep>* current_ = nullptr;
  Key current_key_;
  std::set<std::tuple<std::string, int, int, std::string>> seen_;  // this package's findings
  std::vector<Finding> findings_;
  std::size_t package_begin_ = 0;  // this package's first finding
  SourceReader source_;
  long long bytes_ = 0;
  long long lines_ = 0;
};

}  // namespace eh

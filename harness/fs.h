#pragma once
// The only module that touches the file system.
//
// Everything that reads specs or writes gosrc/ and reports/ goes through
// FileSystem, so unit tests run against MemoryFileSystem and never write to
// disk. RealFileSystem writes every file to a temporary name in the same
// directory and renames it into place: a run that fails or is interrupted
// leaves the previous file byte-identical.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eh {

/// What a path names, following symbolic links (`loop` when they never end).
enum class FileKind { none, file, dir, fifo, device, socket, loop, other };

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  /// The whole file, or nothing with *err set.
  virtual std::optional<std::string> read(const std::string& path, std::string* err) const = 0;
  /// Names (not paths) of the entries of `dir`, sorted; directories end in '/'.
  virtual std::optional<std::vector<std::string>> list(const std::string& dir, std::string* err) const = 0;
  virtual bool exists(const std::string& path) const = 0;
  /// Creates `dir` and its parents.
  virtual bool make_dirs(const std::string& dir, std::string* err) = 0;
  /// Replaces `path` atomically (temporary file + rename); parents must exist.
  virtual bool write(const std::string& path, std::string_view content, std::string* err) = 0;
  /// Replaces several files as one step as far as a file system allows:
  /// every file is first written to a temporary beside its target, and only
  /// when all are written are they renamed into place. A failure while
  /// writing leaves every target as it was.
  virtual bool write_all(const std::vector<std::pair<std::string, std::string>>& files, std::string* err) = 0;
  /// Removes a file (not a directory); a missing file is not an error.
  virtual bool remove(const std::string& path, std::string* err) = 0;

  /// What `path` is (stat, following links).
  virtual FileKind kind(const std::string& path) const = 0;
  /// A new empty directory `parent/prefix` + a unique suffix; its path in *path.
  virtual bool make_temp_dir(const std::string& parent, const std::string& prefix, std::string* path,
                             std::string* err) = 0;
  /// `to` becomes another name of file `from` (a hard link; a copy where
  /// the file system has none).
  virtual bool link(const std::string& from, const std::string& to, std::string* err) = 0;
  /// Swaps two directories in one step (renameat2 RENAME_EXCHANGE); when
  /// `target` does not exist, renames `staged` to it.
  virtual bool exchange(const std::string& staged, const std::string& target, std::string* err) = 0;
  /// Removes a directory and everything below it; a missing one is not an error.
  virtual bool remove_tree(const std::string& dir, std::string* err) = 0;
  /// `path` with its symbolic links resolved, so that a directory swapped in
  /// replaces the directory a link points to, not the link; `path` itself
  /// when it has none or does not exist.
  virtual std::string resolve(const std::string& path) const { return path; }

  /// An exclusive lock named by `path`, held until the handle is destroyed;
  /// nothing (and *err naming the holder) when another run holds it.
  class Lock {
   public:
    virtual ~Lock() = default;
  };
  virtual std::unique_ptr<Lock> lock(const std::string& path, std::string* err) = 0;
};

/// The real disk.
class RealFileSystem : public FileSystem {
 public:
  std::optional<std::string> read(const std::string& path, std::string* err) const override;
  std::optional<std::vector<std::string>> list(const std::string& dir, std::string* err) const override;
  bool exists(const std::string& path) const override;
  bool make_dirs(const std::string& dir, std::string* err) override;
  bool write(const std::string& path, std::string_view content, std::string* err) override;
  bool write_all(const std::vector<std::pair<std::string, std::string>>& files, std::string* err) override;
  bool remove(const std::string& path, std::string* err) override;
  FileKind kind(const std::string& path) const override;
  bool make_temp_dir(const std::string& parent, const std::string& prefix, std::string* path,
                     std::string* err) override;
  bool link(const std::string& from, const std::string& to, std::string* err) override;
  bool exchange(const std::string& staged, const std::string& target, std::string* err) override;
  bool remove_tree(const std::string& dir, std::string* err) override;
  std::string resolve(const std::string& path) const override;
  std::unique_ptr<Lock> lock(const std::string& path, std::string* err) override;
};

/// Fault injection for the tests that kill a run half-way through writing:
/// with ESCAPE_HARNESS_TEST_FAULT=kill-after-STEP the process kills itself
/// with SIGKILL when it reaches `step` ("files-staged", "set-written",
/// "set-carried", "set-swapped"). Nothing else reads the variable.
void fault_point(std::string_view step);

/// True for the temporary files write() and write_all() create ("x.tmp-AbC123"),
/// which a killed run can leave behind.
bool is_temporary_file(std::string_view name);

/// A path's directory and last name: "reports" -> ("", "reports"),
/// "a/b/" -> ("a", "b"), "/x" -> ("/", "x").
std::pair<std::string, std::string> split_path(std::string path);

/// Joins path parts with '/', without doubling separators.
std::string join_path(std::string_view a, std::string_view b);

}  // namespace eh

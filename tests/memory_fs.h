#pragma once
// A FileSystem in memory, for the unit tests (ninja's VirtualFileSystem):
// paths are keys, directories exist implicitly, and every operation can be
// made to fail, so the error paths of the report set and the loader are
// tested without a disk.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fs.h"

namespace eh {

/// Files in memory, for tests. Directories exist implicitly when a file is
/// below them or make_dirs created them.
class MemoryFileSystem : public FileSystem {
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
  std::unique_ptr<Lock> lock(const std::string& path, std::string* err) override;

  std::map<std::string, std::string> files;
  std::vector<std::string> locked;  // paths whose lock is held
  std::vector<std::string> dirs;
  std::map<std::string, FileKind> kinds;  // paths that are not plain files or directories
  /// Paths whose write fails, to test error paths.
  std::vector<std::string> fail_writes;
  /// Fault injection: an operation ("write", "link", "exchange", "remove_tree",
  /// "make_temp_dir") on a path fails when this returns true.
  std::function<bool(std::string_view op, const std::string& path)> fail;
  int temp_dirs = 0;

 private:
  bool failing(std::string_view op, const std::string& path, std::string* err) const;
  /// The facts phase reads and writes the cache from several threads, as
  /// it does on a real disk: every operation holds this. A copy of the
  /// file system gets a mutex of its own.
  struct Mutex {
    std::recursive_mutex m;
    Mutex() = default;
    Mutex(const Mutex&) {}
    Mutex& operator=(const Mutex&) { return *this; }
  };
  mutable Mutex mu_;
};

}  // namespace eh

#include "memory_fs.h"

#include <fmt/format.h>

#include <algorithm>

namespace eh {
namespace {

class MemoryLock : public FileSystem::Lock {
 public:
  MemoryLock(std::vector<std::string>& held, std::string path) : held_(held), path_(std::move(path)) {}
  ~MemoryLock() override { std::erase(held_, path_); }

 private:
  std::vector<std::string>& held_;
  std::string path_;
};

}  // namespace

std::optional<std::string> MemoryFileSystem::read(const std::string& path, std::string* err) const {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  auto it = files.find(path);
  if (it == files.end()) {
    *err = fmt::format("{}: cannot read: No such file or directory", path);
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::vector<std::string>> MemoryFileSystem::list(const std::string& dir_path, std::string* err) const {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  const std::string dir = dir_path == "." ? "" : dir_path;  // paths are relative to the current directory
  std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  std::vector<std::string> out;
  bool found = std::find(dirs.begin(), dirs.end(), dir) != dirs.end();
  for (const auto& [path, _] : files) {
    if (!path.starts_with(prefix)) continue;
    found = true;
    std::string rest = path.substr(prefix.size());
    auto slash = rest.find('/');
    std::string name = slash == std::string::npos ? rest : rest.substr(0, slash + 1);
    if (out.empty() || out.back() != name) out.push_back(name);
  }
  for (const auto& d : dirs)
    if (d.starts_with(prefix) && d.size() > prefix.size()) {
      std::string rest = d.substr(prefix.size());
      auto slash = rest.find('/');
      out.push_back((slash == std::string::npos ? rest : rest.substr(0, slash)) + "/");
      found = true;
    }
  if (!found) {
    *err = fmt::format("{}: cannot list: No such file or directory", dir);
    return std::nullopt;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool MemoryFileSystem::exists(const std::string& path) const {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (files.count(path)) return true;
  std::string err;
  return list(path, &err).has_value();
}

bool MemoryFileSystem::make_dirs(const std::string& dir, std::string*) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
  return true;
}

bool MemoryFileSystem::write(const std::string& path, std::string_view content, std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (failing("write", path, err)) return false;
  if (std::find(fail_writes.begin(), fail_writes.end(), path) != fail_writes.end()) {
    *err = fmt::format("{}: cannot write: Permission denied", path);
    return false;
  }
  files[path] = std::string(content);
  return true;
}

bool MemoryFileSystem::write_all(const std::vector<std::pair<std::string, std::string>>& batch, std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  for (const auto& [path, _] : batch)
    if (failing("write", path, err)) return false;
  for (const auto& [path, _] : batch)
    if (std::find(fail_writes.begin(), fail_writes.end(), path) != fail_writes.end()) {
      *err = fmt::format("{}: cannot write: Permission denied", path);
      return false;
    }
  for (const auto& [path, content] : batch) files[path] = content;
  return true;
}

bool MemoryFileSystem::remove(const std::string& path, std::string*) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  files.erase(path);
  return true;
}

bool MemoryFileSystem::failing(std::string_view op, const std::string& path, std::string* err) const {
  if (!fail || !fail(op, path)) return false;
  *err = fmt::format("{}: cannot {}: Input/output error", path, op);
  return true;
}

FileKind MemoryFileSystem::kind(const std::string& path) const {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (auto it = kinds.find(path); it != kinds.end()) return it->second;
  if (files.count(path)) return FileKind::file;
  std::string err;
  return list(path, &err) ? FileKind::dir : FileKind::none;
}

bool MemoryFileSystem::make_temp_dir(const std::string& parent, const std::string& prefix, std::string* path,
                                     std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  std::string p = join_path(parent, fmt::format("{}{:06d}", prefix, ++temp_dirs));
  if (failing("make_temp_dir", p, err)) return false;
  dirs.push_back(p);
  *path = p;
  return true;
}

bool MemoryFileSystem::link(const std::string& from, const std::string& to, std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (failing("link", to, err)) return false;
  auto it = files.find(from);
  if (it == files.end()) {
    *err = fmt::format("{}: cannot link: No such file or directory", from);
    return false;
  }
  files[to] = it->second;
  return true;
}

bool MemoryFileSystem::exchange(const std::string& staged, const std::string& target, std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (failing("exchange", target, err)) return false;
  // Rename every path below one prefix to the other, both ways at once.
  auto swap_prefix = [&](const std::string& p) -> std::string {
    for (auto [from, to] : {std::pair{staged, target}, std::pair{target, staged}})
      if (p == from || p.starts_with(from + "/")) return to + p.substr(from.size());
    return p;
  };
  std::map<std::string, std::string> moved;
  for (auto& [p, c] : files) moved[swap_prefix(p)] = std::move(c);
  files = std::move(moved);
  for (auto& d : dirs) d = swap_prefix(d);
  return true;
}

bool MemoryFileSystem::remove_tree(const std::string& dir, std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (failing("remove_tree", dir, err)) return false;
  std::erase_if(files, [&](const auto& kv) { return kv.first.starts_with(dir + "/"); });
  std::erase_if(dirs, [&](const std::string& d) { return d == dir || d.starts_with(dir + "/"); });
  return true;
}

std::unique_ptr<FileSystem::Lock> MemoryFileSystem::lock(const std::string& path, std::string* err) {
  std::lock_guard<std::recursive_mutex> guard(mu_.m);
  if (std::find(locked.begin(), locked.end(), path) != locked.end()) {
    *err = fmt::format("{}: another escape-harness run holds this lock", path);
    return nullptr;
  }
  if (std::find(fail_writes.begin(), fail_writes.end(), path) != fail_writes.end()) {
    *err = fmt::format("{}: cannot create the lock file: Permission denied", path);
    return nullptr;
  }
  locked.push_back(path);
  return std::make_unique<MemoryLock>(locked, path);
}

}  // namespace eh

#include "fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

namespace eh {
namespace stdfs = std::filesystem;

std::string join_path(std::string_view a, std::string_view b) {
  if (a.empty() || a == ".") return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out += '/';
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  return out + std::string(b);
}

std::optional<std::string> RealFileSystem::read(const std::string& path, std::string* err) const {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = fmt::format("{}: cannot read: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = fmt::format("{}: cannot read: {}", path, std::strerror(errno));
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::optional<std::vector<std::string>> RealFileSystem::list(const std::string& dir, std::string* err) const {
  std::error_code ec;
  std::vector<std::string> out;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    out.push_back(it->path().filename().string() + (it->is_directory() ? "/" : ""));
  if (ec) {
    *err = fmt::format("{}: cannot list: {}", dir, ec.message());
    return std::nullopt;
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool RealFileSystem::exists(const std::string& path) const {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool RealFileSystem::make_dirs(const std::string& dir, std::string* err) {
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) {
    *err = fmt::format("{}: cannot create directory: {}", dir, ec.message());
    return false;
  }
  return true;
}

namespace {

/// Writes `content` to a new temporary file beside `path` and syncs it; the
/// temporary's name on success.
std::optional<std::string> stage(const std::string& path, std::string_view content, std::string* err) {
  // Beside the target so rename() stays within one file system.
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    *err = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  auto fail = [&](const char* what) {
    *err = fmt::format("{}: cannot {}: {}", path, what, std::strerror(errno));
    ::close(fd);
    ::unlink(tmp.c_str());
    return std::nullopt;
  };
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write");
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) return fail("set the mode of");
  if (::fsync(fd) != 0) return fail("sync");
  if (::close(fd) != 0) {
    *err = fmt::format("{}: cannot close: {}", path, std::strerror(errno));
    ::unlink(tmp.c_str());
    return std::nullopt;
  }
  return tmp;
}

}  // namespace

bool is_temporary_file(std::string_view name) {
  auto at = name.rfind(".tmp-");
  return at != std::string_view::npos && name.size() - at == 11;
}

bool RealFileSystem::write(const std::string& path, std::string_view content, std::string* err) {
  return write_all({{path, std::string(content)}}, err);
}

bool RealFileSystem::write_all(const std::vector<std::pair<std::string, std::string>>& files, std::string* err) {
  std::vector<std::string> staged;
  for (const auto& [path, content] : files) {
    auto tmp = stage(path, content, err);
    if (!tmp) {
      for (const auto& t : staged) ::unlink(t.c_str());
      return false;
    }
    staged.push_back(*tmp);
  }
  // Fault injection for the test that kills a run between writing and
  // renaming: the previous files must survive byte for byte.
  if (const char* f = std::getenv("ESCAPE_HARNESS_TEST_FAULT"); f && std::string_view(f) == "kill-before-rename")
    ::raise(SIGKILL);
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(staged[i].c_str(), files[i].first.c_str()) != 0) {
      *err = fmt::format("{}: cannot rename into place: {}", files[i].first, std::strerror(errno));
      for (std::size_t j = i; j < staged.size(); ++j) ::unlink(staged[j].c_str());
      return false;
    }
  }
  return true;
}

bool RealFileSystem::remove(const std::string& path, std::string* err) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    *err = fmt::format("{}: cannot remove: {}", path, std::strerror(errno));
    return false;
  }
  return true;
}

std::optional<std::string> MemoryFileSystem::read(const std::string& path, std::string* err) const {
  auto it = files.find(path);
  if (it == files.end()) {
    *err = fmt::format("{}: cannot read: No such file or directory", path);
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::vector<std::string>> MemoryFileSystem::list(const std::string& dir, std::string* err) const {
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
  if (files.count(path)) return true;
  std::string err;
  return list(path, &err).has_value();
}

bool MemoryFileSystem::make_dirs(const std::string& dir, std::string*) {
  if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
  return true;
}

bool MemoryFileSystem::write(const std::string& path, std::string_view content, std::string* err) {
  if (std::find(fail_writes.begin(), fail_writes.end(), path) != fail_writes.end()) {
    *err = fmt::format("{}: cannot write: Permission denied", path);
    return false;
  }
  files[path] = std::string(content);
  return true;
}

bool MemoryFileSystem::write_all(const std::vector<std::pair<std::string, std::string>>& batch, std::string* err) {
  for (const auto& [path, _] : batch)
    if (std::find(fail_writes.begin(), fail_writes.end(), path) != fail_writes.end()) {
      *err = fmt::format("{}: cannot write: Permission denied", path);
      return false;
    }
  for (const auto& [path, content] : batch) files[path] = content;
  return true;
}

bool MemoryFileSystem::remove(const std::string& path, std::string*) {
  files.erase(path);
  return true;
}

namespace {

/// An advisory lock (flock) on an open file; released when closed, also when
/// the process dies, so a crashed run never leaves a stale lock.
class FlockLock : public FileSystem::Lock {
 public:
  explicit FlockLock(int fd) : fd_(fd) {}
  ~FlockLock() override { ::close(fd_); }

 private:
  int fd_;
};

class MemoryLock : public FileSystem::Lock {
 public:
  MemoryLock(std::vector<std::string>& held, std::string path) : held_(held), path_(std::move(path)) {}
  ~MemoryLock() override { std::erase(held_, path_); }

 private:
  std::vector<std::string>& held_;
  std::string path_;
};

}  // namespace

std::unique_ptr<FileSystem::Lock> RealFileSystem::lock(const std::string& path, std::string* err) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = fmt::format("{}: cannot create the lock file: {}", path, std::strerror(errno));
    return nullptr;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    *err = e == EWOULDBLOCK ? fmt::format("{}: another escape-harness run holds this lock", path)
                            : fmt::format("{}: cannot lock: {}", path, std::strerror(e));
    return nullptr;
  }
  return std::make_unique<FlockLock>(fd);
}

std::unique_ptr<FileSystem::Lock> MemoryFileSystem::lock(const std::string& path, std::string* err) {
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

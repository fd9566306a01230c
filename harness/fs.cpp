#include "fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <linux/fs.h>
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
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code kind_ec;  // a symlink loop or a dangling link is not a directory; never an exception
    out.push_back(it->path().filename().string() + (it->is_directory(kind_ec) ? "/" : ""));
  }
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

std::pair<std::string, std::string> split_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

void fault_point(std::string_view step) {
  const char* fault = std::getenv("ESCAPE_HARNESS_TEST_FAULT");
  if (fault && std::string_view(fault) == fmt::format("kill-after-{}", step)) ::raise(SIGKILL);
}

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
  fault_point("files-staged");
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (::rename(staged[i].c_str(), files[i].first.c_str()) != 0) {
      *err = fmt::format("{}: cannot rename into place: {}", files[i].first, std::strerror(errno));
      for (std::size_t j = i; j < staged.size(); ++j) ::unlink(staged[j].c_str());
      return false;
    }
  }
  return true;
}

FileKind RealFileSystem::kind(const std::string& path) const {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errno == ELOOP ? FileKind::loop : FileKind::none;
  if (S_ISREG(st.st_mode)) return FileKind::file;
  if (S_ISDIR(st.st_mode)) return FileKind::dir;
  if (S_ISFIFO(st.st_mode)) return FileKind::fifo;
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return FileKind::device;
  if (S_ISSOCK(st.st_mode)) return FileKind::socket;
  return FileKind::other;
}

bool RealFileSystem::make_temp_dir(const std::string& parent, const std::string& prefix, std::string* path,
                                   std::string* err) {
  std::string tmpl = join_path(parent, prefix + "XXXXXX");
  if (!::mkdtemp(tmpl.data())) {
    *err = fmt::format("{}: cannot create a directory: {}", parent.empty() ? "." : parent, std::strerror(errno));
    return false;
  }
  *path = tmpl;
  return true;
}

bool RealFileSystem::link(const std::string& from, const std::string& to, std::string* err) {
  if (::link(from.c_str(), to.c_str()) == 0) return true;
  if (errno != EXDEV && errno != EPERM && errno != EMLINK) {
    *err = fmt::format("{}: cannot link to {}: {}", from, to, std::strerror(errno));
    return false;
  }
  auto text = read(from, err);
  return text && write(to, *text, err);
}

bool RealFileSystem::exchange(const std::string& staged, const std::string& target, std::string* err) {
  if (kind(target) == FileKind::none) {
    if (::rename(staged.c_str(), target.c_str()) == 0) return true;
  } else if (::syscall(SYS_renameat2, AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    return true;
  }
  *err = fmt::format("{}: cannot swap in {}: {}", target, staged, std::strerror(errno));
  return false;
}

std::string RealFileSystem::resolve(const std::string& path) const {
  std::error_code ec;
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (!stdfs::is_symlink(p, ec)) return path;
  auto real = stdfs::canonical(p, ec);
  return ec ? path : real.string();
}

bool RealFileSystem::remove_tree(const std::string& dir, std::string* err) {
  std::error_code ec;
  stdfs::remove_all(dir, ec);
  if (ec) {
    *err = fmt::format("{}: cannot remove: {}", dir, ec.message());
    return false;
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

}  // namespace eh

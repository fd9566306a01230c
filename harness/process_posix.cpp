#include "process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cstring>
#include <fmt/format.h>
#include <mutex>
#include <thread>

namespace eh {
namespace bp = boost::process;
namespace asio = boost::asio;

namespace {

// Process groups of running children, for the signal handler. Lock-free
// atomics are async-signal-safe; a slot holds 0 when free.
constexpr std::size_t kMaxGroups = 256;
std::array<std::atomic<pid_t>, kMaxGroups> g_groups{};
std::atomic<int> g_signal{0};

void on_interrupt(int sig) {
  g_signal.store(sig);
  for (auto& g : g_groups)
    if (pid_t p = g.load(); p > 0) ::kill(-p, SIGKILL);
}

// The watchdog: a process of its own, forked once before the first child,
// that kills every process group the harness still has running when the
// harness dies, however it dies (SIGKILL included): it reads "+PGID" and
// "-PGID" lines from a pipe whose only write end the harness holds, and on
// end-of-file kills the groups left. -1 when there is none.
int g_watchdog = -1;

/// The watchdog's loop; only async-signal-safe calls (it runs after fork).
[[noreturn]] void watchdog_main(int fd) {
  struct sigaction ignore;
  std::memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) ::sigaction(sig, &ignore, nullptr);
  ::setsid();  // killing the harness's process group must not take the watchdog with it
  // Hold nothing but the pipe: not the harness's stdout, which a reader
  // waits to see closed.
  if (fd > 0) ::syscall(SYS_close_range, 0u, static_cast<unsigned>(fd - 1), 0u);
  ::syscall(SYS_close_range, static_cast<unsigned>(fd + 1), ~0u, 0u);
  static pid_t groups[4096];
  std::size_t n = 0;
  char buf[512];
  char sign = 0;
  pid_t value = 0;
  for (;;) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    for (ssize_t i = 0; i < got; ++i) {
      const char c = buf[i];
      if (c == '+' || c == '-') {
        sign = c;
        value = 0;
      } else if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
      } else if (c == '\n' && value > 0) {
        if (sign == '+' && n < sizeof groups / sizeof groups[0]) groups[n++] = value;
        if (sign == '-')
          for (std::size_t k = 0; k < n; ++k)
            if (groups[k] == value) groups[k] = groups[--n];
        sign = 0;
        value = 0;
      }
    }
  }
  for (std::size_t k = 0; k < n; ++k) ::kill(-groups[k], SIGKILL);
  ::_exit(0);
}

void start_watchdog() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  pid_t pid = ::fork();
  if (pid == 0) watchdog_main(fds[0]);
  ::close(fds[0]);
  if (pid < 0) {
    ::close(fds[1]);
    return;
  }
  g_watchdog = fds[1];
}

/// Tells the watchdog about a group: '+' started, '-' gone. One write of a
/// few bytes to a pipe is atomic, whichever thread makes it.
void tell_watchdog(char sign, pid_t pgid) {
  if (g_watchdog < 0) return;
  char line[32];
  auto end = fmt::format_to_n(line, sizeof line, "{}{}\n", sign, pgid).out;
  [[maybe_unused]] ssize_t ignored = ::write(g_watchdog, line, static_cast<std::size_t>(end - line));
}

std::size_t register_group(pid_t pgid) {
  tell_watchdog('+', pgid);
  for (std::size_t i = 0; i < kMaxGroups; ++i) {
    pid_t expected = 0;
    if (g_groups[i].compare_exchange_strong(expected, pgid)) return i;
  }
  return kMaxGroups;  // table full: the group is still killed on timeout, not on interrupt
}

void unregister_group(std::size_t slot, pid_t pgid) {
  tell_watchdog('-', pgid);
  if (slot < kMaxGroups) g_groups[slot].store(0);
}

/// Child side: a process group of its own, default signal mask, and every
/// inherited descriptor above stderr closed on exec (pipes of other children
/// started concurrently must not leak into this one, or their readers would
/// never see end-of-file). Also sets the environment execve() gets: Boost
/// 1.74's bp::environment reads past the end of short entries when looking
/// keys up (AddressSanitizer finds it), so the array is built here instead.
struct ChildSetup : bp::extend::handler {
  explicit ChildSetup(char** envp) : envp_(envp) {}
  char** envp_;

  template <class Executor>
  void on_setup(Executor& e) const {
    e.env = envp_;
  }
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0)
      for (int fd = 3; fd < 4096; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  /// Parent side too, so the group exists before we might signal it.
  template <class Executor>
  void on_success(Executor& e) const {
    ::setpgid(e.pid, e.pid);
  }
};

/// Blocks SIGINT/SIGTERM in this thread for its lifetime, so a signal cannot
/// land between fork and the registration of the new group.
class BlockInterrupts {
 public:
  BlockInterrupts() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &s, &old_);
  }
  ~BlockInterrupts() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

bool executable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(); }
void reset_interrupt() { g_signal.store(0); }

std::string search_path(const std::string& name, const std::string& path_var) {
  if (name.find('/') != std::string::npos) return executable(name) ? name : std::string();
  std::size_t b = 0;
  while (b <= path_var.size()) {
    std::size_t e = path_var.find(':', b);
    if (e == std::string::npos) e = path_var.size();
    std::string dir = path_var.substr(b, e - b);
    if (!dir.empty()) {
      std::string p = dir + "/" + name;
      if (executable(p)) return p;
    }
    b = e + 1;
  }
  return {};
}

std::string Command::display() const {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?[]{}()|&;<>") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

std::string ProcessResult::describe(std::chrono::milliseconds timeout) const {
  switch (outcome) {
    case Outcome::exited: return fmt::format("exit status {}", exit_code);
    case Outcome::signaled: return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
    case Outcome::timed_out:
      return fmt::format("timed out after {}s (process group killed)",
                         std::chrono::duration_cast<std::chrono::seconds>(timeout.count() ? timeout : elapsed).count());
    case Outcome::interrupted: return "interrupted (process group killed)";
    case Outcome::failed_to_start: return fmt::format("could not start: {}", error);
  }
  return "?";
}

SystemProcessRunner::SystemProcessRunner() {
  // Descendants whose parent dies are reparented to us rather than to init,
  // so run() can reap what it killed.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  static std::once_flag watchdog;
  std::call_once(watchdog, start_watchdog);
}

namespace {

/// One running command: its pipes, the poll loop that watches it, and the
/// cleanup of its process group.
class Session {
 public:
  Session(const Command& cmd, ProcessResult& r) : cmd_(cmd), r_(r), out_pipe_(io_), err_pipe_(io_) {}

  /// Starts the child in its own process group; false with r.error set.
  bool start() {
    for (const auto& [k, v] : cmd_.env) env_strings_.push_back(k + "=" + v);
    for (auto& e : env_strings_) envp_.push_back(e.data());
    envp_.push_back(nullptr);
    std::vector<std::string> args(cmd_.argv.begin() + 1, cmd_.argv.end());
    BlockInterrupts block;
    std::error_code ec;
    std::string cwd = cmd_.cwd.empty() ? std::string(".") : cmd_.cwd;
    child_ = std::make_unique<bp::child>(bp::exe = cmd_.argv[0], bp::args = args,
                                         bp::std_in<bp::null, bp::std_out> out_pipe_, bp::std_err > err_pipe_,
                                         bp::start_dir = cwd, ChildSetup{envp_.data()}, ec);
    if (ec) {
      r_.error = fmt::format("{}: {}", cmd_.argv[0], ec.message());
      return false;
    }
    slot_ = register_group(child_->id());
    pgid_ = child_->id();
    return true;
  }

  /// Reads both pipes and watches the child until it and its output are done.
  void pump(std::chrono::steady_clock::time_point start) {
    read(out_pipe_, out_buf_, out_open_, [this](std::string_view chunk) { r_.out.append(chunk); });
    read(err_pipe_, err_buf_, err_open_, [this](std::string_view chunk) {
      if (!cmd_.on_stderr) r_.err.append(chunk);
      else if (!chunk.empty())
        cmd_.on_stderr(chunk);
    });
    deadline_ = cmd_.timeout.count() > 0 ? start + cmd_.timeout : std::chrono::steady_clock::time_point::max();
    timer_.expires_after(tick_);
    timer_.async_wait([this](const boost::system::error_code&) { on_tick(); });
    io_.run();
  }

  /// Waits for the leader, reaps what is left of its group, fills the outcome.
  void finish(std::chrono::steady_clock::time_point start) {
    std::error_code ec;
    child_->wait(ec);
    // Members of the group orphaned by the kill were reparented to us (we are
    // a subreaper): reap them, so not even a zombie outlives the command.
    for (int i = 0; i < 200; ++i) {
      int st = 0;
      pid_t p = ::waitpid(-pgid_, &st, WNOHANG);
      if (p < 0 && errno == EINTR) continue;
      if (p < 0) break;  // ECHILD: none left
      if (p == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    unregister_group(slot_, pgid_);
    int status = child_->native_exit_code();
    r_.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (interrupted_) {
      r_.outcome = Outcome::interrupted;
    } else if (timed_out_) {
      r_.outcome = Outcome::timed_out;
    } else if (WIFSIGNALED(status)) {
      r_.outcome = Outcome::signaled;
      r_.signal = WTERMSIG(status);
    } else {
      r_.outcome = Outcome::exited;
      r_.exit_code = WEXITSTATUS(status);
    }
  }

 private:
  using Buffer = std::array<char, 65536>;

  void read(bp::async_pipe& pipe, Buffer& buf, bool& open, std::function<void(std::string_view)> sink) {
    pipe.async_read_some(asio::buffer(buf),
                         [this, &pipe, &buf, &open, sink](const boost::system::error_code& ec, std::size_t n) {
                           sink(std::string_view(buf.data(), n));
                           if (ec) {
                             open = false;
                             return;
                           }
                           read(pipe, buf, open, sink);
                         });
  }

  // A poll loop rather than SIGCHLD: it also watches the deadline and the
  // interrupt flag, and it notices the leader's exit without reaping it
  // (WNOWAIT), so the pid cannot be reused while we clean up its group.
  void on_tick() {
    auto now = std::chrono::steady_clock::now();
    if (!leader_done_) {
      siginfo_t info;
      std::memset(&info, 0, sizeof info);
      if (::waitid(P_PID, static_cast<id_t>(pgid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pgid_) {
        leader_done_ = true;
        leader_exit_ = now;
        ::kill(-pgid_, SIGKILL);  // whatever the command left behind
      } else if (interrupt_signal() && !interrupted_) {
        interrupted_ = true;
        ::kill(-pgid_, SIGKILL);
      } else if (now >= deadline_ && !timed_out_) {
        timed_out_ = true;
        ::kill(-pgid_, SIGKILL);
      }
    }
    if (!out_open_ && !err_open_ && leader_done_) return;
    // A descendant that left the group could hold the pipes open forever.
    if (leader_done_ && now - leader_exit_ > std::chrono::seconds(2)) {
      boost::system::error_code ignore;
      out_pipe_.close(ignore);
      err_pipe_.close(ignore);
      return;
    }
    tick_ = std::min(tick_ * 2, std::chrono::milliseconds(20));
    timer_.expires_after(tick_);
    timer_.async_wait([this](const boost::system::error_code&) { on_tick(); });
  }

  const Command& cmd_;
  ProcessResult& r_;
  asio::io_context io_;
  bp::async_pipe out_pipe_, err_pipe_;
  asio::steady_timer timer_{io_};
  std::vector<std::string> env_strings_;
  std::vector<char*> envp_;
  std::unique_ptr<bp::child> child_;
  std::size_t slot_ = kMaxGroups;
  pid_t pgid_ = 0;
  Buffer out_buf_{}, err_buf_{};
  bool out_open_ = true, err_open_ = true;
  bool timed_out_ = false, interrupted_ = false, leader_done_ = false;
  std::chrono::steady_clock::time_point leader_exit_{}, deadline_{};
  std::chrono::milliseconds tick_{1};
};

}  // namespace

ProcessResult SystemProcessRunner::run(const Command& cmd) {
  ProcessResult r;
  auto start = std::chrono::steady_clock::now();
  if (cmd.argv.empty()) {
    r.error = "empty command";
    return r;
  }
  if (!executable(cmd.argv[0])) {
    r.error = fmt::format("{}: not an executable file", cmd.argv[0]);
    return r;
  }
  if (interrupt_signal()) {
    r.outcome = Outcome::interrupted;
    return r;
  }
  Session session(cmd, r);
  if (!session.start()) return r;
  session.pump(start);
  session.finish(start);
  return r;
}

}  // namespace eh

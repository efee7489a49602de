#include "run/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <istream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "util/spawn_setup.hpp"
#include "util/unique_fd.hpp"
#include "util/units.hpp"

extern char** environ;

namespace concur {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what, int error) {
  throw std::system_error(error, std::generic_category(), what);
}

std::pair<UniqueFd, UniqueFd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int s = WTERMSIG(status);
    return "killed by signal " + std::to_string(s) + " (" + ::strsignal(s) + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

// SIGINT and SIGTERM, blocked for as long as the supervisor runs and read
// from a signalfd instead, so that they end the wait for a child cleanly.
class SignalWatch {
 public:
  SignalWatch() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    if (::pthread_sigmask(SIG_BLOCK, &set_, &old_) != 0) fail("pthread_sigmask", errno);
    fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_) {
      ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
      fail("signalfd", errno);
    }
  }
  ~SignalWatch() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int fd() const { return fd_.get(); }
  int take() {
    signalfd_siginfo info{};
    if (::read(fd_.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return 0;
    return static_cast<int>(info.ssi_signo);
  }

 private:
  sigset_t set_{}, old_{};
  UniqueFd fd_;
};

// One child concur running cases, in a process group of its own: killing the
// group takes its fork workers and anything else it started along.
class Child {
 public:
  explicit Child(const std::vector<std::string>& arguments) {
    auto [control_read, control_write] = make_pipe();
    auto [records_read, records_write] = make_pipe();
    std::vector<std::string> args{"concur"};
    args.insert(args.end(), arguments.begin(), arguments.end());
    args.push_back("--child");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    SpawnSetup setup;
    posix_spawn_file_actions_adddup2(&setup.actions, control_read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, records_write.get(), child_record_fd);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
    if (const int rc = ::posix_spawn(&pid_, exe.c_str(), &setup.actions, &setup.attr, argv.data(), environ); rc != 0) {
      fail("cannot start " + exe.string(), rc);
    }
    control_ = std::move(control_write);
    records_ = std::move(records_read);
  }
  ~Child() { end(SIGKILL, std::chrono::seconds(0)); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int records() const { return records_.get(); }

  // Tells the child what to run; it starts once its standard input closes.
  void instruct(const std::map<std::string, std::string>& servers, const std::set<std::string>& skip) {
    std::string text;
    for (const auto& [profile, url] : servers) text += "server " + profile + " " + url + "\n";
    for (const std::string& name : skip) text += "skip " + name + "\n";
    text += "go\n";
    // Far below a pipe's capacity unless thousands of cases are skipped; the
    // child reads it all before it writes anything more, so no deadlock.
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(control_.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;  // the child is gone: its exit says why
      done += static_cast<std::size_t>(n);
    }
    control_.reset();
  }

  // Sends `signal` to the whole group, waits up to `grace` for the child to
  // end, then kills the group; returns the child's wait status.
  int end(int signal, std::chrono::nanoseconds grace) {
    if (pid_ <= 0) return status_;
    ::kill(-pid_, signal);
    const auto deadline = Clock::now() + grace;
    for (;;) {
      const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) break;
      if (Clock::now() >= deadline) {
        ::kill(-pid_, SIGKILL);
        while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(-pid_, SIGKILL);  // whatever the child left behind in its group
    pid_ = -1;
    return status_;
  }

  // The child closed its end (exited, or is about to): reaps it.
  int reap() { return end(0, std::chrono::seconds(30)); }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  UniqueFd control_, records_;
};

enum class Wait { line, closed, timed_out, signalled };

// Lines from the child's record pipe, with the case deadline and the signals watched.
class RecordReader {
 public:
  RecordReader(int fd, SignalWatch& signals) : fd_(fd), signals_(signals) {}

  // `deadline`: Clock::time_point::max() for none.
  Wait next(std::string& line, Clock::time_point deadline, int& signal) {
    for (;;) {
      if (const std::size_t end = buffer_.find('\n'); end != std::string::npos) {
        line.assign(buffer_, 0, end);
        buffer_.erase(0, end + 1);
        return Wait::line;
      }
      pollfd fds[2] = {{fd_, POLLIN, 0}, {signals_.fd(), POLLIN, 0}};
      int timeout = -1;
      if (deadline != Clock::time_point::max()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return Wait::timed_out;
        timeout = static_cast<int>(std::min<long long>(left, 60'000));
      }
      const int r = ::poll(fds, 2, timeout);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail("poll", errno);
      if (fds[1].revents & POLLIN) {
        if ((signal = signals_.take()) != 0) return Wait::signalled;
      }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        char chunk[65536];
        const ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return Wait::closed;
        buffer_.append(chunk, static_cast<std::size_t>(n));
      }
    }
  }

 private:
  int fd_;
  SignalWatch& signals_;
  std::string buffer_;
};

// A case its process did not live to report: one errored run carries the
// reason into the results, as Google Benchmark writes a skipped case.
CaseRecord failed_case(const std::string& name, const std::string& why) {
  CaseRecord r;
  r.name = name;
  r.result.failure = why;
  r.result.broken = true;
  benchmark::BenchmarkReporter::Run run;
  run.run_name.function_name = name;
  run.error_occurred = true;
  run.error_message = why;
  run.iterations = 0;
  run.repetition_index = 0;
  run.repetitions = 1;
  run.time_unit = benchmark::kMillisecond;
  r.runs.push_back(run);
  return r;
}

}  // namespace

SupervisedRun supervise(const SupervisorOptions& options, std::ostream& out) {
  SupervisedRun run;
  SignalWatch signals;
  std::set<std::string> ended = options.done;  // finished before, or here
  Prepared prepared;
  auto end_case = [&](CaseRecord record) {
    ended.insert(record.name);
    if (options.finished) options.finished(record);
    run.records.push_back(std::move(record));
  };
  auto remaining = [&] {
    std::vector<std::string> left;
    if (run.plan) {
      for (const Case& c : run.plan->cases) {
        if (!ended.count(c.name)) left.push_back(c.name);
      }
    }
    return left;
  };

  for (;;) {
    Child child(options.arguments);
    RecordReader reader(child.records(), signals);
    std::string current;  // the case this child is running
    Clock::time_point deadline = Clock::time_point::max();
    bool planned = false, started_any = false;
    int status = 0;
    bool timed_out = false;
    for (std::string line;;) {
      int signal = 0;
      const Wait w = reader.next(line, deadline, signal);
      if (w == Wait::signalled) {
        child.end(SIGTERM, std::chrono::seconds(3));
        run.signal = signal;
        return run;
      }
      if (w == Wait::timed_out) {
        child.end(SIGKILL, std::chrono::seconds(0));
        timed_out = true;
        break;
      }
      if (w == Wait::closed) {
        status = child.reap();
        break;
      }
      const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (record.contains("plan") && !planned) {
        planned = true;
        if (!run.plan) {
          run.plan = plan_from_json(record.at("plan"));
          if (options.prepare) prepared = options.prepare(*run.plan);
        }
        child.instruct(prepared.servers, ended);
      } else if (record.contains("start")) {
        const std::string name = record.at("start").get<std::string>();
        if (name != current) {
          current = name;
          deadline = Clock::now() + prepared.case_timeout;
          started_any = true;
        }
      } else if (record.contains("case")) {
        end_case(case_from_json(record.at("case")));
        current.clear();
        deadline = Clock::time_point::max();
      } else {
        child.end(SIGKILL, std::chrono::seconds(0));
        throw std::runtime_error("a child concur sent a record that is not one: " + line.substr(0, 200));
      }
    }

    if (!run.plan) {  // refused the suite (exit 2 and its message) or died before planning
      run.child_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (run.child_exit == 0) run.child_exit = 1;
      if (!(WIFEXITED(status) && WEXITSTATUS(status) == 2)) {
        out << "concur: the process planning the cases " << describe_status(status) << '\n';
      }
      return run;
    }
    if (!current.empty()) {
      const std::string why = timed_out ? "exceeded the case time limit of " + format_duration(prepared.case_timeout)
                                        : describe_status(status) + " in case " + current;
      out << current << ": FAILED: " << why << '\n';
      end_case(failed_case(current, why));
      continue;  // a new child goes on with the rest
    }
    const std::vector<std::string> left = remaining();
    if (left.empty()) return run;
    // Died, or ended, between cases without running any: another child would
    // do the same, so the rest fail with this one's reason.
    const std::string why = (started_any ? "not run: the process running cases " : "not run: the process preparing cases ") +
                            describe_status(status);
    for (const std::string& name : left) end_case(failed_case(name, why));
    return run;
  }
}

ChildInstructions read_child_instructions(std::istream& in) {
  ChildInstructions instructions;
  for (std::string line; std::getline(in, line);) {
    if (line == "go") return instructions;
    if (line.rfind("skip ", 0) == 0) {
      instructions.skip.insert(line.substr(5));
    } else if (line.rfind("server ", 0) == 0) {
      const std::size_t space = line.find(' ', 7);
      if (space == std::string::npos) throw std::runtime_error("malformed instruction: " + line);
      instructions.servers[line.substr(7, space - 7)] = line.substr(space + 1);
    } else {
      throw std::runtime_error("unknown instruction: " + line);
    }
  }
  throw std::runtime_error("the supervisor closed the instructions before 'go'");
}

void send_record(const nlohmann::json& record) {
  const std::string text = record.dump() + '\n';
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(child_record_fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("writing a record for the supervisor", errno);
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace concur

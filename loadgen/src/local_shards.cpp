#include "iomtsim/loadgen/local_shards.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "iomtsim/reports/merge.hpp"
#include "iomtsim/reports/verdict.hpp"

extern char** environ;

namespace iomtsim::loadgen {
namespace {

// A child starts with no signal blocked (the caller may block SIGINT/SIGTERM to take them
// on a thread of its own), so it is stopped by them like any process.
pid_t spawn(const std::filesystem::path& program, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string prog = program.string();
  argv.push_back(prog.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, prog.c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw RunError("cannot start " + prog + ": " + std::strerror(rc));
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 128;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 128;
  return exit_code_of(status);
}

}  // namespace

LocalShardsResult run_local_shards(const LocalShardsOptions& o) {
  std::ostream& log = o.log ? *o.log : std::cerr;
  if (o.shards == 0) throw RunError("--local-shards wants at least 1 shard");
  if (o.out_dir.empty()) throw RunError("--local-shards needs an output folder");
  std::filesystem::create_directories(o.out_dir);
  for (unsigned k = 0; k < o.shards; ++k) {  // a stale report must not pass for a failed child
    std::error_code ec;
    std::filesystem::remove(o.out_dir / ("shard-" + std::to_string(k)) / "report.json", ec);
  }

  std::vector<pid_t> children;
  for (unsigned k = 0; k < o.shards; ++k) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), o.run_args.begin(), o.run_args.end());
    args.insert(args.end(), {"--shard", std::to_string(k) + "/" + std::to_string(o.shards), "--out",
                             (o.out_dir / ("shard-" + std::to_string(k))).string(), "--progress", "none"});
    if (o.threads_per_shard) args.insert(args.end(), {"--threads", std::to_string(o.threads_per_shard)});
    try {
      children.push_back(spawn(o.program, args));
    } catch (...) {
      for (pid_t c : children) {  // do not leave the started shards running alone
        kill(c, SIGTERM);
        wait_for(c);
      }
      throw;
    }
  }
  // Wait for every child; a stop request (SIGINT/SIGTERM of ours) goes on to them, and
  // each writes its part as interrupted.
  LocalShardsResult result;
  result.child_exit_codes.assign(children.size(), -1);
  std::size_t left = children.size();
  bool forwarded = false;
  while (left > 0) {
    if (!forwarded && o.stop.token.stop_requested()) {
      forwarded = true;
      const int sig = o.stop.signal && o.stop.signal->load() ? o.stop.signal->load() : SIGTERM;
      for (std::size_t k = 0; k < children.size(); ++k)
        if (result.child_exit_codes[k] < 0) kill(children[k], sig);
    }
    for (std::size_t k = 0; k < children.size(); ++k) {
      if (result.child_exit_codes[k] >= 0) continue;
      int status = 0;
      const pid_t got = waitpid(children[k], &status, WNOHANG);
      if (got == children[k] || (got < 0 && errno != EINTR)) {
        result.child_exit_codes[k] = got == children[k] ? exit_code_of(status) : 128;
        --left;
      }
    }
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Every child that ran wrote its report, whatever its own verdict (a failed threshold,
  // an interruption): the merge decides. No report means the child could not run.
  std::vector<reports::Report> parts;
  for (unsigned k = 0; k < o.shards; ++k) {
    const auto file = o.out_dir / ("shard-" + std::to_string(k)) / "report.json";
    if (!std::filesystem::exists(file))
      throw RunError("shard " + std::to_string(k) + " failed (exit code " +
                     std::to_string(result.child_exit_codes[k]) + ") and wrote no report");
    try {
      parts.push_back(reports::read_report_file(file));
    } catch (const reports::ReportError& e) {
      throw RunError("shard " + std::to_string(k) + ": " + e.what());
    }
  }
  result.merged = reports::merge_reports(parts);
  result.merged.thresholds = reports::evaluate_thresholds(result.merged, o.thresholds);
  result.verdict = reports::decide(result.merged);
  result.exit_code = result.verdict.exit_code;
  log << "merged " << o.shards << " shards\n";
  sim::write_outputs(result.merged, result.verdict, o.out_dir, &log);
  return result;
}

}  // namespace iomtsim::loadgen

#include "iomtsim/loadgen/local_shards.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

#include "iomtsim/reports/merge.hpp"

extern char** environ;

namespace iomtsim::loadgen {
namespace {

pid_t spawn(const std::filesystem::path& program, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string prog = program.string();
  argv.push_back(prog.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, prog.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw RunError("cannot start " + prog + ": " + std::strerror(rc));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 128;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 128;
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
  LocalShardsResult result;
  for (pid_t c : children) result.child_exit_codes.push_back(wait_for(c));

  std::vector<reports::Report> parts;
  for (unsigned k = 0; k < o.shards; ++k) {
    const auto file = o.out_dir / ("shard-" + std::to_string(k)) / "report.json";
    if (result.child_exit_codes[k] > 1)
      throw RunError("shard " + std::to_string(k) + " failed (exit code " +
                     std::to_string(result.child_exit_codes[k]) + ")");
    try {
      parts.push_back(reports::read_report_file(file));
    } catch (const reports::ReportError& e) {
      throw RunError("shard " + std::to_string(k) + ": " + e.what());
    }
  }
  result.merged = reports::merge_reports(parts);
  result.merged.thresholds = reports::evaluate_thresholds(result.merged, o.thresholds);
  reports::write_report_folder(result.merged, o.out_dir);
  bool ok = result.merged.delivery.balanced();
  for (const auto& t : result.merged.thresholds) {
    if (t.passed) continue;
    ok = false;
    log << "FAILED " << t.message << '\n';
  }
  // A child's own exit code 1 (its part failed a threshold) does not decide: the merge does.
  result.exit_code = ok ? 0 : 1;
  const auto& d = result.merged.delivery;
  log << "merged " << o.shards << " shards: generated " << d.generated << ", acknowledged "
      << d[reports::Outcome::Acknowledged] << ", alerts " << result.merged.alerts.size()
      << "\nreport: " << o.out_dir.string() << '\n';
  return result;
}

}  // namespace iomtsim::loadgen

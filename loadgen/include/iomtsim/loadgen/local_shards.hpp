#pragma once
// `iomtsim run FILE --local-shards N --out DIR`: the sharded path on one machine. Starts
// N child processes of the iomtsim binary, `iomtsim run FILE … --shard k/N --out
// DIR/shard-k`, waits for all, merges their report.json files exactly
// (reports::merge_reports), evaluates the scenario's thresholds on the merge and writes
// DIR/report.{json,html} and DIR/junit.xml.
//
// Targets: each child starts its own embedded reference target (when the scenario has
// one). That is equivalent to one shared target for scoring because the reference rules
// keep state per patient and each patient lives in exactly one shard; it is not the same
// load on one target process. A scenario naming an external target sends all shards there.
// (A shared reference target is not used: its alert webhook posts to one URL, so the
// alerts of every shard would reach only one child.)
//
//   LocalShardsOptions o;
//   o.program = "/proc/self/exe";
//   o.run_args = {"ward.yaml", "--speed", "600"};
//   o.shards = 4;  o.out_dir = "runs/x";
//   LocalShardsResult r = run_local_shards(o);
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "iomtsim/sim/run_frame.hpp"

namespace iomtsim::loadgen {

struct LocalShardsOptions {
  std::filesystem::path program;      // the iomtsim binary
  std::vector<std::string> run_args;  // `run` arguments for every child: no --shard, --out,
                                      // --local-shards, --progress or --record
  unsigned shards = 2;
  std::filesystem::path out_dir;      // required: DIR/shard-k per child, the merge in DIR
  unsigned threads_per_shard = 1;     // --threads for each child (0: the child's default)
  std::vector<reports::Threshold> thresholds;  // evaluated on the merged report
  std::ostream* log = nullptr;        // nullptr: std::cerr
  // A stop request (the CLI's SIGINT/SIGTERM) is passed on to every child, as that signal
  // (SIGTERM for a plain request); each writes its part as interrupted.
  sim::StopControl stop;
};

struct LocalShardsResult {
  int exit_code = 0;                  // verdict.exit_code, as `run` (verdict.hpp)
  reports::Verdict verdict;           // of the merged report
  std::vector<int> child_exit_codes;  // per shard: its own `run` exit code; 128+signal if killed
  reports::Report merged;
};

// Throws RunError when a child cannot be started or a shard wrote no readable report.
LocalShardsResult run_local_shards(const LocalShardsOptions& options);

}  // namespace iomtsim::loadgen

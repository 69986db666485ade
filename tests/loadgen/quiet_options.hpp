#pragma once
// Run options for load-generator tests: no report files, no progress, no signal handlers,
// a short drain, log lines kept out of the test output.
#include <chrono>
#include <sstream>

#include "iomtsim/loadgen/run_options.hpp"

namespace iomtsim::loadgen {

inline RunOptions quiet(unsigned threads = 2) {
  RunOptions o;
  o.threads = threads;
  o.write_files = false;
  o.progress = ProgressMode::None;
  o.drain_timeout = std::chrono::seconds(3);
  static std::ostringstream sink;
  o.log = &sink;
  return o;
}

}  // namespace iomtsim::loadgen

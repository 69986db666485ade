#pragma once
// Small scenarios built in code for the SimGrid engine tests, and a helper that runs one
// simulation in a forked child (SimGrid's engine runs once per process) and hands back
// its report through a report.json file.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "iomtsim/reports/report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/simgrid/simulate.hpp"
#include "support/ward_scenario.hpp"

namespace iomtsim::sim::simgrid::testing {

using namespace std::chrono_literals;

using iomtsim::testing::monitor;

// `patients` healthy adults with one monitor (3 vitals every `every`) on profile "lan"
// (constant `latency_s`, `loss`), plus `sick` with an opioid respiratory depression from
// 30 s, all on one ward.
inline scenarios::Scenario ward(std::uint32_t patients, std::chrono::seconds every = 15s,
                                double latency_s = 0.002, double loss = 0.0,
                                std::uint32_t sick = 0) {
  auto s = iomtsim::testing::ward_scenario({.healthy = patients,
                                            .sick = sick,
                                            .every = every,
                                            .latency_s = latency_s,
                                            .loss = loss,
                                            .seed = 8080,
                                            .name = "simgrid-test"});
  s.time.mode = scenarios::TimeMode::Simulated;
  return s;
}

// A capacity model with no queueing and negligible transfer times, for exact latencies.
inline CapacityModel idle_capacity() {
  CapacityModel m;
  m.servers = 1;
  m.workers_per_server = 64;
  m.service_time = 100us;
  m.ap_bandwidth_bps = m.core_bandwidth_bps = m.wan_bandwidth_bps = m.server_link_bandwidth_bps =
      1e15;
  return m;
}

inline SimulateOptions quiet(CapacityModel m) {
  SimulateOptions o;
  o.capacity = std::move(m);
  o.write_files = false;
  return o;
}

// Runs simulate(scenario, options) in a forked child; returns its report (read back from
// report.json) and, through `stats_line`, "readings comms rejections …" for the caller.
struct ChildRun {
  bool ok = false;
  reports::Report report;
  std::string
      stats;  // "messages communications queue_rejections server_failures link_failures fidelity"
};
inline ChildRun simulate_in_child(const scenarios::Scenario& s, const SimulateOptions& o,
                                  const std::string& tag) {
  std::string leaf = "iomtsim-sg-";  // appended piecewise: GCC 12 warns (-Wrestrict) on a+b+c
  leaf += tag;
  leaf += '-';
  leaf += std::to_string(::getpid());
  const auto dir = std::filesystem::temp_directory_path() / leaf;
  std::filesystem::create_directories(dir);
  const pid_t pid = ::fork();
  if (pid == 0) {
    int rc = 3;
    try {
      auto r = simulate(s, o);
      std::ofstream(dir / "report.json") << reports::to_json(r.report);
      std::ofstream(dir / "stats.txt")
          << r.stats.messages << ' ' << r.stats.communications << ' ' << r.stats.queue_rejections
          << ' ' << r.stats.server_failures << ' ' << r.stats.link_failures << ' '
          << static_cast<int>(r.stats.fidelity);
      rc = 0;
    } catch (...) {
    }
    std::_Exit(rc);
  }
  ChildRun out;
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return out;
  out.report = reports::read_report_file(dir / "report.json");
  std::getline(std::ifstream(dir / "stats.txt"), out.stats);
  std::filesystem::remove_all(dir);
  out.ok = true;
  return out;
}

}  // namespace iomtsim::sim::simgrid::testing

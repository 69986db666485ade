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

namespace iomtsim::sim::simgrid::testing {

using namespace std::chrono_literals;

inline physiology::DeviceModelSpec monitor(std::chrono::seconds every) {
  physiology::DeviceModelSpec m;
  m.name = "monitor";
  m.type = physiology::DeviceType::BedsideMonitor;
  m.measures = {{physiology::Vital::HeartRate, every},
                {physiology::Vital::SpO2, every},
                {physiology::Vital::RespRate, every}};
  m.artifacts = false;
  m.missing_fraction = 0.0;
  return m;
}

// `patients` healthy adults with one monitor (3 vitals every `every`) on profile "lan"
// (constant `latency_s`, `loss`), plus `sick` with an opioid respiratory depression from
// 30 s, all on one ward.
inline scenarios::Scenario ward(std::uint32_t patients, std::chrono::seconds every = 15s,
                                double latency_s = 0.002, double loss = 0.0,
                                std::uint32_t sick = 0) {
  scenarios::Scenario s;
  s.metadata.name = "simgrid-test";
  s.metadata.seed = 8080;
  s.metadata.duration = 10min;
  scenarios::NetworkProfile lan;
  lan.name = "lan";
  lan.latency_s = physiology::Distribution::constant(latency_s);
  lan.loss = loss;
  s.network_profiles = {{"lan", lan}};
  auto cohort = [&](std::string name, std::uint32_t n) {
    scenarios::Cohort c;
    c.physiology.name = std::move(name);
    c.physiology.count = n;
    c.physiology.archetype = physiology::Archetype::HealthyAdult;
    c.physiology.devices = {monitor(every)};
    c.ward = "ward1";
    scenarios::DeviceSpec d;
    d.model = c.physiology.devices.front();
    d.network_profile = "lan";
    c.devices = {d};
    return c;
  };
  if (patients) s.cohorts.push_back(cohort("healthy", patients));
  if (sick) {
    auto c = cohort("sick", sick);
    physiology::ConditionSpec opioid;
    opioid.kind = physiology::ConditionKind::OpioidRespiratoryDepression;
    opioid.probability = 1.0;
    opioid.onset_s = physiology::Distribution::constant(30.0);
    opioid.severity = physiology::Distribution::constant(1.0);
    opioid.course = physiology::Course::Sudden;
    c.physiology.conditions = {opioid};
    s.cohorts.push_back(c);
  }
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

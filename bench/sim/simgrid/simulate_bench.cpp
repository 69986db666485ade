// End-to-end cost of the SimGrid engine: wall time and simulated readings per wall
// second, per fidelity and fleet size. Each case runs in a forked child (SimGrid runs
// once per process). Not Google Benchmark's loop: one simulation is one measurement.
//
//   sim_simgrid_bench                 # the targets
//   sim_simgrid_bench scaling         # 1k / 10k / 100k devices, both fidelities
//   sim_simgrid_bench per-reading 10000 1h   # one case: fidelity, devices, duration
//   sim_simgrid_bench waveforms       # cost per waveform block vs per reading
//
// Fleet: healthy adults, one device each measuring heart rate once a minute (one reading
// per device-minute), FHIR R4, a hospital Wi-Fi-like profile (5 ms, 1 % loss), default
// capacity model (6 servers x 4 workers, 1 Gbit/s WAN, 40 devices per access point).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "iomtsim/sim/simgrid/capacity_model.hpp"
#include "iomtsim/sim/simgrid/simulate.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace std::chrono_literals;

namespace {

// ecg: each monitor also streams ECG lead II, 250 Hz in 1 s blocks (FHIR Observations).
scenarios::Scenario fleet(std::uint32_t devices, Duration duration, bool ecg = false) {
  scenarios::Scenario s;
  s.metadata.name = "simgrid-bench";
  s.metadata.seed = 99;
  s.metadata.duration = duration;
  scenarios::NetworkProfile wifi;
  wifi.name = "wifi";
  wifi.latency_s = physiology::Distribution::constant(0.005);
  wifi.jitter_s = 0.002;
  wifi.loss = 0.01;
  s.network_profiles = {{"wifi", wifi}};
  physiology::DeviceModelSpec m;
  m.name = "monitor";
  m.type = physiology::DeviceType::BedsideMonitor;
  m.measures = {{physiology::Vital::HeartRate, 60s}};
  if (ecg) m.waveform = physiology::WaveformSpec{physiology::WaveformKind::EcgLeadII, 250.0, 1s};
  scenarios::Cohort c;
  c.physiology.name = "fleet";
  c.physiology.count = devices;
  c.physiology.archetype = physiology::Archetype::HealthyAdult;
  c.physiology.devices = {m};
  c.ward = "hospital";
  scenarios::DeviceSpec d;
  d.model = m;
  d.network_profile = "wifi";
  c.devices = {d};
  s.cohorts = {c};
  s.time.mode = scenarios::TimeMode::Simulated;
  return s;
}

// prefetch: the fleet's physiology on a second thread (SimulateOptions::prefetch_fleet).
void run_case(Fidelity f, std::uint32_t devices, Duration duration, const char* label,
              bool prefetch = true, bool ecg = false) {
  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid == 0) {
    SimulateOptions o;
    o.capacity.fidelity = f;
    o.write_files = false;
    o.prefetch_fleet = prefetch;
    try {
      const auto r = simulate(fleet(devices, duration, ecg), o);
      rusage ru{};
      ::getrusage(RUSAGE_SELF, &ru);
      const auto& s = r.stats;
      std::printf(
          "%-22s %-12s %8u %6.1f h %10llu %8llu %9.2f %8.2f %12.0f %8.0f MB  p50 %.1f ms p99 %.1f "
          "ms  blocks %llu (%.1f MB)\n",
          label, std::string(name(s.fidelity)).c_str(), devices,
          physiology::to_seconds(duration) / 3600.0, static_cast<unsigned long long>(s.readings),
          static_cast<unsigned long long>(s.communications), s.wall_s,
          static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
              static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6,
          s.readings_per_wall_s(),
          static_cast<double>(ru.ru_maxrss) / 1024.0,
          static_cast<double>(r.report.ingest_latency.value_at_percentile(50)) * 1e-6,
          static_cast<double>(r.report.ingest_latency.value_at_percentile(99)) * 1e-6,
          static_cast<unsigned long long>(s.waveform_blocks),
          static_cast<double>(r.report.waveforms.bytes_offered) * 1e-6);
      std::fflush(stdout);
      std::_Exit(0);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", label, e.what());
      std::_Exit(1);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
}

void header() {
  // cpu s: user + system CPU of the child (the whole run, fleet set-up included), the
  // figure to compare on a shared machine where wall time depends on the neighbours.
  std::printf("%-22s %-12s %8s %8s %10s %8s %9s %8s %12s %11s\n", "case", "fidelity", "devices",
              "sim", "readings", "comms", "wall s", "cpu s", "readings/s", "peak RSS");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "targets";
  header();
  if (mode == "targets") {
    run_case(Fidelity::PerReading, 10'000, 1h, "per-reading 10k 1h");
    run_case(Fidelity::Aggregated, 10'000, 24h, "aggregated 10k 24h");
    run_case(Fidelity::Aggregated, 100'000, 1h, "aggregated 100k 1h");
  } else if (mode == "scaling") {
    for (std::uint32_t n : {1'000u, 10'000u, 100'000u}) {
      const auto label = std::to_string(n / 1000) + "k 30min";
      run_case(Fidelity::PerReading, n, 30min, ("per-reading " + label).c_str());
      run_case(Fidelity::Aggregated, n, 30min, ("aggregated " + label).c_str());
    }
  } else if (mode == "prefetch") {  // one thread vs the fleet on a second thread, in one run
    run_case(Fidelity::Aggregated, 10'000, 24h, "aggregated 10k 24h 1thr", false);
    run_case(Fidelity::Aggregated, 10'000, 24h, "aggregated 10k 24h 2thr", true);
    run_case(Fidelity::Aggregated, 100'000, 1h, "aggregated 100k 1h 1thr", false);
    run_case(Fidelity::Aggregated, 100'000, 1h, "aggregated 100k 1h 2thr", true);
  } else if (mode == "waveforms") {  // the same fleet without and with ECG blocks
    for (auto f : {Fidelity::PerReading, Fidelity::Aggregated}) {
      run_case(f, 1'000, 30min, "1k 30min vitals", true, false);
      run_case(f, 1'000, 30min, "1k 30min vitals+ecg", true, true);
    }
  } else if (argc == 4 || argc == 5) {
    const bool prefetch = argc == 4 || std::string(argv[4]) != "1thread";
    run_case(parse_fidelity(argv[1]), static_cast<std::uint32_t>(std::stoul(argv[2])),
             parse_duration(argv[3]), prefetch ? "custom" : "custom 1thr", prefetch);
  } else {
    std::fprintf(stderr,
                 "usage: %s [targets|scaling|prefetch|waveforms|FIDELITY DEVICES DURATION [1thread]]\n",
                 argv[0]);
    return 2;
  }
  return 0;
}

// Sustained FHIR request rate of the real-time engine against a server that only answers
// 201 (bench/reference_target/minimal_beast_server.cpp, spawned as a child), and how late messages
// went on the wire compared with their due instant (open-loop lateness).
//
//   iomtsim_loadgen_fhir_bench [patients=1000] [speed=60] [scenario_s=600] [threads=1]
//                              [connections=8]
// Load: every patient has a monitor sending HR, SpO2 and RR every 15 s, one Observation
// each: patients * 0.2 * speed requests per second of wall time.
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "iomtsim/loadgen/run.hpp"

using namespace iomtsim;
using namespace std::chrono_literals;

namespace {

struct Child {
  pid_t pid = -1;
  std::uint16_t port = 0;
};

// With two or more CPUs, the server and the client each get their own (pinning the client
// from outside, e.g. with taskset, would put the server it forks on the same CPU).
void pin_to_cpu(int cpu) {
  if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

Child spawn_server() {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    pin_to_cpu(0);  // the server on CPU 0, this client on CPU 1: as wrk_vs_iomtsim.sh runs wrk
    ::execl(IOMTSIM_MINIMAL_SERVER, IOMTSIM_MINIMAL_SERVER, "0", static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(fds[1]);
  std::string line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  const auto colon = line.find(':');
  if (colon == std::string::npos) throw std::runtime_error("server said: " + line);
  return {pid, static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)))};
}

scenarios::Scenario scenario(std::uint32_t patients, double speed, int seconds, std::uint16_t port) {
  scenarios::Scenario s;
  s.metadata.name = "loadgen-fhir-bench";
  s.metadata.duration = std::chrono::seconds(seconds);
  scenarios::NetworkProfile lan;
  lan.name = "lan";
  lan.latency_s = physiology::Distribution::constant(0.0005);
  s.network_profiles = {{"lan", lan}};
  scenarios::Cohort c;
  c.physiology.name = "ward";
  c.physiology.count = patients;
  physiology::DeviceModelSpec m;
  m.name = "monitor";
  m.measures = {{physiology::Vital::HeartRate, 15s}, {physiology::Vital::SpO2, 15s},
                {physiology::Vital::RespRate, 15s}};
  m.artifacts = false;
  m.missing_fraction = 0.0;
  c.physiology.devices = {m};
  scenarios::DeviceSpec d;
  d.model = m;
  d.network_profile = "lan";
  c.devices = {d};
  s.cohorts = {c};
  s.time.speed = speed;
  s.target.embedded = false;
  s.target.http = scenarios::Endpoint{"127.0.0.1", port, false};
  s.target.request_timeout = 10s;
  return s;
}

double ms(std::int64_t ns) { return static_cast<double>(ns) * 1e-6; }

}  // namespace

int main(int argc, char** argv) {
  const auto arg = [&](int i, double dflt) { return argc > i ? std::atof(argv[i]) : dflt; };
  const auto patients = static_cast<std::uint32_t>(arg(1, 1000));
  const double speed = arg(2, 60);
  const int seconds = static_cast<int>(arg(3, 600));
  const auto threads = static_cast<unsigned>(arg(4, 1));
  const auto connections = static_cast<unsigned>(arg(5, 8));

  const Child server = spawn_server();
  pin_to_cpu(1);
  loadgen::RunOptions o;
  o.threads = threads;
  o.connections = connections;
  o.write_files = false;
  o.progress = loadgen::ProgressMode::None;
  std::ostringstream log;
  o.log = &log;
  loadgen::RunResult r;
  try {
    r = loadgen::run(scenario(patients, speed, seconds, server.port), o);
  } catch (const std::exception& e) {
    std::cerr << "run failed: " << e.what() << '\n';
  }
  ::kill(server.pid, SIGTERM);
  ::waitpid(server.pid, nullptr, 0);

  const auto& d = r.report.delivery;
  const auto acked = d[reports::Outcome::Acknowledged];
  const double scheduled_s = seconds / speed;
  std::printf("patients %u  speed %.0f  threads %u  connections %u\n", patients, speed, threads, connections);
  // Achieved rate over the whole wall time, the end-of-run drain included (so it is a
  // slight underestimate when the target keeps up).
  std::printf("offered %.0f req/s over %.1f s; acknowledged %llu of %llu in %.2f s wall -> %.0f req/s\n",
              patients * 0.2 * speed, scheduled_s, static_cast<unsigned long long>(acked),
              static_cast<unsigned long long>(d.generated), r.wall_seconds,
              static_cast<double>(acked) / r.wall_seconds);
  std::printf("send lateness ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
              ms(r.send_lateness.value_at_percentile(50)), ms(r.send_lateness.value_at_percentile(99)),
              ms(r.send_lateness.value_at_percentile(99.9)), ms(r.send_lateness.max()));
  std::printf("ingest latency ms (intended send -> 201): p50 %.3f  p99 %.3f;  raw service p50 %.3f  p99 %.3f\n",
              ms(r.report.ingest_latency.value_at_percentile(50)),
              ms(r.report.ingest_latency.value_at_percentile(99)),
              ms(r.report.ingest_latency_raw.value_at_percentile(50)),
              ms(r.report.ingest_latency_raw.value_at_percentile(99)));
  std::printf("balanced %s  failed %llu  timed out %llu  in flight %llu\n", d.balanced() ? "yes" : "NO",
              static_cast<unsigned long long>(d[reports::Outcome::Failed]),
              static_cast<unsigned long long>(d[reports::Outcome::TimedOut]),
              static_cast<unsigned long long>(d[reports::Outcome::InFlight]));
  return d.balanced() && acked == d.generated ? 0 : 1;
}

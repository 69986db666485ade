// What scoring a real pipeline costs.
//
//   iomtsim_real_pipeline_bench auth [patients=2000] [speed=120] [scenario_s=120] [rounds=3]
//                                    [write=conditional_create]
// FHIR request rate with a bearer token, custom headers, idempotent writes (`write`:
// conditional_create, put or post; target.http.fhir_write) and retries on (target.retry)
// against the same run without them: the same target (the minimal 201 server of
// bench/reference_target, spawned once), rounds alternating plain / authenticated; prints
// each rate and the ratio of the medians.
// The load offered is above what the target takes, so the rate is what the sender sustains.
//
//   iomtsim_real_pipeline_bench polling [patients=1000] [wall_s=60] [every_s=60]
// Alert polling's share of the target's requests: the embedded reference target, patients
// with a monitor sending HR, SpO2 and RR every `every_s` seconds in real time (speed 1),
// Flags polled with the default settings; prints readings' requests, polling requests and
// the share.
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "iomtsim/loadgen/run.hpp"

using namespace iomtsim;
using namespace std::chrono_literals;

namespace {

struct Child {
  pid_t pid = -1;
  std::uint16_t port = 0;
};

Child spawn_server() {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
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

scenarios::Scenario ward(std::uint32_t patients, double speed, std::chrono::seconds duration,
                         std::chrono::seconds every) {
  scenarios::Scenario s;
  s.metadata.name = "real-pipeline-bench";
  s.metadata.duration = duration;
  scenarios::NetworkProfile lan;
  lan.name = "lan";
  lan.latency_s = physiology::Distribution::constant(0.0005);
  s.network_profiles = {{"lan", lan}};
  scenarios::Cohort c;
  c.physiology.name = "ward";
  c.physiology.count = patients;
  physiology::DeviceModelSpec m;
  m.name = "monitor";
  m.measures = {{physiology::Vital::HeartRate, every},
                {physiology::Vital::SpO2, every},
                {physiology::Vital::RespRate, every}};
  m.artifacts = false;
  m.missing_fraction = 0.0;
  c.physiology.devices = {m};
  scenarios::DeviceSpec d;
  d.model = m;
  d.network_profile = "lan";
  c.devices = {d};
  s.cohorts = {c};
  s.time.speed = speed;
  s.target.request_timeout = 10s;
  return s;
}

loadgen::RunOptions options(std::ostringstream& log, unsigned threads) {
  loadgen::RunOptions o;
  o.threads = threads;
  o.connections = 8;
  o.write_files = false;
  o.progress = loadgen::ProgressMode::None;
  o.log = &log;
  return o;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

int auth(int argc, char** argv) {
  const auto arg = [&](int i, double dflt) { return argc > i ? std::atof(argv[i]) : dflt; };
  const auto patients = static_cast<std::uint32_t>(arg(2, 2000));
  const double speed = arg(3, 120);
  const auto seconds = std::chrono::seconds(static_cast<int>(arg(4, 120)));
  const int rounds = static_cast<int>(arg(5, 3));
  const std::string write = argc > 6 ? argv[6] : "conditional_create";
  const auto fhir_write = write == "put"    ? scenarios::FhirWrite::Put
                          : write == "post" ? scenarios::FhirWrite::Post
                                            : scenarios::FhirWrite::ConditionalCreate;
  const Child server = spawn_server();
  ::setenv("IOMTSIM_BENCH_TOKEN",
           "eyJhbGciOiJSUzM4NCJ9.bench-token-of-a-realistic-length-0123456789abcdef0123456789", 1);
  std::vector<double> plain, bearer;
  for (int i = 0; i < rounds; ++i) {
    for (bool with_auth : {false, true}) {
      auto s = ward(patients, speed, seconds, 15s);
      s.target.embedded = false;
      s.target.http = scenarios::Endpoint{"127.0.0.1", server.port, false};
      if (with_auth) {
        s.target.http->connection.auth.kind = scenarios::AuthKind::Bearer;
        s.target.http->connection.auth.token.env = "IOMTSIM_BENCH_TOKEN";
        s.target.http->connection.headers = {{"X-Tenant", "ward-7", {}}};
        s.target.http->fhir_write = fhir_write;
        s.target.retry.attempts = 4;
      }
      std::ostringstream log;
      const auto r = loadgen::run(s, options(log, 1));
      const double rate =
          static_cast<double>(r.report.delivery[reports::Outcome::Acknowledged]) / r.wall_seconds;
      (with_auth ? bearer : plain).push_back(rate);
      std::printf(
          "round %d %-7s acknowledged %llu of %llu in %.2f s -> %.0f req/s\n", i + 1,
          with_auth ? "bearer" : "plain",
          static_cast<unsigned long long>(r.report.delivery[reports::Outcome::Acknowledged]),
          static_cast<unsigned long long>(r.report.delivery.generated), r.wall_seconds, rate);
    }
  }
  ::kill(server.pid, SIGTERM);
  ::waitpid(server.pid, nullptr, 0);
  const double ratio = median(bearer) / median(plain);
  std::printf(
      "offered %.0f req/s; median plain %.0f req/s, bearer + header + %s writes + retries %.0f "
      "req/s: ratio %.3f (want >= 0.9)\n",
      patients * 0.2 * speed, median(plain), write.c_str(), median(bearer), ratio);
  return ratio >= 0.9 ? 0 : 1;
}

int polling(int argc, char** argv) {
  const auto arg = [&](int i, double dflt) { return argc > i ? std::atof(argv[i]) : dflt; };
  const auto patients = static_cast<std::uint32_t>(arg(2, 1000));
  const auto wall = std::chrono::seconds(static_cast<int>(arg(3, 60)));
  const auto every = std::chrono::seconds(static_cast<int>(arg(4, 60)));
  auto s = ward(patients, 1.0, wall, every);
  s.time.mode = scenarios::TimeMode::RealTime;
  s.target.embedded = true;  // its Flags polled with the defaults
  std::ostringstream log;
  const auto r = loadgen::run(s, options(log, 2));
  const double readings = static_cast<double>(r.messages_sent);
  const double polls = static_cast<double>(r.alert_capture.fhir_requests);
  std::printf(
      "%u patients, readings every %lld s, %lld s of real time: %.0f reading requests, %.0f "
      "polling requests "
      "(%llu rounds), polling share %.3f %% of the target's requests (want < 1 %%)\n",
      patients, static_cast<long long>(every.count()), static_cast<long long>(wall.count()),
      readings, polls, static_cast<unsigned long long>(r.alert_capture.polls),
      100.0 * polls / (readings + polls));
  return polls / (readings + polls) < 0.01 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "auth") return auth(argc, argv);
  if (what == "polling") return polling(argc, argv);
  std::cerr << "usage: iomtsim_real_pipeline_bench auth [patients] [speed] [scenario_s] [rounds] "
               "[conditional_create|put|post]\n"
               "       iomtsim_real_pipeline_bench polling [patients] [wall_s] [every_s]\n";
  return 2;
}

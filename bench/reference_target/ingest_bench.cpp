// End-to-end ingest throughput of the reference target over loopback sockets.
//
//   iomtsim_reference_target_ingest_bench [seconds=5] [http_connections=16] [batch=100] [window=8]
//   [http|mllp|proto|all] [http_pipeline_depth=1]
//                               [http_bundle=1]
//
// The target runs in-process with one io thread and one worker, both pinned to CPU 0;
// the client runs on CPU 1 (if there is one) in a single poll loop:
//   http:  `http_connections` keep-alive connections, one Observation per request, no
//          pipelining by default (as wrk does it); with http_bundle > 1, transaction
//          Bundles of that many Observations to POST /fhir instead;
//   mllp:  one connection, ORU^R01 messages of `batch` readings, `window` in flight;
//   proto: one connection, ReadingBatch messages of `batch` readings, `window` in flight.
// Prints readings/s per protocol, as measured by acknowledged answers (wall clock), and
// readings per CPU-second the target's threads used (from /proc/self/task/*/stat): on a
// shared, loaded machine the second is the target's rate on one core of its own.
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "loopback_client.hpp"

namespace {

using namespace iomtsim;
using Clock = std::chrono::steady_clock;

void pin_to(int cpu) {
  const int n = static_cast<int>(std::thread::hardware_concurrency());
  if (n <= 1) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % n, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

physiology::Reading reading(std::uint32_t patient, std::uint32_t seq) {
  physiology::Reading r;
  r.patient = patient;
  r.vital = seq % 2 ? physiology::Vital::HeartRate : physiology::Vital::SpO2;
  r.value = seq % 2 ? 72 : 97;
  r.id = physiology::make_reading_id(patient, 0, seq);
  r.device_time = physiology::at_seconds(seq);
  return r;
}

// CPU seconds (user + system) used so far by every thread of this process except the
// client's: the target's own cost, whatever else the machine is doing.
double target_cpu_seconds(pid_t client_tid) {
  double total = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    if (std::to_string(client_tid) == entry.path().filename().string()) continue;
    std::ifstream f(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // Fields after the command: state(3) … utime(14) stime(15).
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    total += static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  return total;
}

struct Result {
  double seconds = 0;
  double target_cpu_s = 0;
  std::uint64_t answers = 0;
  std::uint64_t readings = 0;
};

// HTTP: each connection sends one request, waits for its answer, sends the next.
// bundle == 1: POST /fhir/Observation; bundle > 1: POST /fhir with a transaction Bundle.
Result run_http(std::uint16_t port, int connections, int depth, std::size_t bundle,
                double seconds) {
  std::vector<std::string> requests;
  for (std::uint32_t i = 0; i < 200; ++i) {
    std::string body, path = "/fhir/Observation";
    if (bundle <= 1) {
      body = payloads::encode_observation(reading(i % 500, i + 1));
    } else {
      std::vector<physiology::Reading> v;
      for (std::uint32_t k = 0; k < bundle; ++k) v.push_back(reading(i % 500, i * 1000 + k + 1));
      body = payloads::encode_transaction_bundle(v);
      path = "/fhir";
    }
    requests.push_back("POST " + path +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  std::vector<bench::Conn> conns;
  for (int i = 0; i < connections; ++i) conns.emplace_back(port);
  Result r;
  std::size_t next = 0;
  for (auto& c : conns)
    for (int d = 0; d < depth; ++d) c.send(requests[next++ % requests.size()]);
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  bool ok = bench::poll_loop(conns, end, [&](bench::Conn& c) {
    // Answers: "HTTP/1.1 201 Created … Content-Length: 0" for an Observation, 200 with a
    // transaction-response Bundle for a Bundle.
    std::size_t pos;
    while ((pos = c.in.find("\r\n\r\n")) != std::string::npos) {
      const char* want = bundle <= 1 ? "201" : "200";
      if (c.in.compare(9, 3, want) != 0) {
        std::fprintf(stderr, "http: unexpected answer %.40s\n", c.in.c_str());
        return false;
      }
      std::size_t length = 0;
      if (auto cl = c.in.find("Content-Length: "); cl != std::string::npos && cl < pos)
        length = std::strtoul(c.in.c_str() + cl + 16, nullptr, 10);
      if (c.in.size() < pos + 4 + length) break;  // body still coming
      c.in.erase(0, pos + 4 + length);
      ++r.answers;
      c.send(requests[next++ % requests.size()]);
    }
    return true;
  });
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.readings = ok ? r.answers * std::max<std::size_t>(bundle, 1) : 0;
  return r;
}

// A framed protocol: `window` messages of `batch` readings in flight on one connection.
template <class Encode, class CountAnswers>
Result run_framed(std::uint16_t port, std::size_t batch, int window, double seconds, Encode encode,
                  CountAnswers count) {
  std::vector<std::string> messages;
  for (std::uint32_t m = 0; m < 64; ++m) {
    std::vector<physiology::Reading> readings;
    for (std::uint32_t i = 0; i < batch; ++i) readings.push_back(reading(m, m * 100000 + i + 1));
    messages.push_back(encode(m + 1, readings));
  }
  std::vector<bench::Conn> conns;
  conns.emplace_back(port);
  std::size_t next = 0;
  for (int i = 0; i < window; ++i) conns[0].send(messages[next++ % messages.size()]);
  Result r;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  bench::poll_loop(conns, end, [&](bench::Conn& c) {
    const std::size_t n = count(c.in);
    for (std::size_t i = 0; i < n; ++i) c.send(messages[next++ % messages.size()]);
    r.answers += n;
    return true;
  });
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.readings = r.answers * batch;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int http_connections = argc > 2 ? std::atoi(argv[2]) : 16;
  const std::size_t batch = argc > 3 ? static_cast<std::size_t>(std::atoi(argv[3])) : 100;
  const int window = argc > 4 ? std::atoi(argv[4]) : 8;
  const std::string only = argc > 5 ? argv[5] : "all";       // http | mllp | proto | all
  const int http_depth = argc > 6 ? std::atoi(argv[6]) : 1;  // HTTP/1.1 pipelining depth
  const std::size_t http_bundle =
      argc > 7 ? static_cast<std::size_t>(std::atoi(argv[7])) : 1;  // Observations per POST

  pin_to(0);  // the target's threads inherit this
  auto cfg = reference_target::loopback_ephemeral_config();
  cfg.processing.io_threads = 1;
  cfg.processing.workers = 1;
  cfg.processing.queue_bound = 1'000'000;
  reference_target::TargetServer server(cfg);
  server.start();
  pin_to(1);  // the client
  const auto ports = server.ports();

  const auto client_tid = static_cast<pid_t>(::syscall(SYS_gettid));
  auto report = [&](const char* what, const Result& r, double cpu_before) {
    const double cpu = target_cpu_seconds(client_tid) - cpu_before;
    std::printf(
        "  %-46s: %9.0f readings/s wall, %9.0f readings per target CPU-second (target CPU "
        "%.0f%%)\n",
        what, static_cast<double>(r.readings) / r.seconds,
        cpu > 0 ? static_cast<double>(r.readings) / cpu : 0.0, 100.0 * cpu / r.seconds);
  };
  payloads::MllpDeframer mllp_deframer;
  payloads::DelimitedReader proto_reader;
  std::printf(
      "target ingest over loopback: 1 io thread + 1 worker on CPU 0, client on CPU 1, %.1f s "
      "each\n",
      seconds);
  double cpu0 = target_cpu_seconds(client_tid);
  if (only == "all" || only == "http") {
    const auto http = run_http(ports.http, http_connections, http_depth, http_bundle, seconds);
    report(((http_bundle > 1 ? "http  FHIR Bundle x" + std::to_string(http_bundle)
                             : std::string("http  FHIR Observation")) +
            ", " + std::to_string(http_connections) + " keep-alive conns" +
            (http_depth > 1 ? ", pipelined x" + std::to_string(http_depth) : std::string()))
               .c_str(),
           http, cpu0);
  }
  cpu0 = target_cpu_seconds(client_tid);
  if (only == "all" || only == "mllp") {
    const auto mllp = run_framed(
        ports.mllp, batch, window, seconds,
        [](std::uint64_t, const std::vector<physiology::Reading>& v) {
          return payloads::mllp_frame(payloads::encode_oru_r01(v));
        },
        [&](std::string& in) {
          std::vector<std::string> acks;
          mllp_deframer.feed(in, acks);
          in.clear();
          for (const auto& a : acks)
            if (payloads::decode_ack(a).value.code != payloads::AckCode::Accept)
              std::fprintf(stderr, "mllp: not AA\n");
          return acks.size();
        });
    report(
        ("mllp  ORU^R01 x" + std::to_string(batch) + ", window " + std::to_string(window)).c_str(),
        mllp, cpu0);
  }
  cpu0 = target_cpu_seconds(client_tid);
  if (only == "all" || only == "proto") {
    const auto proto = run_framed(
        ports.proto, batch, window, seconds,
        [](std::uint64_t id, const std::vector<physiology::Reading>& v) {
          std::string out;
          payloads::append_delimited(out, payloads::encode_batch(id, v));
          return out;
        },
        [&](std::string& in) {
          std::vector<std::string> frames;
          proto_reader.feed(in, frames);
          in.clear();
          for (const auto& f : frames)
            if (payloads::decode_batch_ack(f).value.rejected != 0)
              std::fprintf(stderr, "proto: rejected\n");
          return frames.size();
        });
    report(("proto ReadingBatch x" + std::to_string(batch) + ", window " + std::to_string(window))
               .c_str(),
           proto, cpu0);
  }
  server.stop();
  const auto s = server.snapshot();
  using reference_target::Outcome;
  using reference_target::Protocol;
  std::uint64_t invalid = 0, full = 0;
  for (auto p : {Protocol::Http, Protocol::Mllp, Protocol::Proto}) {
    invalid += s.count(p, Outcome::Invalid);
    full += s.count(p, Outcome::QueueFull);  // includes messages caught by stop() at the end
  }
  std::printf(
      "target counters: accepted http=%llu mllp=%llu proto=%llu, processed=%llu, invalid=%llu, "
      "refused=%llu\n",
      static_cast<unsigned long long>(s.readings(Protocol::Http)),
      static_cast<unsigned long long>(s.readings(Protocol::Mllp)),
      static_cast<unsigned long long>(s.readings(Protocol::Proto)),
      static_cast<unsigned long long>(s.readings_processed),
      static_cast<unsigned long long>(invalid), static_cast<unsigned long long>(full));
  return 0;
}

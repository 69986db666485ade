// Waveform ingest of the reference target over loopback: 1 s ECG blocks at 250 Hz.
//
//   iomtsim_reference_target_waveform_bench [seconds=3] [window=8]
//
// The target runs in-process (1 io thread, 1 worker, pinned to CPU 0), the client on CPU 1
// in one poll loop, `window` messages in flight:
//   fhir:  `window` keep-alive connections, one Observation (valueSampledData) per POST;
//   mllp:  one connection, one waveform ORU^R01 per message;
//   proto: one connection, one block per ReadingBatch.
// Prints blocks/s and samples/s (wall) and blocks per target CPU-second (the figure to
// compare on a shared machine: /proc/self/task/*/stat of every thread but the client's),
// then the encoded bytes of one block per encoding.
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/payloads/waveform.hpp"
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
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    total += static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  return total;
}

// A 1 s, 250 Hz lead II block with ECG-like amplitudes (µV).
physiology::WaveformBlock block(std::uint32_t patient, std::uint32_t seq) {
  physiology::WaveformBlock b;
  b.patient = patient;
  b.device = 0;
  b.id = physiology::make_reading_id(patient, 0, seq);
  b.device_time = physiology::at_seconds(seq);
  for (int i = 0; i < 250; ++i) {
    const double t = i / 250.0;
    const double qrs = 1100.0 * std::exp(-std::pow((t - 0.3) / 0.012, 2));
    const double tw = 250.0 * std::exp(-std::pow((t - 0.6) / 0.05, 2));
    b.samples.push_back(static_cast<std::int16_t>(std::lround(qrs + tw + 20 * std::sin(7.0 * t))));
  }
  return b;
}

struct Result {
  double seconds = 0;
  std::uint64_t answers = 0;
};

// `conns` connections, `depth` messages in flight on each; `count` says how many answers
// arrived in a connection's input (and consumes them).
template <class Count>
Result drive(std::vector<bench::Conn>& conns, const std::vector<std::string>& messages, int depth,
             double seconds, Count count) {
  std::size_t next = 0;
  for (auto& c : conns)
    for (int d = 0; d < depth; ++d) c.send(messages[next++ % messages.size()]);
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
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const int window = argc > 2 ? std::atoi(argv[2]) : 8;
  pin_to(0);
  auto cfg = reference_target::loopback_ephemeral_config();
  cfg.processing.io_threads = 1;
  cfg.processing.workers = 1;
  reference_target::TargetServer server(cfg);
  server.start();
  pin_to(1);
  const auto ports = server.ports();
  const auto client_tid = static_cast<pid_t>(::syscall(SYS_gettid));
  std::printf(
      "target waveform ingest over loopback (1 s ECG blocks, 250 Hz), %.1f s each, window %d\n",
      seconds, window);
  auto report = [&](const char* what, const Result& r, double cpu_before) {
    const double cpu = target_cpu_seconds(client_tid) - cpu_before;
    const double blocks = static_cast<double>(r.answers);
    std::printf(
        "  %-28s: %8.0f blocks/s (%9.0f samples/s) wall, %8.0f blocks per target CPU-second "
        "(target CPU %.0f%%)\n",
        what, blocks / r.seconds, 250.0 * blocks / r.seconds, cpu > 0 ? blocks / cpu : 0.0,
        100.0 * cpu / r.seconds);
  };
  std::vector<physiology::WaveformBlock> blocks;
  for (std::uint32_t i = 0; i < 64; ++i) blocks.push_back(block(i, i + 1));

  {  // FHIR
    std::vector<std::string> requests;
    for (const auto& b : blocks) {
      const auto body = payloads::encode_waveform_observation(b);
      requests.push_back(
          "POST /fhir/Observation HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
          "application/fhir+json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    std::vector<bench::Conn> conns;
    for (int i = 0; i < window; ++i) conns.emplace_back(ports.http);
    const double cpu0 = target_cpu_seconds(client_tid);
    const auto r = drive(conns, requests, 1, seconds, [](std::string& in) {
      std::size_t n = 0, pos;
      while ((pos = in.find("\r\n\r\n")) != std::string::npos) {
        if (in.compare(9, 3, "201") != 0) std::fprintf(stderr, "fhir: %.40s\n", in.c_str());
        std::size_t length = 0;
        if (auto cl = in.find("Content-Length: "); cl != std::string::npos && cl < pos)
          length = std::strtoul(in.c_str() + cl + 16, nullptr, 10);
        if (in.size() < pos + 4 + length) break;
        in.erase(0, pos + 4 + length);
        ++n;
      }
      return n;
    });
    report("fhir  Observation per POST", r, cpu0);
  }
  {  // MLLP
    std::vector<std::string> messages;
    for (const auto& b : blocks)
      messages.push_back(payloads::mllp_frame(payloads::encode_waveform_oru(b)));
    std::vector<bench::Conn> conns;
    conns.emplace_back(ports.mllp);
    payloads::MllpDeframer deframer;
    const double cpu0 = target_cpu_seconds(client_tid);
    const auto r = drive(conns, messages, window, seconds, [&](std::string& in) {
      std::vector<std::string> acks;
      deframer.feed(in, acks);
      in.clear();
      for (const auto& a : acks)
        if (payloads::decode_ack(a).value.code != payloads::AckCode::Accept)
          std::fprintf(stderr, "mllp: not AA\n");
      return acks.size();
    });
    report("mllp  ORU^R01 (NA OBX)", r, cpu0);
  }
  {  // protobuf
    std::vector<std::string> messages;
    for (const auto& b : blocks) {
      std::string out;
      payloads::append_delimited(out, payloads::encode_waveform_batch(b.id, std::span(&b, 1)));
      messages.push_back(std::move(out));
    }
    std::vector<bench::Conn> conns;
    conns.emplace_back(ports.proto);
    payloads::DelimitedReader reader;
    const double cpu0 = target_cpu_seconds(client_tid);
    const auto r = drive(conns, messages, window, seconds, [&](std::string& in) {
      std::vector<std::string> frames;
      reader.feed(in, frames);
      in.clear();
      for (const auto& f : frames)
        if (payloads::decode_batch_ack(f).value.rejected != 0)
          std::fprintf(stderr, "proto: rejected\n");
      return frames.size();
    });
    report("proto ReadingBatch.waveforms", r, cpu0);
  }
  server.stop();
  const auto s = server.snapshot();
  std::printf(
      "target counters: waveform blocks %llu, samples %llu, invalid %llu, readings processed "
      "%llu\n",
      static_cast<unsigned long long>(s.waveform_blocks),
      static_cast<unsigned long long>(s.waveform_samples),
      static_cast<unsigned long long>(s.waveform_invalid),
      static_cast<unsigned long long>(s.readings_processed));
  const auto& b = blocks.front();
  std::printf(
      "bytes of one such block: fhir %zu, hl7 %zu (+3 MLLP), mqtt json %zu, protobuf %zu (+2 "
      "length)\n",
      payloads::encode_waveform_observation(b).size(), payloads::encode_waveform_oru(b).size(),
      payloads::encode_mqtt_waveform(b).size(),
      payloads::encode_waveform_batch(b.id, std::span(&b, 1)).size());
  return 0;
}

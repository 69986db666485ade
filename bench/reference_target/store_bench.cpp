// What the record costs the reference target, and how long a reading takes to reach it.
//
//   iomtsim_reference_target_store_bench [seconds=4] [rounds=3] [connections=16]
//                                        [protocol=http|proto] [batch=100]
//
// 1. Ingest rate with the store off and on, side by side: `rounds` pairs of runs (off, on,
//    off, on, …) of `seconds` each against a fresh in-process target (1 io thread + 1
//    worker + the store's writer, pinned to CPU 0; the client on CPU 1), closed loop:
//    http: `connections` keep-alive connections, one Observation per POST (as wrk does);
//    proto: one connection, ReadingBatch of `batch` readings, 8 in flight.
//    Prints the median rate of each and on/off (the store is on by default, ":memory:").
// 2. Time to chart at half the ceiling: open loop at half the median store-on rate, HTTP,
//    one Observation per POST paced to its intended send time (pipelined on the
//    connections, so a slow answer does not delay the next send), for `seconds`; then the
//    record is read back over FHIR search (every page, _count=1000) and each reading's
//    time to chart is its meta.lastUpdated minus its intended send time (both the system
//    clock of this machine). Prints p50/p99/max and how many were found.
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
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
  r.device_time = physiology::at_seconds(seq % 100000);
  return r;
}

std::string post(const std::string& path, const std::string& body) {
  return "POST " + path +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Takes complete HTTP answers off the front of `in`; returns how many, -1 on a bad one.
int take_answers(std::string& in, const char* want_status) {
  int n = 0;
  std::size_t pos;
  while ((pos = in.find("\r\n\r\n")) != std::string::npos) {
    if (in.compare(9, 3, want_status) != 0) {
      std::fprintf(stderr, "unexpected answer %.60s\n", in.c_str());
      return -1;
    }
    std::size_t length = 0;
    if (auto cl = in.find("Content-Length: "); cl != std::string::npos && cl < pos)
      length = std::strtoul(in.c_str() + cl + 16, nullptr, 10);
    if (in.size() < pos + 4 + length) break;
    in.erase(0, pos + 4 + length);
    ++n;
  }
  return n;
}

reference_target::TargetConfig target_config(bool store) {
  auto cfg = reference_target::loopback_ephemeral_config();
  cfg.processing.io_threads = 1;
  cfg.processing.workers = 1;
  cfg.processing.queue_bound = 1'000'000;
  cfg.store.enabled = store;
  cfg.store.queue_bound = 1'000'000;
  cfg.store.max_observations = 2'000'000;
  return cfg;
}

double closed_loop_rate(bool store, const std::string& protocol, int connections, std::size_t batch,
                        double seconds) {
  pin_to(0);
  reference_target::TargetServer server(target_config(store));
  server.start();
  pin_to(1);
  std::vector<std::string> requests;
  std::vector<bench::Conn> conns;
  std::size_t per_answer = 1;
  if (protocol == "proto") {
    for (std::uint32_t m = 0; m < 64; ++m) {
      std::vector<physiology::Reading> v;
      for (std::uint32_t i = 0; i < batch; ++i) v.push_back(reading(m, m * 100000 + i + 1));
      std::string out;
      payloads::append_delimited(out, payloads::encode_batch(m + 1, v));
      requests.push_back(out);
    }
    conns.emplace_back(server.ports().proto);
    per_answer = batch;
  } else {
    for (std::uint32_t i = 0; i < 200; ++i)
      requests.push_back(
          post("/fhir/Observation", payloads::encode_observation(reading(i % 500, i + 1))));
    for (int i = 0; i < connections; ++i) conns.emplace_back(server.ports().http);
  }
  std::size_t next = 0;
  const int window = protocol == "proto" ? 8 : 1;
  for (auto& c : conns)
    for (int w = 0; w < window; ++w) c.send(requests[next++ % requests.size()]);
  std::uint64_t answers = 0;
  payloads::DelimitedReader reader;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  bench::poll_loop(conns, end, [&](bench::Conn& c) {
    int n = 0;
    if (protocol == "proto") {
      std::vector<std::string> frames;
      reader.feed(c.in, frames);
      c.in.clear();
      for (const auto& f : frames)
        if (payloads::decode_batch_ack(f).value.rejected != 0) return false;
      n = static_cast<int>(frames.size());
    } else {
      n = take_answers(c.in, "201");
      if (n < 0) return false;
    }
    for (int i = 0; i < n; ++i) c.send(requests[next++ % requests.size()]);
    answers += static_cast<std::uint64_t>(n);
    return true;
  });
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  server.stop();
  return static_cast<double>(answers * per_answer) / elapsed;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Blocking GET on a fresh connection; the body of a 200.
std::string http_get(std::uint16_t port, const std::string& path) {
  std::vector<bench::Conn> conns;
  conns.emplace_back(port);
  conns[0].send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  std::string body;
  bench::poll_loop(conns, Clock::now() + std::chrono::seconds(30), [&](bench::Conn& c) {
    const auto pos = c.in.find("\r\n\r\n");
    if (pos == std::string::npos) return true;
    const auto cl = c.in.find("Content-Length: ");
    const std::size_t length = std::strtoul(c.in.c_str() + cl + 16, nullptr, 10);
    if (c.in.size() < pos + 4 + length) return true;
    body = c.in.substr(pos + 4, length);
    return false;  // done
  });
  return body;
}

void time_to_chart(double rate_per_s, int connections, double seconds) {
  pin_to(0);
  reference_target::TargetServer server(target_config(true));
  server.start();
  pin_to(1);
  const auto port = server.ports().http;
  std::vector<bench::Conn> conns;
  for (int i = 0; i < connections; ++i) conns.emplace_back(port);
  const std::size_t total = static_cast<std::size_t>(rate_per_s * seconds);
  std::unordered_map<std::uint64_t, std::int64_t> intended;  // reading id -> wall ns
  intended.reserve(total);
  const auto start = Clock::now();
  const std::int64_t start_wall = wall_ns();
  std::size_t sent = 0;
  std::uint64_t answered = 0;
  std::vector<pollfd> fds(conns.size());
  char buf[64 * 1024];
  while (answered < total) {
    const auto now = Clock::now();
    const double elapsed_s = std::chrono::duration<double>(now - start).count();
    while (sent < total && static_cast<double>(sent) / rate_per_s <= elapsed_s) {
      const auto r =
          reading(static_cast<std::uint32_t>(sent % 500), static_cast<std::uint32_t>(sent + 1));
      intended[r.id] =
          start_wall + static_cast<std::int64_t>(static_cast<double>(sent) / rate_per_s * 1e9);
      conns[sent % conns.size()].send(post("/fhir/Observation", payloads::encode_observation(r)));
      ++sent;
    }
    for (std::size_t i = 0; i < conns.size(); ++i) {
      auto& c = conns[i];
      if (c.out_pos < c.out.size()) {
        const auto n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos,
                              MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) c.out_pos += static_cast<std::size_t>(n);
        if (c.out_pos == c.out.size()) {
          c.out.clear();
          c.out_pos = 0;
        }
      }
      fds[i] = {c.fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0};
    }
    if (::poll(fds.data(), fds.size(), 1) <= 0) continue;
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto n = ::recv(conns[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) {
        std::fprintf(stderr, "connection broke\n");
        return;
      }
      conns[i].in.append(buf, static_cast<std::size_t>(n));
      const int got = take_answers(conns[i].in, "201");
      if (got < 0) return;
      answered += static_cast<std::uint64_t>(got);
    }
  }
  const double send_s = std::chrono::duration<double>(Clock::now() - start).count();
  while (server.snapshot().store_queue_depth != 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Read the record back, every page.
  std::vector<double> ttc_ms;
  std::string path = "/fhir/Observation?_count=1000";
  std::size_t found = 0, unknown = 0;
  while (!path.empty()) {
    const auto b = nlohmann::json::parse(http_get(port, path));
    for (const auto& e : b["entry"]) {
      const auto& o = e["resource"];
      const auto id = std::stoull(o["identifier"][0]["value"].get<std::string>());
      const auto it = intended.find(id);
      if (it == intended.end()) {
        ++unknown;
        continue;
      }
      ++found;
      const auto updated = payloads::parse_fhir_time(o["meta"]["lastUpdated"].get<std::string>());
      ttc_ms.push_back(static_cast<double>(*updated - it->second) / 1e6);
    }
    path.clear();
    for (const auto& l : b["link"])
      if (l["relation"] == "next") path = l["url"].get<std::string>();
  }
  std::sort(ttc_ms.begin(), ttc_ms.end());
  auto pct = [&](double p) {
    return ttc_ms.empty()
               ? 0.0
               : ttc_ms[std::min(ttc_ms.size() - 1,
                                 static_cast<std::size_t>(p * static_cast<double>(ttc_ms.size())))];
  };
  const auto snap = server.snapshot();
  std::printf(
      "time to chart at %.0f readings/s (open loop, HTTP, %d conns, store.processing_delay %lld "
      "ms): "
      "sent %zu in %.2f s, found %zu in the record (%zu unknown); p50 %.1f ms, p99 %.1f ms, max "
      "%.1f ms; "
      "%llu write batches\n",
      rate_per_s, connections,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 server.config().store.processing_delay)
                                 .count()),
      sent, send_s, found, unknown, pct(0.5), pct(0.99), ttc_ms.empty() ? 0.0 : ttc_ms.back(),
      static_cast<unsigned long long>(snap.store_write_batches));
  server.stop();
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 4.0;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const int connections = argc > 3 ? std::atoi(argv[3]) : 16;
  const std::string protocol = argc > 4 ? argv[4] : "http";
  const std::size_t batch = argc > 5 ? static_cast<std::size_t>(std::atoi(argv[5])) : 100;

  std::vector<double> off, on;
  for (int r = 0; r < rounds; ++r) {
    off.push_back(closed_loop_rate(false, protocol, connections, batch, seconds));
    on.push_back(closed_loop_rate(true, protocol, connections, batch, seconds));
    std::printf("round %d: store off %9.0f readings/s, store on %9.0f readings/s\n", r + 1,
                off.back(), on.back());
  }
  const double m_off = median(off), m_on = median(on);
  std::printf(
      "ingest (%s%s, closed loop, %.1f s x %d rounds): median store off %.0f readings/s, "
      "store on %.0f readings/s, on/off %.3f\n",
      protocol.c_str(),
      protocol == "proto" ? (" batch " + std::to_string(batch)).c_str()
                          : (", " + std::to_string(connections) + " conns").c_str(),
      seconds, rounds, m_off, m_on, m_off > 0 ? m_on / m_off : 0.0);
  // The HTTP ceiling with the store on sets the open-loop rate.
  const double ceiling =
      protocol == "http" ? m_on : closed_loop_rate(true, "http", connections, batch, seconds);
  time_to_chart(ceiling / 2, connections, seconds);
  return 0;
}

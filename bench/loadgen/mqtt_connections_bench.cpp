// How many MQTT device connections iomtsim holds, and what each costs: forks `--workers`
// processes, each with its own mosquitto (loadgen::LocalBroker) and one MqttDevicePool
// (the load generator's own device connections) of `--per-worker` clients. All workers
// hold their connections at the same time; then each publishes `--rounds` QoS 1 messages
// per connection and disconnects. Not run by ctest.
//
// Why several processes: RLIMIT_NOFILE's hard limit (20,000 here, not raisable without
// CAP_SYS_RESOURCE) caps both one iomtsim process and one mosquitto at < 20,000 sockets.
// Worker k binds its sockets round robin to `--sources` loopback addresses 127.0.(k+1).2,
// .3, … (--no-bind: the kernel's choice). Besides giving more 4-tuples than one address'
// 28,232 ephemeral ports, this keeps connect() fast: the kernel searches the port range
// for a free 4-tuple on every connect, and that search grows with the connections one
// (source, destination) pair already has.
//
// Prints per worker: connections held, RSS per connection (RSS with N connected minus RSS
// before the pool existed, over N; /proc/self/status VmRSS; "trimmed": the same after
// malloc_trim, i.e. without heap the allocator kept from freed handshake and connect
// temporaries), connect rate (wall), publish
// rate (acknowledged per wall second), worker CPU seconds, the broker's RSS; then totals.
//
// --tls DIR: over TLS (DIR holds ca.pem, and cert.pem/key.pem the CA signed for
// 127.0.0.1, readable by the mosquitto user).
//
//   iomtsim_mqtt_connections_bench --workers 3 --per-worker 18000
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "iomtsim/loadgen/local_broker.hpp"
#include "mqtt_device_pool.hpp"

namespace {

using namespace iomtsim::loadgen;
using namespace iomtsim::loadgen::detail;
using Clock = std::chrono::steady_clock;

long rss_kib(pid_t pid = 0) {
  std::ifstream f(pid ? "/proc/" + std::to_string(pid) + "/status"
                      : std::string("/proc/self/status"));
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Args {
  int workers = 3;
  int per_worker = 18000;
  int rounds = 1;
  bool bind = true;
  int sources = 4;             // loopback source addresses per worker
  double connect_rate = 5000;  // per second per worker: the ramp
  std::string tls_dir;         // non-empty: TLS with ca.pem, cert.pem, key.pem from there
};

struct Result {
  int worker = 0, held = 0, acked = 0;
  long rss_before_kib = 0, rss_held_kib = 0, rss_trimmed_kib = 0, broker_rss_kib = 0;
  double connect_s = 0, publish_s = 0, cpu = 0;
  unsigned long long fd_limit = 0;
};

// One worker process: broker, pool, measurements. `up` is written when all connected (or
// stalled); `go` is read before publishing, so every worker holds its connections at once.
Result work(int k, const Args& a, int up, int go) {
  Result r;
  r.worker = k;
  r.fd_limit = raise_open_file_limit();
  LocalBrokerOptions bo;
  if (!a.tls_dir.empty())
    bo = LocalBrokerOptions{a.tls_dir + "/ca.pem", a.tls_dir + "/cert.pem", a.tls_dir + "/key.pem"};
  LocalBroker broker(bo);
  boost::asio::io_context io;
  int acked = 0;
  r.rss_before_kib = rss_kib();
  MqttTarget t;
  t.port = a.tls_dir.empty() ? broker.port() : broker.tls_port();
  t.tls = !a.tls_dir.empty();
  if (t.tls) t.tls_settings.ca_file = a.tls_dir + "/ca.pem";
  t.qos = 1;
  t.timeout = std::chrono::seconds(30);
  t.client_id = "bench-" + std::to_string(k) + "-{patient}";
  t.connect_interval = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / a.connect_rate));
  for (int j = 0; a.bind && j < a.sources; ++j)
    t.source_addresses.push_back("127.0." + std::to_string(k + 1) + "." + std::to_string(j + 2));
  MqttDevicePool pool(io, t, [&](OutboundPtr, const Completion& c) {
    acked += c.outcome == iomtsim::reports::Outcome::Acknowledged;
  });
  for (int i = 0; i < a.per_worker; ++i) pool.add_client(static_cast<std::uint32_t>(i), "0");
  const auto t0 = Clock::now();
  pool.start();
  auto last_progress = t0;
  std::size_t last = 0;
  while (pool.connected() < static_cast<std::size_t>(a.per_worker) &&
         Clock::now() - last_progress < std::chrono::seconds(10)) {
    io.run_for(std::chrono::milliseconds(50));
    if (pool.connected() > last) {
      last = pool.connected();
      last_progress = Clock::now();
    }
  }
  r.connect_s = std::chrono::duration<double>(last_progress - t0).count();
  io.run_for(std::chrono::milliseconds(500));  // settle: no write buffers pending
  r.held = static_cast<int>(pool.connected());
  r.rss_held_kib = rss_kib();
  ::malloc_trim(0);  // what stays once the allocator returned what the handshakes freed
  r.rss_trimmed_kib = rss_kib();
  r.broker_rss_kib = rss_kib(broker.pid());
  char byte = 1;
  if (::write(up, &byte, 1) != 1 || ::read(go, &byte, 1) != 1) return r;

  const auto p0 = Clock::now();
  std::uint64_t id = 1;
  for (int round = 0; round < a.rounds; ++round)
    for (int i = 0; i < a.per_worker; ++i) {
      auto m = std::make_unique<Outbound>();
      iomtsim::physiology::Reading rd;
      rd.id = id;
      rd.patient = static_cast<std::uint32_t>(i);
      rd.vital = iomtsim::physiology::Vital::HeartRate;
      rd.value = 70;
      m->msg->wire_id = id++;
      m->msg->readings = {rd};
      m->due = Clock::now();
      pool.send(static_cast<std::uint32_t>(i), std::move(m));
    }
  while (pool.in_flight() > 0 && Clock::now() - p0 < std::chrono::seconds(120))
    io.run_for(std::chrono::milliseconds(20));
  r.publish_s = std::chrono::duration<double>(Clock::now() - p0).count();
  r.acked = acked;
  pool.abandon();
  r.cpu = cpu_s();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto next = [&] { return i + 1 < argc ? std::stod(argv[++i]) : 0.0; };
    if (s == "--workers")
      a.workers = static_cast<int>(next());
    else if (s == "--per-worker")
      a.per_worker = static_cast<int>(next());
    else if (s == "--rounds")
      a.rounds = static_cast<int>(next());
    else if (s == "--connect-rate")
      a.connect_rate = next();
    else if (s == "--tls" && i + 1 < argc)
      a.tls_dir = argv[++i];
    else if (s == "--sources")
      a.sources = static_cast<int>(next());
    else if (s == "--no-bind")
      a.bind = false;
    else {
      std::fprintf(stderr,
                   "usage: %s [--workers N] [--per-worker N] [--rounds N] [--connect-rate N/s] "
                   "[--sources N] [--no-bind] [--tls DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  if (!LocalBroker::available()) {
    std::fprintf(stderr, "mosquitto is not installed\n");
    return 1;
  }
  int up[2], go[2], out[2];
  if (::pipe(up) != 0 || ::pipe(go) != 0 || ::pipe(out) != 0) return 1;
  std::vector<pid_t> kids;
  for (int k = 0; k < a.workers; ++k) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      Result r;
      try {
        r = work(k, a, up[1], go[0]);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "worker %d: %s\n", k, e.what());
        char byte = 0;
        if (::write(up[1], &byte, 1) != 1) ::_exit(1);
      }
      if (::write(out[1], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) ::_exit(1);
      ::_exit(0);
    }
    kids.push_back(pid);
  }
  // Every worker holds its connections now; let them all publish.
  for (int k = 0; k < a.workers; ++k) {
    char byte;
    if (::read(up[0], &byte, 1) != 1) return 1;
  }
  const auto wall0 = Clock::now();
  for (int k = 0; k < a.workers; ++k) {
    char byte = 1;
    if (::write(go[1], &byte, 1) != 1) return 1;
  }
  std::vector<Result> rs;
  for (int k = 0; k < a.workers; ++k) {
    Result r;
    if (::read(out[0], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) return 1;
    rs.push_back(r);
  }
  for (pid_t p : kids) ::waitpid(p, nullptr, 0);
  (void)wall0;
  long total = 0, acked = 0;
  std::printf(
      "worker  fd_limit  held    RSS/conn(B)  trimmed(B)  connect/s  publish_ack/s  cpu_s  "
      "broker_RSS/conn(B)\n");
  for (const auto& r : rs) {
    total += r.held;
    acked += r.acked;
    const double per =
        r.held ? 1024.0 * static_cast<double>(r.rss_held_kib - r.rss_before_kib) / r.held : 0;
    const double bper = r.held ? 1024.0 * static_cast<double>(r.broker_rss_kib) / r.held : 0;
    const double trimmed =
        r.held ? 1024.0 * static_cast<double>(r.rss_trimmed_kib - r.rss_before_kib) / r.held : 0;
    std::printf("%-7d %-9llu %-7d %-12.0f %-11.0f %-10.0f %-14.0f %-6.2f %.0f\n", r.worker,
                r.fd_limit, r.held, per, trimmed, r.connect_s > 0 ? r.held / r.connect_s : 0,
                r.publish_s > 0 ? r.acked / r.publish_s : 0, r.cpu, bper);
  }
  std::printf("total connections held at once: %ld (of %d); acknowledged publishes: %ld\n", total,
              a.workers * a.per_worker, acked);
  return total == static_cast<long>(a.workers) * a.per_worker ? 0 : 1;
}

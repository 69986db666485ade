#pragma once
// The reference target: a small IoMT ingest pipeline with early-warning alerting, over
// real sockets. FHIR R4 over HTTP/1.1, HL7 v2 ORU^R01 over MLLP, length-delimited
// protobuf batches over TCP, MQTT through a broker; a bounded queue in front of the rules
// (target/rules RulesEngine, one per worker, patients sharded by index); alerts to a
// webhook and/or an MQTT topic; fault injection; Prometheus /metrics.
//
// Runs in-process (a run with no target of its own uses it on loopback ports) and as its
// own process (run_target_main in run.hpp, behind `iomtsim target`).
//
//   TargetServer server(loopback_ephemeral_config());
//   server.start();                       // throws TargetStartError if a port is taken
//   TargetPorts p = server.ports();       // the ports actually bound
//   ... POST to http://127.0.0.1:p.http/fhir/Observation ...
//   server.stop();                        // also done by the destructor
//
// Threads: `processing.io_threads` run the sockets, `processing.workers` run the rules,
// libmosquitto has its own. stop() closes every socket and joins every thread; readings
// still queued are dropped.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reference_target/metrics.hpp"

namespace iomtsim::reference_target {

// The ports bound; 0 for a listener that is disabled.
struct TargetPorts {
  std::uint16_t http = 0;
  std::uint16_t mllp = 0;
  std::uint16_t proto = 0;
  bool operator==(const TargetPorts&) const = default;
};

// The line a process prints on stdout once it is ready, e.g.
// {"http_port":8080,"mllp_port":2575,"proto_port":9095}
std::string ready_line(const TargetPorts& ports);

class TargetStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TargetServer {
 public:
  explicit TargetServer(TargetConfig config);
  ~TargetServer();
  TargetServer(const TargetServer&) = delete;
  TargetServer& operator=(const TargetServer&) = delete;

  // Binds every enabled listener, connects to the MQTT broker (waiting up to
  // mqtt.connect_wait for the subscriptions; it keeps retrying after that) and starts the
  // threads.
  void start();
  TargetPorts ports() const;
  // Idempotent; safe to call from any thread except the server's own.
  void stop();

  // True once an injected crash (faults.crash_after) has happened: every socket was
  // closed and nothing answers; stop() is still needed to release the threads.
  bool crashed() const;
  // Blocks until crashed() or the timeout; returns crashed().
  bool wait_crashed(std::chrono::milliseconds timeout) const;
  // Whether the MQTT subscriptions are in place (false when MQTT ingest is off).
  bool mqtt_ready() const;
  // Why the broker's certificate was refused (the X509 verify error), empty if it was not.
  std::string mqtt_tls_error() const;

  const Metrics& metrics() const;
  MetricsSnapshot snapshot() const;
  const TargetConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iomtsim::reference_target

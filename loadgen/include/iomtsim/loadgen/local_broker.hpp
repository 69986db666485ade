#pragma once
// A real MQTT broker for runs against the embedded reference target: Debian's mosquitto
// as a child process on a free 127.0.0.1 port with a generated config, stopped (SIGTERM,
// then SIGKILL) on destruction. `iomtsim run` starts one when the embedded target must
// ingest MQTT and the scenario names no broker; tests use it the same way.
//
//   LocalBroker broker;                 // throws LocalBrokerError if it cannot start
//   connect_to("127.0.0.1", broker.port());
//
// With TLS files in the options it also listens with TLS on tls_port() (the plain port
// stays). Pitfall: mosquitto started as root drops to the `mosquitto` user before it reads
// them, so they (and their folders) must be readable by that user. Many connections: the child's RLIMIT_NOFILE soft limit is raised to the hard
// limit before exec and max_connections is unlimited, so it holds as many clients as the
// descriptor limit allows (each client is one descriptor in mosquitto too).
// $SYS topics are published every second ($SYS/broker/clients/connected, …).
#include <sys/types.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace iomtsim::loadgen {

class LocalBrokerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LocalBrokerOptions {
  // All three set: a TLS listener too (PEM files; ca_file is offered to clients that
  // present certificates, none are required).
  std::string ca_file, cert_file, key_file;
  // The TLS listener requires a client certificate signed by ca_file (mutual TLS).
  bool require_certificate{false};
  // Non-empty: clients must log in with a user name and password from this file (made with
  // mosquitto_passwd); anonymous clients are refused on every listener.
  std::string password_file{};
};

class LocalBroker {
 public:
  static constexpr const char* kBinary = "/usr/sbin/mosquitto";

  // Starts the broker and waits (at most about 2 s per attempt) until it accepts
  // connections on every listener.
  explicit LocalBroker(const LocalBrokerOptions& options = {});
  ~LocalBroker();
  LocalBroker(const LocalBroker&) = delete;
  LocalBroker& operator=(const LocalBroker&) = delete;

  static bool available();  // the mosquitto binary is installed
  std::uint16_t port() const { return port_; }
  std::uint16_t tls_port() const { return tls_port_; }  // 0: no TLS listener
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::string dir_;
};

}  // namespace iomtsim::loadgen

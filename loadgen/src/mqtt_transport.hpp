#pragma once
// MQTT through a broker: one client connection per device, as real devices have, or one per
// gateway for devices behind a gateway (a BLE phone or a bedside hub relays all of its
// patient's devices that name it over its one uplink). The connections are
// mqtt_device_pool.hpp's own MQTT 3.1.1 / 5 clients (why not libmosquitto: mqtt_codec.hpp),
// all driven from the engine thread's io_context.
//
// Each message is a PUBLISH of payloads::mqtt_json (one reading, or an array for a batch)
// on the topic template, expanded with the message's own patient and device (a gateway
// relays onto each device's topic). Outcomes, as before: QoS 1/2: PUBACK (PUBCOMP) ->
// Acknowledged, an MQTT 5 failure reason -> Rejected; QoS 0: Acknowledged once written to
// the socket (the broker gives no answer). No answer within `timeout` -> TimedOut; a lost
// connection fails what was unanswered (Failed) unless the session is persistent, in which
// case QoS>0 messages are sent again (DUP) after the reconnect, until their timeout.
//
// Connecting: with a ramp (connect_interval, or ramp_up spread over this thread's
// connections), connection i opens i x interval after start() and messages for it wait
// until then; without one, a connection opens at its device's first message.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "iomtsim/sim/fleet.hpp"
#include "connect/tls_client.hpp"
#include "mqtt_codec.hpp"
#include "transport.hpp"

namespace boost::asio {
class io_context;
}

namespace iomtsim::loadgen::detail {

struct MqttTarget {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string topic = "iomtsim/{patient}/{device}";
  int qos = 1;
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // wall
  // {patient} expands to the global patient index, {device} to the device index, or to the
  // gateway's name for a gateway's connection. Must be unique per connection at the broker
  // (a second CONNECT with the same id takes the session over).
  std::string client_id = "iomtsim-{patient}-{device}";
  std::chrono::seconds keepalive{60};
  bool clean_session = true;
  MqttVersion version = MqttVersion::V311;
  bool tls = false;
  TlsClientSettings tls_settings;  // CA (empty: the system's store), verify, client certificate
  std::string username;  // CONNECT user name and password (read from the scenario's secret)
  std::string password;
  // Ramp (wall time). connect_interval wins when both are set; both zero: lazy connects.
  std::chrono::nanoseconds connect_interval{};
  std::chrono::nanoseconds ramp_up{};
  // Local addresses to bind client sockets to, round robin (e.g. 127.0.0.2, 127.0.0.3):
  // more source addresses, more 4-tuples towards one broker. Empty: the kernel's choice,
  // except towards a loopback broker with more than 4,096 connections in one pool, which
  // get one 127.x.0.y address per 4,096 (mqtt_device_pool.cpp says why).
  std::vector<std::string> source_addresses;
  std::chrono::milliseconds reconnect_initial{1000};  // per connection, doubling, ±20 % jitter
  std::chrono::milliseconds reconnect_max{30000};
};

// The engine's MQTT transport over this thread's devices (only mqtt_json ones get a
// connection). A message from a device not in `devices` gets a connection of its own.
std::unique_ptr<Transport> make_mqtt_transport(boost::asio::io_context& io,
                                               const MqttTarget& target,
                                               const std::vector<sim::FleetDevice>& devices,
                                               CompletionFn done);

// Expands {patient} and {device} in a client id template.
std::string mqtt_client_id(const std::string& pattern, physiology::PatientIndex patient,
                           const std::string& device);

// Raises this process' soft RLIMIT_NOFILE to its hard limit (one descriptor per device
// connection); returns the soft limit now in force.
std::uint64_t raise_open_file_limit();

}  // namespace iomtsim::loadgen::detail

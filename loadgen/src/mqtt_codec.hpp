#pragma once
// MQTT control packets for a publishing client, 3.1.1 (protocol level 4) and 5: what the
// load generator's device connections write (CONNECT, PUBLISH, PUBREL, PINGREQ,
// DISCONNECT) and read (CONNACK, PUBACK, PUBREC, PUBCOMP, PINGRESP, DISCONNECT).
// Pure byte work, no sockets; mqtt_client.cpp does the I/O. Private to loadgen.
//
// Why not libmosquitto (measured, bench/loadgen/mqtt_libmosquitto_fds.cpp): libmosquitto
// 2.0 opens a wake-up socketpair in every mosquitto_new(), so each client costs three
// file descriptors, and it writes a wake-up byte into that pair for every packet even when
// driven from an external loop (where nothing reads it). Under this machine's 20,000 fd
// hard limit that caps one process at about 6,600 device connections instead of about
// 19,900; 50,000 devices would need eight processes and eight brokers instead of three.
//
// Pitfalls: a remaining length is a variable-length integer of at most 4 bytes (at most
// 268,435,455); strings are u16-length-prefixed (topics and client ids over 65,535 bytes
// are refused by the encoder); MQTT 5 packets carry a property block (empty here, except
// a session expiry on CONNECT for persistent sessions).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iomtsim::loadgen::detail {

enum class MqttVersion : std::uint8_t { V311 = 4, V5 = 5 };

enum class MqttType : std::uint8_t {
  Connect = 1,
  Connack = 2,
  Publish = 3,
  Puback = 4,
  Pubrec = 5,
  Pubrel = 6,
  Pubcomp = 7,
  Pingreq = 12,
  Pingresp = 13,
  Disconnect = 14,
};

struct MqttConnectOptions {
  std::string_view client_id;
  std::uint16_t keepalive_s = 60;  // 0: no keep-alive
  bool clean_session = true;       // MQTT 5: clean start (and session expiry 0)
  MqttVersion version = MqttVersion::V311;
  std::uint32_t session_expiry_s = 3600;  // MQTT 5, persistent sessions only
  std::string_view username{};  // empty: none
  std::string_view password{};  // empty: none (needs a username in 3.1.1)
};

// Each append_* adds one whole packet to `out`. Throws std::length_error for a string or
// packet MQTT cannot express.
void append_connect(std::string& out, const MqttConnectOptions& o);
void append_publish(std::string& out, MqttVersion v, std::string_view topic,
                    std::string_view payload, int qos, std::uint16_t packet_id, bool dup = false);
void append_pubrel(std::string& out, std::uint16_t packet_id);
void append_pingreq(std::string& out);
void append_disconnect(std::string& out);

// One packet cut from the front of a byte stream; `body` points into the caller's buffer.
struct MqttPacket {
  MqttType type{};
  std::uint8_t flags = 0;  // low nibble of the first byte
  std::string_view body;   // variable header + payload
};

enum class MqttParse : std::uint8_t { NeedMore, Ok, Malformed };

// Cuts the first packet from `buf`; on Ok, `consumed` is its whole length.
MqttParse parse_packet(std::string_view buf, MqttPacket& out, std::size_t& consumed,
                       std::size_t max_packet_bytes = 1 << 20);

struct MqttConnack {
  bool session_present = false;
  std::uint8_t code = 0;                            // 0: accepted (3.1.1 return code / 5 reason)
  std::uint16_t receive_maximum = 65535;            // MQTT 5 property; QoS>0 publishes in flight
  std::optional<std::uint16_t> server_keepalive_s;  // MQTT 5: the broker's choice wins
};
// nullopt: malformed.
std::optional<MqttConnack> decode_connack(std::string_view body, MqttVersion v);

// PUBACK, PUBREC, PUBCOMP: packet id and reason (0 when the packet has none; MQTT 5
// reasons >= 0x80 are failures).
struct MqttAck {
  std::uint16_t packet_id = 0;
  std::uint8_t reason = 0;
};
std::optional<MqttAck> decode_ack(std::string_view body);

}  // namespace iomtsim::loadgen::detail

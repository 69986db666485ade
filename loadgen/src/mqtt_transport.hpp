#pragma once
// MQTT through a broker (libmosquitto), driven from the engine's event loop: the client
// socket is wrapped in an asio posix::stream_descriptor and mosquitto_loop_read / _write /
// _misc are called when it is readable, writable, and once a second. No libmosquitto
// thread, no lock.
//
// One client per engine thread, standing for a gateway that all of that thread's MQTT
// devices share (real devices each hold their own connection; that is not modelled yet).
// Each message is a PUBLISH of payloads::mqtt_json (one reading, or an array for a batch)
// on the topic pattern. QoS 1: PUBACK -> Acknowledged; QoS 0: Acknowledged once libmosquitto
// has written it to the socket (the broker gives no answer). No answer within `timeout` -> TimedOut; a lost
// connection fails what was unanswered (Failed) and reconnects with back-off.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

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
  std::string client_id;  // empty: generated
};

std::unique_ptr<Transport> make_mqtt_transport(boost::asio::io_context& io, const MqttTarget& target,
                                               CompletionFn done);

}  // namespace iomtsim::loadgen::detail

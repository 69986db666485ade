// libFuzzer: what a broker (or anything listening where one should be) sends back to the
// load generator's MQTT device connections, through loadgen's packet codec: packets cut
// from the stream one by one, CONNACK and acknowledgements decoded in both versions.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqtt_codec.hpp"

namespace d = iomtsim::loadgen::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 1000 && !buf.empty(); ++i) {
    d::MqttPacket packet;
    std::size_t consumed = 0;
    const auto r = d::parse_packet(buf, packet, consumed, 64 * 1024);
    if (r != d::MqttParse::Ok) break;
    if (consumed == 0 || consumed > buf.size() || packet.body.size() > consumed) __builtin_trap();
    switch (packet.type) {
      case d::MqttType::Connack:
        (void)d::decode_connack(packet.body, d::MqttVersion::V311);
        (void)d::decode_connack(packet.body, d::MqttVersion::V5);
        break;
      case d::MqttType::Puback:
      case d::MqttType::Pubrec:
      case d::MqttType::Pubcomp:
        (void)d::decode_ack(packet.body);
        break;
      default:
        break;
    }
    buf.remove_prefix(consumed);
  }
  return 0;
}

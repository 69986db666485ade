#include "mqtt_codec.hpp"

#include <stdexcept>

namespace iomtsim::loadgen::detail {
namespace {

constexpr std::size_t kMaxRemaining = 268'435'455;

void put_u16(std::string& out, std::size_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

void put_str(std::string& out, std::string_view s) {
  if (s.size() > 0xffff) throw std::length_error("MQTT string longer than 65535 bytes");
  put_u16(out, s.size());
  out.append(s);
}

void put_varint(std::string& out, std::size_t v) {
  if (v > kMaxRemaining) throw std::length_error("MQTT packet too long");
  do {
    auto b = static_cast<std::uint8_t>(v % 128);
    v /= 128;
    if (v > 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v > 0);
}

void put_header(std::string& out, MqttType t, std::uint8_t flags, std::size_t remaining) {
  out.push_back(static_cast<char>((static_cast<std::uint8_t>(t) << 4) | flags));
  put_varint(out, remaining);
}

std::uint16_t u16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(b[at]) << 8) |
                                    static_cast<std::uint8_t>(b[at + 1]));
}

// Reads a variable-length integer at `at`; nullopt when malformed or cut short.
std::optional<std::size_t> varint(std::string_view b, std::size_t& at) {
  std::size_t v = 0, mul = 1;
  for (int i = 0; i < 4; ++i) {
    if (at >= b.size()) return std::nullopt;
    const auto byte = static_cast<std::uint8_t>(b[at++]);
    v += (byte & 0x7f) * mul;
    if ((byte & 0x80) == 0) return v;
    mul *= 128;
  }
  return std::nullopt;
}

}  // namespace

void append_connect(std::string& out, const MqttConnectOptions& o) {
  const bool v5 = o.version == MqttVersion::V5;
  const bool expiry = v5 && !o.clean_session;
  const std::size_t props = expiry ? 5 : 0;  // 0x11 + u32
  if (o.client_id.size() > 0xffff)
    throw std::length_error("MQTT client id longer than 65535 bytes");
  const bool user = !o.username.empty(), pass = user && !o.password.empty();
  const std::size_t remaining = 10 + (v5 ? 1 + props : 0) + 2 + o.client_id.size() +
                                (user ? 2 + o.username.size() : 0) + (pass ? 2 + o.password.size() : 0);
  put_header(out, MqttType::Connect, 0, remaining);
  put_str(out, "MQTT");
  out.push_back(static_cast<char>(o.version));
  out.push_back(static_cast<char>((o.clean_session ? 0x02 : 0x00) | (user ? 0x80 : 0x00) | (pass ? 0x40 : 0x00)));
  put_u16(out, o.keepalive_s);
  if (v5) {
    put_varint(out, props);
    if (expiry) {
      out.push_back(0x11);
      for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((o.session_expiry_s >> shift) & 0xff));
    }
  }
  put_str(out, o.client_id);
  if (user) put_str(out, o.username);
  if (pass) put_str(out, o.password);
}

void append_publish(std::string& out, MqttVersion v, std::string_view topic,
                    std::string_view payload, int qos, std::uint16_t packet_id, bool dup) {
  if (qos < 0 || qos > 2) throw std::invalid_argument("MQTT QoS must be 0, 1 or 2");
  const std::size_t remaining =
      2 + topic.size() + (qos > 0 ? 2 : 0) + (v == MqttVersion::V5 ? 1 : 0) + payload.size();
  const auto flags = static_cast<std::uint8_t>((dup ? 0x08 : 0) | (qos << 1));
  put_header(out, MqttType::Publish, flags, remaining);
  put_str(out, topic);
  if (qos > 0) put_u16(out, packet_id);
  if (v == MqttVersion::V5) out.push_back(0);  // no properties
  out.append(payload);
}

void append_pubrel(std::string& out, std::uint16_t packet_id) {
  put_header(out, MqttType::Pubrel, 0x02, 2);
  put_u16(out, packet_id);
}

void append_pingreq(std::string& out) { put_header(out, MqttType::Pingreq, 0, 0); }

void append_disconnect(std::string& out) { put_header(out, MqttType::Disconnect, 0, 0); }

MqttParse parse_packet(std::string_view buf, MqttPacket& out, std::size_t& consumed,
                       std::size_t max_packet_bytes) {
  if (buf.size() < 2) return MqttParse::NeedMore;
  std::size_t at = 1;
  std::size_t v = 0, mul = 1;
  for (int i = 0;; ++i) {
    if (i == 4) return MqttParse::Malformed;
    if (at >= buf.size()) return MqttParse::NeedMore;
    const auto byte = static_cast<std::uint8_t>(buf[at++]);
    v += (byte & 0x7f) * mul;
    if ((byte & 0x80) == 0) break;
    mul *= 128;
  }
  if (v > max_packet_bytes) return MqttParse::Malformed;
  const auto first = static_cast<std::uint8_t>(buf[0]);
  const auto type = first >> 4;
  if (type == 0 || type == 15) return MqttParse::Malformed;  // reserved (15 is AUTH: not used)
  if (buf.size() - at < v) return MqttParse::NeedMore;
  out.type = static_cast<MqttType>(type);
  out.flags = first & 0x0f;
  out.body = buf.substr(at, v);
  consumed = at + v;
  return MqttParse::Ok;
}

std::optional<MqttConnack> decode_connack(std::string_view b, MqttVersion v) {
  if (b.size() < 2) return std::nullopt;
  MqttConnack c;
  c.session_present = (static_cast<std::uint8_t>(b[0]) & 0x01) != 0;
  c.code = static_cast<std::uint8_t>(b[1]);
  if (v != MqttVersion::V5 || b.size() == 2) return c;
  std::size_t at = 2;
  const auto len = varint(b, at);
  if (!len || b.size() - at < *len) return std::nullopt;
  const std::size_t end = at + *len;
  // Every property type must be known to skip it; only two are used.
  while (at < end) {
    const auto id = static_cast<std::uint8_t>(b[at++]);
    std::size_t need = 0;
    switch (id) {
      case 0x01:
      case 0x17:
      case 0x19:
      case 0x24:
      case 0x25:
      case 0x28:
      case 0x29:
      case 0x2A:
        need = 1;
        break;
      case 0x13:
      case 0x21:
      case 0x22:
      case 0x23:
        need = 2;
        break;
      case 0x02:
      case 0x11:
      case 0x18:
      case 0x27:
        need = 4;
        break;
      case 0x0B:
        if (!varint(b, at)) return std::nullopt;
        continue;
      case 0x03:
      case 0x08:
      case 0x09:
      case 0x12:
      case 0x15:
      case 0x16:
      case 0x1A:
      case 0x1C:
      case 0x1F:
        if (end - at < 2) return std::nullopt;
        need = 2 + u16(b, at);
        break;
      case 0x26:  // a pair of strings
        if (end - at < 2) return std::nullopt;
        at += 2 + u16(b, at);
        if (at > end || end - at < 2) return std::nullopt;
        need = 2 + u16(b, at);
        break;
      default:
        return std::nullopt;
    }
    if (at > end || end - at < need) return std::nullopt;
    if (id == 0x21) c.receive_maximum = u16(b, at);
    if (id == 0x13) c.server_keepalive_s = u16(b, at);
    at += need;
  }
  if (c.receive_maximum == 0) return std::nullopt;  // a protocol error by the broker
  return c;
}

std::optional<MqttAck> decode_ack(std::string_view b) {
  if (b.size() < 2) return std::nullopt;
  MqttAck a;
  a.packet_id = u16(b, 0);
  if (b.size() >= 3) a.reason = static_cast<std::uint8_t>(b[2]);
  return a;
}

}  // namespace iomtsim::loadgen::detail

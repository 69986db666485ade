// The MQTT packets the device connections write and read, byte for byte against the
// examples of the MQTT 3.1.1 and 5.0 specifications' packet layouts.
#include <gtest/gtest.h>

#include <string>

#include "mqtt_codec.hpp"

namespace iomtsim::loadgen::detail {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

TEST(MqttCodec, Connect311CleanSession) {
  std::string out;
  append_connect(out, MqttConnectOptions{"dev-1", 60, true, MqttVersion::V311});
  EXPECT_EQ(out, bytes({0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 5}) + "dev-1");
}

TEST(MqttCodec, Connect5PersistentCarriesSessionExpiry) {
  std::string out;
  append_connect(out, MqttConnectOptions{"d", 30, false, MqttVersion::V5, 3600});
  EXPECT_EQ(out, bytes({0x10, 19, 0, 4,    'M', 'Q', 'T',  'T',  5, 0x00,
                        0,    30, 5, 0x11, 0,   0,   0x0e, 0x10, 0, 1}) +
                     "d");
  out.clear();
  append_connect(out, MqttConnectOptions{"d", 30, true, MqttVersion::V5});
  EXPECT_EQ(out, bytes({0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 30, 0, 0, 1}) + "d");
}

TEST(MqttCodec, PublishQos0And1And5) {
  std::string out;
  append_publish(out, MqttVersion::V311, "a/b", "hi", 0, 0);
  EXPECT_EQ(out, bytes({0x30, 7, 0, 3, 'a', '/', 'b', 'h', 'i'}));
  out.clear();
  append_publish(out, MqttVersion::V311, "a/b", "hi", 1, 0x1234, true);
  EXPECT_EQ(out, bytes({0x3a, 9, 0, 3, 'a', '/', 'b', 0x12, 0x34, 'h', 'i'}));
  out.clear();
  append_publish(out, MqttVersion::V5, "t", "", 1, 7);
  EXPECT_EQ(out, bytes({0x32, 6, 0, 1, 't', 0, 7, 0}));
  EXPECT_THROW(append_publish(out, MqttVersion::V311, std::string(70000, 'x'), "", 0, 0),
               std::length_error);
}

TEST(MqttCodec, LongRemainingLengthUsesSeveralBytes) {
  std::string out;
  append_publish(out, MqttVersion::V311, "t", std::string(200, 'p'), 0, 0);
  // 3 + 200 = 203 = 0xCB: 0xCB 0x01
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0xCB);
  EXPECT_EQ(static_cast<unsigned char>(out[2]), 0x01);
  MqttPacket p;
  std::size_t used = 0;
  ASSERT_EQ(parse_packet(out, p, used), MqttParse::Ok);
  EXPECT_EQ(used, out.size());
  EXPECT_EQ(p.type, MqttType::Publish);
  EXPECT_EQ(p.body.size(), 203u);
}

TEST(MqttCodec, SmallPackets) {
  std::string out;
  append_pingreq(out);
  append_disconnect(out);
  append_pubrel(out, 9);
  EXPECT_EQ(out, bytes({0xc0, 0, 0xe0, 0, 0x62, 2, 0, 9}));
}

TEST(MqttCodec, ParsesAStreamCutAnywhere) {
  const std::string stream = bytes({0x20, 2, 0, 0, 0x40, 2, 0, 5, 0xd0, 0});
  std::string buf;
  std::vector<MqttType> seen;
  for (char ch : stream) {  // one byte at a time, as a slow socket might deliver them
    buf.push_back(ch);
    MqttPacket p;
    std::size_t used = 0;
    while (parse_packet(buf, p, used) == MqttParse::Ok) {
      seen.push_back(p.type);
      if (p.type == MqttType::Puback) {
        EXPECT_EQ(decode_ack(p.body)->packet_id, 5);
      }
      buf.erase(0, used);
    }
  }
  EXPECT_EQ(seen, (std::vector<MqttType>{MqttType::Connack, MqttType::Puback, MqttType::Pingresp}));
  EXPECT_TRUE(buf.empty());
}

TEST(MqttCodec, RejectsMalformedHeaders) {
  MqttPacket p;
  std::size_t used = 0;
  EXPECT_EQ(parse_packet(bytes({0x20, 0xff, 0xff, 0xff, 0xff, 0x01}), p, used),
            MqttParse::Malformed);
  EXPECT_EQ(parse_packet(bytes({0x00, 0}), p, used), MqttParse::Malformed);
  EXPECT_EQ(parse_packet(bytes({0x30, 0xff, 0xff, 0x7f}), p, used, 1024), MqttParse::Malformed);
  EXPECT_EQ(parse_packet(bytes({0x30, 0x80}), p, used), MqttParse::NeedMore);
}

TEST(MqttCodec, Connack311And5WithProperties) {
  auto a = decode_connack(bytes({1, 0}), MqttVersion::V311);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->session_present);
  EXPECT_EQ(a->code, 0);
  EXPECT_EQ(decode_connack(bytes({0, 5}), MqttVersion::V311)->code, 5);  // not authorised
  // MQTT 5: receive maximum 20, an assigned client id string, server keep-alive 15.
  const auto v5 = bytes({0, 0, 12, 0x21, 0, 20, 0x12, 0, 3, 'a', 'b', 'c', 0x13, 0, 15});
  auto b = decode_connack(v5, MqttVersion::V5);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->receive_maximum, 20);
  ASSERT_TRUE(b->server_keepalive_s);
  EXPECT_EQ(*b->server_keepalive_s, 15);
  EXPECT_FALSE(decode_connack(bytes({0, 0, 3, 0x21, 0, 0}), MqttVersion::V5));  // receive max 0
  EXPECT_FALSE(decode_connack(bytes({0, 0, 2, 0x7f, 0}), MqttVersion::V5));     // unknown property
  EXPECT_FALSE(decode_connack(bytes({0, 0, 9, 0x21}), MqttVersion::V5));        // cut short
}

TEST(MqttCodec, AckReasons) {
  EXPECT_EQ(decode_ack(bytes({0, 1}))->reason, 0);
  EXPECT_EQ(decode_ack(bytes({0, 1, 0x87, 0}))->reason, 0x87);  // MQTT 5: not authorised
  EXPECT_FALSE(decode_ack(bytes({0})));
}

}  // namespace
}  // namespace iomtsim::loadgen::detail

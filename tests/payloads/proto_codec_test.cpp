#include "iomtsim/payloads/proto_codec.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::Vital;

std::vector<physiology::Reading> with_ground_truth() {
  auto readings = testing::one_of_each();
  for (auto& r : readings) {
    r.value += 0.123456789;  // protobuf keeps exact doubles
    r.true_value = r.value - 0.5;
    r.true_time = r.device_time - std::chrono::microseconds(1234);
    r.device_time += physiology::Duration{7};  // and nanoseconds
    r.flags |= physiology::kFlagMotionArtifact;
  }
  return readings;
}

TEST(Proto, BatchRoundTripsExactly) {
  const auto readings = with_ground_truth();
  const auto back = decode_batch(encode_batch(77, readings));
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.value.batch_id, 77u);
  EXPECT_EQ(back.value.readings, readings);
  const auto empty = decode_batch(encode_batch(1, {}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.readings.empty());
}

TEST(Proto, ClearGroundTruth) {
  auto r = with_ground_truth()[3];
  clear_ground_truth(r);
  EXPECT_EQ(r.true_value, 0.0);
  EXPECT_EQ(r.true_time, physiology::SimTime{});
  EXPECT_EQ(r.flags, physiology::kFlagOnOxygen);
}

TEST(Proto, BatchRejectsGarbageAndOutOfRangeEnums) {
  EXPECT_FALSE(decode_batch("\xff\xff\xff").ok());
  // A Reading (field 2 of the batch) whose vital (field 4, varint) is 42.
  const std::string bad_vital = std::string("\x12\x02\x20\x2a", 4);
  const auto res = decode_batch(bad_vital);
  EXPECT_FALSE(res.ok());
  EXPECT_NE(res.error.find("reading 0: unknown vital 42"), std::string::npos) << res.error;
  // Device index above 16 bits (field 3 = 70000).
  const std::string bad_device = std::string("\x12\x04\x18\xf0\xa2\x04", 6);
  EXPECT_NE(decode_batch(bad_device).error.find("device index"), std::string::npos);
}

TEST(Proto, BatchAckRoundTrips) {
  const BatchAck ack{9, 10, 2, "2 readings had unknown vitals"};
  const auto back = decode_batch_ack(encode_batch_ack(ack));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value, ack);
  EXPECT_FALSE(decode_batch_ack("\x0a").ok());
}

TEST(Proto, DelimitedFramingByteByByte) {
  std::string stream;
  std::vector<std::string> messages = {"", "a", std::string(300, 'b'), encode_batch(5, with_ground_truth())};
  for (const auto& m : messages) append_delimited(stream, m);
  EXPECT_EQ(static_cast<unsigned char>(stream[3]), 0xAC);  // 300 = varint AC 02
  DelimitedReader reader;
  std::vector<std::string> out;
  for (char c : stream) ASSERT_TRUE(reader.feed(std::string_view(&c, 1), out));
  EXPECT_EQ(out, messages);
  EXPECT_EQ(reader.pending_bytes(), 0u);
  EXPECT_EQ(reader.frames(), 4u);
}

TEST(Proto, DelimitedTruncatedInputStaysPending) {
  std::string stream;
  append_delimited(stream, "hello world");
  DelimitedReader reader;
  std::vector<std::string> out;
  EXPECT_TRUE(reader.feed(std::string_view(stream).substr(0, 6), out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reader.pending_bytes(), 6u);  // the caller sees the truncation at end of stream
  EXPECT_FALSE(reader.failed());
}

TEST(Proto, DelimitedOversizeAndMalformedAreStickyErrors) {
  DelimitedReader reader(100);
  std::vector<std::string> out;
  std::string stream;
  append_delimited(stream, std::string(101, 'x'));
  EXPECT_FALSE(reader.feed(stream, out));
  EXPECT_TRUE(reader.failed());
  EXPECT_NE(reader.error().find("exceeds"), std::string::npos);
  EXPECT_FALSE(reader.feed("\x01z", out));  // stays failed
  EXPECT_TRUE(out.empty());

  DelimitedReader bad;
  EXPECT_FALSE(bad.feed(std::string(11, '\xff'), out));
  EXPECT_NE(bad.error().find("malformed"), std::string::npos);
}

std::vector<RecordEntry> sample_recording() {
  std::vector<RecordEntry> entries;
  entries.reserve(32);
  entries.push_back(RecordingHeader{"ward_sepsis", 42, testing::kEpochMs, "iomtsim test"});
  for (const auto& r : with_ground_truth()) entries.emplace_back(std::in_place_type<physiology::Reading>, r);
  physiology::WaveformBlock w;
  w.id = physiology::make_reading_id(1, 2, 3);
  w.patient = 1;
  w.device = 2;
  w.kind = physiology::WaveformKind::Ppg;
  w.sample_rate_hz = 125;
  w.true_time = physiology::at_seconds(1.5);
  w.device_time = physiology::at_seconds(1.5001);
  w.samples = {-32768, -1, 0, 1, 32767};
  entries.emplace_back(std::move(w));
  physiology::Episode e;
  e.id = 2;
  e.patient = 1;
  e.condition = physiology::ConditionKind::Hypoglycemia;
  e.severity = 0.7;
  e.onset = physiology::at_seconds(100);
  e.end = physiology::at_seconds(5000);
  e.criteria_met = physiology::at_seconds(1000);
  entries.push_back(e);
  e.criteria_met.reset();
  entries.push_back(e);
  physiology::Alert a;
  a.alert_id = "x";
  a.patient = 1;
  a.rule = "qsofa";
  a.score = 2;
  a.severity = physiology::AlertSeverity::Medium;
  a.trigger_time = physiology::at_seconds(1200);
  a.trigger_reading_id = 99;
  a.received_time = physiology::at_seconds(1201);
  entries.push_back(a);
  return entries;
}

TEST(Proto, RecordingRoundTrips) {
  const auto entries = sample_recording();
  std::stringstream buf(std::ios::in | std::ios::out | std::ios::binary);
  RecordingWriter w(buf);
  for (const auto& e : entries) w.write(e);
  EXPECT_EQ(w.entries_written(), entries.size());
  RecordingReader r(buf);
  std::vector<RecordEntry> back;
  while (auto e = r.next()) back.push_back(std::move(*e));
  EXPECT_TRUE(r.error().empty()) << r.error();
  EXPECT_EQ(back, entries);
}

TEST(Proto, RecordingTruncatedAtEveryByte) {
  std::stringstream full(std::ios::in | std::ios::out | std::ios::binary);
  RecordingWriter w(full);
  for (const auto& e : sample_recording()) w.write(e);
  const std::string bytes = full.str();
  std::size_t clean_ends = 0;
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    std::istringstream in(bytes.substr(0, cut), std::ios::binary);
    RecordingReader r(in);
    while (r.next()) {
    }
    // Either the cut fell between entries (clean end) or the reader says it is truncated.
    if (r.error().empty()) {
      ++clean_ends;
    } else {
      EXPECT_NE(r.error().find("truncated"), std::string::npos) << cut << ": " << r.error();
    }
  }
  EXPECT_EQ(clean_ends, sample_recording().size());  // one per entry boundary (incl. 0)
}

TEST(Proto, RecordingRejectsEmptyOneofAndOversize) {
  std::string bytes;
  append_delimited(bytes, "");  // a RecordEntry with nothing set
  std::istringstream in(bytes, std::ios::binary);
  RecordingReader r(in);
  EXPECT_FALSE(r.next().has_value());
  EXPECT_NE(r.error().find("empty oneof"), std::string::npos) << r.error();

  std::string big;
  append_delimited(big, std::string(200, 'x'));
  std::istringstream in2(big, std::ios::binary);
  RecordingReader r2(in2, 100);
  EXPECT_FALSE(r2.next().has_value());
  EXPECT_NE(r2.error().find("exceeds"), std::string::npos);
}

}  // namespace
}  // namespace iomtsim::payloads

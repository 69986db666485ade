// Decoders face the network: random bytes and randomly mutated valid messages must give
// a value or a reason, never a crash or an exception.
#include <gtest/gtest.h>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/physiology/random.hpp"
#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

std::string mutate(std::string s, physiology::Rng& rng) {
  const int edits = 1 + static_cast<int>(rng.below(4));
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const auto pos = static_cast<std::size_t>(rng.below(s.size()));
    switch (rng.below(3)) {
      case 0: s[pos] = static_cast<char>(rng.below(256)); break;   // flip a byte
      case 1: s.erase(pos, 1 + rng.below(8)); break;                // delete a run
      default: s.resize(pos); break;                                // truncate
    }
  }
  return s;
}

TEST(GarbageInput, MutatedMessagesNeverThrow) {
  const auto readings = testing::one_of_each();
  const FhirOptions fo{testing::kEpochMs};
  const std::vector<std::string> seeds = {
      encode_transaction_bundle(readings, fo), encode_observation(readings[7], fo),
      encode_oru_r01(readings, Hl7Options{testing::kEpochMs}), encode_mqtt_batch(readings),
      encode_batch(3, readings), encode_ack(Hl7Ack{AckCode::Error, "X", "why"}),
      encode_alert_json(physiology::Alert{"a", 1, "news2", 5, physiology::AlertSeverity::Medium, {}, 9, {}})};
  physiology::Rng rng(physiology::stream_seed(1, physiology::StreamKind::Target, 99));
  std::size_t rejected = 0, accepted = 0;
  for (int round = 0; round < 300; ++round) {
    for (const auto& seed : seeds) {
      const std::string input = mutate(seed, rng);
      ASSERT_NO_THROW({
        const bool ok = decode_fhir(input, fo).ok() | decode_oru_r01(input).ok() |
                        decode_mqtt_json(input).ok() | decode_batch(input).ok() |
                        decode_ack(input).ok() | decode_alerts_json(input).ok() |
                        decode_record_entry(input).ok();
        (ok ? accepted : rejected) += 1;
      });
    }
  }
  EXPECT_GT(rejected, 0u);  // the mutations did break things
}

TEST(GarbageInput, RandomBytesIntoStreamReaders) {
  physiology::Rng rng(physiology::stream_seed(2, physiology::StreamKind::Target, 7));
  std::string bytes(20000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng.below(256));
  MllpDeframer mllp(512);
  DelimitedReader delimited(512);
  std::vector<std::string> frames;
  for (std::size_t pos = 0; pos < bytes.size();) {
    const auto n = 1 + static_cast<std::size_t>(rng.below(300));
    const auto chunk = std::string_view(bytes).substr(pos, n);
    mllp.feed(chunk, frames);
    delimited.feed(chunk, frames);
    pos += n;
  }
  for (const auto& f : frames) EXPECT_LE(f.size(), 512u);
  EXPECT_GT(mllp.garbage_bytes(), 0u);
}

}  // namespace
}  // namespace iomtsim::payloads

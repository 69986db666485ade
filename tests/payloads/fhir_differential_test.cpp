// The scanning FHIR decoder (decode_observation / decode_bundle / decode_fhir) against the
// DOM decoder it replaced (detail::decode_fhir_dom): same readings, same Bundle id, same
// error text, for hand-written edge cases, generated Observations and Bundles, and
// thousands of mutations of them (truncations, byte flips, type swaps, repeated keys).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir_decode_dom.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/physiology/random.hpp"
#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

using detail::FhirExpect;
using physiology::Vital;
using testing::kEpochMs;

const FhirOptions kOpts{kEpochMs};

// Uniform in [lo, hi].
int uniform_int(physiology::Rng& rng, int lo, int hi) {
  return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
}

// Compares the two decoders in all three modes; returns how many documents both accepted.
int expect_same(const std::string& text) {
  int accepted = 0;
  const struct {
    FhirExpect expect;
    DecodeResult (*decode)(std::string_view, const FhirOptions&);
  } modes[] = {{FhirExpect::Observation, &decode_observation},
               {FhirExpect::Bundle, &decode_bundle},
               {FhirExpect::Either, &decode_fhir}};
  for (const auto& m : modes) {
    const DecodeResult want = detail::decode_fhir_dom(text, kOpts, m.expect);
    const DecodeResult got = m.decode(text, kOpts);
    EXPECT_EQ(got.error, want.error) << "mode " << static_cast<int>(m.expect) << " on:\n" << text;
    EXPECT_EQ(got.message_id, want.message_id) << text;
    EXPECT_EQ(got.readings, want.readings) << text;
    accepted += want.ok() ? 1 : 0;
  }
  return accepted;
}

physiology::Reading random_reading(physiology::Rng& rng, std::uint32_t seq) {
  const auto v = static_cast<Vital>(uniform_int(rng, 0, static_cast<int>(physiology::kVitalCount) - 1));
  const double value = v == Vital::Consciousness ? static_cast<double>(uniform_int(rng, 0, 4))
                                                 : rng.uniform(-50.0, 400.0);
  return testing::make(
      static_cast<physiology::PatientIndex>(uniform_int(rng, 0, 5000)),
      static_cast<physiology::DeviceIndex>(uniform_int(rng, 0, 7)), seq, v, value,
      uniform_int(rng, -100'000, 1'000'000'000),
      static_cast<std::uint8_t>((rng.bernoulli(0.3) ? physiology::kFlagOnOxygen : 0) |
                                (rng.bernoulli(0.2) ? physiology::kFlagQuestionable : 0) |
                                (rng.bernoulli(0.1) ? physiology::kFlagValueAbsent : 0)));
}

std::string replace_first(std::string s, std::string_view from, std::string_view to) {
  const auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(FhirDifferential, HandWrittenEdgeCases) {
  const std::string obs = encode_observation(testing::make(1, 2, 3, Vital::SystolicBP, 120, 0), kOpts);
  const std::string body = obs.substr(1);  // without the opening brace
  const std::vector<std::string> cases = {
      "",
      " ",
      "{}",
      "[]",
      "null",
      "42",
      "\"x\"",
      "{\"resourceType\":",
      "[1,2]",
      "{} {}",
      "\xEF\xBB\xBF" + obs,
      "\xEF\xBB" + obs,
      " \t\r\n" + obs + " \n",
      obs + "x",
      // Repeated keys: the last one counts.
      "{\"resourceType\":\"Patient\"," + body,
      "{\"code\":5," + body,
      replace_first(obs, "\"subject\":{", "\"subject\":{\"reference\":7,"),
      replace_first(obs, "}", ",\"valueQuantity\":{\"value\":1,\"code\":\"mm[Hg]\"}}"),
      // Device verdicts: a reason instead of a value, an interpretation, repeated keys.
      obs.substr(0, obs.size() - 1) + ",\"dataAbsentReason\":{\"coding\":[{\"code\":\"error\"}]}}",
      "{\"dataAbsentReason\":7," + body,
      obs.substr(0, obs.size() - 1) +
          ",\"interpretation\":[{\"coding\":[{\"code\":\"questionable\"}]}]}",
      obs.substr(0, obs.size() - 1) +
          ",\"interpretation\":[{\"coding\":[{\"code\":\"questionable\"}],\"coding\":[]}]}",
      obs.substr(0, obs.size() - 1) +
          ",\"interpretation\":[{\"coding\":{\"code\":\"questionable\"}},7,[]]}",
      obs.substr(0, obs.size() - 1) +
          ",\"interpretation\":{\"coding\":[{\"code\":\"questionable\"}]}}",
      obs.substr(0, obs.size() - 1) + ",\"code\":{\"coding\":[]}}",
      obs.substr(0, obs.size() - 1) +
          ",\"identifier\":[{\"system\":\"urn:iomtsim:reading\",\"value\":\"7\"}]}",
      obs.substr(0, obs.size() - 1) + ",\"identifier\":{}}",
      // Escapes in keys and values, surrogates, control characters, UTF-8.
      replace_first(obs, "\"resourceType\"", "\"resourc\\u0065Type\""),
      replace_first(obs, "Patient/p1", "Patient\\/p1"),
      replace_first(obs, "Patient/p1", "Patient/p\\u0031"),
      replace_first(obs, "final", "fin\\ud83d\\ude00al"),
      replace_first(obs, "final", "fin\\ud83dal"),
      replace_first(obs, "final", "fin\\ude00al"),
      replace_first(obs, "final", "fin\\u00e9al"),
      replace_first(obs, "final", "fin\\uZZZZal"),
      replace_first(obs, "final", "fin\\qal"),
      replace_first(obs, "final",
                    "fin\x01"
                    "al"),
      replace_first(obs, "final",
                    "fin\xC3\xA9"
                    "al"),
      replace_first(obs, "final",
                    "fin\xC0\xAF"
                    "al"),
      replace_first(obs, "final",
                    "fin\xED\xA0\x80"
                    "al"),
      replace_first(obs, "final",
                    "fin\xF4\x90\x80\x80"
                    "al"),
      replace_first(obs, "final",
                    "fin\xF0\x9F\x98\x80"
                    "al"),
      replace_first(obs, "final",
                    "fin\x7F"
                    "al"),
      replace_first(obs, "final", "fin\\u0000al"),
      replace_first(obs, "8480-6", "8480-6\\u0000"),
      // Numbers of every shape.
      replace_first(obs, "120.0", "-0"),
      replace_first(obs, "120.0", "1e400"),
      replace_first(obs, "120.0", "1e-400"),
      replace_first(obs, "120.0", "-1E+2"),
      replace_first(obs, "120.0", "0120"),
      replace_first(obs, "120.0", "1."),
      replace_first(obs, "120.0", ".5"),
      replace_first(obs, "120.0", "+1"),
      replace_first(obs, "120.0", "18446744073709551616"),
      replace_first(obs, "120.0", "-9223372036854775809"),
      replace_first(obs, "120.0", std::string(400, '9')),
      replace_first(obs, "120.0", "NaN"),
      replace_first(obs, "120.0", "true"),
      replace_first(obs, "120.0", "nul"),
      // Deep nesting in an unknown member, trailing commas, missing colons.
      replace_first(obs, "{", "{\"deep\":" + std::string(3000, '[') + std::string(3000, ']') + ","),
      replace_first(obs, "{", "{\"deep\":" + std::string(3000, '[') + ","),
      replace_first(obs, "}", ",}"),
      replace_first(obs, ":", ""),
      "{\"a\":[1,]}",
      "{\"a\":{\"b\" 1}}",
      "{\"a\":[{},{\"c\":[true,false,null]}]}",
      // Bundles: empty, wrong entry types, entries without resource, duplicated entry.
      R"({"resourceType":"Bundle"})",
      R"({"resourceType":"Bundle","id":"b1","entry":{}})",
      R"({"resourceType":"Bundle","id":7,"entry":[]})",
      R"({"resourceType":"Bundle","entry":[1]})",
      R"({"resourceType":"Bundle","entry":[{"request":{}}]})",
      R"({"resourceType":"Bundle","entry":[{"resource":[]}]})",
      R"({"entry":[{"resource":{}}],"resourceType":"Bundle","entry":[]})",
      "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":" + obs + ",\"resource\":null}]}",
      "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":" + obs + "},{\"resource\":" + obs +
          "}],\"id\":\"x\\\"y\"}",
  };
  int accepted = 0;
  for (const auto& c : cases) accepted += expect_same(c);
  EXPECT_GT(accepted, 10);  // the set is not only rejections
}

TEST(FhirDifferential, GeneratedObservationsAndBundles) {
  physiology::Rng rng(physiology::stream_seed(11, physiology::StreamKind::Device, 5));
  int accepted = 0;
  for (std::uint32_t i = 0; i < 2000; ++i) accepted += expect_same(encode_observation(random_reading(rng, i), kOpts));
  for (std::uint32_t i = 0; i < 100; ++i) {
    std::vector<physiology::Reading> batch;
    const auto n = uniform_int(rng, 0, 20);
    for (int k = 0; k < n; ++k) batch.push_back(random_reading(rng, i * 100 + static_cast<std::uint32_t>(k)));
    accepted += expect_same(encode_transaction_bundle(batch, kOpts));
  }
  // Each Observation is accepted by decode_observation and decode_fhir; each Bundle by
  // decode_bundle and decode_fhir.
  EXPECT_EQ(accepted, 2 * 2000 + 2 * 100);
}

TEST(FhirDifferential, TruncationsAndByteFlips) {
  physiology::Rng rng(physiology::stream_seed(12, physiology::StreamKind::Device, 6));
  const std::string obs = encode_observation(random_reading(rng, 1), kOpts);
  std::vector<physiology::Reading> batch;
  for (std::uint32_t k = 0; k < 3; ++k) batch.push_back(random_reading(rng, k));
  const std::string bundle = encode_transaction_bundle(batch, kOpts);
  for (const std::string* doc : {&obs, &bundle}) {
    for (std::size_t n = 0; n < doc->size(); ++n) expect_same(doc->substr(0, n));
  }
  const char interesting[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', 'e', '.', ' ',
                              'u', '\x00', '\x1F', '\x80', '\xC3', '\xFF'};
  for (int i = 0; i < 4000; ++i) {
    std::string s = i % 2 ? obs : bundle;
    const int flips = uniform_int(rng, 1, 3);
    for (int f = 0; f < flips; ++f) {
      const auto pos = static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(s.size()) - 1));
      s[pos] = rng.bernoulli(0.5) ? interesting[uniform_int(rng, 0, static_cast<int>(sizeof interesting) - 1)]
                                  : static_cast<char>(uniform_int(rng, 0, 255));
    }
    expect_same(s);
  }
}

TEST(FhirDifferential, WrongTypesAndRepeatedMembers) {
  physiology::Rng rng(physiology::stream_seed(13, physiology::StreamKind::Device, 7));
  const std::vector<std::string> values = {"null", "true", "3", "-1", "2.5", "\"\"", "\"A\"",
                                           "\"urn:iomtsim:reading\"", "[]", "{}", "[{}]",
                                           "[\"x\",{\"code\":\"P\"}]", "{\"reference\":\"Patient/3\"}"};
  int accepted = 0;
  for (int i = 0; i < 1500; ++i) {
    auto r = random_reading(rng, static_cast<std::uint32_t>(i));
    if (i % 5 == 0) r.vital = Vital::Consciousness, r.value = uniform_int(rng, 0, 4);
    std::string s = encode_observation(r, kOpts);
    // Replace the value of one member (found by its key) with a value of another type, or
    // repeat a member with another value at the end of its object.
    const auto keys = {"resourceType", "status", "code", "coding", "system", "code\":\"",
                       "subject", "reference", "device", "effectiveDateTime", "valueQuantity",
                       "value", "unit", "identifier", "extension", "url", "valueInteger",
                       "valueCodeableConcept", "category"};
    const auto k = static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(keys.size()) - 1));
    std::string key = std::string("\"") + *(keys.begin() + k);
    if (!key.ends_with("\"")) key += "\":";
    const auto pos = s.find(key);
    const std::string& v = values[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<int>(values.size()) - 1))];
    if (pos != std::string::npos) {
      const auto at = pos + key.size();
      if (rng.bernoulli(0.5)) {
        // Swap: remove the old value by scanning to the next ',' or '}' at depth 0.
        int depth = 0;
        std::size_t end = at;
        bool in_string = false;
        for (; end < s.size(); ++end) {
          const char c = s[end];
          if (in_string) {
            if (c == '\\') ++end;
            else if (c == '"') in_string = false;
            continue;
          }
          if (c == '"') in_string = true;
          else if (c == '{' || c == '[') ++depth;
          else if ((c == '}' || c == ']') && depth-- == 0) break;
          else if (c == ',' && depth == 0) break;
        }
        s.replace(at, end - at, v);
      } else {
        s.insert(pos, key + v + ",");  // the original, later occurrence wins
        if (rng.bernoulli(0.5)) s.insert(pos, key.substr(0, key.size() - 1) + ":" + v + ",");
      }
    }
    accepted += expect_same(s);
    if (i % 3 == 0) {
      accepted += expect_same("{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":" + s + "}]}");
    }
  }
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace iomtsim::payloads

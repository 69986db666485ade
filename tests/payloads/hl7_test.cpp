#include "iomtsim/payloads/hl7.hpp"

#include <gtest/gtest.h>

#include "payloads/payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::Vital;
using testing::kEpochMs;
using testing::make;

const Hl7Options kOpts{kEpochMs};

std::vector<std::string> segments(const std::string& msg) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\r') {
      out.push_back(msg.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

TEST(Hl7, OruShapeFollowsPcd01) {
  const auto readings = testing::one_of_each();
  const std::string msg = encode_oru_r01(readings, kOpts);
  const auto seg = segments(msg);
  ASSERT_EQ(seg.size(), 4u + 1u + readings.size());
  EXPECT_TRUE(seg[0].starts_with("MSH|^~\\&|"));
  EXPECT_NE(seg[0].find("|ORU^R01^ORU_R01|" + hl7_control_id(readings[0].id) + "|P|2.6|"),
            std::string::npos);
  EXPECT_TRUE(seg[0].ends_with("|IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO"));
  EXPECT_TRUE(seg[1].starts_with("PID|||p12^"));
  EXPECT_EQ(seg[2], "PV1||I");
  EXPECT_NE(seg[3].find("|182777000^monitoring of patient^SCT|"), std::string::npos);
  EXPECT_TRUE(seg[4].starts_with("OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|"));
  // Heart rate OBX, field by field.
  const std::string& hr = seg[5];
  std::vector<std::string> f;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= hr.size(); ++i) {
    if (i == hr.size() || hr[i] == '|') {
      f.push_back(hr.substr(start, i - start));
      start = i + 1;
    }
  }
  ASSERT_GE(f.size(), 22u);
  EXPECT_EQ(f[2], "NM");
  EXPECT_EQ(f[3], "147842^MDC_ECG_HEART_RATE^MDC");
  EXPECT_EQ(f[4], "1.0.0.1");
  EXPECT_EQ(f[5], "72.5");
  EXPECT_EQ(f[6], "264864^MDC_DIM_BEAT_PER_MIN^MDC");
  EXPECT_EQ(f[11], "R");
  EXPECT_EQ(f[14], "20240501010050.0000+0000");  // 3600 s + 40 * 1.25 s
  EXPECT_TRUE(f[18].ends_with("^EUI-64"));
  EXPECT_EQ(f[18].size(), 16u + 7u);
  EXPECT_EQ(f[21], std::to_string(readings[0].id));
  // Consciousness goes by LOINC.
  EXPECT_NE(msg.find("|80288-4^Level of consciousness^LN|"), std::string::npos);
  EXPECT_NE(msg.find("|O2^on supplemental oxygen^L|"), std::string::npos);
}

TEST(Hl7, RoundTrip) {
  const auto readings = testing::one_of_each();
  const std::string msg = encode_oru_r01(readings, kOpts);
  const auto res = decode_oru_r01(msg, kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.message_id, hl7_control_id(readings[0].id));
  ASSERT_EQ(res.readings.size(), readings.size());
  for (std::size_t i = 0; i < readings.size(); ++i) {
    auto expected = testing::wire_view(readings[i]);
    // HL7 carries the oxygen flag and the device's verdicts (questionable, no value).
    expected.flags &=
        physiology::kFlagOnOxygen | physiology::kFlagQuestionable | physiology::kFlagValueAbsent;
    EXPECT_EQ(res.readings[i], expected) << i;
  }
  // Deterministic bytes.
  EXPECT_EQ(msg, encode_oru_r01(readings, kOpts));
}

TEST(Hl7, EncoderRefusesMixedDevices) {
  std::vector<physiology::Reading> mixed = {make(1, 0, 1, Vital::HeartRate, 70, 0),
                                            make(1, 1, 1, Vital::HeartRate, 70, 0)};
  EXPECT_THROW(encode_oru_r01(mixed, kOpts), EncodeError);
  EXPECT_THROW(encode_oru_r01({}, kOpts), EncodeError);
}

TEST(Hl7, ParserToleratesLfAndOtherDelimiters) {
  std::string msg = encode_oru_r01(testing::one_of_each(), kOpts);
  std::string lf = msg;
  for (char& c : lf) {
    if (c == '\r') c = '\n';
  }
  EXPECT_TRUE(decode_oru_r01(lf, kOpts).ok());
  // Component separator '#' instead of '^'.
  std::string other = msg;
  for (char& c : other) {
    if (c == '^') c = '#';
  }
  const auto res = decode_oru_r01(other, kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.readings.size(), 11u);
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST(Hl7, RejectsMalformedInputWithReason) {
  const std::vector<physiology::Reading> one = {make(5, 1, 9, Vital::RespRate, 14, 60'000)};
  const std::string good = encode_oru_r01(one, kOpts);
  ASSERT_TRUE(decode_oru_r01(good, kOpts).ok());
  struct Case {
    const char* what;
    std::string msg;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"empty", "", "does not start with an MSH"},
      {"no msh", good.substr(good.find('\r') + 1), "does not start with an MSH"},
      {"bad separator", replace(good, "MSH|", "MSHA"), "bad field separator"},
      {"bad encoding chars", replace(good, "MSH|^~\\&", "MSH|^~\\A"), "bad encoding characters"},
      {"wrong type", replace(good, "ORU^R01^ORU_R01", "ADT^A01^ADT_A01"), "expected ORU^R01"},
      {"no control id", replace(good, "|" + hl7_control_id(one[0].id) + "|P|", "||P|"), "MSH-10"},
      {"missing pid", replace(good, "PID|||p5^^^IOMTSIM^PI||Patient^p5\r", ""), "missing PID"},
      {"bad pid", replace(good, "PID|||p5", "PID|||nobody"), "PID-3"},
      {"unknown mdc", replace(good, "151562^MDC_RESP_RATE", "999999^MDC_MYSTERY"),
       "unknown MDC code '999999'"},
      {"unknown loinc", replace(good, "151562^MDC_RESP_RATE^MDC", "0000-0^X^LN"), "unknown LOINC"},
      {"non numeric", replace(good, "|14.0|", "|fourteen|"), "not numeric"},
      {"wrong value type", replace(good, "|NM|", "|ST|"), "is not NM"},
      {"unit mismatch", replace(good, "264928^MDC_DIM_RESP_PER_MIN", "266016^MDC_DIM_MMHG"),
       "does not match"},
      {"bad time", replace(good, "20240501000100.0000+0000|||", "2024050|||"), "OBX-14"},
      {"bad reading id", replace(good, "|" + std::to_string(one[0].id), "|x1"), "OBX-21"},
  };
  for (const auto& c : cases) {
    const auto res = decode_oru_r01(c.msg, kOpts);
    EXPECT_FALSE(res.ok()) << c.what;
    EXPECT_TRUE(res.readings.empty()) << c.what;
    EXPECT_NE(res.error.find(c.reason), std::string::npos)
        << c.what << ": got '" << res.error << "'";
  }
}

TEST(Hl7, AckRoundTrips) {
  for (const Hl7Ack& ack :
       {Hl7Ack{AckCode::Accept, "IOMT0000000C00000001", ""},
        Hl7Ack{AckCode::Error, "X1", "unknown MDC code '9' | field ^ 3 & more \\"},
        Hl7Ack{AckCode::Reject, "X2", "queue full"}}) {
    const std::string msg = encode_ack(ack, kOpts);
    EXPECT_TRUE(msg.starts_with("MSH|^~\\&|"));
    EXPECT_NE(msg.find("\rMSA|" + std::string(ack_code_text(ack.code)) + "|"), std::string::npos);
    EXPECT_EQ(msg.find("\rERR|") != std::string::npos, ack.code != AckCode::Accept);
    const auto back = decode_ack(msg);
    ASSERT_TRUE(back.ok()) << back.error;
    EXPECT_EQ(back.value, ack);
  }
}

TEST(Hl7, AckParserRejects) {
  EXPECT_NE(decode_ack("hello").error.find("MSH"), std::string::npos);
  EXPECT_NE(decode_ack("MSH|^~\\&|A|B|C|D|20240101||ACK|1|P|2.6\r").error.find("missing MSA"),
            std::string::npos);
  EXPECT_NE(decode_ack("MSH|^~\\&|A|B|C|D|20240101||ACK|1|P|2.6\rMSA|ZZ|1\r").error.find("MSA-1"),
            std::string::npos);
  EXPECT_NE(decode_ack("MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.6\rMSA|AA|1\r")
                .error.find("expected ACK"),
            std::string::npos);
}

TEST(Hl7, Escaping) {
  const std::string text = "a|b^c~d\\e&f\rg";
  EXPECT_EQ(hl7_escape(text).find_first_of("|^~&\r"), std::string::npos);
  EXPECT_EQ(hl7_unescape(hl7_escape(text)), text);
}

}  // namespace
}  // namespace iomtsim::payloads

namespace iomtsim::payloads {
namespace {

// HL7: no value is an empty OBX-5 with OBX-8 NAV and OBX-11 X; a questionable value keeps
// OBX-5 and says so in OBX-8.
TEST(Hl7, AbsentAndQuestionableValuesAsDevicesFlagThem) {
  auto readings = testing::one_of_each();
  readings[3].flags = physiology::kFlagValueAbsent | physiology::kFlagProbeOff;  // SpO2, probe off
  readings[3].value = 0;
  readings[1].flags =
      physiology::kFlagQuestionable | physiology::kFlagMotionArtifact;  // pulse, motion
  const std::string msg = encode_oru_r01(readings, kOpts);
  EXPECT_NE(
      msg.find("|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.4||262688^MDC_DIM_PERCENT^MDC||NAV|||X|||"),
      std::string::npos)
      << msg;
  EXPECT_NE(msg.find("|71.0|264864^MDC_DIM_BEAT_PER_MIN^MDC||questionable|||R|||"),
            std::string::npos)
      << msg;
  const auto res = decode_oru_r01(msg, kOpts);
  ASSERT_TRUE(res.ok()) << res.error;
  EXPECT_EQ(res.readings[3].flags, physiology::kFlagValueAbsent);
  EXPECT_EQ(res.readings[3].value, 0.0);
  EXPECT_EQ(res.readings[1].flags, physiology::kFlagQuestionable);
  EXPECT_EQ(res.readings[1].value, 71.0);
}

// A sender's rules: AA/CA accepted; AE/CE an error in the message itself (not sent again as
// it is); AR/CR refused for another reason (the receiver is busy or down): sent again later.
TEST(Hl7, AckCodesAndWhichASenderRetries) {
  struct Case {
    const char* msa;
    AckCode code;
    bool enhanced;
    bool retry;
  };
  for (const Case& c :
       {Case{"AA", AckCode::Accept, false, false}, Case{"AE", AckCode::Error, false, false},
        Case{"AR", AckCode::Reject, false, true}, Case{"CA", AckCode::Accept, true, false},
        Case{"CE", AckCode::Error, true, false}, Case{"CR", AckCode::Reject, true, true}}) {
    const std::string msg =
        std::string("MSH|^~\\&|A|B|C|D|20240101||ACK|1|P|2.6\rMSA|") + c.msa + "|X7\r";
    const auto back = decode_ack(msg);
    ASSERT_TRUE(back.ok()) << back.error;
    EXPECT_EQ(back.value.code, c.code) << c.msa;
    EXPECT_EQ(back.value.enhanced, c.enhanced) << c.msa;
    EXPECT_EQ(ack_code_text(back.value.code, back.value.enhanced), c.msa);
    EXPECT_EQ(ack_retryable(back.value.code), c.retry) << c.msa;
  }
}

TEST(Hl7, AckReasonFromErrElseMsa3) {
  const auto with_err = decode_ack(
      "MSH|^~\\&|A|B|C|D|20240101||ACK|1|P|2.6\rMSA|AE|X1|see ERR\rERR|||207^x^HL70357|E||||OBX-5 "
      "\\T\\ unit wrong\r");
  ASSERT_TRUE(with_err.ok());
  EXPECT_EQ(with_err.value.reason, "OBX-5 & unit wrong");
  const auto msa_only =
      decode_ack("MSH|^~\\&|A|B|C|D|20240101||ACK|1|P|2.6\rMSA|AR|X2|engine paused\r");
  ASSERT_TRUE(msa_only.ok());
  EXPECT_EQ(msa_only.value.reason, "engine paused");
  const auto accepted = decode_ack("MSH|^~\\&|A|B|C|D|20240101||ACK|1|P|2.6\rMSA|AA|X3|fine\r");
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted.value.reason, "");
  // Enhanced mode round trip.
  Hl7Ack cr;
  cr.code = AckCode::Reject;
  cr.control_id = "X4";
  cr.reason = "busy";
  cr.enhanced = true;
  const auto back = decode_ack(encode_ack(cr));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value.code, AckCode::Reject);
  EXPECT_TRUE(back.value.enhanced);
  EXPECT_EQ(back.value.control_id, "X4");
  EXPECT_EQ(back.value.reason, "busy");
}

}  // namespace
}  // namespace iomtsim::payloads

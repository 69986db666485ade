// The target's HL7 ACKs as an independent parser reads them (Debian's python3-hl7, through
// tests/support/hl7_ack_check.py): MSH-3..6 swapped from the message acknowledged, MSH-7
// the answer's own time, ACK^<trigger>^ACK, MSA-2 the control id, and for a refusal an
// HL7 table 0357 code in ERR-3 that says what was wrong, with the reason in MSA-3 and ERR-8.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using nlohmann::json;
using physiology::Vital;

constexpr std::int64_t kEpochMs = 1'714'550'400'000;  // 2024-05-01T08:00:00Z

// The message with MSH-3..6 and MSH-9 replaced; segments one per line (the script's form).
std::string with_header(std::string msg, const std::string& type) {
  const auto end = msg.find('\r');
  std::vector<std::string> f;
  std::stringstream msh(msg.substr(0, end));
  for (std::string part; std::getline(msh, part, '|');) f.push_back(part);
  f[2] = "GW_APP";
  f[3] = "WARD7^1.2.3^ISO";
  f[4] = "EHR_APP";
  f[5] = "HOSP";
  f[8] = type;
  std::string head;
  for (std::size_t i = 0; i < f.size(); ++i) head += (i ? "|" : "") + f[i];
  msg = head + msg.substr(end);
  for (auto& c : msg)
    if (c == '\r') c = '\n';
  return msg;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Hl7Ack, FieldsReadByPythonHl7SayWhoAnsweredWhatAndWhy) {
  auto server = start_target([](TargetConfig& c) { c.epoch_unix_ms = kEpochMs; });
  const std::vector<physiology::Reading> rs = {make_reading(3, Vital::HeartRate, 72, 10, 1)};
  payloads::Hl7Options o;
  o.epoch_unix_ms = kEpochMs;
  const std::string good = with_header(payloads::encode_oru_r01(rs, o), "ORU^R01^ORU_R01");
  const std::string hr_code = std::to_string(payloads::codes(Vital::HeartRate).mdc_code);
  const std::vector<std::string> messages = {
      good,
      replace(good, "|" + hr_code + "^", "|999999^"),  // unknown code
      replace(good, "PID|||p3", "PID|||zz"),           // no patient we know
      with_header(payloads::encode_oru_r01(rs, o), "ADT^A01^ADT_A01"),
  };
  std::string files;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto path = ::testing::TempDir() + "hl7_ack_test_" + std::to_string(::getpid()) + "_" +
                      std::to_string(i) + ".hl7";
    std::ofstream(path) << messages[i];
    files += " " + path;
  }
  const std::string cmd = "/usr/bin/python3 " + std::string(IOMTSIM_SOURCE_DIR) +
                          "/tests/support/hl7_ack_check.py " +
                          std::to_string(server->ports().mllp) + files + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << out;
  std::vector<json> acks;
  std::stringstream lines(out);
  for (std::string line; std::getline(lines, line);) acks.push_back(json::parse(line));
  ASSERT_EQ(acks.size(), messages.size()) << out;

  for (const auto& a : acks) {
    const auto& sent = a["sent"];
    EXPECT_EQ(a["msh3"], sent["msh5"]);
    EXPECT_EQ(a["msh4"], sent["msh6"]);
    EXPECT_EQ(a["msh5"], sent["msh3"]);
    EXPECT_EQ(a["msh6"], sent["msh4"]);
    EXPECT_EQ(a["msh4"], "HOSP");
    EXPECT_EQ(a["msh6"], "WARD7^1.2.3^ISO");  // whole, components and all
    EXPECT_EQ(a["msa2"], sent["msh10"]);
    EXPECT_EQ(a["msh9"], "ACK^" + sent["trigger"].get<std::string>() + "^ACK");
    // The answer's own time, not the scenario epoch the messages were stamped with.
    const auto t = a["msh7"].get<std::string>();
    ASSERT_GE(t.size(), 14u);
    EXPECT_GT(t.substr(0, 14), "20240501080010");
  }
  EXPECT_EQ(acks[0]["msa1"], "AA");
  EXPECT_EQ(acks[0]["err3"], "");
  EXPECT_EQ(acks[1]["msa1"], "AE");
  EXPECT_EQ(acks[1]["err3"], "103");  // table value not found
  EXPECT_NE(acks[1]["msa3"].get<std::string>().find("999999"), std::string::npos);
  EXPECT_NE(acks[1]["err8"].get<std::string>().find("999999"), std::string::npos);
  EXPECT_EQ(acks[2]["msa1"], "AE");
  EXPECT_EQ(acks[2]["err3"], "204");  // unknown key identifier
  EXPECT_EQ(acks[3]["msa1"], "AR");
  EXPECT_EQ(acks[3]["err3"], "200");  // unsupported message type
  EXPECT_EQ(acks[3]["msh9"], "ACK^A01^ACK");
}

}  // namespace
}  // namespace iomtsim::reference_target

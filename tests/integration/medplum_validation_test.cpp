// Every kind of FHIR resource iomtsim sends (readings, Bundles, waveforms, operations
// devices, the provisioning Patients and Devices, Subscriptions) and the Flags the reference
// target serves, checked by a validator written by others: Medplum's validateResource
// (@medplum/core 4.5.2, tests/support/medplum/validate.js).
//
// What Medplum finds is either fixed or listed in kKnownIssues with the issue that will fix
// it; an issue not in that list fails the test, and so does a listed one that went away
// (so the list cannot go stale).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "alerts/alert_capture.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
#include "iomtsim/payloads/imaging_chart.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/waveform.hpp"
#include "provision/provision.hpp"
#include "support/cli_run.hpp"
#include "support/medplum_server.hpp"

namespace iomtsim {
namespace {

using nlohmann::json;
namespace ops = physiology::ops;
constexpr std::int64_t kEpochMs = 1'714'550'400'000;  // 2024-05-01T08:00:00Z

// "<label>: <expression>: <text>" of issues Medplum reports that are not fixed here. Each
// names the issue that owns the fix.
const std::set<std::string> kKnownIssues = {};

struct Labelled {
  std::string label;
  json resource;
};

// An imaging result the PACS stored, the third of its study.
ops::ImagingResult stored_result(ops::Modality m) {
  ops::ImagingResult r;
  r.id = ops::make_ops_id(ops::OpsKind::Imaging, 3, 7);
  r.patient = 3;
  r.modality = m;
  r.procedure = 2;
  r.bytes = 2 << 20;
  r.device_time = physiology::SimTime{std::chrono::minutes(6)};
  return r;
}

payloads::ImagingChartStudy chart_study(const ops::ImagingResult& r) {
  payloads::ImagingChartStudy s;
  s.identity = payloads::dicom_identity(r, 20261207);
  s.instance_uids = {payloads::hashed_uid(1, "sop", 1), payloads::hashed_uid(1, "sop", 2),
                     s.identity.sop_uid};
  s.dicomweb_base = "http://127.0.0.1:8042/dicom-web";
  return s;
}

std::vector<Labelled> what_iomtsim_sends() {
  std::vector<Labelled> out;
  auto add = [&](std::string label, const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << label << " is not JSON: " << text;
    out.push_back({std::move(label), std::move(j)});
  };
  const payloads::FhirOptions fhir{kEpochMs, nullptr};
  std::uint32_t seq = 1;
  std::vector<physiology::Reading> readings;
  for (auto v : physiology::kAllVitals) {
    physiology::Reading r;
    r.patient = 3;
    r.device = 1;
    r.id = physiology::make_reading_id(3, 1, seq++);
    r.vital = v;
    r.value = v == physiology::Vital::Consciousness ? 1.0 : 72.5;
    r.device_time = physiology::SimTime{std::chrono::seconds(seq)};
    r.flags = v == physiology::Vital::HeartRate ? physiology::kFlagMotionArtifact : 0;
    readings.push_back(r);
    add("Observation " + std::string(physiology::name(v)), payloads::encode_observation(r, fhir));
  }
  add("transaction Bundle",
      payloads::encode_transaction_bundle(std::span(readings).first(3), fhir));
  payloads::ReferenceMap refs;
  refs.set_patient(3, "0b1c2d3e-provisioned");
  refs.set_device(3, 1, "device-7f");
  add("Observation with provisioned references",
      payloads::encode_observation(readings[0], {kEpochMs, &refs}));

  for (auto kind : {physiology::WaveformKind::EcgLeadII, physiology::WaveformKind::Ppg}) {
    physiology::WaveformBlock b;
    b.patient = 3;
    b.device = 2;
    b.id = physiology::make_reading_id(3, 2, 9);
    b.kind = kind;
    b.sample_rate_hz = 250;
    b.device_time = physiology::SimTime{std::chrono::seconds(5)};
    for (int i = 0; i < 50; ++i)
      b.samples.push_back(static_cast<std::int16_t>(std::lround(900 * std::sin(0.2 * i))));
    add(std::string("waveform Observation ") + std::string(payloads::waveform_kind_name(kind)),
        payloads::encode_waveform_observation(b, fhir));
  }

  for (std::size_t k = 0; k < ops::kPumpEventKindCount; ++k) {
    ops::PumpEvent e;
    e.id = ops::make_ops_id(ops::OpsKind::Pump, 4, static_cast<std::uint32_t>(k + 1));
    e.pump = 4;
    e.patient = 3;
    e.kind = static_cast<ops::PumpEventKind>(k);
    e.drug = "heparin";
    e.rate_ml_h = 12;
    e.vtbi_ml = 250;
    e.volume_ml = 10;
    e.device_time = physiology::SimTime{std::chrono::minutes(3)};
    add("pump Bundle (event " + std::to_string(k) + ")", payloads::encode_pump_bundle(e, kEpochMs));
  }
  ops::LocationFix f;
  f.id = ops::make_ops_id(ops::OpsKind::Location, 9, 1);
  f.asset = 9;
  f.zone = "storage";
  f.x_m = 4.5;
  f.y_m = 2;
  f.device_time = physiology::SimTime{std::chrono::minutes(4)};
  add("location Observation", payloads::encode_location_observation(f, kEpochMs));
  for (auto m : {ops::Modality::Ultrasound, ops::Modality::Ecg12Lead, ops::Modality::BloodGas}) {
    ops::ImagingResult r;
    r.id = ops::make_ops_id(ops::OpsKind::Imaging, 3, 1);
    r.patient = 3;
    r.modality = m;
    r.bytes = 64;
    r.device_time = physiology::SimTime{std::chrono::minutes(5)};
    add("DiagnosticReport (modality " + std::to_string(static_cast<int>(m)) + ")",
        payloads::encode_diagnostic_report(r, kEpochMs));
  }

  // A result stored in a PACS, to the chart: ImagingStudy and DiagnosticReport in a
  // transaction Bundle (each entry checked on its own too).
  for (auto m : {ops::Modality::Ultrasound, ops::Modality::Xray, ops::Modality::Ecg12Lead}) {
    const auto r = stored_result(m);
    const auto bundle =
        json::parse(payloads::encode_imaging_chart_bundle(r, chart_study(r), kEpochMs));
    const std::string label =
        "imaging chart (modality " + std::to_string(static_cast<int>(m)) + ")";
    out.push_back({label + " Bundle", bundle});
    for (const auto& e : bundle["entry"])
      out.push_back(
          {label + " " + e["resource"]["resourceType"].get<std::string>(), e["resource"]});
  }

  scenarios::ProvisionSpec spec;
  scenarios::DeviceSpec device;
  device.model.name = "bedside_monitor";
  add("provisioned Patient", loadgen::detail::patient_resource(spec, "ward-p3"));
  add("provisioned Device",
      loadgen::detail::device_resource(spec, "ward-p3-d1", device, "0b1c2d3e-provisioned"));
  add("alert Subscription",
      loadgen::detail::subscription_resource("Flag", "http://127.0.0.1:9/alerts/fhir", "s3cret"));

  physiology::Alert a;
  a.alert_id = "news2-p3-1";
  a.patient = 3;
  a.rule = "news2";
  a.score = 7;
  a.severity = physiology::AlertSeverity::High;
  a.trigger_reading_id = readings[0].id;
  add("reference target Flag", payloads::encode_alert_flag(a, payloads::alert_flag_id(a.alert_id),
                                                           kEpochMs * 1'000'000 + 1'250'000'000));
  return out;
}

TEST(MedplumValidation, WhatIomtsimSendsIsValidFhirR4ToMedplum) {
  ASSERT_TRUE(
      std::filesystem::exists(testing::MedplumServer::script_dir() + "/node_modules/@medplum/core"))
      << "run scripts/install-test-deps.sh";
  auto resources = what_iomtsim_sends();
  // A control the validator must refuse, so a validator that checks nothing cannot pass.
  resources.push_back(
      {"control",
       json::parse(
           R"({"resourceType":"Observation","code":{"text":"x"},"valueQuantity":{"value":"high"},"colour":"red"})")});
  char dir_tmpl[] = "/tmp/iomtsim-validate-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_tmpl), nullptr);
  const std::string file = std::string(dir_tmpl) + "/resources.json";
  {
    json all = json::array();
    for (const auto& r : resources) all.push_back(r.resource);
    std::ofstream(file) << all.dump();
  }
  const auto run = testing::run_command(
      "node " + testing::shell_quote(testing::MedplumServer::script_dir() + "/validate.js") + " " +
      testing::shell_quote(file) + " 2>&1");
  std::filesystem::remove_all(dir_tmpl);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::set<std::string> found;
  std::size_t lines = 0, control_issues = 0;
  std::istringstream in(run.out);
  for (std::string line; std::getline(in, line);) {
    const auto j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    const auto& label = resources.at(j["index"].get<std::size_t>()).label;
    ++lines;
    if (label == "control") {
      control_issues = j["issues"].size();
      continue;
    }
    for (const auto& issue : j["issues"])
      found.insert(label + ": " + issue["expression"].get<std::string>() + ": " +
                   issue["text"].get<std::string>());
  }
  EXPECT_EQ(lines, resources.size());
  EXPECT_GE(control_issues, 3u)
      << "Medplum's validator refused nothing in the control (status, value, colour)";
  for (const auto& f : found) EXPECT_TRUE(kKnownIssues.contains(f)) << "Medplum: " << f;
  for (const auto& k : kKnownIssues)
    EXPECT_TRUE(found.contains(k)) << "no longer found, remove from the list: " << k;
}

// Medplum validates what is created (server.js --validate: validateResource on every write,
// as Medplum's own server does): the transaction is taken whole, both resources are
// then found by the searches a chart would make (the study by its StudyInstanceUID, the
// report by its identifier and through the study it references), and PUT again (a retry)
// stores nothing twice.
TEST(MedplumValidation, ImagingStudyAndDiagnosticReportAreCreatedAndSearchable) {
  testing::MedplumServer fhir({"--quiet", "--validate"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  const auto r = stored_result(ops::Modality::Ultrasound);
  const auto study = chart_study(r);
  const auto body = payloads::encode_imaging_chart_bundle(r, study, kEpochMs);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto res = fhir.request("POST", "/fhir", body, "Content-Type: application/fhir+json\r\n");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto answer = json::parse(res->body);
    ASSERT_EQ(answer["type"], "transaction-response");
    ASSERT_EQ(answer["entry"].size(), 2u);
    for (const auto& e : answer["entry"])
      EXPECT_TRUE(e["response"]["status"].get<std::string>().starts_with("20")) << e.dump();
  }
  auto search = [&](const std::string& query) {
    const auto res = fhir.request("GET", "/fhir/" + query, {}, "Accept: application/fhir+json\r\n");
    EXPECT_TRUE(res && res->status == 200) << query;
    return res ? json::parse(res->body, nullptr, false) : json();
  };
  const auto studies =
      search("ImagingStudy?identifier=urn:dicom:uid%7Curn:oid:" + study.identity.study_uid);
  ASSERT_EQ(studies["entry"].size(), 1u) << studies.dump();
  const auto& is = studies["entry"][0]["resource"];
  EXPECT_EQ(is["numberOfInstances"], 3);
  EXPECT_EQ(is["series"][0]["uid"], study.identity.series_uid);
  EXPECT_EQ(is["series"][0]["instance"].size(), 3u);
  EXPECT_EQ(is["contained"][0]["address"], study.dicomweb_base);
  const auto reports =
      search("DiagnosticReport?identifier=urn:iomtsim:imaging-result%7C" + std::to_string(r.id));
  ASSERT_EQ(reports["entry"].size(), 1u) << reports.dump();
  EXPECT_EQ(reports["entry"][0]["resource"]["imagingStudy"][0]["reference"],
            "ImagingStudy/" + is["id"].get<std::string>());
  EXPECT_FALSE(reports["entry"][0]["resource"].contains("presentedForm"));  // no media inlined
  // A Bundle whose ImagingStudy breaks the rules is refused, for that reason.
  auto broken = json::parse(body);
  broken["entry"][0]["resource"]["numberOfInstances"] = "three";  // an unsignedInt
  const auto refused =
      fhir.request("POST", "/fhir", broken.dump(), "Content-Type: application/fhir+json\r\n");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_NE(refused->body.find("numberOfInstances"), std::string::npos) << refused->body;
}

}  // namespace
}  // namespace iomtsim

// Connected imaging into a real PACS: point-of-care ultrasound, bedside X-ray and 12-lead
// ECG results travel as DICOM (STOW-RS) to Debian's Orthanc with its DICOMweb plugin,
// started by the test on free loopback ports. Every study iomtsim counts as stored must be
// in Orthanc under the right patient, with as many instances as were acknowledged, and
// Orthanc holds nothing iomtsim did not count.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/payloads/dicom_instance.hpp"
#include "iomtsim/payloads/imaging_chart.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/sim/ops_fleet.hpp"
#include "support/medplum_server.hpp"
#include "support/orthanc_server.hpp"
#include "support/ward_scenario.hpp"

namespace iomtsim {
namespace {

using namespace std::chrono_literals;
namespace ops = physiology::ops;

scenarios::Scenario emergency_imaging(std::uint16_t pacs_port) {
  auto s = testing::ward_scenario({.healthy = 5, .seed = 20261207, .name = "ed-imaging"});
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 60;         // ten minutes in ten seconds
  s.target.embedded = true;  // blood gases (FHIR) go to the reference target
  s.target.request_timeout = 20s;
  s.target.imaging = scenarios::ImagingTarget{false, "127.0.0.1", pacs_port, "/dicom-web"};
  auto& o = s.cohorts[0].operations;
  o.model.imaging.procedures_per_day = 500;  // a few procedures per patient in ten minutes
  o.model.imaging.results_per_procedure = 3;
  o.model.imaging.ultrasound_bytes = physiology::Distribution::constant(700.0 * 1024);
  o.model.imaging.xray_fraction = 0.25;
  o.imaging = {scenarios::PayloadFormat::FhirR4, "lan"};
  return s;
}

loadgen::RunOptions quiet(std::ostringstream& log) {
  loadgen::RunOptions o;
  o.threads = 2;
  o.write_files = false;
  o.progress = loadgen::ProgressMode::None;
  o.drain_timeout = 20s;
  o.log = &log;
  return o;
}

struct Study {
  std::string patient_id;
  std::size_t instances = 0;
};

// The DICOM instances a run acknowledged, as a PACS should file them: by StudyInstanceUID.
std::map<std::string, Study> acknowledged_studies(const scenarios::Scenario& scenario,
                                                  const reports::Report& report,
                                                  std::size_t* kinds = nullptr) {
  std::map<std::uint64_t, ops::ImagingResult> results;
  auto fleet = sim::make_ops_fleet(scenario);
  while (fleet && !fleet->done())
    if (auto out = fleet->next(); auto* r = std::get_if<ops::ImagingResult>(&out))
      results[r->id] = *r;
  std::map<std::string, Study> expected;
  for (const auto& rec : report.ops.imaging) {
    if (!rec.acked) continue;
    EXPECT_TRUE(results.contains(rec.id)) << rec.id;
    if (!results.contains(rec.id)) continue;
    const auto& r = results.at(rec.id);
    const auto kind = payloads::dicom_kind(r.modality);
    if (!kind) continue;  // a blood gas: a FHIR report to the reference target
    if (kinds) ++kinds[static_cast<int>(*kind)];
    const auto id = payloads::dicom_identity(r, scenario.metadata.seed);
    auto& st = expected[id.study_uid];
    st.patient_id = id.patient_id;
    ++st.instances;
  }
  return expected;
}

// Orthanc holds exactly `expected`: each study under its patient with its instances,
// found by QIDO-RS too, and nothing else.
void expect_pacs_holds(const testing::OrthancServer& pacs,
                       const std::map<std::string, Study>& expected) {
  std::size_t instances_expected = 0;
  std::set<std::string> expected_patients;
  for (const auto& [uid, st] : expected) {
    instances_expected += st.instances;
    expected_patients.insert(st.patient_id);
  }
  const auto stats = pacs.get_json("/statistics");
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["CountInstances"].get<std::size_t>(), instances_expected);
  EXPECT_EQ(stats["CountStudies"].get<std::size_t>(), expected.size());
  const auto studies = pacs.get_json("/studies?expand");
  ASSERT_TRUE(studies.is_array());
  EXPECT_EQ(studies.size(), expected.size());
  std::set<std::string> patients_seen;
  for (const auto& st : studies) {
    const std::string uid = st["MainDicomTags"]["StudyInstanceUID"];
    const std::string patient = st["PatientMainDicomTags"]["PatientID"];
    ASSERT_TRUE(expected.contains(uid)) << "a study iomtsim did not count: " << uid;
    EXPECT_EQ(patient, expected.at(uid).patient_id) << uid;
    const auto instances = pacs.get_json("/studies/" + st["ID"].get<std::string>() + "/instances");
    ASSERT_TRUE(instances.is_array());
    EXPECT_EQ(instances.size(), expected.at(uid).instances) << uid;
    patients_seen.insert(patient);
    // Retrievable as a viewer finds it: QIDO-RS by StudyInstanceUID (PatientID 0010,0020).
    const auto qido = pacs.get_json("/dicom-web/studies?StudyInstanceUID=" + uid);
    ASSERT_TRUE(qido.is_array()) << uid;
    ASSERT_EQ(qido.size(), 1u) << uid;
    EXPECT_EQ(qido[0]["00100020"]["Value"][0], patient) << uid;
  }
  const auto patients = pacs.get_json("/patients");
  ASSERT_TRUE(patients.is_array());
  EXPECT_EQ(patients.size(), expected_patients.size());
  EXPECT_EQ(patients_seen, expected_patients);
}

TEST(OrthancImaging, EveryStoredStudyIsInThePacsWithItsPatientAndInstances) {
  testing::OrthancServer pacs;
  ASSERT_TRUE(pacs.ok()) << pacs.error();
  const auto scenario = emergency_imaging(pacs.http_port());

  // Which result is which: the fleet, generated as the run generates it.
  std::map<std::uint64_t, ops::ImagingResult> results;
  auto fleet = sim::make_ops_fleet(scenario);
  ASSERT_TRUE(fleet);
  while (!fleet->done())
    if (auto out = fleet->next(); auto* r = std::get_if<ops::ImagingResult>(&out))
      results[r->id] = *r;

  std::ostringstream log;
  const auto run = loadgen::run(scenario, quiet(log));
  // The vital signs went to the FHIR target, untouched by the imaging route.
  EXPECT_EQ(run.report.delivery[reports::Outcome::Acknowledged], run.report.delivery.generated);
  const auto& d = run.report.ops.delivery.imaging_results;
  EXPECT_TRUE(run.report.ops.delivery.balanced());
  ASSERT_GT(d.generated, 0u);
  // A lossless LAN and a PACS that is up: every result is stored.
  EXPECT_EQ(d[reports::Outcome::Acknowledged], d.generated) << log.str();

  std::size_t kinds[3] = {0, 0, 0};
  const auto expected = acknowledged_studies(scenario, run.report, kinds);
  ASSERT_FALSE(expected.empty());
  EXPECT_GT(kinds[0], 0u) << "no ultrasound in the sample";
  EXPECT_GT(kinds[1], 0u) << "no X-ray in the sample";
  expect_pacs_holds(pacs, expected);

  // Result to PACS: every stored DICOM result was then found by QIDO-RS, its latency
  // measured from acquisition, reported as imaging.result_to_pacs and usable in thresholds.
  std::size_t dicom_acked = 0;
  for (const auto& [uid, st] : expected) dicom_acked += st.instances;
  const auto& s = run.report.ops.scores;
  EXPECT_EQ(s.imaging_retrievable, dicom_acked) << log.str();
  EXPECT_EQ(static_cast<std::size_t>(s.imaging_result_to_pacs.count()), dicom_acked);
  for (const auto& rec : run.report.ops.imaging)
    if (rec.to_pacs_ns >= 0) {
      EXPECT_TRUE(rec.acked) << rec.id;
      // Not before the STOW-RS answer (both from acquisition; 1 ms for the clocks' rounding).
      const auto acked_ns = (rec.acked_time - rec.acquired).count() / 60;  // 60x: wall
      EXPECT_GE(rec.to_pacs_ns + 1'000'000, acked_ns) << rec.id;
    }
  EXPECT_GT(reports::metric_value(run.report, "imaging.result_to_pacs.p95"), 0.0);
  const auto t = reports::evaluate_thresholds(
      run.report, scenarios::parse_expect_options(
                      {"imaging.result_to_pacs.p95 < 1 min", "imaging.result_to_pacs.count > 0"}));
  ASSERT_EQ(t.size(), 2u);
  for (const auto& r : t) EXPECT_TRUE(r.passed) << r.message;
}

// An acknowledgement is not storage: Orthanc's DICOMweb plugin answers 200, listing the
// instance as stored, when its Lua filter refused it. QIDO-RS never finds those studies:
// they are acknowledged, not retrievable, and result to PACS counts only the others.
TEST(OrthancImaging, AcknowledgedButRefusedStudiesAreNotRetrievable) {
  testing::OrthancServer pacs(std::chrono::seconds(60),
                              "function ReceivedInstanceFilter(dicom, origin, info)\n"
                              "  return dicom.PatientID ~= 'p3'\n"
                              "end\n");
  ASSERT_TRUE(pacs.ok()) << pacs.error();
  const auto scenario = emergency_imaging(pacs.http_port());
  std::ostringstream log;
  const auto run = loadgen::run(scenario, quiet(log));
  const auto expected = acknowledged_studies(scenario, run.report);
  std::map<std::string, Study> stored, refused;
  for (const auto& [uid, st] : expected) (st.patient_id == "p3" ? refused : stored)[uid] = st;
  std::string codes;
  for (const auto& e : run.report.outcome_codes.errors)
    codes += e.protocol + " " + e.code + " " + e.text + " x" + std::to_string(e.count) + "\n";
  std::map<physiology::PatientIndex, std::size_t> per_patient;
  for (const auto& rec : run.report.ops.imaging) ++per_patient[rec.patient];
  std::string pp;
  for (auto [p, n] : per_patient) pp += "p" + std::to_string(p) + ":" + std::to_string(n) + " ";
  ASSERT_FALSE(refused.empty()) << "patient p3 had no DICOM results: pick another\n"
                                << codes << pp << "\n"
                                << log.str();
  ASSERT_FALSE(stored.empty());
  expect_pacs_holds(pacs, stored);  // the refused instances are nowhere in Orthanc

  std::size_t stored_instances = 0, refused_instances = 0;
  for (const auto& [uid, st] : stored) stored_instances += st.instances;
  for (const auto& [uid, st] : refused) refused_instances += st.instances;
  const auto& s = run.report.ops.scores;
  // Every acknowledged DICOM result, refused ones included (the PACS said 200)...
  std::size_t dicom_acked = 0;
  for (const auto& rec : run.report.ops.imaging) {
    if (!rec.acked) continue;
    if (rec.patient == 3) {
      EXPECT_EQ(rec.to_pacs_ns, -1) << "refused by the PACS yet found: " << rec.id;
    }
  }
  for (const auto& [uid, st] : expected) dicom_acked += st.instances;
  EXPECT_EQ(dicom_acked, stored_instances + refused_instances);
  // ...but only the stored ones were found.
  EXPECT_EQ(s.imaging_retrievable, stored_instances) << log.str();
  EXPECT_EQ(static_cast<std::size_t>(s.imaging_result_to_pacs.count()), stored_instances);
  EXPECT_EQ(reports::metric_value(run.report, "imaging.retrievable"),
            static_cast<double>(stored_instances));
}

// End to end with two servers written by others: the studies into Orthanc, then from each
// modality the ImagingStudy and DiagnosticReport of every stored result into Medplum (which
// validates every resource written: server.js --validate). Every study counted stored is in
// Orthanc; every stored result's DiagnosticReport and its ImagingStudy are searchable in Medplum;
// the report shows result to PACS and result to chart, with their thresholds.
TEST(OrthancImaging, StoredStudiesReachThePacsAndTheChartInMedplum) {
  testing::OrthancServer pacs;
  ASSERT_TRUE(pacs.ok()) << pacs.error();
  testing::MedplumServer fhir({"--quiet", "--validate"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto scenario = emergency_imaging(pacs.http_port());
  scenario.target.embedded = false;
  scenario.target.http = scenarios::Endpoint{"127.0.0.1", fhir.port(), false};
  scenario.target.fhir_base_path = "/fhir";
  scenario.expectations = scenarios::parse_expect_options(
      {"imaging.result_to_pacs.p95 < 1 min", "imaging.result_to_chart.p95 < 5 min"});

  std::ostringstream log;
  auto options = quiet(log);
  char out_tmpl[] = "/tmp/iomtsim-imaging-chart-XXXXXX";
  ASSERT_NE(::mkdtemp(out_tmpl), nullptr);
  options.write_files = true;
  options.out_dir = out_tmpl;
  const auto run = loadgen::run(scenario, options);
  const auto& report = run.report;

  const auto expected = acknowledged_studies(scenario, report);
  ASSERT_FALSE(expected.empty());
  expect_pacs_holds(pacs, expected);
  std::size_t dicom_acked = 0;
  for (const auto& [uid, st] : expected) dicom_acked += st.instances;

  // One report message per stored result, each acknowledged by Medplum.
  const auto& reports_sent = report.ops.delivery.imaging_reports;
  EXPECT_EQ(reports_sent.generated, dicom_acked);
  EXPECT_EQ(reports_sent[reports::Outcome::Acknowledged], dicom_acked) << log.str();
  EXPECT_TRUE(report.ops.delivery.balanced());

  // In Medplum: each stored result's DiagnosticReport, referencing its study's ImagingStudy.
  std::map<std::uint64_t, ops::ImagingResult> results;
  auto fleet = sim::make_ops_fleet(scenario);
  while (fleet && !fleet->done())
    if (auto out = fleet->next(); auto* r = std::get_if<ops::ImagingResult>(&out))
      results[r->id] = *r;
  auto search = [&](const std::string& query) {
    const auto res = fhir.request("GET", "/fhir/" + query, {}, "Accept: application/fhir+json\r\n");
    EXPECT_TRUE(res && res->status == 200) << query;
    return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
  };
  std::size_t reports_found = 0;
  for (const auto& rec : report.ops.imaging) {
    if (!rec.acked || !payloads::dicom_kind(results.at(rec.id).modality)) continue;
    const auto b = search("DiagnosticReport?identifier=urn:iomtsim:imaging-result%7C" +
                          std::to_string(rec.id));
    ASSERT_EQ(b["entry"].size(), 1u) << rec.id;
    const auto& dr = b["entry"][0]["resource"];
    EXPECT_EQ(dr["subject"]["reference"], "Patient/p" + std::to_string(rec.patient));
    EXPECT_FALSE(dr.contains("presentedForm")) << "media inlined: " << rec.id;
    const auto id = payloads::dicom_identity(results.at(rec.id), scenario.metadata.seed);
    EXPECT_EQ(dr["imagingStudy"][0]["reference"],
              "ImagingStudy/" + payloads::imaging_study_id(id.study_uid));
    ++reports_found;
    // Charted: found by the run's own search, with its latency.
    EXPECT_GE(rec.to_chart_ns, 0) << rec.id;
  }
  EXPECT_EQ(reports_found, dicom_acked);
  for (const auto& [uid, st] : expected) {
    const auto b = search("ImagingStudy?identifier=urn:dicom:uid%7Curn:oid:" + uid);
    ASSERT_EQ(b["entry"].size(), 1u) << uid;
    const auto& is = b["entry"][0]["resource"];
    EXPECT_EQ(is["subject"]["reference"], "Patient/" + st.patient_id);
    EXPECT_EQ(is["series"].size(), 1u);
    // The last PUT of a study wins: reports of one procedure may cross on the network.
    EXPECT_GE(is["numberOfInstances"].get<std::size_t>(), 1u) << uid;
    EXPECT_LE(is["numberOfInstances"].get<std::size_t>(), st.instances) << uid;
    EXPECT_EQ(is["contained"][0]["address"],
              "http://127.0.0.1:" + std::to_string(pacs.http_port()) + "/dicom-web");
  }

  // The report: both latencies, counted for every stored result, thresholds passed.
  const auto& s = report.ops.scores;
  EXPECT_EQ(s.imaging_retrievable, dicom_acked) << log.str();
  EXPECT_EQ(s.imaging_charted, dicom_acked) << log.str();
  EXPECT_EQ(static_cast<std::size_t>(s.imaging_result_to_chart.count()), dicom_acked);
  EXPECT_GT(reports::metric_value(report, "imaging.result_to_chart.p50"), 0.0);
  ASSERT_EQ(report.thresholds.size(), 2u);
  for (const auto& t : report.thresholds) EXPECT_TRUE(t.passed) << t.message;
  std::ifstream json_in(std::string(out_tmpl) + "/report.json");
  const auto j = nlohmann::json::parse(json_in, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  const auto& img = j["operations"]["scores"]["imaging"];
  EXPECT_EQ(img["charted"], dicom_acked);
  EXPECT_EQ(img["result_to_chart"]["count"], dicom_acked);
  EXPECT_EQ(img["result_to_pacs"]["count"], dicom_acked);
  std::ifstream html_in(std::string(out_tmpl) + "/report.html");
  const std::string html((std::istreambuf_iterator<char>(html_in)), {});
  EXPECT_NE(html.find("imaging.result_to_chart.p95"), std::string::npos);
  EXPECT_NE(html.find("imaging.result_to_pacs.p95"), std::string::npos);
  std::filesystem::remove_all(out_tmpl);
}

// The PACS goes away mid-run and comes back: devices retry (target.retry) what it did not
// take, nothing is lost, nothing is stored twice (a retried instance keeps its UIDs).
TEST(OrthancImaging, APacsOutageIsSurvivedWithRetriesAndNothingLost) {
  testing::OrthancServer pacs;
  ASSERT_TRUE(pacs.ok()) << pacs.error();
  auto scenario = emergency_imaging(pacs.http_port());
  scenario.cohorts[0].operations.model.imaging.procedures_per_day = 1500;
  scenario.target.retry.attempts = 60;
  scenario.target.retry.backoff = 5s;  // scenario time: 83 ms of wall time at 60x
  scenario.target.retry.max_backoff = 30s;
  // Requests that wait for the PACS longer than this fail and are retried by the device.
  scenario.target.request_timeout = 2s;

  std::ostringstream log;
  std::optional<loadgen::RunResult> run;
  std::thread runner([&] { run = loadgen::run(scenario, quiet(log)); });
  std::this_thread::sleep_for(3s);
  pacs.stop();  // the PACS is down for a few seconds of the ten-second run
  std::this_thread::sleep_for(3s);
  const bool back = pacs.restart();
  runner.join();
  ASSERT_TRUE(back) << pacs.error();
  ASSERT_TRUE(run);

  const auto& d = run->report.ops.delivery.imaging_results;
  EXPECT_TRUE(run->report.ops.delivery.balanced());
  ASSERT_GT(d.generated, 0u);
  EXPECT_EQ(d[reports::Outcome::Acknowledged], d.generated) << log.str();
  // The outage was seen: some messages needed more than one attempt.
  EXPECT_GT(run->report.delivery_attempts.retries, 0u);
  EXPECT_EQ(run->report.delivery_attempts.retries_exhausted, 0u);
  const auto expected = acknowledged_studies(scenario, run->report);
  expect_pacs_holds(pacs, expected);
  // Every stored study is confirmed by QIDO-RS, those stored after the outage too.
  std::size_t dicom_acked = 0;
  for (const auto& [uid, st] : expected) dicom_acked += st.instances;
  EXPECT_EQ(run->report.ops.scores.imaging_retrievable, dicom_acked) << log.str();
}

}  // namespace
}  // namespace iomtsim

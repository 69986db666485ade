// Connected imaging into a real PACS: point-of-care ultrasound, bedside X-ray and 12-lead
// ECG results travel as DICOM (STOW-RS) to Debian's Orthanc with its DICOMweb plugin,
// started by the test on free loopback ports. Every study iomtsim counts as stored must be
// in Orthanc under the right patient, with as many instances as were acknowledged, and
// Orthanc holds nothing iomtsim did not count.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/payloads/dicom_instance.hpp"
#include "iomtsim/sim/ops_fleet.hpp"
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
  expect_pacs_holds(pacs, acknowledged_studies(scenario, run->report));
}

}  // namespace
}  // namespace iomtsim

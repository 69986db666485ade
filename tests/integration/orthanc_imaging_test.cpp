// Connected imaging into a real PACS: point-of-care ultrasound, bedside X-ray and 12-lead
// ECG results travel as DICOM (STOW-RS) to Debian's Orthanc with its DICOMweb plugin,
// started by the test on free loopback ports. Every study iomtsim counts as stored must be
// in Orthanc under the right patient, with as many instances as were acknowledged, and
// Orthanc holds nothing iomtsim did not count.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

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

  std::map<std::string, Study> expected;  // by StudyInstanceUID
  std::size_t dicom_acked = 0, kinds[3] = {0, 0, 0};
  for (const auto& rec : run.report.ops.imaging) {
    if (!rec.acked) continue;
    ASSERT_TRUE(results.contains(rec.id));
    const auto& r = results.at(rec.id);
    const auto kind = payloads::dicom_kind(r.modality);
    if (!kind) continue;  // a blood gas: a FHIR report to the reference target
    ++kinds[static_cast<int>(*kind)];
    const auto id = payloads::dicom_identity(r, scenario.metadata.seed);
    auto& st = expected[id.study_uid];
    st.patient_id = id.patient_id;
    ++st.instances;
    ++dicom_acked;
  }
  ASSERT_GT(dicom_acked, 0u);
  EXPECT_GT(kinds[0], 0u) << "no ultrasound in the sample";
  EXPECT_GT(kinds[1], 0u) << "no X-ray in the sample";

  // What the PACS holds, through its REST API.
  const auto stats = pacs.get_json("/statistics");
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["CountInstances"].get<std::size_t>(), dicom_acked);
  EXPECT_EQ(stats["CountStudies"].get<std::size_t>(), expected.size());
  const auto studies = pacs.get_json("/studies?expand");
  ASSERT_TRUE(studies.is_array());
  EXPECT_EQ(studies.size(), expected.size());
  std::map<std::string, std::string> patients_seen;  // PatientID -> Orthanc id
  for (const auto& st : studies) {
    const std::string uid = st["MainDicomTags"]["StudyInstanceUID"];
    const std::string patient = st["PatientMainDicomTags"]["PatientID"];
    ASSERT_TRUE(expected.contains(uid)) << "a study iomtsim did not count: " << uid;
    EXPECT_EQ(patient, expected.at(uid).patient_id) << uid;
    const auto instances = pacs.get_json("/studies/" + st["ID"].get<std::string>() + "/instances");
    ASSERT_TRUE(instances.is_array());
    EXPECT_EQ(instances.size(), expected.at(uid).instances) << uid;
    patients_seen[patient] = st["ParentPatient"];
    // Retrievable as a viewer finds it: QIDO-RS by StudyInstanceUID (PatientID 0010,0020).
    const auto qido = pacs.get_json("/dicom-web/studies?StudyInstanceUID=" + uid);
    ASSERT_TRUE(qido.is_array()) << uid;
    ASSERT_EQ(qido.size(), 1u) << uid;
    EXPECT_EQ(qido[0]["00100020"]["Value"][0], patient) << uid;
  }
  std::set<std::string> expected_patients;
  for (const auto& [uid, st] : expected) expected_patients.insert(st.patient_id);
  const auto patients = pacs.get_json("/patients");
  ASSERT_TRUE(patients.is_array());
  EXPECT_EQ(patients.size(), expected_patients.size());
  EXPECT_EQ(patients_seen.size(), expected_patients.size());
}

}  // namespace
}  // namespace iomtsim

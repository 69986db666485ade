// Provisioning against a FHIR server written by others that refuses Observations whose
// Patient does not exist (Medplum's router behind server.js --check-references): without
// provisioning every reading is refused and the report says why; with it nothing is
// refused, a second run reuses the same Patients and Devices, clean-up deletes what a run
// created, and a fleet can be mapped onto patients the server already has.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/loadgen/run.hpp"
#include "pipeline_support.hpp"
#include "support/medplum_server.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;
using nlohmann::json;
using reports::Outcome;

namespace {

std::size_t search_count(const MedplumServer& fhir, const std::string& query) {
  auto r = fhir.request("GET", "/fhir/" + query);
  if (!r || r->status != 200) return SIZE_MAX;
  const auto j = json::parse(r->body, nullptr, false);
  return j.contains("entry") ? j["entry"].size() : 0;
}

TEST(Provisioning, WithoutItAReferenceCheckingServerRefusesEveryReadingAndSaysWhy) {
  MedplumServer fhir({"--check-references"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto s = fhir_ward(fhir.port(), 2, 0);
  s.metadata.duration = std::chrono::minutes(3);
  s.expectations.push_back(
      {"delivery.rejected == 0", "delivery.rejected", scenarios::CompareOp::Equal, 0, {}});
  TempDir out;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log, out.path));
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Rejected], d.generated);
  ASSERT_FALSE(r.report.outcome_codes.errors.empty());
  const auto& e = r.report.outcome_codes.errors.front();
  EXPECT_EQ(e.code, "400");
  EXPECT_EQ(e.kind, "rejected");
  EXPECT_NE(e.text.find("does not exist (referential integrity)"), std::string::npos) << e.text;
  EXPECT_NE(read_text(out / "junit.xml").find("referential integrity"), std::string::npos);
  EXPECT_NE(read_text(out / "report.json").find("\"outcome_codes\""), std::string::npos);
}

TEST(Provisioning, CreatedOnceReusedByTheNextRunAndCleanedUpWhenAsked) {
  MedplumServer fhir({"--check-references"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  auto s = fhir_ward(fhir.port(), 3, 0, "prov-ward");
  s.metadata.duration = std::chrono::minutes(3);
  s.target.provision.patients = scenarios::ProvisionPatients::Create;
  s.target.provision.batch = 2;  // several batch Bundles
  std::ostringstream log1;
  const auto first = loadgen::run(s, kept_options(log1));
  EXPECT_EQ(first.provisioned.patients, 3u);
  EXPECT_EQ(first.provisioned.devices, 3u);
  EXPECT_EQ(first.provisioned.created, 6u);
  EXPECT_EQ(first.provisioned.reused, 0u);
  EXPECT_EQ(first.report.delivery[Outcome::Acknowledged], first.report.delivery.generated)
      << log1.str();
  EXPECT_EQ(fhir.stats()["refused_references"], 0);
  EXPECT_EQ(search_count(fhir, "Patient?identifier=urn:iomtsim:patient%7Cprov-ward-p1"), 1u);

  std::ostringstream log2;
  const auto second = loadgen::run(s, kept_options(log2));
  EXPECT_EQ(second.provisioned.created, 0u);
  EXPECT_EQ(second.provisioned.reused, 6u);  // conditional creates matched
  EXPECT_EQ(second.report.delivery[Outcome::Acknowledged], second.report.delivery.generated);
  EXPECT_EQ(search_count(fhir, "Patient?identifier=urn:iomtsim:patient%7Cprov-ward-p1"),
            1u);  // not twice

  auto other = s;
  other.metadata.name = "prov-cleanup";
  other.target.provision.cleanup = true;
  std::ostringstream log3;
  const auto third = loadgen::run(other, kept_options(log3));
  EXPECT_EQ(third.provisioned.created, 6u);
  EXPECT_EQ(third.provisioned.deleted, 6u) << log3.str();
  EXPECT_EQ(search_count(fhir, "Patient?identifier=urn:iomtsim:patient%7Cprov-cleanup-p0"), 0u);
  EXPECT_EQ(search_count(fhir, "Device?identifier=urn:iomtsim:device%7Cprov-cleanup-p0-d0"), 0u);
  EXPECT_EQ(fhir.stats()["refused_references"], 0);
}

TEST(Provisioning, ExistingPatientsFromAFileByIdAndByIdentifier) {
  MedplumServer fhir({"--check-references"});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  // Three test patients the server already has.
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const std::string body =
        R"({"resourceType":"Patient","identifier":[{"system":"urn:hospital:mrn","value":"MRN-)" +
        std::to_string(100 + i) + R"("}],"name":[{"text":"Test )" + std::to_string(i) + R"("}]})";
    auto r = fhir.request("POST", "/fhir/Patient", body);
    ASSERT_TRUE(r && r->status == 201);
    ids.push_back(json::parse(r->body)["id"].get<std::string>());
  }
  TempDir dir;
  ASSERT_TRUE(write_text(dir / "patients.txt", "# ward 7 test patients\nPatient/" + ids[0] + "\n" +
                                                   ids[1] + "\n\nurn:hospital:mrn|MRN-102\n"));
  auto s = fhir_ward(fhir.port(), 3, 0, "existing-ward");
  s.metadata.duration = std::chrono::minutes(3);
  s.target.provision.patients = scenarios::ProvisionPatients::Existing;
  s.target.provision.patients_file = dir / "patients.txt";
  s.target.provision.devices = false;
  std::ostringstream log;
  const auto r = loadgen::run(s, kept_options(log));
  EXPECT_EQ(r.provisioned.patients, 3u);
  EXPECT_EQ(r.provisioned.created, 0u);
  EXPECT_EQ(r.report.delivery[Outcome::Acknowledged], r.report.delivery.generated) << log.str();
  // Readings of fleet patient 2 went to the patient found by MRN-102.
  EXPECT_GE(search_count(fhir, "Observation?subject=Patient/" + ids[2]), 1u);
  EXPECT_EQ(search_count(fhir, "Patient?identifier=urn:iomtsim:patient%7Cexisting-ward-p0"), 0u);
}

TEST(Provisioning, AFileWithTooFewPatientsOrAnUnknownOneStopsTheRun) {
  MedplumServer fhir({});
  ASSERT_TRUE(fhir.ok()) << fhir.error();
  TempDir dir;
  ASSERT_TRUE(write_text(dir / "patients.txt", "urn:hospital:mrn|NOBODY\nabc\n"));
  auto s = fhir_ward(fhir.port(), 2, 0);
  s.target.provision.patients = scenarios::ProvisionPatients::Existing;
  s.target.provision.patients_file = dir / "patients.txt";
  std::ostringstream log;
  try {
    loadgen::run(s, kept_options(log));
    FAIL() << "expected a RunError";
  } catch (const loadgen::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("urn:hospital:mrn|NOBODY' matches 0 Patients"),
              std::string::npos)
        << e.what();
  }
  auto three = fhir_ward(fhir.port(), 3, 0);
  three.target.provision = s.target.provision;
  try {
    loadgen::run(three, kept_options(log));
    FAIL() << "expected a RunError";
  } catch (const loadgen::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("lists 2 patients, the fleet has 3"), std::string::npos)
        << e.what();
  }
}

}  // namespace

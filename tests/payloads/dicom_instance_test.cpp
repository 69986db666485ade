// DICOM instances of point-of-care imaging results: identity, sizes, determinism, and an
// independent validator (dciodvfy, Debian's dicom3tools) finding no errors in a sample.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "iomtsim/payloads/dicom_instance.hpp"
#include "payload_test_support.hpp"

namespace iomtsim::payloads {
namespace {

namespace ops = physiology::ops;
using testing::kEpochMs;

ops::ImagingResult result(ops::Modality m, physiology::PatientIndex patient,
                          std::uint32_t procedure, std::uint32_t seq, std::uint64_t bytes) {
  ops::ImagingResult r;
  r.id = ops::make_ops_id(ops::OpsKind::Imaging, patient, seq);
  r.patient = patient;
  r.modality = m;
  r.procedure = procedure;
  r.bytes = bytes;
  r.acquired_time = physiology::SimTime{std::chrono::minutes(30 + seq)};
  r.device_time = r.acquired_time + std::chrono::milliseconds(250);
  return r;
}

struct Read {
  std::string patient_id, study_uid, series_uid, sop_uid, sop_class_uid, modality;
  long frames = 0;
};

Read read_back(const std::string& part10) {
  // DcmInputBufferStream reads from memory; a Part 10 file starts with the preamble.
  DcmInputBufferStream in;
  in.setBuffer(part10.data(), static_cast<offile_off_t>(part10.size()));
  in.setEos();
  DcmFileFormat file;
  file.transferInit();
  const OFCondition c = file.read(in);
  file.transferEnd();
  EXPECT_TRUE(c.good()) << c.text();
  DcmDataset& ds = *file.getDataset();
  Read r;
  OFString s;
  auto get = [&](const DcmTagKey& tag) {
    s.clear();
    ds.findAndGetOFString(tag, s);
    return std::string(s.c_str());
  };
  r.patient_id = get(DCM_PatientID);
  r.study_uid = get(DCM_StudyInstanceUID);
  r.series_uid = get(DCM_SeriesInstanceUID);
  r.sop_uid = get(DCM_SOPInstanceUID);
  r.sop_class_uid = get(DCM_SOPClassUID);
  r.modality = get(DCM_Modality);
  Sint32 frames = 0;
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).good()) r.frames = frames;
  return r;
}

TEST(DicomIdentity, UidsAreDeterministicWellFormedAndGroupedByProcedure) {
  const std::regex uid_form(R"(2\.25\.(0|[1-9][0-9]*))");
  const auto a = dicom_identity(result(ops::Modality::Ultrasound, 7, 2, 10, 1 << 20), 42);
  const auto a2 = dicom_identity(result(ops::Modality::Ultrasound, 7, 2, 10, 1 << 20), 42);
  const auto b = dicom_identity(result(ops::Modality::Ultrasound, 7, 2, 11, 1 << 20), 42);
  const auto c = dicom_identity(result(ops::Modality::Ultrasound, 7, 3, 12, 1 << 20), 42);
  const auto other_seed = dicom_identity(result(ops::Modality::Ultrasound, 7, 2, 10, 1 << 20), 43);
  EXPECT_EQ(a, a2);
  EXPECT_EQ(a.patient_id, "p7");
  EXPECT_EQ(a.study_uid, b.study_uid);  // one procedure, one study
  EXPECT_EQ(a.series_uid, b.series_uid);
  EXPECT_NE(a.sop_uid, b.sop_uid);
  EXPECT_NE(a.study_uid, c.study_uid);
  EXPECT_NE(a.study_uid, other_seed.study_uid);
  for (const auto* id : {&a, &b, &c})
    for (const auto* uid : {&id->study_uid, &id->series_uid, &id->sop_uid}) {
      EXPECT_TRUE(std::regex_match(*uid, uid_form)) << *uid;
      EXPECT_LE(uid->size(), 64u);
    }
  std::set<std::string> all{a.study_uid, a.series_uid, a.sop_uid, b.sop_uid, c.study_uid};
  EXPECT_EQ(all.size(), 5u);
  EXPECT_FALSE(dicom_kind(ops::Modality::BloodGas));
  EXPECT_THROW(dicom_identity(result(ops::Modality::BloodGas, 1, 0, 0, 10000), 1),
               std::invalid_argument);
}

TEST(DicomInstance, SopClassModalityIdentityAndSizeAsPromised) {
  struct Case {
    ops::Modality m;
    std::uint64_t bytes;
    const char* sop_class;
    const char* modality;
  };
  const std::array<Case, 4> cases{{
      {ops::Modality::Ultrasound, 2'500'000, "1.2.840.10008.5.1.4.1.1.3.1", "US"},
      {ops::Modality::Ultrasound, 16 * 1024, "1.2.840.10008.5.1.4.1.1.3.1", "US"},
      {ops::Modality::Xray, 6'000'000, "1.2.840.10008.5.1.4.1.1.1", "CR"},
      {ops::Modality::Ecg12Lead, 120'000, "1.2.840.10008.5.1.4.1.1.9.1.1", "ECG"},
  }};
  for (const auto& k : cases) {
    const auto r = result(k.m, 3, 1, 5, k.bytes);
    const std::string bytes = encode_dicom_instance(r, 99, kEpochMs);
    ASSERT_GT(bytes.size(), 132u);
    EXPECT_EQ(bytes.substr(128, 4), "DICM");
    // Within a frame (ultrasound rounds to whole frames) and a few KiB of header.
    EXPECT_GT(bytes.size(), k.bytes * 8 / 10) << k.modality;
    EXPECT_LT(bytes.size(), k.bytes + 160 * 120 + 8192) << k.modality;
    const Read back = read_back(bytes);
    const auto id = dicom_identity(r, 99);
    EXPECT_EQ(back.patient_id, "p3");
    EXPECT_EQ(back.study_uid, id.study_uid);
    EXPECT_EQ(back.series_uid, id.series_uid);
    EXPECT_EQ(back.sop_uid, id.sop_uid);
    EXPECT_EQ(back.sop_class_uid, k.sop_class);
    EXPECT_EQ(back.modality, k.modality);
    if (k.m == ops::Modality::Ultrasound) {
      EXPECT_GE(back.frames, k.bytes > 100000 ? 8 : 1);
    }
    EXPECT_EQ(encode_dicom_instance(r, 99, kEpochMs), bytes);  // deterministic
  }
  const auto r = result(ops::Modality::Ultrasound, 3, 1, 5, 500'000);
  EXPECT_NE(encode_dicom_instance(r, 99, kEpochMs), encode_dicom_instance(r, 100, kEpochMs));
}

// Runs dciodvfy on one file; returns its output (stdout and stderr) and exit status.
std::pair<std::string, int> dciodvfy(const std::filesystem::path& file) {
  const std::string cmd = "dciodvfy '" + file.string() + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {"popen failed", -1};
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST(DicomInstance, DciodvfyFindsNoErrorsInASample) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("iomtsim_dicom_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct Sample {
    ops::Modality m;
    std::uint64_t bytes;
  };
  const std::array<Sample, 6> samples{{{ops::Modality::Ultrasound, 16 * 1024},
                                       {ops::Modality::Ultrasound, 900'000},
                                       {ops::Modality::Ultrasound, 4'000'000},
                                       {ops::Modality::Xray, 5'800'000},
                                       {ops::Modality::Ecg12Lead, 61'440},
                                       {ops::Modality::Ecg12Lead, 200'000}}};
  std::uint32_t seq = 0;
  for (const auto& s : samples) {
    const auto r = result(s.m, 11 + seq, seq, seq, s.bytes);
    const auto file = dir / ("sample" + std::to_string(seq++) + ".dcm");
    {
      std::ofstream out(file, std::ios::binary);
      const std::string bytes = encode_dicom_instance(r, 2024, kEpochMs);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    const auto [text, status] = dciodvfy(file);
    ASSERT_NE(status, 127) << "dciodvfy not found (scripts/install-deps.sh installs dicom3tools)";
    // dciodvfy says which IOD it checked, then one "Error - …" line per error.
    EXPECT_NE(text.find(s.m == ops::Modality::Ecg12Lead
                            ? "TwelveLeadECG"
                            : (s.m == ops::Modality::Xray ? "CR" : "USMultiFrame")),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("Error"), std::string::npos) << file << "\n" << text;
  }
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iomtsim::payloads

// The chart's side of a stored study (imaging_chart.hpp): what the transaction Bundle says
// about the study and the result, and that a receiver reads the result back from it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iomtsim/payloads/imaging_chart.hpp"

namespace iomtsim::payloads {
namespace {

namespace ops = physiology::ops;
using nlohmann::json;

ops::ImagingResult result(ops::Modality m) {
  ops::ImagingResult r;
  r.id = ops::make_ops_id(ops::OpsKind::Imaging, 4, 9);
  r.patient = 4;
  r.modality = m;
  r.procedure = 3;
  r.bytes = 1 << 20;
  r.device_time = physiology::SimTime{std::chrono::minutes(12)};
  return r;
}

ImagingChartStudy study_of(const ops::ImagingResult& r, std::size_t instances) {
  ImagingChartStudy s;
  s.identity = dicom_identity(r, 77);
  for (std::size_t i = 1; i < instances; ++i) s.instance_uids.push_back(hashed_uid(77, "x", i));
  s.instance_uids.push_back(s.identity.sop_uid);
  s.dicomweb_base = "https://pacs.example:8443/dicom-web";
  return s;
}

TEST(ImagingChart, BundleReferencesTheStoredStudyInsteadOfInliningMedia) {
  const auto r = result(ops::Modality::Ultrasound);
  const auto s = study_of(r, 3);
  const auto text = encode_imaging_chart_bundle(r, s, 1'714'550'400'000);
  EXPECT_TRUE(text.starts_with(R"({"resourceType":"Bundle","type":"transaction")"));
  EXPECT_TRUE(looks_like_imaging_chart_bundle(text));
  const auto b = json::parse(text);
  ASSERT_EQ(b["entry"].size(), 2u);
  const auto& is = b["entry"][0]["resource"];
  const auto& dr = b["entry"][1]["resource"];
  EXPECT_EQ(b["entry"][0]["request"]["method"], "PUT");
  EXPECT_EQ(b["entry"][0]["request"]["url"],
            "ImagingStudy/" + imaging_study_id(s.identity.study_uid));
  EXPECT_EQ(is["identifier"][0]["system"], "urn:dicom:uid");
  EXPECT_EQ(is["identifier"][0]["value"], "urn:oid:" + s.identity.study_uid);
  EXPECT_EQ(is["subject"]["reference"], "Patient/p4");
  EXPECT_EQ(is["numberOfSeries"], 1);
  EXPECT_EQ(is["numberOfInstances"], 3);
  EXPECT_EQ(is["series"][0]["uid"], s.identity.series_uid);
  EXPECT_EQ(is["series"][0]["modality"]["code"], "US");
  ASSERT_EQ(is["series"][0]["instance"].size(), 3u);
  EXPECT_EQ(is["series"][0]["instance"][2]["uid"], s.identity.sop_uid);
  EXPECT_EQ(is["series"][0]["instance"][2]["sopClass"]["code"],
            "urn:oid:" + s.identity.sop_class_uid);
  EXPECT_EQ(is["endpoint"][0]["reference"], "#pacs");
  EXPECT_EQ(is["contained"][0]["resourceType"], "Endpoint");
  EXPECT_EQ(is["contained"][0]["connectionType"]["code"], "dicom-wado-rs");
  EXPECT_EQ(is["contained"][0]["address"], s.dicomweb_base);
  EXPECT_EQ(dr["imagingStudy"][0]["reference"], "ImagingStudy/" + is["id"].get<std::string>());
  EXPECT_EQ(dr["identifier"][0]["value"], std::to_string(r.id));
  EXPECT_FALSE(dr.contains("presentedForm"));
  EXPECT_LT(text.size(), 4096u);  // the media stays in the PACS

  const auto d = decode_imaging_chart_bundle(text, 1'714'550'400'000);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.result.id, r.id);
  EXPECT_EQ(d.value.result.patient, r.patient);
  EXPECT_EQ(d.value.result.modality, r.modality);
  EXPECT_EQ(d.value.result.device_time, r.device_time);
  EXPECT_EQ(d.value.result.bytes, 0u);
  EXPECT_EQ(d.value.study_id, is["id"]);
}

TEST(ImagingChart, StudyIdsAreValidFhirIds) {
  for (auto m : {ops::Modality::Ultrasound, ops::Modality::Xray, ops::Modality::Ecg12Lead}) {
    const auto id = imaging_study_id(dicom_identity(result(m), 5).study_uid);
    EXPECT_LE(id.size(), 64u);
    EXPECT_TRUE(id.starts_with("dicom-"));
    EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz-0123456789"), std::string::npos);
  }
  EXPECT_THROW(encode_imaging_chart_bundle(result(ops::Modality::Xray), {}, 0),
               std::invalid_argument);
}

TEST(ImagingChart, ReceiverRefusesBundlesThatDoNotHoldTogether) {
  const auto r = result(ops::Modality::Xray);
  auto b = json::parse(encode_imaging_chart_bundle(r, study_of(r, 1), 0));
  auto broken = b;
  broken["entry"][1]["resource"]["imagingStudy"][0]["reference"] = "ImagingStudy/other";
  EXPECT_FALSE(decode_imaging_chart_bundle(broken.dump(), 0).ok());
  broken = b;
  broken["entry"].erase(0);
  EXPECT_FALSE(decode_imaging_chart_bundle(broken.dump(), 0).ok());
  broken = b;
  broken["type"] = "batch";
  EXPECT_FALSE(decode_imaging_chart_bundle(broken.dump(), 0).ok());
  EXPECT_FALSE(decode_imaging_chart_bundle("not json", 0).ok());
}

}  // namespace
}  // namespace iomtsim::payloads

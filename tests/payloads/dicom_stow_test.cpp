// Reading DICOMweb answers: the STOW-RS store response (which instances failed and why) and
// QIDO-RS study matches. The 409 and QIDO bodies are what Debian's Orthanc 1.10 with its
// DICOMweb plugin 1.7 answered; the 202 is the standard's partial-success form.
#include <gtest/gtest.h>

#include "iomtsim/payloads/dicom_stow.hpp"

namespace iomtsim::payloads {
namespace {

// Orthanc, STOW-RS to /studies/1.2.3.4 of an instance of another study.
constexpr std::string_view kOrthanc409 = R"({
  "00080005" : { "Value" : [ "ISO_IR 100" ], "vr" : "CS" },
  "00081198" : { "Value" : [ {
      "00081150" : { "Value" : [ "1.2.840.10008.5.1.4.1.1.7" ], "vr" : "UI" },
      "00081155" : { "Value" : [ "1.2.826.0.1.3680043.9.1.1" ], "vr" : "UI" },
      "00081197" : { "Value" : [ 272 ], "vr" : "US" } } ], "vr" : "SQ" },
  "00081199" : { "vr" : "SQ" } })";

// Orthanc, an instance stored.
constexpr std::string_view kOrthanc200 = R"({
  "00080005" : { "Value" : [ "ISO_IR 100" ], "vr" : "CS" },
  "00081190" : { "Value" : [ "http://127.0.0.1:8042/dicom-web/studies/1.2.826.0.1.3680043.9.1" ], "vr" : "UR" },
  "00081198" : { "vr" : "SQ" },
  "00081199" : { "Value" : [ {
      "00081150" : { "Value" : [ "1.2.840.10008.5.1.4.1.1.7" ], "vr" : "UI" },
      "00081155" : { "Value" : [ "1.2.826.0.1.3680043.9.1.1" ], "vr" : "UI" } } ], "vr" : "SQ" } })";

TEST(StowAnswer, StoredInstanceHasNoFailure) {
  const auto a = read_stow_answer(kOrthanc200);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->failed, 0u);
  EXPECT_EQ(a->referenced, 1u);
  EXPECT_TRUE(a->reason.empty());
}

TEST(StowAnswer, FailedSopSequenceGivesCountAndReason) {
  const auto a = read_stow_answer(kOrthanc409);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->failed, 1u);
  EXPECT_EQ(a->referenced, 0u);
  EXPECT_EQ(a->reason, "FailedSOPSequence: 1 instance, FailureReason 0x0110 (processing failure)");
}

TEST(StowAnswer, PartialSuccess202ListsTheFailedOnes) {
  // 202 Accepted: one stored, two refused for lack of space (lower-case tags, as some
  // servers write them).
  const std::string body =
      R"({"00081199":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["1.2.3"]}}]},
    "00081198":{"vr":"SQ","Value":[{"00081197":{"vr":"US","Value":[42752]}},
                                   {"00081197":{"vr":"US","Value":[42752]}}]}})";
  const auto a = read_stow_answer(body);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->failed, 2u);
  EXPECT_EQ(a->referenced, 1u);
  EXPECT_EQ(a->reason, "FailedSOPSequence: 2 instances, FailureReason 0xA700 (out of resources)");
  const auto lower = read_stow_answer(
      R"({"00081198":{"vr":"SQ","Value":[{"00081197":{"vr":"US","Value":[49152]}}]}})");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->reason,
            "FailedSOPSequence: 1 instance, FailureReason 0xC000 (cannot understand)");
}

TEST(StowAnswer, FailedItemWithoutReasonStillFails) {
  const auto a = read_stow_answer(R"({"00081198":{"vr":"SQ","Value":[{}]}})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->failed, 1u);
  EXPECT_EQ(a->reason, "FailedSOPSequence: 1 instance");
}

TEST(StowAnswer, NotDicomJsonIsNoAnswer) {
  EXPECT_FALSE(read_stow_answer(""));
  EXPECT_FALSE(read_stow_answer("<html>stored</html>"));
  EXPECT_FALSE(read_stow_answer("[1,2]"));
  const auto empty = read_stow_answer("{}");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->failed, 0u);
}

TEST(QidoStudies, ReadsUidAndInstanceCount) {
  // Orthanc's answer to studies?StudyInstanceUID=…&includefield=00201208 (IS as a number).
  const auto s = read_qido_studies(
      R"([{"0020000D":{"Value":["1.2.826.0.1.3680043.9.1"],"vr":"UI"},
           "00201206":{"Value":[1],"vr":"IS"},"00201208":{"Value":[3],"vr":"IS"}},
          {"0020000D":{"Value":["1.2.9"],"vr":"UI"},"00201208":{"Value":["12"],"vr":"IS"}},
          {"0020000D":{"Value":["1.2.10"],"vr":"UI"}}])");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].study_uid, "1.2.826.0.1.3680043.9.1");
  EXPECT_EQ((*s)[0].instances, 3);
  EXPECT_EQ((*s)[1].instances, 12);  // IS written as a string
  EXPECT_EQ((*s)[2].instances, -1);  // not returned
}

TEST(QidoStudies, NoMatchAndGarbage) {
  ASSERT_TRUE(read_qido_studies("[]"));
  EXPECT_TRUE(read_qido_studies("[]")->empty());
  ASSERT_TRUE(read_qido_studies(""));  // 204 No Content
  EXPECT_TRUE(read_qido_studies("")->empty());
  EXPECT_FALSE(read_qido_studies("{\"error\":1}"));
  EXPECT_FALSE(read_qido_studies("[1]"));
  EXPECT_FALSE(read_qido_studies("not json"));
}

}  // namespace
}  // namespace iomtsim::payloads

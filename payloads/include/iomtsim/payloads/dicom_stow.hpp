#pragma once
// DICOMweb STOW-RS (PS3.18 10.5): a store request is POST <base>/studies with a
// multipart/related body of application/dicom parts, one Part 10 instance each. A device
// sends one instance per request, as it acquires them.
//
//   POST /dicom-web/studies
//   Content-Type: multipart/related; type="application/dicom"; boundary=<kStowBoundary>
//   Accept: application/dicom+json
//
// The boundary is fixed: a run must not depend on the time of day, and the chance that
// 32 bytes of it occur inside generated pixel data is negligible.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::payloads {

inline constexpr std::string_view kStowBoundary = "iomtsim-stow-7d3c2b9a41e6f805d1c7";
inline constexpr std::string_view kStowPath = "studies";  // under the DICOMweb base

// The request's Content-Type.
std::string stow_content_type();
// The body: one part holding `part10` (payloads::encode_dicom_instance).
std::string encode_stow_body(std::string_view part10);

// What a STOW-RS answer (the Store Instances Response Module, PS3.18 10.5.3, as
// application/dicom+json) says: a 200, 202 or 409 may list instances the server did not
// store in its FailedSOPSequence (0008,1198), each with a FailureReason (0008,1197).
// A device counts an instance as stored only when none failed.
struct StowAnswer {
  std::size_t failed = 0;      // items of FailedSOPSequence
  std::size_t referenced = 0;  // items of ReferencedSOPSequence (0008,1199): stored
  std::string reason;  // "FailedSOPSequence: 1 instance, FailureReason 0xA700 (out of resources)"
};
// nullopt when `body` is not a DICOM JSON object (an empty body, HTML, text).
std::optional<StowAnswer> read_stow_answer(std::string_view body);

// A QIDO-RS study search's answer (PS3.18 10.6): each study's StudyInstanceUID (0020,000D)
// and NumberOfStudyRelatedInstances (0020,1208; -1 when not returned). An empty body (204)
// is no study. nullopt when the body is not a JSON array of objects.
struct QidoStudy {
  std::string study_uid;
  std::int64_t instances = -1;
};
std::optional<std::vector<QidoStudy>> read_qido_studies(std::string_view body);

}  // namespace iomtsim::payloads

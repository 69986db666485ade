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
#include <string>
#include <string_view>

namespace iomtsim::payloads {

inline constexpr std::string_view kStowBoundary = "iomtsim-stow-7d3c2b9a41e6f805d1c7";
inline constexpr std::string_view kStowPath = "studies";  // under the DICOMweb base

// The request's Content-Type.
std::string stow_content_type();
// The body: one part holding `part10` (payloads::encode_dicom_instance).
std::string encode_stow_body(std::string_view part10);

}  // namespace iomtsim::payloads

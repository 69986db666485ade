#pragma once
// The chart's side of an imaging result stored in a PACS: instead of the media inlined, a
// FHIR R4 transaction Bundle of two PUTs (idempotent: a retry stores nothing twice)
//   ImagingStudy/<imaging_study_id(uid)>  the study, identified by its StudyInstanceUID as
//       {system "urn:dicom:uid", value "urn:oid:<uid>"}, status available, the PACS as a
//       contained Endpoint (connectionType dicom-wado-rs, address = the DICOMweb base), its
//       one series (modality, SeriesInstanceUID) with the instances stored so far
//   DiagnosticReport/imaging-<result id>  the result (identifier urn:iomtsim:imaging-result
//       |<id>, category, modality code, subject, effective time) whose imagingStudy
//       references that ImagingStudy
// posted to the FHIR base. The study's counts are those the device knows when it sends: a
// procedure's later results PUT the study again with more instances.
//
//   ImagingChartStudy s{dicom_identity(r, seed), {sop uids stored so far},
//   "http://pacs/dicom-web"}; std::string body = encode_imaging_chart_bundle(r, s, epoch_unix_ms);
//   // POST [base]
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/payloads/dicom_instance.hpp"
#include "iomtsim/physiology/ops/ops_types.hpp"

namespace iomtsim::payloads {

struct ImagingChartStudy {
  DicomIdentity identity;                  // of this result's instance
  std::vector<std::string> instance_uids;  // the study's instances stored so far, in order
  std::string dicomweb_base;               // where the study is retrieved (WADO-RS base)
};

// A FHIR id for the study ("dicom-" and the UID's digits, at most 64 characters).
std::string imaging_study_id(std::string_view study_uid);

// Throws std::invalid_argument when `study.instance_uids` is empty.
std::string encode_imaging_chart_bundle(const physiology::ops::ImagingResult& r,
                                        const ImagingChartStudy& study, std::int64_t epoch_unix_ms);

// What a receiver (the reference target) reads back: the result, from the DiagnosticReport
// (bytes 0: the media is in the PACS), and the ImagingStudy's id.
struct ImagingChartBundle {
  physiology::ops::ImagingResult result;
  std::string study_id;
};
Decoded<ImagingChartBundle> decode_imaging_chart_bundle(std::string_view json,
                                                        std::int64_t epoch_unix_ms);
// Cheap sniff of a body's head: such a Bundle?
bool looks_like_imaging_chart_bundle(std::string_view json);

}  // namespace iomtsim::payloads

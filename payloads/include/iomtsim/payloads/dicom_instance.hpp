#pragma once
// Point-of-care imaging results as DICOM instances (Part 10 files, Explicit VR Little
// Endian), as the device would send them to a PACS. DCMTK stays behind this wall: no
// public header names a DCMTK type.
//
// Which instance a result becomes (dicom_kind):
//   Ultrasound  Ultrasound Multi-frame Image Storage (1.2.840.10008.5.1.4.1.1.3.1), modality
//               US: a cine clip of 8-bit MONOCHROME2 frames at 25 frames/s (Cine and
//               Multi-frame modules, Frame Increment Pointer -> Frame Time). The matrix is
//               640x480, 320x240 or 160x120, the largest that gives at least 8 frames of
//               the result's `bytes`; frames = bytes / frame size, at least 1.
//   Xray        Computed Radiography Image Storage (1.2.840.10008.5.1.4.1.1.1), modality CR:
//               a portable chest film, 16-bit allocated, 12 bits stored, about 4:5 portrait,
//               rows x columns x 2 close to `bytes`.
//   Ecg12Lead   12-lead ECG Waveform Storage (1.2.840.10008.5.1.4.1.1.9.1.1), modality ECG:
//               12 channels (leads I, II, III, aVR, aVL, aVF, V1-V6, MDC codes of CID 3001)
//               at 500 Hz, 16-bit signed, in microvolts; samples = bytes / 24 (at least 1 s).
//   BloodGas    none: a blood gas is a lab result, it stays a FHIR DiagnosticReport.
// Pixel and waveform data are generated from (seed, result id), cheaply, so no fixture is
// stored; the same inputs give the same bytes.
//
// Identity, consistent with the rest of the fleet and stable across runs and shards:
//   PatientID          "p<patient index>" (the FHIR Patient/p<n> and HL7 PID-3 of the fleet)
//   StudyInstanceUID   from (seed, patient, procedure): the results of one procedure are
//                      one study
//   SeriesInstanceUID  from the study and the modality (one series per study here)
//   SOPInstanceUID     from (seed, result id)
// UIDs are "2.25.<decimal>" of a 128-bit value made from a hash, laid out as a version-8
// (custom) UUID, as PS3.5 B.2 allows.
//
// Usage:
//   if (auto kind = payloads::dicom_kind(r.modality)) {
//     std::string part10 = payloads::encode_dicom_instance(r, seed, epoch_unix_ms);
//     payloads::DicomIdentity id = payloads::dicom_identity(r, seed);   // what a PACS files it
//     under
//   }
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "iomtsim/physiology/ops/ops_types.hpp"

namespace iomtsim::payloads {

enum class DicomKind : std::uint8_t { UltrasoundCine, Xray, Ecg12Lead };

// The DICOM instance a result becomes, or none (blood gas).
std::optional<DicomKind> dicom_kind(physiology::ops::Modality m);

// "2.25.<decimal>": a UID from a hash of (seed, what, a, b); `what` keeps kinds apart.
std::string hashed_uid(std::uint64_t seed, std::string_view what, std::uint64_t a,
                       std::uint64_t b = 0);

struct DicomIdentity {
  std::string patient_id;
  std::string study_uid;
  std::string series_uid;
  std::string sop_uid;
  std::string sop_class_uid;
  std::string modality;  // "US", "CR", "ECG"
  bool operator==(const DicomIdentity&) const = default;
};
// Throws std::invalid_argument for a result with no DICOM kind (blood gas).
DicomIdentity dicom_identity(const physiology::ops::ImagingResult& r, std::uint64_t seed);

// The Part 10 file (preamble, "DICM", meta header, data set). epoch_unix_ms: wall time of
// scenario time zero (study date and time are the acquisition's, on the device clock, UTC).
// Throws std::invalid_argument for a result with no DICOM kind, std::runtime_error when
// DCMTK fails to encode (a broken invariant).
std::string encode_dicom_instance(const physiology::ops::ImagingResult& r, std::uint64_t seed,
                                  std::int64_t epoch_unix_ms);

}  // namespace iomtsim::payloads

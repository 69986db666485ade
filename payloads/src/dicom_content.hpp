#pragma once
// The modality-specific part of an imaging instance (dicom_instance.cpp writes the patient,
// study, series and SOP common part): the image or waveform modules and their data, drawn
// from `seed` so the same result always has the same bytes. Private to payloads/.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <cstdint>
#include <string>

namespace iomtsim::payloads::detail {

// Ultrasound multi-frame cine of about `bytes` of pixel data (dicom_instance.hpp).
void put_ultrasound_cine(DcmDataset& ds, std::uint64_t bytes, std::uint64_t seed,
                         const std::string& acquisition_datetime);
// A portable chest film (CR) of about `bytes` of pixel data.
void put_xray(DcmDataset& ds, std::uint64_t bytes, std::uint64_t seed);
// A 12-lead resting ECG of about `bytes` of waveform data.
void put_ecg(DcmDataset& ds, std::uint64_t bytes, std::uint64_t seed,
             const std::string& acquisition_datetime);

}  // namespace iomtsim::payloads::detail

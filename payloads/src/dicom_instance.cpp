// Point-of-care imaging results as DICOM Part 10 instances, built with DCMTK's dcmdata.
// The identity (UIDs) and the wire bytes; the pixel and waveform content is in
// dicom_content.cpp.
#include "iomtsim/payloads/dicom_instance.hpp"

#include <dcmtk/config/osconfig.h>  // DCMTK wants this first
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "dicom_content.hpp"
#include "iomtsim/physiology/random.hpp"

namespace iomtsim::payloads {

namespace ops = physiology::ops;
using physiology::splitmix64;

namespace {

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
  const OFCondition c = item.putAndInsertString(tag, value.c_str());
  if (c.bad()) throw std::runtime_error(std::string("DICOM: cannot set an attribute: ") + c.text());
}

void check(const OFCondition& c, const char* what) {
  if (c.bad()) throw std::runtime_error(std::string("DICOM: ") + what + ": " + c.text());
}

struct DateTime {
  std::string date, time;  // DA "YYYYMMDD", TM "HHMMSS.ffffff"
};

DateTime date_time(physiology::SimTime device_time, std::int64_t epoch_unix_ms) {
  using namespace std::chrono;
  const std::int64_t us =
      epoch_unix_ms * 1000 + duration_cast<microseconds>(device_time.time_since_epoch()).count();
  const sys_time<microseconds> t{microseconds{us}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char date[16], time[24];
  std::snprintf(date, sizeof date, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  std::snprintf(time, sizeof time, "%02d%02d%02d.%06lld", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return {date, time};
}

// The decimal digits of the 128-bit number hi:lo (long division on 32-bit limbs: ISO C++
// has no 128-bit integer).
std::string decimal(std::uint64_t hi, std::uint64_t lo) {
  std::uint32_t limbs[4] = {static_cast<std::uint32_t>(hi >> 32), static_cast<std::uint32_t>(hi),
                            static_cast<std::uint32_t>(lo >> 32), static_cast<std::uint32_t>(lo)};
  std::string s;
  auto zero = [&] { return (limbs[0] | limbs[1] | limbs[2] | limbs[3]) == 0; };
  do {
    std::uint64_t rem = 0;
    for (auto& l : limbs) {
      const std::uint64_t cur = (rem << 32) | l;
      l = static_cast<std::uint32_t>(cur / 10);
      rem = cur % 10;
    }
    s.insert(s.begin(), static_cast<char>('0' + rem));
  } while (!zero());
  return s;
}

std::uint64_t hash_text(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a, then mixed
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return splitmix64(h);
}

const char* sop_class_of(DicomKind k) {
  switch (k) {
    case DicomKind::UltrasoundCine:
      return UID_UltrasoundMultiframeImageStorage;
    case DicomKind::Xray:
      return UID_ComputedRadiographyImageStorage;
    case DicomKind::Ecg12Lead:
      break;
  }
  return UID_TwelveLeadECGWaveformStorage;
}

const char* modality_of(DicomKind k) {
  switch (k) {
    case DicomKind::UltrasoundCine:
      return "US";
    case DicomKind::Xray:
      return "CR";
    case DicomKind::Ecg12Lead:
      break;
  }
  return "ECG";
}

DicomKind kind_or_throw(ops::Modality m) {
  const auto k = dicom_kind(m);
  if (!k) throw std::invalid_argument("DICOM: a blood gas result is not an imaging study");
  return *k;
}

void put_common(DcmDataset& ds, const DicomIdentity& id, const ops::ImagingResult& r,
                const DateTime& when) {
  put(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
  put(ds, DCM_SOPClassUID, id.sop_class_uid);
  put(ds, DCM_SOPInstanceUID, id.sop_uid);
  put(ds, DCM_StudyDate, when.date);
  put(ds, DCM_StudyTime, when.time);
  put(ds, DCM_SeriesDate, when.date);
  put(ds, DCM_SeriesTime, when.time);
  put(ds, DCM_ContentDate, when.date);
  put(ds, DCM_ContentTime, when.time);
  put(ds, DCM_AccessionNumber, "");
  put(ds, DCM_Modality, id.modality);
  put(ds, DCM_Manufacturer, "iomtsim");
  put(ds, DCM_ManufacturerModelName, "point-of-care");
  put(ds, DCM_ReferringPhysicianName, "");
  put(ds, DCM_PatientName, "Patient^" + id.patient_id);
  put(ds, DCM_PatientID, id.patient_id);
  put(ds, DCM_IssuerOfPatientID, "IOMTSIM");
  put(ds, DCM_PatientBirthDate, "");
  put(ds, DCM_PatientSex, "");
  put(ds, DCM_StudyInstanceUID, id.study_uid);
  put(ds, DCM_SeriesInstanceUID, id.series_uid);
  // StudyID is SH (16 characters): the procedure number of this patient.
  put(ds, DCM_StudyID, std::to_string(r.procedure));
  put(ds, DCM_SeriesNumber, "1");
  put(ds, DCM_InstanceNumber, std::to_string((r.id & 0xFFFFFFFFull) + 1));
}

std::string to_part10(DcmFileFormat& file) {
  // DcmOutputBufferStream hands back a full buffer each time write() says
  // EC_StreamNotifyClient; collect them until the file is complete.
  std::vector<char> buffer(256 * 1024);
  DcmOutputBufferStream stream(buffer.data(), static_cast<offile_off_t>(buffer.size()));
  std::string out;
  auto drain = [&] {
    void* data = nullptr;
    offile_off_t length = 0;
    stream.flushBuffer(data, length);
    out.append(static_cast<const char*>(data), static_cast<std::size_t>(length));
  };
  file.transferInit();
  OFCondition c = EC_StreamNotifyClient;
  while (c == EC_StreamNotifyClient) {
    c = file.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr);
    drain();
  }
  file.transferEnd();
  check(c, "writing the instance");
  stream.flush();
  drain();
  return out;
}

}  // namespace

std::optional<DicomKind> dicom_kind(ops::Modality m) {
  switch (m) {
    case ops::Modality::Ultrasound:
      return DicomKind::UltrasoundCine;
    case ops::Modality::Xray:
      return DicomKind::Xray;
    case ops::Modality::Ecg12Lead:
      return DicomKind::Ecg12Lead;
    case ops::Modality::BloodGas:
      break;
  }
  return std::nullopt;
}

std::string hashed_uid(std::uint64_t seed, std::string_view what, std::uint64_t a,
                       std::uint64_t b) {
  std::uint64_t hi = splitmix64(seed ^ hash_text(what));
  hi = splitmix64(hi ^ a);
  hi = splitmix64(hi ^ (b + 0x9E3779B97F4A7C15ull));
  std::uint64_t lo = splitmix64(hi ^ 0xD1B54A32D192ED03ull);
  // A version-8 UUID (RFC 9562): version nibble 8, variant bits 10.
  hi = (hi & ~0xF000ull) | 0x8000ull;
  lo = (lo & ~(3ull << 62)) | (2ull << 62);
  return "2.25." + decimal(hi, lo);
}

DicomIdentity dicom_identity(const ops::ImagingResult& r, std::uint64_t seed) {
  const DicomKind k = kind_or_throw(r.modality);
  DicomIdentity id;
  id.patient_id = "p" + std::to_string(r.patient);
  id.study_uid = hashed_uid(seed, "study", r.patient, r.procedure);
  id.series_uid = hashed_uid(seed, std::string("series-") + modality_of(k), r.patient, r.procedure);
  id.sop_uid = hashed_uid(seed, "instance", r.id);
  id.sop_class_uid = sop_class_of(k);
  id.modality = modality_of(k);
  return id;
}

std::string encode_dicom_instance(const ops::ImagingResult& r, std::uint64_t seed,
                                  std::int64_t epoch_unix_ms) {
  const DicomKind k = kind_or_throw(r.modality);
  const DicomIdentity id = dicom_identity(r, seed);
  const DateTime when = date_time(r.device_time, epoch_unix_ms);
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  put_common(ds, id, r, when);
  const std::uint64_t content_seed = splitmix64(seed ^ splitmix64(r.id));
  switch (k) {
    case DicomKind::UltrasoundCine:
      detail::put_ultrasound_cine(ds, r.bytes, content_seed, when.date + when.time);
      break;
    case DicomKind::Xray:
      detail::put_xray(ds, r.bytes, content_seed);
      break;
    case DicomKind::Ecg12Lead:
      detail::put_ecg(ds, r.bytes, content_seed, when.date + when.time);
      break;
  }
  check(file.validateMetaInfo(EXS_LittleEndianExplicit), "file meta information");
  return to_part10(file);
}

}  // namespace iomtsim::payloads

// Pixel and waveform content of the point-of-care instances. Plausible to look at (a
// sector scan with speckle and a beating chamber, a chest film, a sinus-rhythm ECG) but
// cheap to make: a hash per sample, no fixtures. Only sizes and validity matter to a PACS.
#include "dicom_content.hpp"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "iomtsim/physiology/random.hpp"

namespace iomtsim::payloads::detail {

namespace {

using physiology::splitmix64;

void check(const OFCondition& c) {
  if (c.bad()) throw std::runtime_error(std::string("DICOM: cannot set an attribute: ") + c.text());
}
void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
  check(item.putAndInsertString(tag, value.c_str()));
}
void put_u16(DcmItem& item, const DcmTagKey& tag, std::uint32_t v) {
  check(item.putAndInsertUint16(tag, static_cast<Uint16>(v)));
}

// A cheap per-sample noise in [0, 1): one SplitMix64 step per call.
struct Noise {
  std::uint64_t state;
  double next() {
    state += 0x9E3779B97F4A7C15ull;
    return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
  }
};

// The Image Pixel module of a greyscale, unsigned image (ultrasound and X-ray alike).
void put_grey_pixels(DcmItem& item, std::uint32_t rows, std::uint32_t cols,
                     std::uint32_t bits_allocated, std::uint32_t bits_stored) {
  put_u16(item, DCM_SamplesPerPixel, 1);
  put(item, DCM_PhotometricInterpretation, "MONOCHROME2");
  put_u16(item, DCM_Rows, rows);
  put_u16(item, DCM_Columns, cols);
  put_u16(item, DCM_BitsAllocated, bits_allocated);
  put_u16(item, DCM_BitsStored, bits_stored);
  put_u16(item, DCM_HighBit, bits_stored - 1);
  put_u16(item, DCM_PixelRepresentation, 0);
}

void put_code(DcmItem& item, const char* value, const char* scheme, const char* meaning) {
  put(item, DCM_CodeValue, value);
  put(item, DCM_CodingSchemeDesignator, scheme);
  put(item, DCM_CodeMeaning, meaning);
}

}  // namespace

void put_ultrasound_cine(DcmDataset& ds, std::uint64_t bytes, std::uint64_t seed,
                         const std::string& acquisition_datetime) {
  constexpr std::array<std::pair<std::uint32_t, std::uint32_t>, 3> kMatrices{
      {{480, 640}, {240, 320}, {120, 160}}};
  constexpr std::uint64_t kMinFrames = 8;
  auto [rows, cols] = kMatrices.back();
  for (auto [r, c] : kMatrices)
    if (bytes >= kMinFrames * r * c) {
      rows = r;
      cols = c;
      break;
    }
  const std::uint64_t frame_bytes = static_cast<std::uint64_t>(rows) * cols;
  const std::uint64_t frames = std::max<std::uint64_t>(1, bytes / frame_bytes);

  put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY\\ABDOMINAL");
  put(ds, DCM_AcquisitionDateTime, acquisition_datetime);
  put(ds, DCM_PatientOrientation, "");
  put(ds, DCM_Laterality, "");  // 2C: an abdominal scan has none
  put(ds, DCM_LossyImageCompression, "00");
  put_grey_pixels(ds, rows, cols, 8, 8);
  put(ds, DCM_NumberOfFrames, std::to_string(frames));
  check(ds.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime));
  put(ds, DCM_FrameTime, "40");  // ms: 25 frames/s
  put(ds, DCM_CineRate, "25");

  // A sector scan from an apex at the top centre: tissue bands, speckle, and a dark
  // chamber whose radius follows a heartbeat (about 1.2 s at 25 frames/s).
  std::vector<float> base(frame_bytes, -1.0f), chamber_d(frame_bytes, 0.0f);
  const double cx = cols / 2.0, half_angle = 0.75;
  const double ccx = cx, ccy = rows * 0.55;
  for (std::uint32_t y = 0; y < rows; ++y)
    for (std::uint32_t x = 0; x < cols; ++x) {
      const double dx = x - cx, dy = y + 1.0;
      const double rr = std::sqrt(dx * dx + dy * dy) / rows;
      if (rr > 0.97 || std::abs(std::atan2(dx, dy)) > half_angle) continue;
      const std::size_t i = static_cast<std::size_t>(y) * cols + x;
      base[i] = static_cast<float>(90.0 + 50.0 * std::sin(rr * 23.0) * (1.0 - rr));
      chamber_d[i] = static_cast<float>(std::hypot(x - ccx, (y - ccy) * 1.3) / rows);
    }
  std::vector<Uint8> pixels(frames * frame_bytes);
  Noise noise{seed};
  for (std::uint64_t f = 0; f < frames; ++f) {
    const double radius =
        0.12 + 0.04 * std::sin(2.0 * std::numbers::pi * static_cast<double>(f) / 30.0);
    Uint8* out = pixels.data() + f * frame_bytes;
    for (std::size_t i = 0; i < frame_bytes; ++i) {
      if (base[i] < 0) {
        out[i] = 0;
        continue;
      }
      double v = base[i] * (0.4 + 1.2 * noise.next());
      if (chamber_d[i] < radius) v *= 0.15;
      out[i] = static_cast<Uint8>(std::clamp(v, 0.0, 255.0));
    }
  }
  check(ds.putAndInsertUint8Array(DCM_PixelData, pixels.data(), pixels.size()));
}

void put_xray(DcmDataset& ds, std::uint64_t bytes, std::uint64_t seed) {
  // Portrait about 4:5 (a 35 x 43 cm cassette), columns a multiple of 8.
  const double pixels_wanted = std::max(64.0 * 64.0, static_cast<double>(bytes) / 2.0);
  std::uint32_t cols = static_cast<std::uint32_t>(std::sqrt(pixels_wanted * 0.8)) / 8 * 8;
  cols = std::clamp<std::uint32_t>(cols, 64, 4096);
  const std::uint32_t rows =
      std::clamp<std::uint32_t>(static_cast<std::uint32_t>(pixels_wanted / cols), 64, 5120);

  put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY");
  put(ds, DCM_BodyPartExamined, "CHEST");
  put(ds, DCM_ViewPosition, "AP");
  put(ds, DCM_PatientOrientation, "L\\F");
  put(ds, DCM_ImagerPixelSpacing, "0.2\\0.2");
  put_grey_pixels(ds, rows, cols, 16, 12);
  put(ds, DCM_WindowCenter, "2048");
  put(ds, DCM_WindowWidth, "4096");

  // Bright mediastinum and spine, dark lung fields, soft tissue around, quantum noise.
  std::vector<Uint16> pixels(static_cast<std::size_t>(rows) * cols);
  Noise noise{seed};
  for (std::uint32_t y = 0; y < rows; ++y) {
    const double v = static_cast<double>(y) / rows;
    for (std::uint32_t x = 0; x < cols; ++x) {
      const double u = static_cast<double>(x) / cols;
      double level = 2600.0;
      const double lu = (u - 0.3) / 0.17, ru = (u - 0.7) / 0.17, lv = (v - 0.45) / 0.3;
      if (lu * lu + lv * lv < 1.0 || ru * ru + lv * lv < 1.0) level = 1100.0;
      if (std::abs(u - 0.5) < 0.06) level = 3300.0;
      level += 200.0 * (noise.next() - 0.5);
      pixels[static_cast<std::size_t>(y) * cols + x] =
          static_cast<Uint16>(std::clamp(level, 0.0, 4095.0));
    }
  }
  check(ds.putAndInsertUint16Array(DCM_PixelData, pixels.data(), pixels.size()));
}

void put_ecg(DcmDataset& ds, std::uint64_t bytes, std::uint64_t seed,
             const std::string& acquisition_datetime) {
  constexpr std::uint32_t kLeads = 12, kRateHz = 500;
  const std::uint32_t samples = static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>(bytes / (kLeads * 2), kRateHz, 60ull * kRateHz));

  put(ds, DCM_AcquisitionDateTime, acquisition_datetime);
  check(ds.insertEmptyElement(DCM_AcquisitionContextSequence));  // type 2: present, empty

  DcmItem* wave = nullptr;
  check(ds.findOrCreateSequenceItem(DCM_WaveformSequence, wave, 0));
  put(*wave, DCM_WaveformOriginality, "ORIGINAL");
  put_u16(*wave, DCM_NumberOfWaveformChannels, kLeads);
  check(wave->putAndInsertUint32(DCM_NumberOfWaveformSamples, samples));
  put(*wave, DCM_SamplingFrequency, std::to_string(kRateHz));
  put(*wave, DCM_MultiplexGroupLabel, "RHYTHM");
  struct Lead {
    const char *code, *meaning, *label;
  };
  // CID 3001 ECG Leads (MDC).
  constexpr std::array<Lead, kLeads> kLeadCodes{{{"2:1", "Lead I", "I"},
                                                 {"2:2", "Lead II", "II"},
                                                 {"2:61", "Lead III", "III"},
                                                 {"2:62", "Lead aVR", "aVR"},
                                                 {"2:63", "Lead aVL", "aVL"},
                                                 {"2:64", "Lead aVF", "aVF"},
                                                 {"2:3", "Lead V1", "V1"},
                                                 {"2:4", "Lead V2", "V2"},
                                                 {"2:5", "Lead V3", "V3"},
                                                 {"2:6", "Lead V4", "V4"},
                                                 {"2:7", "Lead V5", "V5"},
                                                 {"2:8", "Lead V6", "V6"}}};
  for (std::uint32_t c = 0; c < kLeads; ++c) {
    DcmItem* ch = nullptr;
    check(wave->findOrCreateSequenceItem(DCM_ChannelDefinitionSequence, ch,
                                         static_cast<signed long>(c)));
    put(*ch, DCM_ChannelLabel, kLeadCodes[c].label);
    DcmItem* source = nullptr;
    check(ch->findOrCreateSequenceItem(DCM_ChannelSourceSequence, source, 0));
    put_code(*source, kLeadCodes[c].code, "MDC", kLeadCodes[c].meaning);
    put(*ch, DCM_ChannelSensitivity, "1");
    DcmItem* units = nullptr;
    check(ch->findOrCreateSequenceItem(DCM_ChannelSensitivityUnitsSequence, units, 0));
    put_code(*units, "uV", "UCUM", "microvolt");
    put(*ch, DCM_ChannelSensitivityCorrectionFactor, "1");
    put(*ch, DCM_ChannelBaseline, "0");
    put(*ch, DCM_ChannelSampleSkew, "0");
    put_u16(*ch, DCM_WaveformBitsStored, 16);
  }
  put_u16(*wave, DCM_WaveformBitsAllocated, 16);
  put(*wave, DCM_WaveformSampleInterpretation, "SS");

  // Sinus rhythm from a cardiac dipole: leads I and II from its two components, the limb
  // leads by Einthoven's and Goldberger's relations, V1-V6 as fixed projections.
  Noise noise{seed};
  const double heart_rate_bpm = 60.0 + 40.0 * noise.next();
  const double beat_s = 60.0 / heart_rate_bpm;
  auto gauss = [](double t, double mu, double sigma, double a) {
    const double z = (t - mu) / sigma;
    return a * std::exp(-0.5 * z * z);
  };
  constexpr std::array<double, 6> kPrecordial{-0.4, 0.1, 0.5, 0.9, 1.0, 0.8};
  std::vector<Uint16> data(static_cast<std::size_t>(samples) * kLeads);
  for (std::uint32_t s = 0; s < samples; ++s) {
    const double t = std::fmod(static_cast<double>(s) / kRateHz, beat_s);
    const double qrs =
        gauss(t, 0.20, 0.012, 1000.0) - gauss(t, 0.18, 0.01, 120.0) - gauss(t, 0.225, 0.012, 250.0);
    const double slow = gauss(t, 0.08, 0.025, 120.0) + gauss(t, 0.45, 0.05, 280.0);
    const double lead_i = 0.6 * (qrs + slow) + 15.0 * (noise.next() - 0.5);
    const double lead_ii = 1.0 * (qrs + slow) + 15.0 * (noise.next() - 0.5);
    std::array<double, kLeads> v{};
    v[0] = lead_i;
    v[1] = lead_ii;
    v[2] = lead_ii - lead_i;
    v[3] = -(lead_i + lead_ii) / 2.0;
    v[4] = lead_i - lead_ii / 2.0;
    v[5] = lead_ii - lead_i / 2.0;
    for (std::size_t k = 0; k < kPrecordial.size(); ++k) v[6 + k] = kPrecordial[k] * qrs + slow;
    for (std::uint32_t c = 0; c < kLeads; ++c)
      data[static_cast<std::size_t>(s) * kLeads + c] = static_cast<Uint16>(
          static_cast<std::int16_t>(std::clamp(std::lround(v[c]), -32768L, 32767L)));
  }
  check(wave->putAndInsertUint16Array(DCM_WaveformData, data.data(), data.size()));
}

}  // namespace iomtsim::payloads::detail

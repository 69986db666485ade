// The code table of docs/clinical.md, in Vital order so lookups by vital are an index.
#include "iomtsim/payloads/codes.hpp"

#include <array>
#include <cmath>

namespace iomtsim::payloads {
namespace {

using physiology::Vital;

constexpr std::array<VitalCodes, physiology::kVitalCount> kCodes = {{
    {Vital::HeartRate, "8867-4", "Heart rate", "/min", "beats/minute", 147842,
     "MDC_ECG_HEART_RATE", 264864, "MDC_DIM_BEAT_PER_MIN", 1},
    {Vital::PulseRate, "8889-8", "Heart rate by Pulse oximetry", "/min", "beats/minute", 149530,
     "MDC_PULS_OXIM_PULS_RATE", 264864, "MDC_DIM_BEAT_PER_MIN", 1},
    {Vital::RespRate, "9279-1", "Respiratory rate", "/min", "breaths/minute", 151562,
     "MDC_RESP_RATE", 264928, "MDC_DIM_RESP_PER_MIN", 1},
    {Vital::SpO2, "2708-6", "Oxygen saturation in Arterial blood", "%", "%", 150456,
     "MDC_PULS_OXIM_SAT_O2", 262688, "MDC_DIM_PERCENT", 1},
    {Vital::SystolicBP, "8480-6", "Systolic blood pressure", "mm[Hg]", "mmHg", 150021,
     "MDC_PRESS_BLD_NONINV_SYS", 266016, "MDC_DIM_MMHG", 1},
    {Vital::DiastolicBP, "8462-4", "Diastolic blood pressure", "mm[Hg]", "mmHg", 150022,
     "MDC_PRESS_BLD_NONINV_DIA", 266016, "MDC_DIM_MMHG", 1},
    {Vital::MeanBP, "8478-0", "Mean blood pressure", "mm[Hg]", "mmHg", 150023,
     "MDC_PRESS_BLD_NONINV_MEAN", 266016, "MDC_DIM_MMHG", 1},
    {Vital::Temperature, "8310-5", "Body temperature", "Cel", "C", 150364, "MDC_TEMP_BODY",
     268192, "MDC_DIM_DEGC", 2},
    {Vital::Glucose, "2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", "mg/dL", 160184,
     "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD", 264274, "MDC_DIM_MILLI_G_PER_DL", 1},
    {Vital::Weight, "29463-7", "Body weight", "kg", "kg", 188736, "MDC_MASS_BODY_ACTUAL", 263875,
     "MDC_DIM_KILO_G", 2},
    {Vital::Consciousness, "80288-4", "Level of consciousness", "{ACVPU}", "ACVPU", 0, "", 0, "",
     0},
}};

// Codes we accept on input besides each vital's primary code.
struct Alternate {
  std::string_view loinc;
  Vital vital;
};
constexpr std::array<Alternate, 3> kAlternateLoinc = {{
    {"59408-5", Vital::SpO2},     // oxygen saturation by pulse oximetry
    {"15074-8", Vital::Glucose},  // glucose moles/volume (mmol/L)
    {"2345-7", Vital::Glucose},   // glucose in serum or plasma
}};

constexpr std::string_view kAcvpu = "ACVPU";

}  // namespace

const VitalCodes& codes(Vital v) { return kCodes[static_cast<std::size_t>(v)]; }

std::optional<Vital> vital_from_loinc(std::string_view loinc) {
  for (const auto& c : kCodes) {
    if (c.loinc == loinc) return c.vital;
  }
  for (const auto& a : kAlternateLoinc) {
    if (a.loinc == loinc) return a.vital;
  }
  return std::nullopt;
}

std::optional<Vital> vital_from_mdc(std::uint32_t mdc_code) {
  if (mdc_code == 0) return std::nullopt;
  for (const auto& c : kCodes) {
    if (c.mdc_code == mdc_code) return c.vital;
  }
  // 150020 is the NIBP compound; alone it most plausibly means the systolic value.
  if (mdc_code == 150020) return Vital::SystolicBP;
  return std::nullopt;
}

char acvpu_letter(double consciousness_value) {
  const double r = std::round(consciousness_value);
  if (!(r >= 0.0 && r <= 4.0)) return '?';
  return kAcvpu[static_cast<std::size_t>(r)];
}

std::optional<int> acvpu_from_letter(std::string_view letter) {
  if (letter.size() != 1) return std::nullopt;
  const auto pos = kAcvpu.find(letter[0]);
  if (pos == std::string_view::npos) return std::nullopt;
  return static_cast<int>(pos);
}

std::uint64_t device_eui64(physiology::PatientIndex patient, physiology::DeviceIndex device) {
  // 0x02 in the first octet: locally administered, unicast. Then 0x1A 0x0E ("iomt"-ish
  // marker), 24 bits of patient, 8 of device, and a fixed low octet.
  return (0x021A0Eull << 40) | (static_cast<std::uint64_t>(patient & 0xFFFFFFu) << 16) |
         (static_cast<std::uint64_t>(device & 0xFFu) << 8) | 0x01u;
}

}  // namespace iomtsim::payloads

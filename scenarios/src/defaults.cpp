#include "iomtsim/scenarios/defaults.hpp"

#include <array>

namespace iomtsim::scenarios {
namespace {

using namespace physiology;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

MeasureSpec m(Vital v, Duration every) { return MeasureSpec{v, every}; }

std::array<DeviceTypeInfo, kDeviceTypeCount> make_types() {
  std::array<DeviceTypeInfo, kDeviceTypeCount> t;
  auto& bm = t[static_cast<std::size_t>(DeviceType::BedsideMonitor)];
  bm.can_measure = {Vital::HeartRate,   Vital::PulseRate, Vital::RespRate, Vital::SpO2,
                    Vital::SystolicBP,  Vital::DiastolicBP, Vital::MeanBP, Vital::Temperature};
  bm.default_measures = {m(Vital::HeartRate, seconds(60)),   m(Vital::RespRate, seconds(60)),
                         m(Vital::SpO2, seconds(60)),        m(Vital::SystolicBP, minutes(15)),
                         m(Vital::DiastolicBP, minutes(15)), m(Vital::MeanBP, minutes(15)),
                         m(Vital::Temperature, hours(1))};
  bm.can_stream_ecg = bm.can_stream_ppg = true;
  bm.missing_fraction = 0.01;
  bm.description = "bedside monitor";

  auto& patch = t[static_cast<std::size_t>(DeviceType::WearableEcgPatch)];
  patch.can_measure = {Vital::HeartRate, Vital::RespRate, Vital::Temperature};
  patch.default_measures = {m(Vital::HeartRate, seconds(60)), m(Vital::RespRate, seconds(60))};
  patch.can_stream_ecg = true;
  patch.battery_life = hours(24 * 7);
  patch.missing_fraction = 0.19;  // HR/RR completeness 81 %
  patch.description = "wearable ECG patch";

  auto& ox = t[static_cast<std::size_t>(DeviceType::PulseOximeter)];
  ox.can_measure = {Vital::SpO2, Vital::PulseRate};
  ox.default_measures = {m(Vital::SpO2, seconds(15)), m(Vital::PulseRate, seconds(15))};
  ox.can_stream_ppg = true;
  ox.battery_life = hours(72);
  ox.missing_fraction = 0.31;  // SpO2 completeness 69 %
  ox.description = "pulse oximeter";

  auto& cuff = t[static_cast<std::size_t>(DeviceType::NibpCuff)];
  cuff.can_measure = {Vital::SystolicBP, Vital::DiastolicBP, Vital::MeanBP, Vital::PulseRate};
  cuff.default_measures = {m(Vital::SystolicBP, minutes(15)), m(Vital::DiastolicBP, minutes(15)),
                           m(Vital::MeanBP, minutes(15))};
  cuff.missing_fraction = 0.05;
  cuff.description = "non-invasive blood pressure cuff";

  auto& cgm = t[static_cast<std::size_t>(DeviceType::Cgm)];
  cgm.can_measure = {Vital::Glucose};
  cgm.default_measures = {m(Vital::Glucose, minutes(5))};
  cgm.battery_life = hours(24 * 14);
  cgm.missing_fraction = 0.05;
  cgm.description = "continuous glucose monitor";

  auto& scale = t[static_cast<std::size_t>(DeviceType::SmartScale)];
  scale.can_measure = {Vital::Weight};
  scale.default_measures = {m(Vital::Weight, hours(24))};
  scale.missing_fraction = 0.1;
  scale.description = "smart scale";

  auto& thermo = t[static_cast<std::size_t>(DeviceType::Thermometer)];
  thermo.can_measure = {Vital::Temperature};
  thermo.default_measures = {m(Vital::Temperature, hours(4))};
  thermo.missing_fraction = 0.08;  // temperature completeness 92 %
  thermo.description = "thermometer";

  auto& pump = t[static_cast<std::size_t>(DeviceType::InfusionPump)];
  pump.description = "infusion pump (status messages only, no vitals)";
  return t;
}

DeviceModelSpec device(DeviceType type, std::vector<MeasureSpec> measures = {}) {
  DeviceModelSpec d;
  d.type = type;
  d.name = std::string(name(type));
  d.measures = measures.empty() ? device_type_info(type).default_measures : std::move(measures);
  return d;
}

Distribution age(double mean, double sd, double lo, double hi) {
  Distribution d = Distribution::normal(mean, sd);
  d.min = lo;
  d.max = hi;
  return d;
}

std::array<ArchetypeDefaults, kArchetypeCount> make_archetypes() {
  std::array<ArchetypeDefaults, kArchetypeCount> a;
  auto set = [&](Archetype k, Distribution ages, double female, double comorb,
                 std::vector<DeviceModelSpec> devs, std::string net, std::string desc) {
    auto& d = a[static_cast<std::size_t>(k)];
    d.demographics = Demographics{std::move(ages), female, comorb};
    d.devices = std::move(devs);
    d.network_profile = std::move(net);
    d.description = std::move(desc);
  };
  set(Archetype::HealthyAdult, age(40, 12, 18, 90), 0.5, 0.05,
      {device(DeviceType::WearableEcgPatch)}, "ble_gateway", "healthy adults");
  set(Archetype::PostOperativeAdult, age(62, 14, 18, 95), 0.5, 0.35,
      {device(DeviceType::PulseOximeter), device(DeviceType::NibpCuff),
       device(DeviceType::Thermometer)},
      "hospital_wifi", "post-operative adults on a surgical ward");
  set(Archetype::Icu, age(63, 15, 18, 95), 0.4, 0.6,
      {device(DeviceType::BedsideMonitor), device(DeviceType::InfusionPump)}, "hospital_wifi",
      "intensive-care patients");
  set(Archetype::StepDown, age(65, 14, 18, 95), 0.45, 0.5,
      {device(DeviceType::WearableEcgPatch), device(DeviceType::PulseOximeter),
       device(DeviceType::NibpCuff)},
      "hospital_wifi", "step-down (intermediate care) patients");
  set(Archetype::ElderlyWard, age(82, 7, 65, 105), 0.6, 0.7,
      {device(DeviceType::PulseOximeter, {m(Vital::SpO2, hours(4)), m(Vital::PulseRate, hours(4))}),
       device(DeviceType::NibpCuff, {m(Vital::SystolicBP, hours(4)), m(Vital::DiastolicBP, hours(4)),
                                     m(Vital::MeanBP, hours(4))}),
       device(DeviceType::Thermometer)},
      "hospital_wifi", "elderly medical-ward patients with 4-hourly observations");
  set(Archetype::HomeHeartFailure, age(72, 10, 30, 100), 0.4, 0.8,
      {device(DeviceType::SmartScale),
       device(DeviceType::NibpCuff, {m(Vital::SystolicBP, hours(12)), m(Vital::DiastolicBP, hours(12)),
                                     m(Vital::MeanBP, hours(12)), m(Vital::PulseRate, hours(12))}),
       device(DeviceType::PulseOximeter, {m(Vital::SpO2, hours(12)), m(Vital::PulseRate, hours(12))})},
      "home_broadband", "heart-failure patients monitored at home");
  set(Archetype::Copd, age(70, 9, 40, 100), 0.45, 0.8,
      {device(DeviceType::PulseOximeter, {m(Vital::SpO2, hours(1)), m(Vital::PulseRate, hours(1))})},
      "lte", "COPD patients monitored at home");
  set(Archetype::Type1Diabetes, age(30, 12, 5, 85), 0.5, 0.1, {device(DeviceType::Cgm)},
      "ble_gateway", "people with type 1 diabetes wearing a CGM");
  set(Archetype::EmergencyDepartment, age(50, 20, 16, 100), 0.5, 0.4,
      {device(DeviceType::BedsideMonitor)}, "hospital_wifi", "emergency-department patients");
  return a;
}

std::array<ConditionDefaults, kConditionCount> make_conditions() {
  std::array<ConditionDefaults, kConditionCount> c;
  auto set = [&](ConditionKind k, Course course, std::optional<Distribution> dur, std::string desc) {
    c[static_cast<std::size_t>(k)] = ConditionDefaults{course, std::move(dur), std::move(desc)};
  };
  set(ConditionKind::Sepsis, Course::Progressive, std::nullopt, "sepsis");
  set(ConditionKind::Hemorrhage, Course::Sudden, std::nullopt, "hemorrhage");
  set(ConditionKind::OpioidRespiratoryDepression, Course::Sudden, std::nullopt,
      "opioid-induced respiratory depression");
  set(ConditionKind::HeartFailureDecompensation, Course::Progressive, std::nullopt,
      "heart-failure decompensation");
  set(ConditionKind::CopdExacerbation, Course::SelfLimiting,
      Distribution::uniform(3 * 86400.0, 10 * 86400.0), "COPD exacerbation");
  set(ConditionKind::Hypoglycemia, Course::SelfLimiting, Distribution::uniform(900.0, 3600.0),
      "hypoglycemia");
  set(ConditionKind::AtrialFibrillation, Course::SelfLimiting,
      Distribution::uniform(3600.0, 86400.0), "paroxysmal atrial fibrillation");
  return c;
}

}  // namespace

const DeviceTypeInfo& device_type_info(DeviceType type) {
  static const auto table = make_types();
  return table[static_cast<std::size_t>(type)];
}

const ArchetypeDefaults& archetype_defaults(Archetype a) {
  static const auto table = make_archetypes();
  return table[static_cast<std::size_t>(a)];
}

const ConditionDefaults& condition_defaults(ConditionKind c) {
  static const auto table = make_conditions();
  return table[static_cast<std::size_t>(c)];
}

VitalRange vital_range(Vital v) {
  switch (v) {
    case Vital::HeartRate:
    case Vital::PulseRate: return {20, 250};
    case Vital::RespRate: return {2, 70};
    case Vital::SpO2: return {50, 100};
    case Vital::SystolicBP: return {50, 260};
    case Vital::DiastolicBP: return {20, 160};
    case Vital::MeanBP: return {30, 200};
    case Vital::Temperature: return {30, 43};
    case Vital::Glucose: return {20, 600};
    case Vital::Weight: return {1, 350};
    case Vital::Consciousness: return {0, 4};
  }
  return {0, 0};
}

}  // namespace iomtsim::scenarios

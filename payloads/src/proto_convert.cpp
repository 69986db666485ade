#include "proto_convert.hpp"

#include <limits>

namespace iomtsim::payloads::detail {
namespace {

using physiology::Duration;
using physiology::SimTime;

std::int64_t ns(SimTime t) { return t.time_since_epoch().count(); }
SimTime at_ns(std::int64_t v) { return SimTime{Duration{v}}; }

bool device_ok(std::uint32_t d) { return d <= std::numeric_limits<physiology::DeviceIndex>::max(); }

}  // namespace

void to_wire(const physiology::Reading& r, wire::Reading& w) {
  w.set_id(r.id);
  w.set_patient(r.patient);
  w.set_device(r.device);
  w.set_vital(static_cast<wire::Vital>(r.vital));
  w.set_value(r.value);
  w.set_true_value(r.true_value);
  w.set_true_time_ns(ns(r.true_time));
  w.set_device_time_ns(ns(r.device_time));
  w.set_flags(r.flags);
}

void to_wire(const physiology::WaveformBlock& b, wire::WaveformBlock& w) {
  w.set_id(b.id);
  w.set_patient(b.patient);
  w.set_device(b.device);
  w.set_kind(static_cast<wire::WaveformKind>(b.kind));
  w.set_sample_rate_hz(b.sample_rate_hz);
  w.set_true_time_ns(ns(b.true_time));
  w.set_device_time_ns(ns(b.device_time));
  w.mutable_samples()->Reserve(static_cast<int>(b.samples.size()));
  for (std::int16_t s : b.samples) w.add_samples(s);
  w.set_flags(b.flags);
}

void to_wire(const physiology::Episode& e, wire::Episode& w) {
  w.set_id(e.id);
  w.set_patient(e.patient);
  w.set_condition(static_cast<wire::ConditionKind>(e.condition));
  w.set_severity(e.severity);
  w.set_onset_ns(ns(e.onset));
  w.set_end_ns(ns(e.end));
  w.set_has_criteria_met(e.criteria_met.has_value());
  w.set_criteria_met_ns(e.criteria_met ? ns(*e.criteria_met) : 0);
  w.set_has_prodrome_start(e.prodrome_start.has_value());
  w.set_prodrome_start_ns(e.prodrome_start ? ns(*e.prodrome_start) : 0);
}

void to_wire(const physiology::Alert& a, wire::Alert& w) {
  w.set_alert_id(a.alert_id);
  w.set_patient(a.patient);
  w.set_rule(a.rule);
  w.set_score(a.score);
  w.set_severity(static_cast<wire::AlertSeverity>(a.severity));
  w.set_trigger_time_ns(ns(a.trigger_time));
  w.set_trigger_reading_id(a.trigger_reading_id);
  w.set_received_time_ns(ns(a.received_time));
}

void to_wire(const RecordingHeader& h, wire::RecordingHeader& w) {
  w.set_scenario_name(h.scenario_name);
  w.set_seed(h.seed);
  w.set_epoch_unix_ms(h.epoch_unix_ms);
  w.set_generator(h.generator);
}

std::string from_wire(const wire::Reading& w, physiology::Reading& r) {
  if (w.vital() < 0 || static_cast<std::size_t>(w.vital()) >= physiology::kVitalCount) {
    return "unknown vital " + std::to_string(w.vital());
  }
  if (!device_ok(w.device())) return "device index " + std::to_string(w.device()) + " out of range";
  if (w.flags() > 0xFF) return "flags out of range";
  r.id = w.id();
  r.patient = w.patient();
  r.device = static_cast<physiology::DeviceIndex>(w.device());
  r.vital = static_cast<physiology::Vital>(w.vital());
  r.value = w.value();
  r.true_value = w.true_value();
  r.true_time = at_ns(w.true_time_ns());
  r.device_time = at_ns(w.device_time_ns());
  r.flags = static_cast<std::uint8_t>(w.flags());
  return {};
}

std::string from_wire(const wire::WaveformBlock& w, physiology::WaveformBlock& b) {
  if (w.kind() != wire::ECG_LEAD_II && w.kind() != wire::PPG) {
    return "unknown waveform kind " + std::to_string(w.kind());
  }
  if (!device_ok(w.device())) return "device index " + std::to_string(w.device()) + " out of range";
  if (w.flags() > 0xFF) return "flags out of range";
  b.id = w.id();
  b.patient = w.patient();
  b.device = static_cast<physiology::DeviceIndex>(w.device());
  b.kind = static_cast<physiology::WaveformKind>(w.kind());
  b.sample_rate_hz = w.sample_rate_hz();
  b.true_time = at_ns(w.true_time_ns());
  b.device_time = at_ns(w.device_time_ns());
  b.samples.resize(static_cast<std::size_t>(w.samples_size()));
  for (int i = 0; i < w.samples_size(); ++i) {
    const std::int32_t s = w.samples(i);
    if (s < std::numeric_limits<std::int16_t>::min() || s > std::numeric_limits<std::int16_t>::max()) {
      return "waveform sample " + std::to_string(i) + " out of int16 range";
    }
    b.samples[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(s);
  }
  b.flags = static_cast<std::uint8_t>(w.flags());
  return {};
}

std::string from_wire(const wire::Episode& w, physiology::Episode& e) {
  if (w.condition() < 0 || static_cast<std::size_t>(w.condition()) >= physiology::kConditionCount) {
    return "unknown condition " + std::to_string(w.condition());
  }
  e.id = w.id();
  e.patient = w.patient();
  e.condition = static_cast<physiology::ConditionKind>(w.condition());
  e.severity = w.severity();
  e.onset = at_ns(w.onset_ns());
  e.end = at_ns(w.end_ns());
  e.criteria_met = w.has_criteria_met() ? std::optional<SimTime>(at_ns(w.criteria_met_ns())) : std::nullopt;
  e.prodrome_start =
      w.has_prodrome_start() ? std::optional<SimTime>(at_ns(w.prodrome_start_ns())) : std::nullopt;
  return {};
}

std::string from_wire(const wire::Alert& w, physiology::Alert& a) {
  if (w.severity() < wire::INFO || w.severity() > wire::HIGH) {
    return "unknown alert severity " + std::to_string(w.severity());
  }
  a.alert_id = w.alert_id();
  a.patient = w.patient();
  a.rule = w.rule();
  a.score = w.score();
  a.severity = static_cast<physiology::AlertSeverity>(w.severity());
  a.trigger_time = at_ns(w.trigger_time_ns());
  a.trigger_reading_id = w.trigger_reading_id();
  a.received_time = at_ns(w.received_time_ns());
  return {};
}

void from_wire(const wire::RecordingHeader& w, RecordingHeader& h) {
  h.scenario_name = w.scenario_name();
  h.seed = w.seed();
  h.epoch_unix_ms = w.epoch_unix_ms();
  h.generator = w.generator();
}

// ---- operations devices ------------------------------------------------------------

void to_wire(const physiology::ops::PumpEvent& e, wire::PumpEvent& w) {
  w.set_id(e.id);
  w.set_pump(e.pump);
  w.set_patient(e.patient);
  w.set_kind(static_cast<std::uint32_t>(e.kind));
  w.set_drug(e.drug);
  w.set_rate_ml_h(e.rate_ml_h);
  w.set_vtbi_ml(e.vtbi_ml);
  w.set_volume_ml(e.volume_ml);
  w.set_true_time_ns(ns(e.true_time));
  w.set_device_time_ns(ns(e.device_time));
}

void to_wire(const physiology::ops::LocationFix& f, wire::LocationFix& w) {
  w.set_id(f.id);
  w.set_asset(f.asset);
  w.set_asset_kind(static_cast<std::uint32_t>(f.asset_kind));
  w.set_zone(f.zone);
  w.set_x_m(f.x_m);
  w.set_y_m(f.y_m);
  w.set_battery_low(f.battery_low);
  w.set_true_time_ns(ns(f.true_time));
  w.set_device_time_ns(ns(f.device_time));
}

void to_wire(const physiology::ops::ImagingResult& r, wire::ImagingResult& w) {
  w.set_id(r.id);
  w.set_patient(r.patient);
  w.set_modality(static_cast<std::uint32_t>(r.modality));
  w.set_procedure(r.procedure);
  w.set_bytes(r.bytes);
  w.set_acquired_time_ns(ns(r.acquired_time));
  w.set_device_time_ns(ns(r.device_time));
}

void to_wire(const physiology::ops::LocationSegment& s, wire::LocationSegment& w) {
  w.set_asset(s.asset);
  w.set_zone(s.zone);
  w.set_start_ns(ns(s.start));
  w.set_end_ns(ns(s.end));
}

std::string from_wire(const wire::PumpEvent& w, physiology::ops::PumpEvent& e) {
  if (w.kind() >= physiology::ops::kPumpEventKindCount) return "pump event: unknown kind";
  e.id = w.id();
  e.pump = w.pump();
  e.patient = w.patient();
  e.kind = static_cast<physiology::ops::PumpEventKind>(w.kind());
  e.drug = w.drug();
  e.rate_ml_h = w.rate_ml_h();
  e.vtbi_ml = w.vtbi_ml();
  e.volume_ml = w.volume_ml();
  e.true_time = at_ns(w.true_time_ns());
  e.device_time = at_ns(w.device_time_ns());
  return {};
}

std::string from_wire(const wire::LocationFix& w, physiology::ops::LocationFix& f) {
  if (w.asset_kind() > static_cast<std::uint32_t>(physiology::ops::AssetKind::Wheelchair))
    return "location fix: unknown asset kind";
  f.id = w.id();
  f.asset = w.asset();
  f.asset_kind = static_cast<physiology::ops::AssetKind>(w.asset_kind());
  f.zone = w.zone();
  f.x_m = w.x_m();
  f.y_m = w.y_m();
  f.battery_low = w.battery_low();
  f.true_time = at_ns(w.true_time_ns());
  f.device_time = at_ns(w.device_time_ns());
  return {};
}

std::string from_wire(const wire::ImagingResult& w, physiology::ops::ImagingResult& r) {
  if (w.modality() > static_cast<std::uint32_t>(physiology::ops::Modality::Xray))
    return "imaging result: unknown modality";
  r.id = w.id();
  r.patient = w.patient();
  r.modality = static_cast<physiology::ops::Modality>(w.modality());
  r.procedure = w.procedure();
  r.bytes = w.bytes();
  r.acquired_time = at_ns(w.acquired_time_ns());
  r.device_time = at_ns(w.device_time_ns());
  return {};
}

void from_wire(const wire::LocationSegment& w, physiology::ops::LocationSegment& s) {
  s.asset = w.asset();
  s.zone = w.zone();
  s.start = at_ns(w.start_ns());
  s.end = at_ns(w.end_ns());
}

}  // namespace iomtsim::payloads::detail

// One infusion pump: a sequence of programmed infusions, each with periodic status and
// random occlusion / air-in-line alarms (each stops the infusion until a nurse clears it),
// a near-end alarm ten minutes before the programmed volume is delivered, and an
// end-of-infusion alarm. One infusion is planned at a time, so memory is bounded by the
// longest infusion, not by the run.
#include <algorithm>
#include <array>
#include <cmath>

#include "ops_entities.hpp"

namespace iomtsim::physiology::ops::detail {

namespace {

struct Drug {
  const char* name;
  double rate_lo_ml_h;
  double rate_hi_ml_h;
  double vtbi_ml;
};
// Common ward infusions: maintenance fluid, antibiotics, anticoagulant, analgesia,
// vasopressor, insulin (plausible rates; syringe drivers run small volumes slowly).
constexpr std::array<Drug, 6> kDrugs{{{"sodium chloride 0.9%", 60, 150, 1000},
                                      {"vancomycin", 125, 250, 250},
                                      {"heparin", 5, 20, 250},
                                      {"morphine", 1, 5, 50},
                                      {"noradrenaline", 2, 15, 50},
                                      {"insulin", 1, 10, 50}}};

constexpr Duration kNearEndLead = std::chrono::minutes(10);

}  // namespace

SimTime DeviceClock::at(SimTime t) const {
  const double drift_ns = static_cast<double>(t.time_since_epoch().count()) * drift_ppm * 1e-6;
  return t + offset + Duration{static_cast<std::int64_t>(std::llround(drift_ns))};
}

DeviceClock DeviceClock::draw(Rng& rng) {
  DeviceClock c;
  c.drift_ppm = rng.uniform(-60.0, 60.0);
  c.offset = from_seconds(rng.uniform(-2.0, 2.0));
  return c;
}

PumpEntity::PumpEntity(const PumpSpec& spec, std::uint32_t pump, PatientIndex patient,
                       std::uint64_t seed, Duration duration)
    : spec_(spec),
      pump_(pump),
      patient_(patient),
      duration_(duration),
      rng_(stream_seed(seed, StreamKind::Operations, static_cast<std::uint64_t>(OpsKind::Pump),
                       pump)) {
  clock_ = DeviceClock::draw(rng_);
  if (rng_.bernoulli(spec_.battery_low_fraction))
    battery_low_ = at_seconds(rng_.uniform(0.0, to_seconds(duration_)));
  // Some pumps are already running at the start, others start within the first gap.
  next_start_ = rng_.bernoulli(0.5)
                    ? SimTime{}
                    : SimTime{} + from_seconds(rng_.exponential(to_seconds(spec_.gap_mean)));
  refresh();
}

void PumpEntity::push(PumpEventKind kind, SimTime t, double volume_ml) {
  PumpEvent e;
  e.pump = pump_;
  e.patient = patient_;
  e.kind = kind;
  e.drug = drug_;
  e.rate_ml_h = rate_ml_h_;
  e.vtbi_ml = vtbi_ml_;
  e.volume_ml = std::round(volume_ml * 10.0) / 10.0;
  e.true_time = t;
  planned_.push_back(std::move(e));
}

void PumpEntity::plan_infusion(SimTime start) {
  const Drug& d = kDrugs[rng_.below(kDrugs.size())];
  drug_ = d.name;
  rate_ml_h_ = std::round(rng_.uniform(d.rate_lo_ml_h, d.rate_hi_ml_h));
  vtbi_ml_ = d.vtbi_ml;
  const double alarm_rate_per_s = spec_.alarms_per_day / 86400.0;
  const SimTime end_of_run = SimTime{} + duration_;
  SimTime t = start;
  double infused = 0.0;
  bool near_end_sent = false;
  push(PumpEventKind::Started, t, 0.0);
  SimTime next_status = t + spec_.status_interval;
  SimTime next_alarm = alarm_rate_per_s > 0
                           ? t + from_seconds(rng_.exponential(1.0 / alarm_rate_per_s))
                           : SimTime::max();
  while (t < end_of_run) {
    const double remaining_ml = vtbi_ml_ - infused;
    const SimTime end_t = t + from_seconds(remaining_ml / rate_ml_h_ * 3600.0);
    const SimTime near_t = near_end_sent ? SimTime::max() : std::max(t, end_t - kNearEndLead);
    const SimTime next = std::min({next_status, next_alarm, near_t, end_t});
    infused = std::min(vtbi_ml_, infused + to_seconds(next - t) * rate_ml_h_ / 3600.0);
    t = next;
    if (t >= end_of_run) break;
    if (next == end_t) {
      push(PumpEventKind::EndOfInfusion, t, vtbi_ml_);
      break;
    }
    if (next == near_t) {
      push(PumpEventKind::NearEnd, t, infused);
      near_end_sent = true;
    } else if (next == next_alarm) {
      push(rng_.bernoulli(0.7) ? PumpEventKind::Occlusion : PumpEventKind::AirInLine, t, infused);
      // Stopped until a nurse clears it: minutes, sometimes long.
      t += from_seconds(rng_.lognormal(std::log(180.0), 0.7));
      if (t >= end_of_run) break;
      push(PumpEventKind::Resumed, t, infused);
      next_status = t + spec_.status_interval;
      next_alarm = t + from_seconds(rng_.exponential(1.0 / alarm_rate_per_s));
    } else {
      push(PumpEventKind::Status, t, infused);
      next_status = t + spec_.status_interval;
    }
  }
  next_start_ = t + from_seconds(rng_.exponential(to_seconds(spec_.gap_mean)));
}

void PumpEntity::refresh() {
  const SimTime end_of_run = SimTime{} + duration_;
  if (planned_.empty() && next_start_ < end_of_run) plan_infusion(next_start_);
  std::optional<PumpEvent> e;
  if (!planned_.empty()) e = planned_.front();
  if (battery_low_ && (!e || *battery_low_ < e->true_time)) {
    PumpEvent b;
    b.pump = pump_;
    b.patient = patient_;
    b.kind = PumpEventKind::BatteryLow;
    b.drug = drug_;
    b.rate_ml_h = rate_ml_h_;
    b.vtbi_ml = vtbi_ml_;
    b.true_time = *battery_low_;
    battery_low_.reset();
    e = std::move(b);
  } else if (e) {
    planned_.pop_front();
  }
  if (!e || e->true_time >= end_of_run) return;
  e->id = make_ops_id(OpsKind::Pump, pump_, seq_++);
  e->device_time = clock_.at(e->true_time);
  pending_ = std::move(*e);
}

}  // namespace iomtsim::physiology::ops::detail

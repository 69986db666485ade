// Device behaviour: when it measures (its clock, phase, jitter), what it reports (noise,
// quantization, artifacts) and when it cannot (gaps, battery, failed NIBP cycles).
#include "device_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "fast_noise.hpp"

namespace iomtsim::physiology::detail {
namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;

// Display resolution: whole units (q = 1) or tenths (q = 0.1). Multiplying by the
// reciprocal keeps a division off the per-reading path.
double quantize(double x, double q) {
  return q == 1.0 ? round_nearest(x) : round_nearest(x * 10.0) * 0.1;
}

double spot_jitter_ns(std::int64_t interval_ns) {
  return std::min(0.1 * static_cast<double>(interval_ns), 1800e9);  // ±10 %, at most ±30 min
}

}  // namespace

DeviceModel::DeviceModel(const DeviceModelSpec& spec, DeviceIndex index, PatientIndex patient,
                         std::uint64_t seed)
    : index_(index),
      // Charted values are validated by whoever charts them: no artifacts.
      artifacts_(spec.artifacts && spec.charting == Charting::None),
      charting_(spec.charting),
      patient_(patient),
      rng_(stream_seed(seed, StreamKind::Device, patient, index)),
      key_(rng_.next_u64()),
      profile_(&shared_profile(spec.type)),
      missing_fraction_(profile_->missing_fraction),
      battery_life_s_(profile_->battery_life_s.value_or(0.0)) {
  if (spec.missing_fraction) missing_fraction_ = std::clamp(*spec.missing_fraction, 0.0, 0.99);
  // Charted data has its own gaps (charted_presence), not a device's wireless ones.
  if (spec.charting != Charting::None) missing_fraction_ = 0.0;
  if (spec.battery_life) {
    const double life_s = to_seconds(*spec.battery_life);
    if (!(life_s > 0.0)) throw std::invalid_argument("device '" + spec.name + "': battery_life must be positive");
    battery_life_s_ = life_s;
  }
  if (spec.clock_drift_ppm) {
    drift_ppm_ = *spec.clock_drift_ppm;
  } else {
    drift_ppm_ = rng_.uniform(20.0, 100.0) * (rng_.bernoulli(0.5) ? 1.0 : -1.0);
  }
  inv_rate_ = 1.0 / (1.0 + drift_ppm_ * 1e-6);
  offset_ns_ = rng_.uniform(-2e9, 2e9);  // NTP-set clocks start within a couple of seconds

  std::int64_t min_interval = INT64_MAX;
  for (const MeasureSpec& m : spec.measures) {
    if (m.interval.count() <= 0)
      throw std::invalid_argument("device '" + spec.name + "': measure interval must be positive");
    min_interval = std::min<std::int64_t>(min_interval, m.interval.count());
  }
  if (spec.waveform) {
    const WaveformSpec& w = *spec.waveform;
    // Blocks look ahead in the patient's trajectory by their length; the model keeps
    // 3.5 min of history, so longer blocks would make other devices read stale vitals.
    if (!(w.sample_rate_hz > 0.0) || w.sample_rate_hz > 10000.0 || w.block.count() <= 0 ||
        w.block > std::chrono::seconds(120))
      throw std::invalid_argument("device '" + spec.name +
                                  "': waveform needs 0 < rate <= 10 kHz and a block of (0, 120 s]");
    min_interval = std::min<std::int64_t>(min_interval, w.block.count());
  }
  // A small per-device phase so a fleet does not fire in lockstep; spot-check devices
  // spread over their whole interval.
  const double span = min_interval >= kHourNs ? static_cast<double>(min_interval)
                                               : std::min(static_cast<double>(min_interval), 60e9);
  // Charted values are charted once per interval: keep the ±10 % jitter of spot checks
  // inside their interval, so an hour never holds two and the next none.
  const double lead = charting_ != Charting::None ? 0.1 * span : 0.0;
  phase_ns_ = min_interval == INT64_MAX ? 0.0 : rng_.uniform(lead, span - lead);

  for (const MeasureSpec& m : spec.measures) {
    float bias = 0.0f;
    if (m.vital == Vital::SpO2) bias = static_cast<float>(std::clamp(rng_.normal(0.0, 0.8), -1.5, 1.5));
    if (m.vital == Vital::Glucose) bias = static_cast<float>(std::clamp(rng_.normal(0.0, 0.03), -0.08, 0.08));
    measures_.push_back(Measure{m.vital, bias, m.interval.count(), 0, SimTime{}});
    schedule(measures_.back());
  }
  if (spec.waveform) {
    const WaveformSpec& w = *spec.waveform;
    const auto n = static_cast<std::size_t>(std::max(1L, std::lround(w.sample_rate_hz * to_seconds(w.block))));
    wave_ = std::make_unique<Wave>(Wave{w.block.count(), 0, SimTime{}, n,
                                        WaveformGenerator(w.kind, w.sample_rate_hz,
                                                          stream_seed(seed, StreamKind::Waveform, patient, index))});
    schedule(*wave_);
  }

  if (battery_life_s_ > 0.0) {
    charge0_ = rng_.uniform(profile_->battery_start_min, 1.0);
    death_s_ = charge0_ * battery_life_s_;
    revive_s_ = death_s_ + profile_->recharge_median_s * std::exp(rng_.normal(0.0, 0.4));
  }
  if (missing_fraction_ > 0.0) {
    const double f = missing_fraction_;
    const double mean_good = profile_->mean_gap_s * (1.0 - f) / f;
    gap_start_s_ = rng_.exponential(mean_good);
    gap_end_s_ = gap_start_s_ + rng_.exponential(profile_->mean_gap_s);
  }
  const double art_rate_per_s = (profile_->motion_per_h + profile_->probe_off_per_h) / 3600.0;
  if (artifacts_ && art_rate_per_s > 0.0) art_end_s_ = 0.0;  // first event drawn on first use
  refresh_next();
}

// Inlined into produce() (see refresh_next in patient_generator.cpp for why).
[[gnu::always_inline]] inline
SimTime DeviceModel::scheduled_true_time(std::int64_t interval_ns, std::int64_t k, bool spot) const {
  double d = phase_ns_ + static_cast<double>(k) * static_cast<double>(interval_ns);
  if (spot) {
    // Shared by every measure of this device with the same interval: a nurse takes a
    // set of observations at once.
    d += (2.0 * hash_uniform(key_ ^ static_cast<std::uint64_t>(interval_ns), k) - 1.0) * spot_jitter_ns(interval_ns);
  }
  const double t = (d - offset_ns_) * inv_rate_;
  return SimTime{Duration{static_cast<std::int64_t>(round_nearest(t))}};
}

[[gnu::always_inline]] inline
void DeviceModel::schedule(Measure& m) {
  const bool spot = m.interval_ns >= kHourNs;
  m.next = scheduled_true_time(m.interval_ns, m.k, spot);
  while (m.next < SimTime{}) m.next = scheduled_true_time(m.interval_ns, ++m.k, spot);
}

void DeviceModel::schedule(Wave& w) {
  w.next = scheduled_true_time(w.block_ns, w.k, false);
  while (w.next < SimTime{}) w.next = scheduled_true_time(w.block_ns, ++w.k, false);
}

void DeviceModel::refresh_next() {
  next_ = SimTime::max();
  for (const Measure& m : measures_) next_ = std::min(next_, m.next);
  if (wave_) next_ = std::min(next_, wave_->next);
}

SimTime DeviceModel::device_time(SimTime t) const {
  const double d = static_cast<double>(t.time_since_epoch().count()) * (1.0 + drift_ppm_ * 1e-6) + offset_ns_;
  return SimTime{Duration{static_cast<std::int64_t>(round_nearest(d))}};
}

// The rare steps of reachable() and artifact_at() live out of line (cold): the per-instant
// checks then inline into produce() without the register saves the loops would need.
[[gnu::noinline, gnu::cold]] void DeviceModel::recharge_until(double t) {
  const double life = battery_life_s_;
  while (t >= revive_s_) {  // recharged or replaced: full again
    charge_start_s_ = revive_s_;
    charge0_ = 1.0;
    death_s_ = revive_s_ + life;
    revive_s_ = death_s_ + profile_->recharge_median_s * std::exp(rng_.normal(0.0, 0.4));
  }
}

[[gnu::noinline, gnu::cold]] void DeviceModel::next_gap_until(double t) {
  const double f = missing_fraction_;
  const double mean_good = profile_->mean_gap_s * (1.0 - f) / f;
  while (t >= gap_end_s_) {
    gap_start_s_ = gap_end_s_ + rng_.exponential(mean_good);
    gap_end_s_ = gap_start_s_ + rng_.exponential(profile_->mean_gap_s);
  }
}

[[gnu::noinline, gnu::cold]] void DeviceModel::next_artifact_until(double t) {
  const double rate = (profile_->motion_per_h + profile_->probe_off_per_h) / 3600.0;
  while (t >= art_end_s_) {
    art_start_s_ = art_end_s_ + rng_.exponential(1.0 / rate);
    const bool motion = rng_.uniform() * (profile_->motion_per_h + profile_->probe_off_per_h) < profile_->motion_per_h;
    art_kind_ = motion ? Artifact::Motion : Artifact::ProbeOff;
    const double median = motion ? profile_->motion_median_s : profile_->probe_off_median_s;
    art_end_s_ = art_start_s_ + median * std::exp(rng_.normal(0.0, 0.8));
  }
}

bool DeviceModel::reachable(double t, bool& low_battery) {
  low_battery = false;
  if (battery_life_s_ > 0.0) {
    if (t >= revive_s_) recharge_until(t);
    if (t >= death_s_) return false;
    low_battery = charge0_ - (t - charge_start_s_) / battery_life_s_ < 0.1;
  }
  // Without missing data gap_end_s_ stays HUGE_VAL and gap_start_s_ too: never in a gap.
  if (t >= gap_end_s_) next_gap_until(t);
  if (t >= gap_start_s_) return false;
  // Low-battery devices throttle their radio: some extra loss.
  // Decided per instant so all measures of one instant share their fate.
  if (low_battery && hash_uniform(key_ + 2, static_cast<std::int64_t>(t * 1e6)) < 0.1) return false;
  return true;
}

DeviceModel::Artifact DeviceModel::artifact_at(double t) {
  // Artifacts off (or a zero rate): art_end_s_ and art_start_s_ stay HUGE_VAL.
  if (t >= art_end_s_) next_artifact_until(t);
  return t >= art_start_s_ ? art_kind_ : Artifact::None;
}

[[gnu::always_inline]] inline
bool DeviceModel::measure(const Measure& m, PatientModel& patient, Artifact art, std::uint8_t flags,
                          std::optional<DeviceOutput>& out) {
  // Devices with several measures per instant evaluate all vitals once (cached by
  // time); single-measure devices only the one they need. Same values either way.
  const VitalSigns* grid = nullptr;
  double truth;
  if (measures_.size() >= 3) {
    grid = &patient.vitals_at(m.next);
    truth = grid->value(m.vital);
  } else {
    truth = patient.value_at(m.vital, m.next, &grid);
  }
  const VitalSigns& v = *grid;  // oxygen, and the NIBP heart-rate limit
  if (charting_ != Charting::None) {
    // A charted value may be missing from this set; blood pressure's three go together.
    const bool bp =
        m.vital == Vital::SystolicBP || m.vital == Vital::DiastolicBP || m.vital == Vital::MeanBP;
    const auto salt = static_cast<std::uint64_t>(bp ? Vital::SystolicBP : m.vital);
    if (hash_uniform(key_ + 101 + salt, m.next.time_since_epoch().count()) >=
        charted_presence(charting_, m.vital))
      return false;
  }
  const double s = profile_->numeric_noise_scale;
  const bool motion = art == Artifact::Motion, off = art == Artifact::ProbeOff;
  auto noise = [this](double sd) { return sd * fast_normal(rng_.next_u64()); };
  double x = truth;
  // What the device says about its own value, as real devices do: during motion the value
  // is sent but marked questionable (a poor signal-quality index); with the probe off
  // there is no value at all (an oximeter shows dashes and sends none, or sends the
  // parameter as unavailable).
  bool absent = false;
  // Motion corrupts the optical and impedance signals (HR, pulse, RR, SpO2), not the rest.
  bool questionable = motion && (m.vital == Vital::HeartRate || m.vital == Vital::PulseRate ||
                                 m.vital == Vital::RespRate || m.vital == Vital::SpO2);
  switch (m.vital) {
    case Vital::HeartRate:
      if (off) return false;  // ECG lead off: no rate
      x = quantize(truth + noise(1.0 * s) + (motion ? rng_.uniform(-15.0, 25.0) : 0.0), 1.0);
      break;
    case Vital::PulseRate:
      if (off && !rng_.bernoulli(profile_->probe_off_emit_p)) return false;
      absent = off;
      x = off ? 0.0
              : quantize(truth + noise(1.5 * s) + (motion ? rng_.uniform(-20.0, 30.0) : 0.0), 1.0);
      break;
    case Vital::RespRate:
      if (off) return false;
      x = quantize(truth + noise(1.0 * s) + (motion ? rng_.uniform(3.0, 10.0) : 0.0), 1.0);
      break;
    case Vital::SpO2:
      // 1 % resolution, ±2 % accuracy (bias + noise); motion desaturations are the
      // classic false alarm.
      if (off && !rng_.bernoulli(profile_->probe_off_emit_p)) return false;
      absent = off;
      x = off ? 0.0 : truth + m.bias + noise(0.9 * s) - (motion ? rng_.uniform(3.0, 15.0) : 0.0);
      x = std::clamp(quantize(x, 1.0), 0.0, 100.0);
      break;
    case Vital::SystolicBP:
    case Vital::DiastolicBP:
    case Vital::MeanBP: {
      // One cuff cycle gives all three: failures are decided per instant, not per value.
      const double u = hash_uniform(key_ + 1, m.next.time_since_epoch().count());
      if (u < profile_->nibp_failure || motion || off || v.heart_rate_bpm < 40.0) return false;
      const double sd = m.vital == Vital::SystolicBP ? 5.0 : (m.vital == Vital::DiastolicBP ? 4.0 : 3.0);
      x = quantize(truth + noise(sd), 1.0);
      break;
    }
    case Vital::Temperature:
      // A detached skin probe reads low; continuous sensors notice the lost contact and
      // mark the value questionable.
      if (off && !rng_.bernoulli(profile_->probe_off_emit_p)) return false;
      questionable = questionable || off;
      x = quantize(off ? truth - rng_.uniform(1.5, 3.5) : truth + noise(0.1), 0.1);
      break;
    case Vital::Glucose:
      x = std::clamp(quantize(truth * (1.0 + m.bias + noise(0.07)), 1.0), 40.0, 400.0);
      break;
    case Vital::Weight: x = quantize(truth + noise(0.15), 0.1); break;
    case Vital::Consciousness: x = truth; break;
  }
  if (motion) flags |= kFlagMotionArtifact;
  if (off) flags |= kFlagProbeOff;
  if (questionable) flags |= kFlagQuestionable;
  if (absent) flags |= kFlagValueAbsent;
  if (v.on_oxygen) flags |= kFlagOnOxygen;
  Reading& r = std::get<Reading>(out.emplace(std::in_place_type<Reading>));
  r.patient = patient_;
  r.device = index_;
  r.vital = m.vital;
  r.value = std::max(0.0, x);
  r.true_value = truth;
  r.true_time = m.next;
  r.device_time = device_time(m.next);
  r.flags = flags;
  return true;
}

bool DeviceModel::produce(PatientModel& patient, std::optional<DeviceOutput>& out) {
  Measure* best = nullptr;
  for (Measure& m : measures_)
    if (!best || m.next < best->next) best = &m;
  const bool wave = wave_ && (!best || wave_->next < best->next);
  const SimTime t = wave ? wave_->next : best->next;
  const double ts = to_seconds(t);

  bool produced = false;
  // Measures of one instant share the instant's fate (gap, battery, artifact).
  if (t != instant_t_) {
    instant_t_ = t;
    instant_ok_ = reachable(ts, instant_low_);
    instant_art_ = instant_ok_ ? artifact_at(ts) : Artifact::None;
  }
  const bool low = instant_low_;
  if (instant_ok_) {
    const Artifact art = instant_art_;
    const std::uint8_t flags = low ? kFlagLowBattery : kFlagNone;
    if (wave) {
      WaveformBlock& b = std::get<WaveformBlock>(out.emplace(std::in_place_type<WaveformBlock>));
      b.patient = patient_;
      b.device = index_;
      b.kind = wave_->gen.kind();
      b.sample_rate_hz = wave_->gen.sample_rate_hz();
      b.true_time = t;
      b.device_time = device_time(t);
      wave_->gen.fill(patient, t, wave_->samples, art == Artifact::Motion, art == Artifact::ProbeOff, b.samples);
      b.flags = flags | (art == Artifact::Motion ? kFlagMotionArtifact : 0) | (art == Artifact::ProbeOff ? kFlagProbeOff : 0);
      b.id = make_reading_id(patient_, index_, seq_++);
      produced = true;
    } else if (measure(*best, patient, art, flags, out)) {
      std::get<Reading>(*out).id = make_reading_id(patient_, index_, seq_++);
      produced = true;
    }
  }
  if (wave) {
    ++wave_->k;
    schedule(*wave_);
  } else {
    ++best->k;
    schedule(*best);
  }
  refresh_next();
  return produced;
}

std::size_t DeviceModel::memory_bytes() const {
  return sizeof(*this) + measures_.capacity() * sizeof(Measure) + (wave_ ? sizeof(Wave) : 0);
}

}  // namespace iomtsim::physiology::detail

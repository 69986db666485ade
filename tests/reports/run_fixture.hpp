#pragma once
// A deterministic synthetic run for recorder, merge and renderer tests: `patients`
// patients with two devices each, one reading per device per minute for `minutes`
// minutes, outcomes and latencies drawn from a seeded Rng per reading (so any split of
// the patients over shards sees exactly the same events), episodes for every third
// patient and alerts on some acknowledged readings.
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/reports/recorder.hpp"

namespace iomtsim::test {

using namespace std::chrono_literals;
namespace ph = iomtsim::physiology;
namespace rp = iomtsim::reports;

struct FixtureSpec {
  std::uint32_t patients = 12;
  int minutes = 120;
};

inline std::vector<ph::Episode> fixture_episodes(const FixtureSpec& spec) {
  std::vector<ph::Episode> eps;
  for (std::uint32_t p = 0; p < spec.patients; p += 3) {
    ph::Episode e;
    e.patient = p;
    e.condition = p % 2 ? ph::ConditionKind::Hemorrhage : ph::ConditionKind::Sepsis;
    e.onset = ph::SimTime{30min};
    e.end = ph::SimTime{90min};
    e.criteria_met = ph::SimTime{40min};
    eps.push_back(e);
  }
  return eps;
}

// Feeds the readings of patients [first, last) into `shard`.
inline void feed_patients(rp::Recorder& rec, rp::RecorderShard& shard, std::uint32_t first,
                          std::uint32_t last, const FixtureSpec& spec) {
  const rp::ChannelId wifi = rec.channel("fhir_r4", "hospital_wifi");
  const rp::ChannelId cell = rec.channel("mqtt_json", "cellular");
  for (std::uint32_t p = first; p < last; ++p) {
    for (ph::DeviceIndex d = 0; d < 2; ++d) {
      for (int m = 0; m < spec.minutes; ++m) {
        const auto seq = static_cast<std::uint32_t>(m);
        ph::Reading r;
        r.id = ph::make_reading_id(p, d, seq + 1);
        r.patient = p;
        r.device = d;
        r.vital = d == 0 ? ph::Vital::HeartRate : ph::Vital::SpO2;
        ph::Rng rng(ph::stream_seed(7, ph::StreamKind::Network, r.id));
        r.true_value = d == 0 ? 80.0 + 0.1 * m : 96.0;
        r.value = r.true_value + rng.normal(0.0, 1.0);
        if (rng.bernoulli(0.02)) {
          r.flags = ph::kFlagMotionArtifact;
          r.value -= 12.0;
        }
        r.true_time = ph::SimTime{std::chrono::minutes(m) + std::chrono::seconds(p % 60)};
        r.device_time = r.true_time;
        shard.on_generated(r, d == 0 ? wifi : cell);
        const ph::SimTime intended = r.true_time;
        const ph::SimTime sent = intended + std::chrono::microseconds(rng.below(2000));
        const ph::SimTime acked = sent + std::chrono::microseconds(500 + rng.below(200000));
        const double u = rng.uniform();
        const rp::Outcome o = u < 0.90   ? rp::Outcome::Acknowledged
                              : u < 0.93 ? rp::Outcome::Rejected
                              : u < 0.96 ? rp::Outcome::LostNetwork
                              : u < 0.97 ? rp::Outcome::DroppedBuffer
                              : u < 0.98 ? rp::Outcome::TimedOut
                              : u < 0.99 ? rp::Outcome::Failed
                                         : rp::Outcome::InFlight;
        shard.on_outcome(r.id, o, intended, sent, acked);
        // Alerts: during episodes on patient's HR device every 20 min, plus rare false
        // alerts anywhere, plus any artifact reading that was acknowledged.
        const bool in_episode = p % 3 == 0 && m >= 35 && m < 95 && m % 20 == 0 && d == 0;
        const bool spurious = rng.bernoulli(0.004) || r.flags != 0;
        if (o == rp::Outcome::Acknowledged && (in_episode || spurious)) {
          ph::Alert a;
          a.alert_id = std::to_string(r.id);
          a.alert_id.insert(a.alert_id.begin(), 'a');
          a.patient = p;
          a.rule = in_episode ? "news2" : "spo2_low";
          a.score = 5;
          a.trigger_time = r.true_time;
          a.trigger_reading_id = r.id;
          a.received_time = acked + std::chrono::milliseconds(50 + rng.below(500));
          shard.on_alert(a);
        }
      }
    }
  }
}

inline rp::RecorderOptions fixture_options() {
  rp::RecorderOptions o;
  o.timeline_patients = {0};
  o.trace_sample_every = 50;
  o.time_bucket_width = 10min;
  return o;
}

inline void fixture_run_info(rp::Recorder& rec, std::uint32_t patients, const FixtureSpec& spec) {
  rp::RunInfo info;
  info.scenario = "fixture";
  info.seed = 7;
  info.mode = "simulated";
  info.start = ph::SimTime{};
  info.end = ph::SimTime{std::chrono::minutes(spec.minutes)};
  info.patient_count = patients;
  rec.set_run_info(info);
  rec.on_network_outage("cellular", ph::SimTime{50min}, ph::SimTime{55min});
}

// The whole fixture in one recorder and one shard.
inline rp::Report fixture_report(const FixtureSpec& spec = {}) {
  rp::Recorder rec(fixture_options());
  fixture_run_info(rec, spec.patients, spec);
  rec.set_episodes(fixture_episodes(spec));
  feed_patients(rec, rec.make_shard(), 0, spec.patients, spec);
  return rec.merge();
}

}  // namespace iomtsim::test

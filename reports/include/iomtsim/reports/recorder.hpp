#pragma once
// The Recorder: what every engine thread reports while a run goes on, turned into a
// Report at the end.
//
// Threads: each engine thread gets its own RecorderShard from make_shard() and is the
// only one to call it, so the hot path (on_generated / on_outcome) takes no lock: it
// bumps counters and HDR histograms in memory the thread owns. merge() combines the
// shards after every thread has stopped. Channel ids (protocol x network profile) are
// interned up front with Recorder::channel(), which locks (cold path).
//
// Memory for long runs: per reading only counters and histogram buckets are kept, plus
//  - a ring of the last `trigger_lookback` readings per device, so an alert can find its
//    triggering reading (intended send time, flags, measured and true value);
//  - full ReadingTraces for `timeline_patients` and for a deterministic 1-in-N sample of
//    readings (capped at max_sampled_traces per shard).
// An alert whose trigger has left the ring (or was never seen) keeps trigger_known =
// false: its latency falls back to nothing (it is not counted in alert_latency) and it is
// never called an artifact. Time buckets hold a 2-digit histogram each (~1-15 kB
// depending on the largest latency); past max_time_buckets the width doubles.
//
//   Recorder rec(options);
//   auto ch = rec.channel("fhir_r4", "hospital_wifi");
//   RecorderShard& s = rec.make_shard();           // one per engine thread
//   s.on_generated(reading, ch);
//   s.on_outcome(reading.id, Outcome::Acknowledged, intended, sent, acked);
//   s.on_alert(alert);
//   Report report = rec.merge();                   // after all threads stopped
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

using ChannelId = std::uint16_t;

struct RecorderOptions {
  std::vector<physiology::PatientIndex> timeline_patients;  // full traces for these
  std::uint32_t trace_sample_every = 0;     // also trace 1 reading in N (by id hash); 0 = none
  std::size_t max_sampled_traces = 10'000;  // per shard; timeline patients are not capped
  Duration time_bucket_width = std::chrono::seconds(60);
  // Bound on time buckets per shard: past it the shard doubles its bucket width (merging
  // pairs exactly), so a run of days keeps a bounded series; merge brings all shards to
  // the coarsest width. 0 = unbounded.
  std::size_t max_time_buckets = 4096;
  std::size_t trigger_lookback = 64;  // readings remembered per device for alert triggers
  HistogramConfig latency_config{};   // 1 ns .. 24 h, 3 digits
  MatchOptions matching{};
};

class Recorder;

class RecorderShard {
 public:
  // A reading the physiology produced, sent over channel `ch`.
  void on_generated(const physiology::Reading& r, ChannelId ch);
  // Convenience: interns (protocol, profile) first (takes the recorder's lock).
  void on_generated(const physiology::Reading& r, std::string_view protocol,
                    std::string_view profile);
  // The final outcome of a reading. `intended` is its scheduled send time, `sent` when it
  // actually left, `acked` when the answer came (ignored for outcomes without an answer).
  //
  // Accelerated real-time runs stamp `sent`/`acked` as the scenario time the message
  // arrived on the emulated network plus the real (unscaled) wall time since, so latencies
  // are not multiplied by the speed-up. `sent_wall_ns` is the wall instant of `sent` on the
  // caller's steady clock; with it, an alert triggered by this reading and received at
  // wall instant W (on_alert's `received_wall_ns`) gets the same kind of stamp:
  // received_time = sent + (W - sent_wall_ns).
  void on_outcome(std::uint64_t reading_id, Outcome outcome, SimTime intended, SimTime sent,
                  SimTime acked, std::optional<std::int64_t> sent_wall_ns = std::nullopt);
  // An alert from the target. Its trigger is looked up in this shard's recent readings;
  // if not there (the usual case for an alert-intake thread), the alert is posted to the
  // recorder and the shard that owns the device resolves it at its next on_outcome, or
  // as soon as the trigger's own outcome arrives; failing that, at merge time.
  // `received_wall_ns`: see on_outcome; without it (or without the trigger's wall stamp)
  // alert.received_time is kept as given.
  void on_alert(const physiology::Alert& alert,
                std::optional<std::int64_t> received_wall_ns = std::nullopt);
  // An alert whose triggering reading the caller knows.
  void on_alert(const physiology::Alert& alert, const physiology::Reading& trigger,
                SimTime trigger_intended_send);

 private:
  friend class Recorder;
  struct Note {  // one slot of a device's trigger ring
    std::uint64_t id = UINT64_MAX;
    SimTime intended{};
    bool has_intended = false;
    physiology::Vital vital = physiology::Vital::HeartRate;
    std::uint8_t flags = 0;
    double value = 0.0;
    double true_value = 0.0;
    std::int64_t stamp_offset_ns = 0;  // sent (scenario ns) minus its wall instant
    bool has_offset = false;
  };
  struct DeviceState {
    ChannelId channel = 0;
    std::vector<Note> ring;
    bool generated = false;  // first/last below are set
    SimTime first{};         // true time of the first and last reading generated
    SimTime last{};
  };
  struct ChannelAcc {
    DeliveryCounts delivery;
    Histogram latency;
  };

  explicit RecorderShard(Recorder& owner);
  DeviceState& device(std::uint64_t reading_id);
  TimeBucket& bucket(SimTime t);
  ChannelAcc& channel_acc(ChannelId ch);
  bool traced(const physiology::Reading& r);
  bool resolve(AlertRecord& rec) const;
  void serve_requests();  // resolves posted alerts from this shard's rings (takes the lock)

  Recorder& owner_;
  DeliveryCounts delivery_;
  Histogram latency_;
  Histogram latency_raw_;
  std::vector<ChannelAcc> channels_;
  void coarsen_buckets();
  Duration bucket_width_;
  std::unordered_map<std::int64_t, TimeBucket> buckets_;
  std::int64_t last_bucket_index_ = INT64_MIN;
  TimeBucket* last_bucket_ = nullptr;
  std::unordered_map<std::uint32_t, DeviceState> devices_;
  std::uint32_t last_device_key_ = UINT32_MAX;
  DeviceState* last_device_ = nullptr;
  std::unordered_map<std::uint64_t, std::pair<ReadingTrace, ChannelId>> traces_;
  std::size_t sampled_traces_ = 0;
  std::vector<AlertRecord> alerts_;
  // Set by the recorder when alerts wait for a trigger; read relaxed on the hot path.
  std::atomic<bool> has_requests_{false};
};

class Recorder {
 public:
  explicit Recorder(RecorderOptions options = {});
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // A shard for one engine thread; its address stays valid for the Recorder's life.
  RecorderShard& make_shard();
  // Interns (protocol, network profile); same arguments, same id. Thread-safe.
  ChannelId channel(std::string_view protocol, std::string_view profile);

  // Cold-path inputs, thread-safe.
  void set_run_info(RunInfo info);  // patient_seconds = patient_count x (end - start), if left 0
  void set_episodes(std::vector<physiology::Episode> episodes);
  void add_episode(const physiology::Episode& e);
  void on_network_outage(std::string profile, SimTime start, SimTime end);

  const RecorderOptions& options() const { return options_; }

  // Combines all shards into a Report (call after every engine thread has stopped).
  Report merge() const;

 private:
  friend class RecorderShard;
  RecorderOptions options_;
  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<RecorderShard>> shards_;
  std::vector<std::pair<std::string, std::string>> channel_names_;
  std::vector<physiology::Episode> episodes_;
  std::vector<Outage> outages_;
  RunInfo run_;
  // Alerts posted by shards that did not hold their trigger; resolved in place by the
  // shard owning the device once the trigger's outcome (its intended send) is known.
  struct Request {
    AlertRecord record;
    bool abandoned = false;  // the trigger has left its device's ring
  };
  std::vector<Request> requests_;
};

}  // namespace iomtsim::reports

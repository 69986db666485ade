#include "iomtsim/reports/recorder.hpp"

#include <algorithm>

#include "iomtsim/physiology/random.hpp"
#include "sorting.hpp"
#include "time_buckets.hpp"

namespace iomtsim::reports {

using physiology::Reading;

namespace {
std::uint32_t device_key(std::uint64_t reading_id) {
  return (physiology::reading_patient(reading_id) << 8) | physiology::reading_device(reading_id);
}
}  // namespace

RecorderShard::RecorderShard(Recorder& owner)
    : owner_(owner),
      latency_(owner.options_.latency_config),
      latency_raw_(owner.options_.latency_config),
      bucket_width_(owner.options_.time_bucket_width) {}

RecorderShard::DeviceState& RecorderShard::device(std::uint64_t reading_id) {
  // Devices send in bursts, so the last device looked up is the likely next one.
  const std::uint32_t key = device_key(reading_id);
  if (key == last_device_key_) return *last_device_;
  auto [it, inserted] = devices_.try_emplace(key);
  if (inserted) it->second.ring.resize(std::max<std::size_t>(owner_.options_.trigger_lookback, 1));
  last_device_key_ = key;
  last_device_ = &it->second;
  return it->second;
}

TimeBucket& RecorderShard::bucket(SimTime t) {
  const std::int64_t i = floor_div(t.time_since_epoch().count(), bucket_width_.count());
  if (i == last_bucket_index_) return *last_bucket_;
  auto [it, inserted] = buckets_.try_emplace(i);
  if (inserted) {
    it->second.index = i;
    const std::size_t limit = owner_.options_.max_time_buckets;
    if (limit > 0 && buckets_.size() > limit) {
      coarsen_buckets();
      return bucket(t);
    }
  }
  last_bucket_index_ = i;
  last_bucket_ = &it->second;
  return it->second;
}

void RecorderShard::coarsen_buckets() {
  std::vector<TimeBucket> sorted;
  sorted.reserve(buckets_.size());
  for (auto& [i, b] : buckets_) sorted.push_back(std::move(b));
  std::sort(sorted.begin(), sorted.end(),
            [](const TimeBucket& a, const TimeBucket& b) { return a.index < b.index; });
  buckets_.clear();
  for (auto& b : coarsen(sorted, 2)) buckets_.emplace(b.index, std::move(b));
  bucket_width_ *= 2;
  last_bucket_index_ = INT64_MIN;
  last_bucket_ = nullptr;
}

RecorderShard::ChannelAcc& RecorderShard::channel_acc(ChannelId ch) {
  while (channels_.size() <= ch)
    channels_.push_back(ChannelAcc{DeliveryCounts{}, Histogram(owner_.options_.latency_config)});
  return channels_[ch];
}

bool RecorderShard::traced(const Reading& r) {
  const auto& o = owner_.options_;
  if (std::find(o.timeline_patients.begin(), o.timeline_patients.end(), r.patient) !=
      o.timeline_patients.end())
    return true;
  // The sample depends on the id only, so shards pick the same readings as one run.
  if (o.trace_sample_every == 0 || physiology::splitmix64(r.id) % o.trace_sample_every != 0)
    return false;
  if (sampled_traces_ >= o.max_sampled_traces) return false;
  ++sampled_traces_;
  return true;
}

void RecorderShard::on_generated(const Reading& r, ChannelId ch) {
  DeviceState& dev = device(r.id);
  dev.channel = ch;
  Note& n = dev.ring[static_cast<std::uint32_t>(r.id) % dev.ring.size()];
  n = Note{r.id, SimTime{}, false, r.vital, r.flags, r.value, r.true_value};
  if (!dev.generated) {
    dev.generated = true;
    dev.first = dev.last = r.true_time;
  } else {
    dev.first = std::min(dev.first, r.true_time);
    dev.last = std::max(dev.last, r.true_time);
  }
  ++delivery_.generated;
  ++channel_acc(ch).delivery.generated;
  ++bucket(r.true_time).delivery.generated;
  if (traced(r)) traces_.emplace(r.id, std::pair{ReadingTrace{r, {}, {}}, ch});
}

void RecorderShard::on_generated(const Reading& r, std::string_view protocol,
                                 std::string_view profile) {
  on_generated(r, owner_.channel(protocol, profile));
}

void RecorderShard::on_outcome(std::uint64_t reading_id, Outcome outcome, SimTime intended,
                               SimTime sent, SimTime acked,
                               std::optional<std::int64_t> sent_wall_ns) {
  DeviceState& dev = device(reading_id);
  Note& n = dev.ring[static_cast<std::uint32_t>(reading_id) % dev.ring.size()];
  if (n.id == reading_id) {
    n.intended = intended;
    n.has_intended = true;
    if (sent_wall_ns) {
      n.stamp_offset_ns = sent.time_since_epoch().count() - *sent_wall_ns;
      n.has_offset = true;
    }
  }
  ChannelAcc& ch = channel_acc(dev.channel);
  TimeBucket& b = bucket(intended);
  delivery_.add(outcome);
  ch.delivery.add(outcome);
  b.delivery.add(outcome);
  if (outcome == Outcome::Acknowledged) {
    const std::int64_t ns = (acked - intended).count();
    latency_.record(ns);
    ch.latency.record(ns);
    b.ingest_latency.record(ns);
    latency_raw_.record((acked - sent).count());
  }
  // Alerts posted by other threads wait for a trigger in this shard: one relaxed load
  // when there are none.
  if (has_requests_.load(std::memory_order_relaxed)) serve_requests();
  if (!traces_.empty()) {
    auto it = traces_.find(reading_id);
    if (it != traces_.end()) {
      ReadingTrace& t = it->second.first;
      t.has_outcome = true;
      t.outcome = outcome;
      t.intended_send = intended;
      t.sent = sent;
      t.acked = acked;
    }
  }
}

bool RecorderShard::resolve(AlertRecord& rec) const {
  const std::uint64_t id = rec.alert.trigger_reading_id;
  if (id == 0) return false;
  auto it = devices_.find(device_key(id));
  if (it == devices_.end()) return false;
  const Note& n = it->second.ring[static_cast<std::uint32_t>(id) % it->second.ring.size()];
  if (n.id != id || !n.has_intended) return false;
  rec.trigger_known = true;
  rec.trigger_intended_send = n.intended;
  rec.trigger_vital = n.vital;
  rec.trigger_flags = n.flags;
  rec.trigger_value = n.value;
  rec.trigger_true_value = n.true_value;
  if (rec.received_wall_ns && n.has_offset)
    rec.alert.received_time = SimTime{Duration{n.stamp_offset_ns + *rec.received_wall_ns}};
  rec.received_wall_ns.reset();
  return true;
}

void RecorderShard::on_alert(const physiology::Alert& alert,
                             std::optional<std::int64_t> received_wall_ns) {
  AlertRecord rec;
  rec.alert = alert;
  rec.received_wall_ns = received_wall_ns;
  if (resolve(rec) || alert.trigger_reading_id == 0) {
    alerts_.push_back(std::move(rec));
    return;
  }
  std::lock_guard lock(owner_.mutex_);
  owner_.requests_.push_back(Recorder::Request{std::move(rec)});
  for (const auto& s : owner_.shards_) s->has_requests_.store(true, std::memory_order_relaxed);
}

void RecorderShard::serve_requests() {
  std::lock_guard lock(owner_.mutex_);
  bool waiting = false;
  for (auto& req : owner_.requests_) {
    if (req.record.trigger_known || req.abandoned) continue;
    const std::uint64_t id = req.record.alert.trigger_reading_id;
    auto it = devices_.find(device_key(id));
    if (it == devices_.end()) continue;  // another shard's device
    const Note& n = it->second.ring[static_cast<std::uint32_t>(id) % it->second.ring.size()];
    if (n.id != id) {
      // Overwritten by a later reading, or never generated here: give up (merge still
      // tries every shard), rather than re-check on every outcome.
      req.abandoned = true;
      continue;
    }
    if (!resolve(req.record)) waiting = true;  // its outcome has not arrived yet
  }
  has_requests_.store(waiting, std::memory_order_relaxed);
}

void RecorderShard::on_alert(const physiology::Alert& alert, const Reading& trigger,
                             SimTime trigger_intended_send) {
  AlertRecord rec;
  rec.alert = alert;
  rec.trigger_known = true;
  rec.trigger_intended_send = trigger_intended_send;
  rec.trigger_vital = trigger.vital;
  rec.trigger_flags = trigger.flags;
  rec.trigger_value = trigger.value;
  rec.trigger_true_value = trigger.true_value;
  alerts_.push_back(std::move(rec));
}

Recorder::Recorder(RecorderOptions options) : options_(std::move(options)) {
  if (options_.time_bucket_width.count() <= 0)
    throw ReportError("recorder: time_bucket_width must be positive");
  std::sort(options_.timeline_patients.begin(), options_.timeline_patients.end());
}

RecorderShard& Recorder::make_shard() {
  std::lock_guard lock(mutex_);
  shards_.push_back(std::unique_ptr<RecorderShard>(new RecorderShard(*this)));
  return *shards_.back();
}

ChannelId Recorder::channel(std::string_view protocol, std::string_view profile) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < channel_names_.size(); ++i)
    if (channel_names_[i].first == protocol && channel_names_[i].second == profile)
      return static_cast<ChannelId>(i);
  if (channel_names_.size() > UINT16_MAX) throw ReportError("recorder: too many channels");
  channel_names_.emplace_back(std::string(protocol), std::string(profile));
  return static_cast<ChannelId>(channel_names_.size() - 1);
}

void Recorder::set_run_info(RunInfo info) {
  std::lock_guard lock(mutex_);
  run_ = std::move(info);
}
void Recorder::set_episodes(std::vector<physiology::Episode> episodes) {
  std::lock_guard lock(mutex_);
  episodes_ = std::move(episodes);
}
void Recorder::add_episode(const physiology::Episode& e) {
  std::lock_guard lock(mutex_);
  episodes_.push_back(e);
}
void Recorder::on_network_outage(std::string profile, SimTime start, SimTime end) {
  std::lock_guard lock(mutex_);
  outages_.push_back(Outage{std::move(profile), start, end});
}

Report Recorder::merge() const {
  std::lock_guard lock(mutex_);
  Report r;
  r.run = run_;
  if (r.run.patient_seconds == 0 && run_.end > run_.start)
    r.run.patient_seconds =
        run_.patient_count *
        static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::seconds>(run_.end - run_.start).count());
  r.ingest_latency = Histogram(options_.latency_config);
  r.ingest_latency_raw = Histogram(options_.latency_config);
  r.alert_latency = Histogram(options_.latency_config);
  Duration width = options_.time_bucket_width;
  for (const auto& s : shards_) width = std::max(width, s->bucket_width_);
  r.time_bucket_width = width;
  r.matching = options_.matching;
  r.episodes = episodes_;
  r.outages = outages_;
  r.timeline_patients = options_.timeline_patients;

  // An outcome for a reading this shard never saw generated lands on channel 0, which
  // may not have been interned: such readings show up as channel "unknown".
  auto names = channel_names_;
  for (const auto& s : shards_)
    while (names.size() < s->channels_.size()) names.emplace_back("unknown", "unknown");
  std::vector<ChannelStats> channels(names.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    channels[i].protocol = names[i].first;
    channels[i].profile = names[i].second;
    channels[i].ingest_latency = Histogram(options_.latency_config);
  }
  std::map<std::int64_t, TimeBucket> buckets;
  for (const auto& s : shards_) {
    r.delivery += s->delivery_;
    r.ingest_latency.merge(s->latency_);
    r.ingest_latency_raw.merge(s->latency_raw_);
    for (std::size_t i = 0; i < s->channels_.size(); ++i) {
      channels.at(i).delivery += s->channels_[i].delivery;
      channels.at(i).ingest_latency.merge(s->channels_[i].latency);
    }
    // Widths are options.time_bucket_width x 2^k, so each shard coarsens exactly.
    const std::int64_t factor = width / s->bucket_width_;
    for (const auto& [i, b] : s->buckets_) add_bucket(buckets, floor_div(i, factor), b);
    for (const auto& [id, t] : s->traces_) {
      ReadingTrace trace = t.first;
      trace.protocol = names.at(t.second).first;
      trace.profile = names.at(t.second).second;
      r.traces.push_back(std::move(trace));
    }
    for (const auto& [key, dev] : s->devices_)
      if (dev.generated) r.patient_spans.push_back(PatientSpan{key >> 8, dev.first, dev.last});
    for (AlertRecord a : s->alerts_) {
      // An alert may arrive on another thread than its trigger: try every shard.
      for (const auto& other : shards_) {
        if (a.trigger_known) break;
        other->resolve(a);
      }
      // Trigger never found: keep the given receive time, and the wall stamp for a caller
      // that knows the trigger elsewhere (see AlertRecord::received_wall_ns; resolve()
      // clears it when it finds the trigger).
      r.alerts.push_back(std::move(a));
    }
  }
  for (const auto& req : requests_) {
    AlertRecord a = req.record;
    for (const auto& s : shards_) {
      if (a.trigger_known) break;
      s->resolve(a);
    }
    r.alerts.push_back(std::move(a));
  }
  for (auto& c : channels)
    if (c.delivery.generated || c.delivery.outcome_sum()) r.channels.push_back(std::move(c));
  for (auto& [i, b] : buckets) r.time_buckets.push_back(std::move(b));
  sort_report(r);
  r.rescore();
  return r;
}

}  // namespace iomtsim::reports

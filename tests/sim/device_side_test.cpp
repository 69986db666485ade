// The device side without sockets or SimGrid: a fake carrier (below) plays the engine,
// acknowledging, refusing or holding messages on a scenario clock of its own. Checked:
// order at equal instants, batching, store-and-forward drains, every reading, block and
// operations message in exactly one bucket, operations devices and asset queries, the
// retry hook, and loud failures for a carrier that breaks the contract.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>

#include "iomtsim/payloads/imaging_chart.hpp"
#include "iomtsim/reports/pump_alerts.hpp"
#include "iomtsim/sim/device_side/device_side.hpp"
#include "iomtsim/sim/device_side/timed_queue.hpp"
#include "support/ward_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::device_side;
using namespace std::chrono_literals;
using physiology::SimTime;
using reports::Outcome;

namespace {

// Plays an engine: carries each departed message for `rtt` of scenario time, then asks
// `decide` for its result; `hold` keeps a message unanswered until the end (in flight).
struct FakeCarrier {
  physiology::Duration rtt = 10ms;
  std::function<Result(const Message&, SimTime at)> decide = [](const Message&, SimTime at) {
    Result r;
    r.outcome = Outcome::Acknowledged;
    r.at = at;
    return r;
  };
  std::function<bool(const Message&)> hold = [](const Message&) { return false; };
  std::vector<std::pair<SimTime, std::uint64_t>> departures;  // (departs, key) in order
  std::vector<MessageKind> kinds;
  std::vector<std::size_t> batch_sizes;

  Sections run(DeviceSide& side) {
    std::multimap<SimTime, MessagePtr> answers;  // by answer instant, then carried order
    std::vector<MessagePtr> held, out;
    for (;;) {
      const SimTime ts = side.next_time();
      const SimTime ta = answers.empty() ? SimTime::max() : answers.begin()->first;
      if (ts == SimTime::max() && ta == SimTime::max()) break;
      if (ta < ts) {  // answers first at equal instants would be as good; this is stricter
        auto node = answers.extract(answers.begin());
        Result r = decide(*node.mapped(), node.key());
        r.sent = node.mapped()->departs;
        side.finish(std::move(node.mapped()), r);
        continue;
      }
      EXPECT_TRUE(side.step(ts, out));
      for (auto& m : out) {
        EXPECT_EQ(m->departs, ts);
        departures.emplace_back(m->departs, m->key);
        kinds.push_back(m->kind);
        if (m->kind == MessageKind::Readings) batch_sizes.push_back(m->readings.size());
        if (hold(*m))
          held.push_back(std::move(m));
        else
          answers.emplace(ts + rtt, std::move(m));
      }
      out.clear();
    }
    for (auto& m : held) {
      Result r;
      r.outcome = Outcome::InFlight;
      r.sent = r.at = m->departs;
      side.finish(std::move(m), r);
    }
    return side.close();
  }
};

scenarios::Scenario ward(std::uint32_t patients, std::uint32_t batch = 1, double loss = 0.0) {
  auto s = iomtsim::testing::ward_scenario({.healthy = patients, .batch = batch, .loss = loss});
  s.metadata.duration = 5min;
  return s;
}

DeviceSideConfig config(const scenarios::Scenario& s, reports::Recorder& rec) {
  DeviceSideConfig c;
  c.scenario = &s;
  c.recorder = &rec;
  c.end = SimTime{s.metadata.duration};
  return c;
}

// A source of hand-made readings for device 0 of patients 0..n-1 (the ward's devices).
class ListSource final : public OutputSource {
 public:
  ListSource(const scenarios::Scenario& s, std::vector<physiology::Reading> readings)
      : readings_(std::move(readings)) {
    const auto& c = s.cohorts.front();
    for (physiology::PatientIndex p = 0; p < c.physiology.count; ++p) {
      sim::FleetDevice d;
      d.patient = p;
      d.cohort_spec = &c;
      d.spec = &c.devices.front();
      d.network = &s.network_profiles.at(d.spec->network_profile);
      devices_.push_back(d);
    }
  }
  const std::vector<sim::FleetDevice>& devices() const override { return devices_; }
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex) const override {
    return p;
  }
  bool done() override { return next_ == readings_.size(); }
  SimTime next_time() override { return done() ? SimTime::max() : readings_[next_].true_time; }
  physiology::DeviceOutput next() override { return readings_.at(next_++); }
  std::vector<physiology::Episode> finish() override { return {}; }

 private:
  std::vector<sim::FleetDevice> devices_;
  std::vector<physiology::Reading> readings_;
  std::size_t next_ = 0;
};

physiology::Reading reading(physiology::PatientIndex p, std::uint32_t seq, SimTime t) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(p, 0, seq);
  r.patient = p;
  r.vital = physiology::Vital::HeartRate;
  r.value = 70;
  r.true_time = r.device_time = t;
  return r;
}

}  // namespace

TEST(TimedQueue, EqualTimesComeOutInScheduleOrder) {
  TimedQueue q;
  const SimTime t = physiology::at_seconds(5);
  q.push(t, TimedEvent::Kind::Departure, 30);
  q.push(physiology::at_seconds(1), TimedEvent::Kind::Drain, 99);
  q.push(t, TimedEvent::Kind::Departure, 10);
  q.push(t, TimedEvent::Kind::Departure, 20);
  EXPECT_EQ(q.pop().key, 99u);
  EXPECT_EQ(q.pop().key, 30u);
  EXPECT_EQ(q.pop().key, 10u);
  EXPECT_EQ(q.pop().key, 20u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.next_time(), SimTime::max());
}

TEST(DeviceSide, ReadingsAtTheSameInstantDepartInTheirGenerationOrder) {
  const auto s = ward(3);
  reports::Recorder rec;
  auto c = config(s, rec);
  const SimTime t = physiology::at_seconds(10);
  // Patient 2 first, then 0, then 1, all at t: the same latency puts all three on the wire
  // at the same instant, in this order.
  c.source = std::make_unique<ListSource>(
      s, std::vector{reading(2, 0, t), reading(0, 0, t), reading(1, 0, t)});
  DeviceSide side(std::move(c));
  FakeCarrier carrier;
  std::vector<std::uint64_t> wire_ids;
  carrier.decide = [&](const Message& m, SimTime at) {
    wire_ids.push_back(m.wire_id);
    Result r;
    r.outcome = Outcome::Acknowledged;
    r.at = at;
    return r;
  };
  carrier.run(side);
  ASSERT_EQ(carrier.departures.size(), 3u);
  for (const auto& [at, key] : carrier.departures) EXPECT_EQ(at, t + 2ms);  // the lan's latency
  EXPECT_EQ(wire_ids,
            (std::vector{physiology::make_reading_id(2, 0, 0), physiology::make_reading_id(0, 0, 0),
                         physiology::make_reading_id(1, 0, 0)}));
  const auto report = rec.merge();
  EXPECT_EQ(report.delivery.generated, 3u);
  EXPECT_EQ(report.delivery[Outcome::Acknowledged], 3u);
}

TEST(DeviceSide, BatchesFillThenThePartialBatchLeavesAtTheEnd) {
  const auto s = ward(1, /*batch=*/3);
  reports::Recorder rec;
  auto c = config(s, rec);
  std::vector<physiology::Reading> rs;
  for (std::uint32_t i = 0; i < 7; ++i) rs.push_back(reading(0, i, physiology::at_seconds(10 + i)));
  c.source = std::make_unique<ListSource>(s, rs);
  DeviceSide side(std::move(c));
  FakeCarrier carrier;
  carrier.run(side);
  EXPECT_EQ(carrier.batch_sizes, (std::vector<std::size_t>{3, 3, 1}));
  // A full batch leaves when its last reading is generated; the partial one when the
  // source is done (its last reading's time).
  ASSERT_EQ(carrier.departures.size(), 3u);
  EXPECT_EQ(carrier.departures[0].first, physiology::at_seconds(12) + 2ms);
  EXPECT_EQ(carrier.departures[1].first, physiology::at_seconds(15) + 2ms);
  EXPECT_EQ(carrier.departures[2].first, physiology::at_seconds(16) + 2ms);
  const auto report = rec.merge();
  EXPECT_EQ(report.delivery.generated, 7u);
  EXPECT_EQ(report.delivery[Outcome::Acknowledged], 7u);
}

TEST(DeviceSide, AnOutageBuffersThenDrainsAtTheReconnect) {
  auto s = ward(2);
  auto& lan = s.network_profiles.at("lan");
  lan.outages = {{physiology::at_seconds(60), 60s}};
  lan.reconnect_initial = 5s;
  lan.reconnect_max = 5s;
  lan.reconnect_jitter = 0.0;
  lan.buffer_readings = 4;  // 2 patients x 3 vitals every 15 s overflow it in a minute
  reports::Recorder rec;
  DeviceSide side(config(s, rec));
  FakeCarrier carrier;
  carrier.run(side);
  // What was buffered during the outage leaves at the reconnect instant.
  std::map<SimTime, int> at_once;
  for (const auto& [at, key] : carrier.departures)
    if (at >= physiology::at_seconds(60) && at <= physiology::at_seconds(130)) ++at_once[at];
  int burst = 0;
  for (const auto& [at, n] : at_once) burst = std::max(burst, n);
  // Both devices' full buffers (4 each), drained at the same reconnect (no jitter).
  EXPECT_EQ(burst, 8);
  const auto report = rec.merge();
  EXPECT_TRUE(report.delivery.balanced());
  EXPECT_GT(report.delivery[Outcome::DroppedBuffer], 0u);
  EXPECT_EQ(report.delivery[Outcome::Acknowledged] + report.delivery[Outcome::DroppedBuffer],
            report.delivery.generated);
}

TEST(DeviceSide, EveryReadingEndsInExactlyOneBucket) {
  const auto s = ward(6, 2, /*loss=*/0.1);
  reports::Recorder rec;
  DeviceSide side(config(s, rec));
  FakeCarrier carrier;
  std::map<Outcome, std::uint64_t> decided;
  carrier.decide = [&](const Message& m, SimTime at) {
    Result r;
    r.at = at;
    const Outcome cycle[] = {Outcome::Acknowledged, Outcome::Rejected, Outcome::TimedOut,
                             Outcome::Failed, Outcome::Acknowledged};
    r.outcome = cycle[m.key % 5];
    decided[r.outcome] += m.readings.size();
    return r;
  };
  std::uint64_t held = 0;
  carrier.hold = [&](const Message& m) {
    const bool h = m.departs > physiology::at_seconds(280);
    if (h) held += m.readings.size();
    return h;
  };
  carrier.run(side);
  const auto d = rec.merge().delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d[Outcome::LostNetwork], 0u);
  EXPECT_GT(held, 0u);
  EXPECT_EQ(d[Outcome::InFlight], held);
  for (auto o : {Outcome::Acknowledged, Outcome::Rejected, Outcome::TimedOut, Outcome::Failed})
    EXPECT_EQ(d[o], decided[o]) << reports::name(o);
  EXPECT_EQ(d.generated, side.counts().readings);
}

TEST(DeviceSide, OperationsDevicesAndAssetQueries) {
  auto s = ward(4);
  s.metadata.duration = 10min;
  auto& o = s.cohorts[0].operations;
  o.model.pumps.per_patient = 1;
  o.model.pumps.alarms_per_day = 300;
  o.model.pumps.status_interval = 1min;
  o.pumps = {scenarios::PayloadFormat::Hl7v2, "lan"};
  o.model.assets.count = 6;
  o.model.assets.fix_interval = 20s;
  o.model.assets.moves_per_day = 150;
  o.assets = {scenarios::PayloadFormat::FhirR4, "lan"};
  o.asset_query_interval = 1min;
  o.model.imaging.procedures_per_day = 400;
  o.imaging = {scenarios::PayloadFormat::FhirR4, "lan"};
  reports::Recorder rec;
  DeviceSide side(config(s, rec));
  FakeCarrier carrier;
  std::uint64_t alarms = 0;
  carrier.decide = [&](const Message& m, SimTime at) {
    Result r;
    r.outcome = Outcome::Acknowledged;
    r.at = at;
    if (m.kind == MessageKind::Ops && std::holds_alternative<physiology::ops::PumpEvent>(*m.ops) &&
        std::get<physiology::ops::PumpEvent>(*m.ops).alarm()) {
      ++alarms;
      side.alarm_alerted(m.wire_id, at + 1s);
    }
    if (m.kind == MessageKind::AssetQuery) r.answer = AssetAnswer{"ward1", at - 30s};
    return r;
  };
  const auto sections = carrier.run(side);
  const auto& ops = sections.ops;
  EXPECT_TRUE(ops.delivery.balanced());
  for (const auto* k :
       {&ops.delivery.pump_events, &ops.delivery.location_fixes, &ops.delivery.imaging_results}) {
    EXPECT_GT(k->generated, 0u);
    EXPECT_EQ((*k)[Outcome::Acknowledged], k->generated);
  }
  // HL7 pumps go by MLLP with their own ACK key; the rest are FHIR over HTTP.
  std::size_t queries = 0;
  for (auto k : carrier.kinds) queries += k == MessageKind::AssetQuery;
  EXPECT_EQ(queries, ops.asset_queries.size());
  EXPECT_EQ(queries, side.counts().asset_queries);
  EXPECT_GE(queries, 6u * 8u);  // 6 assets, a query a minute from their phase on
  for (const auto& q : ops.asset_queries) {
    EXPECT_TRUE(q.answered);
    EXPECT_EQ(q.zone, "ward1");
    EXPECT_EQ(q.response_time, 10ms);
  }
  ASSERT_GT(alarms, 0u);
  std::uint64_t alerted = 0;
  for (const auto& a : ops.pump_alarms) alerted += a.alerted;
  EXPECT_EQ(alerted, alarms);
  EXPECT_EQ(ops.imaging.size(), ops.delivery.imaging_results.generated);
  for (const auto& i : ops.imaging) EXPECT_TRUE(i.acked);
  // Vital signs acknowledged while the operations devices run are classified.
  EXPECT_EQ(static_cast<std::uint64_t>(ops.vitals_latency_during_imaging.count() +
                                       ops.vitals_latency_outside_imaging.count()),
            rec.merge().delivery[Outcome::Acknowledged]);
}

// A result the PACS stored goes on to the chart: one ImagingStudy + DiagnosticReport
// transaction per acknowledged DICOM result, from the same device, to the FHIR base; none
// for a result the PACS refused. Each is a message in its own bucket (imaging_reports).
TEST(DeviceSide, StoredImagingResultsAreReportedToTheChart) {
  auto s = ward(3);
  s.metadata.duration = 10min;
  s.target.imaging = scenarios::ImagingTarget{false, "127.0.0.1", 8042, "/dicom-web"};
  auto& o = s.cohorts[0].operations;
  o.model.imaging.procedures_per_day = 600;
  o.model.imaging.results_per_procedure = 3;
  o.model.imaging.ultrasound_bytes = physiology::Distribution::constant(64.0 * 1024);
  o.imaging = {scenarios::PayloadFormat::FhirR4, "lan"};
  reports::Recorder rec;
  DeviceSide side(config(s, rec));
  FakeCarrier carrier;
  std::set<std::uint64_t> stored, refused, reported;
  std::size_t report_holds_study = 0;
  carrier.decide = [&](const Message& m, SimTime at) {
    Result r;
    r.outcome = Outcome::Acknowledged;
    r.at = at;
    if (m.kind == MessageKind::Ops && m.dicomweb) {
      // The PACS refuses every third result.
      const bool refuse = m.wire_id % 3 == 0;
      if (refuse) r.outcome = Outcome::Rejected;
      (refuse ? refused : stored).insert(m.wire_id);
    }
    if (m.kind == MessageKind::ImagingReport) {
      EXPECT_FALSE(m.dicomweb);
      EXPECT_TRUE(m.http_path.empty());  // the FHIR base: a transaction
      EXPECT_EQ(m.format, scenarios::PayloadFormat::FhirR4);
      EXPECT_EQ(m.payload_bytes, m.body.size());
      const auto d = payloads::decode_imaging_chart_bundle(m.body, 0);
      EXPECT_TRUE(d.ok()) << d.error;
      EXPECT_EQ(d.value.result.id, m.wire_id);
      EXPECT_TRUE(reported.insert(m.wire_id).second) << "reported twice: " << m.wire_id;
      report_holds_study += m.body.find("dicom-web") != std::string::npos;
    }
    return r;
  };
  const auto sections = carrier.run(side);
  const auto& d = sections.ops.delivery;
  ASSERT_GT(stored.size(), 5u);
  ASSERT_GT(refused.size(), 0u);
  EXPECT_EQ(reported, stored);
  EXPECT_EQ(report_holds_study, stored.size());
  EXPECT_EQ(d.imaging_reports.generated, stored.size());
  EXPECT_EQ(d.imaging_reports[Outcome::Acknowledged], stored.size());
  EXPECT_EQ(d.imaging_results[Outcome::Rejected], refused.size());
  EXPECT_TRUE(d.balanced());
}

TEST(DeviceSide, RetryableFailuresAreRetriedWithTheSameKeyUntilThePolicyGivesUp) {
  for (const std::uint32_t attempts : {1u, 3u}) {
    const auto s = ward(2);
    reports::Recorder rec;
    auto c = config(s, rec);
    c.retry.max_attempts = attempts;
    c.retry.initial_backoff = 2s;
    DeviceSide side(std::move(c));
    FakeCarrier carrier;
    std::map<std::uint64_t, std::vector<SimTime>> tries;  // by key: when each attempt departed
    carrier.decide = [&](const Message& m, SimTime at) {
      tries[m.key].push_back(m.departs);
      Result r;
      r.at = at;
      if (m.attempt == 1) {  // a 503 with Retry-After: 5 s, then fine
        r.outcome = Outcome::Rejected;
        r.status = 503;
        r.retryable = true;
        r.retry_after = 5s;
      } else {
        EXPECT_EQ(m.attempt, 2u);
        r.outcome = Outcome::Acknowledged;
      }
      return r;
    };
    carrier.run(side);
    const auto d = rec.merge().delivery;
    const auto& st = side.delivery_stats();
    EXPECT_TRUE(d.balanced());
    if (attempts == 1) {
      EXPECT_EQ(d[Outcome::Rejected], d.generated);
      EXPECT_EQ(st.retries, 0u);
      EXPECT_EQ(st.retries_exhausted, tries.size());
      EXPECT_EQ(st.attempts, tries.size());
    } else {
      EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
      EXPECT_EQ(st.retries, tries.size());
      EXPECT_EQ(st.attempts, 2 * tries.size());
      for (const auto& [key, at] : tries) {
        ASSERT_EQ(at.size(), 2u);
        EXPECT_EQ(at[1] - at[0], 10ms + 5s);  // the answer, then Retry-After (> back-off 2 s)
      }
    }
  }
}

TEST(DeviceSide, RetryBackoffDoublesUpToItsCeiling) {
  RetryPolicy p;
  p.initial_backoff = 1s;
  p.max_backoff = 5s;
  EXPECT_EQ(p.backoff(1), 1s);
  EXPECT_EQ(p.backoff(2), 2s);
  EXPECT_EQ(p.backoff(3), 4s);
  EXPECT_EQ(p.backoff(4), 5s);
  EXPECT_EQ(p.backoff(40), 5s);
}

TEST(DeviceSide, WaveformBlocksHaveTheirOwnBuckets) {
  auto s = ward(2);
  s.metadata.duration = 1min;
  physiology::WaveformSpec ecg;
  ecg.block = 2s;
  s.cohorts[0].devices[0].model.waveform = ecg;
  s.cohorts[0].physiology.devices[0].waveform = ecg;
  reports::Recorder rec;
  DeviceSide side(config(s, rec));
  FakeCarrier carrier;
  carrier.hold = [](const Message& msg) {
    return msg.kind == MessageKind::Waveform && msg.key % 4 == 0;
  };
  const auto sections = carrier.run(side);
  const auto& w = sections.waveforms;
  EXPECT_GT(w.delivery.generated, 0u);
  EXPECT_EQ(w.delivery.generated, side.counts().waveform_blocks);
  EXPECT_TRUE(w.balanced());
  EXPECT_GT(w.delivery[Outcome::InFlight], 0u);
  EXPECT_EQ(w.delivery[Outcome::Acknowledged] + w.delivery[Outcome::InFlight],
            w.delivery.generated);
  EXPECT_GT(w.bytes_offered, 0u);
}

TEST(DeviceSide, ACarrierThatLosesOrInventsMessagesIsALoudError) {
  const auto s = ward(1);
  {
    reports::Recorder rec;
    DeviceSide side(config(s, rec));
    Result r;
    r.outcome = Outcome::Acknowledged;
    EXPECT_THROW(side.finish(std::make_unique<Message>(), r), InternalError);  // never given
  }
  {
    reports::Recorder rec;
    DeviceSide side(config(s, rec));
    std::vector<MessagePtr> out;
    while (out.empty() && side.next_time() != SimTime::max()) side.step(side.next_time(), out);
    ASSERT_FALSE(out.empty());
    out.clear();  // the carrier drops what it was given
    EXPECT_THROW(side.close(), InternalError);
  }
}

// The back-off doubles to its ceiling; jitter scales each wait within ± the fraction, drawn
// from (seed, message, attempt): the same run waits the same, messages do not wait alike.
TEST(RetryPolicyBackoff, DoublesToTheCeilingWithDeterministicJitter) {
  using namespace std::chrono_literals;
  iomtsim::sim::device_side::RetryPolicy p;
  p.max_attempts = 8;
  p.initial_backoff = 1s;
  p.max_backoff = 5s;
  EXPECT_EQ(p.backoff(1), 1s);
  EXPECT_EQ(p.backoff(2), 2s);
  EXPECT_EQ(p.backoff(3), 4s);
  EXPECT_EQ(p.backoff(4), 5s);
  EXPECT_EQ(p.backoff(7), 5s);
  p.jitter = 0.25;
  p.seed = 99;
  std::set<std::int64_t> waits;
  for (std::uint64_t id = 0; id < 50; ++id) {
    const auto w = p.backoff(2, id);
    EXPECT_EQ(w, p.backoff(2, id));
    EXPECT_GE(w, 1500ms);
    EXPECT_LE(w, 2500ms);
    waits.insert(w.count());
  }
  EXPECT_GT(waits.size(), 40u);
  auto other = p;
  other.seed = 100;
  EXPECT_NE(p.backoff(2, 7), other.backoff(2, 7));
}

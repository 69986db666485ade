#include "engine.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <variant>
#include <vector>

#include "answer_codes.hpp"
#include "chart/chart_reader.hpp"
#include "imaging/pacs_reader.hpp"
#include "imaging/report_reader.hpp"
#include "iomtsim/payloads/dicom_instance.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "recording_part.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
namespace ds = sim::device_side;
using physiology::SimTime;
using reports::Outcome;

constexpr std::size_t kFormats = 4;         // transports by scenarios::PayloadFormat
constexpr std::size_t kImaging = kFormats;  // then the imaging target's (DICOMweb)

}  // namespace

struct Engine::Impl {
  Impl(const EngineConfig& c, EngineCounters& k, EngineTotals& t)
      : cfg(c), counters(k), totals(t), timer(io), side(side_config(c)) {
    auto done = [this](OutboundPtr m, const Completion& r) { completed(std::move(m), r); };
    if (cfg.http) transports[0] = make_http_transport(io, *cfg.http, done);
    if (cfg.mllp) transports[1] = make_stream_transport(io, *cfg.mllp, done);
    if (cfg.proto) transports[3] = make_stream_transport(io, *cfg.proto, done);
    if (cfg.mqtt) transports[2] = make_mqtt_transport(io, *cfg.mqtt, side.devices(), done);
    if (cfg.imaging) transports[kImaging] = make_http_transport(io, *cfg.imaging, done);
  }

  ds::DeviceSideConfig side_config(const EngineConfig& c) {
    ds::DeviceSideConfig d;
    d.scenario = c.scenario;
    d.part = c.part;
    d.source = (c.source ? *c.source : fleet_source())(*c.scenario, c.part);
    d.operations = !c.source;  // operations devices come with the scenario's fleet, not recordings
    d.recorder = c.recorder;
    d.end = SimTime{c.scenario->metadata.duration};
    d.epoch_unix_ms = c.epoch_unix_ms;
    d.retry = ds::retry_policy(*c.scenario);
    if (!c.record_part.empty()) {
      record = std::make_unique<RecordingPartWriter>(c.record_part, c.record_header);
      d.tap = [this](const physiology::DeviceOutput& o) {
        std::visit([this](const auto& x) { record->write(x); }, o);
        if (record->checkpoint_due()) record->update_episodes(side.episodes());
      };
    }
    d.hooks.generated = [this](std::size_t n) {
      counters.generated.fetch_add(n, std::memory_order_relaxed);
    };
    d.hooks.final = [this](Outcome o, std::size_t n, std::int64_t latency_ns) {
      if (o == Outcome::Acknowledged) {
        counters.acknowledged.fetch_add(n, std::memory_order_relaxed);
        counters.latency.record(latency_ns);
        if (latency_ns > counters.max_latency_ns.load(std::memory_order_relaxed))
          counters.max_latency_ns.store(latency_ns, std::memory_order_relaxed);
      } else if (o != Outcome::InFlight) {
        counters.errors.fetch_add(n, std::memory_order_relaxed);
      }
    };
    return d;
  }

  // ---- scheduling -----------------------------------------------------------------------
  // Events closer than this are waited for by re-posting pump() rather than a timer.
  static constexpr std::chrono::microseconds kSpinGap{50};
  // Steps per slice when behind: small enough that answers waiting on the sockets are
  // read between slices (a connection idles while its answer waits), large enough to
  // amortise the round through the event loop.
  static constexpr int kSliceSteps = 256;

  void pump() {
    if (finishing) return;
    if (stopping) return begin_finish();
    const SimTime now = cfg.clock->to_scenario(Steady::now());
    for (int budget = kSliceSteps; budget > 0; --budget) {
      const SimTime t = side.next_time();
      if (t == SimTime::max()) return begin_finish();
      if (t > now) {
        const auto due = cfg.clock->to_wall(t);
        if (due - Steady::now() < kSpinGap) {
          // Due within a few microseconds: arming the timer costs a timerfd_settime per
          // event at tens of thousands of messages a second; let the loop come round.
          asio::post(io, [this] { pump(); });
          return;
        }
        timer.expires_at(due);
        timer.async_wait([this](boost::system::error_code ec) {
          if (!ec) pump();
        });
        return;
      }
      side.step(t, departed);
      for (auto& m : departed) carry(std::move(m));
      departed.clear();
    }
    asio::post(io, [this] { pump(); });  // a backlog: let the sockets run between slices
  }

  // A message leaves now: to its protocol's transport, or failed when no endpoint is
  // configured for it.
  void carry(ds::MessagePtr m) {
    auto o = std::make_unique<Outbound>(std::move(m));
    o->due = cfg.clock->to_wall(o->msg->departs);
    counters.messages_sent.fetch_add(1, std::memory_order_relaxed);
    auto& t = transports.at(o->msg->dicomweb ? kImaging : static_cast<std::size_t>(o->msg->format));
    if (!t) {
      const auto now = Steady::now();
      o->written = now;
      return completed(std::move(o), Completion{Outcome::Failed, 0, now});
    }
    t->send(std::move(o));
  }

  // Scenario-time stamps of a wall instant, per the latency convention (run_options.hpp).
  static SimTime stamp(const Outbound& m, Steady::time_point wall) {
    return m.msg->departs + std::chrono::duration_cast<physiology::Duration>(wall - m.due);
  }

  void completed(OutboundPtr m, const Completion& r) {
    if (r.status) ++totals.http_status[r.status];
    if (m->retried) ++resends;  // the transport wrote it twice (a stale keep-alive connection)
    note_answer(totals.outcome_codes, r, m->readings().size());
    if (cfg.chart && r.outcome == Outcome::Acknowledged &&
        m->msg->format == scenarios::PayloadFormat::FhirR4 && !m->readings().empty())
      cfg.chart->acknowledged(m->readings());
    if (cfg.pacs && r.outcome == Outcome::Acknowledged && m->msg->dicomweb && m->msg->ops)
      if (const auto* img = std::get_if<physiology::ops::ImagingResult>(&*m->msg->ops))
        cfg.pacs->acknowledged(
            img->id, payloads::dicom_identity(*img, cfg.scenario->metadata.seed).study_uid,
            img->acquired_time);
    if (cfg.reports && r.outcome == Outcome::Acknowledged &&
        m->msg->kind == ds::MessageKind::ImagingReport && m->msg->ops)
      if (const auto* img = std::get_if<physiology::ops::ImagingResult>(&*m->msg->ops))
        cfg.reports->acknowledged(img->id, img->acquired_time);
    const auto written = m->written == Steady::time_point{} ? r.at : m->written;
    totals.send_lateness.record(std::max<std::int64_t>(
        1000, std::chrono::duration_cast<std::chrono::nanoseconds>(written - m->due).count()));
    ds::Result res;
    res.outcome = r.outcome;
    res.status = r.status;
    res.sent = stamp(*m, written);
    res.at = stamp(*m, r.at);
    // The wall instant of `sent`, so alerts on these readings get the same stamping.
    res.sent_wall_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(written.time_since_epoch()).count();
    res.answer_body = std::move(m->answer);
    res.retryable = r.retryable;
    // The target's Retry-After is wall time; the device waits in scenario time.
    if (r.retry_after)
      res.retry_after =
          std::chrono::duration_cast<physiology::Duration>(std::chrono::duration<double, std::nano>(
              static_cast<double>(r.retry_after->count()) * cfg.clock->speed()));
    side.finish(std::move(m->msg), res);
  }

  // ---- the end ------------------------------------------------------------------------
  void begin_finish() {
    if (finishing) return;
    finishing = true;
    timer.cancel();
    drain_deadline = Steady::now() + cfg.drain_timeout;
    poll_drain();
  }

  void poll_drain() {
    // An answer heard while draining may have scheduled a retry: the run goes on for it
    // (unless a stop was asked: then what waits for a retry is in flight at the end).
    if (!stopping && side.next_time() != SimTime::max()) {
      finishing = false;
      return pump();
    }
    std::size_t open = 0;
    for (auto& t : transports)
      if (t) open += t->in_flight();
    if (open == 0 || Steady::now() >= drain_deadline) return finalize();
    timer.expires_after(std::chrono::milliseconds(5));
    timer.async_wait([this](boost::system::error_code) { poll_drain(); });
  }

  // Still unanswered when the run ended.
  void in_flight(OutboundPtr m) {
    ds::Result res;
    res.outcome = Outcome::InFlight;
    res.sent = m->written == Steady::time_point{} ? m->msg->intended : stamp(*m, m->written);
    res.at = res.sent;
    side.finish(std::move(m->msg), res);
  }

  void finalize() {
    for (auto& t : transports) {
      if (!t) continue;
      for (auto& m : t->abandon()) in_flight(std::move(m));
      totals.reconnects += t->reconnects();
      for (const auto& [reason, n] : t->tls_failures()) totals.tls_failures[reason] += n;
    }
    totals.sections = side.close();
    // What the transport wrote again on its own is an attempt and a retry like the device
    // side's.
    totals.sections.delivery.attempts += resends;
    totals.sections.delivery.retries += resends;
    if (record) {
      record->update_episodes(totals.sections.episodes);
      record_ok = record->close();
    }
    timer.cancel();
    io.stop();
  }

  EngineConfig cfg;
  EngineCounters& counters;
  EngineTotals& totals;
  asio::io_context io{1};
  asio::steady_timer timer;
  std::unique_ptr<RecordingPartWriter> record;  // --record: this thread's part; before side
  bool record_ok = true;
  ds::DeviceSide side;
  std::array<std::unique_ptr<Transport>, kFormats + 1> transports;
  std::vector<ds::MessagePtr> departed;
  std::uint64_t resends = 0;
  bool stopping = false;
  bool finishing = false;
  Steady::time_point drain_deadline{};
};

Engine::Engine(const EngineConfig& config)
    : impl_(std::make_unique<Impl>(config, counters_, totals_)) {}
Engine::~Engine() = default;

void Engine::run() {
  for (auto& t : impl_->transports)
    if (t) t->start();
  asio::post(impl_->io, [this] { impl_->pump(); });
  impl_->io.run();
}

bool Engine::record_ok() const { return impl_->record_ok; }

void Engine::request_stop() {
  asio::post(impl_->io, [this] {
    impl_->stopping = true;
    if (!impl_->finishing) {
      impl_->timer.cancel();
      impl_->begin_finish();
    }
  });
}

}  // namespace iomtsim::loadgen::detail

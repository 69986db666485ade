#include "iomtsim/loadgen/run.hpp"

#include "iomtsim/loadgen/local_broker.hpp"
#include "iomtsim/sim/run_frame.hpp"

#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

#include "chart/chart_reader.hpp"
#include "connect/secrets.hpp"
#include "engine.hpp"
#include "imaging/pacs_reader.hpp"
#include "imaging/report_reader.hpp"
#include "iomtsim/loadgen/accelerated_clock.hpp"
#include "iomtsim/payloads/dicom_stow.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/sim/news2_scales.hpp"
#include "progress.hpp"
#include "recording_merge.hpp"
#include "recording_part.hpp"
#include "target_access.hpp"

namespace iomtsim::loadgen {
namespace {

using Steady = std::chrono::steady_clock;
namespace ts = reference_target;

std::filesystem::path default_out_dir() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char name[32];
  std::strftime(name, sizeof name, "%Y%m%dT%H%M%SZ", &utc);
  return std::filesystem::path("iomtsim-runs") / name;
}

bool sends_mqtt(const scenarios::Scenario& s) {
  for (const auto& c : s.cohorts)
    for (const auto& d : c.devices)
      if (d.format == scenarios::PayloadFormat::MqttJson) return true;
  return false;
}

ts::TargetConfig embedded_config(const scenarios::Scenario& s, const RunOptions& o) {
  ts::TargetConfig cfg = o.embedded_target ? *o.embedded_target
                         : s.target.config_file.empty()
                             ? ts::loopback_ephemeral_config()
                             : ts::load_target_config(s.target.config_file);
  sim::apply_spo2_targets(s, cfg.rules);  // cohorts with `spo2_target: 88-92 %`: Scale 2
  for (auto* l : {&cfg.mllp, &cfg.proto}) {
    l->host = "127.0.0.1";
    l->port = 0;
  }
  cfg.http.host = "127.0.0.1";
  cfg.http.port = 0;
  cfg.http.tls.enabled = false;
  if (s.target.mqtt) {  // ingest from the scenario's broker
    cfg.mqtt.enabled = true;
    cfg.mqtt.broker_host = s.target.mqtt->host;
    cfg.mqtt.broker_port = s.target.mqtt->port;
    cfg.mqtt.qos = s.target.mqtt_qos;
    cfg.mqtt.tls.enabled = s.target.mqtt->tls;
    cfg.mqtt.tls.ca_file = s.target.mqtt_ca_file;
  }
  return cfg;
}

// Where each protocol goes: the embedded target's ports or the scenario's endpoints.
struct Endpoints {
  std::optional<detail::HttpTarget> http;
  std::optional<detail::StreamTarget> mllp, proto;
  std::optional<detail::MqttTarget> mqtt;
  std::optional<detail::HttpTarget> imaging;
};

// How MQTT device connections open: per engine thread, every `interval` (--connect-rate),
// else evenly over `span` (the scenario's ramp_up in wall time), else at first message.
struct MqttRamp {
  std::chrono::nanoseconds interval{}, span{};
  std::vector<std::string> sources;
};

Endpoints endpoints(const scenarios::Scenario& s, const ts::TargetServer* server,
                    std::int64_t epoch, std::chrono::nanoseconds ramp_interval,
                    unsigned connections, const MqttRamp& mqtt_ramp,
                    const detail::TargetAccess& access, double device_time_scale) {
  Endpoints e;
  const auto timeout = s.target.request_timeout;
  auto http = [&](std::string host, std::uint16_t port, std::string base, bool tls = false) {
    e.http = detail::HttpTarget{std::move(host), port,        std::move(base),
                                timeout,         connections, ramp_interval,
                                epoch,           tls,         detail::http_tls(s.target)};
    e.http->credentials = access.fhir_credentials;
    e.http->device_time_scale = device_time_scale;
    if (access.provisioned) e.http->refs = access.provisioned->refs;
    if (s.target.http && !server) {
      switch (s.target.http->fhir_write) {
        case scenarios::FhirWrite::Post:
          e.http->write = payloads::FhirWrite::Post;
          break;
        case scenarios::FhirWrite::ConditionalCreate:
          e.http->write = payloads::FhirWrite::ConditionalCreate;
          break;
        case scenarios::FhirWrite::Put:
          e.http->write = payloads::FhirWrite::Put;
          break;
      }
    }
    // The run's part of the delivery key: its start, unique to the run on a server.
    e.http->delivery_run = static_cast<std::uint64_t>(epoch);
    // The device side retries (and counts) what a stale keep-alive connection lost.
    e.http->resend_stale = s.target.retry.attempts <= 1;
  };
  auto stream = [&](detail::StreamKind k, std::string host, std::uint16_t port,
                    const scenarios::Endpoint* ep = nullptr) {
    detail::StreamTarget st{k, std::move(host), port, timeout, epoch};
    if (ep && ep->tls) {
      st.tls = true;
      st.tls_settings = detail::TlsClientSettings::from(ep->connection);
    }
    return st;
  };
  if (s.target.mqtt) {  // a broker, for the embedded target as for any other
    detail::MqttTarget m;
    m.host = s.target.mqtt->host;
    m.port = s.target.mqtt->port;
    m.topic = s.target.mqtt_topic;
    m.qos = s.target.mqtt_qos;
    m.timeout = timeout;
    m.client_id = s.target.mqtt_client_id;
    m.keepalive = std::chrono::duration_cast<std::chrono::seconds>(s.target.mqtt_keepalive);
    m.clean_session = s.target.mqtt_clean_session;
    m.version = s.target.mqtt_version == 5 ? detail::MqttVersion::V5 : detail::MqttVersion::V311;
    m.tls = s.target.mqtt->tls;
    m.tls_settings = detail::mqtt_tls(s.target);
    m.username = s.target.mqtt->connection.username;
    if (!s.target.mqtt->connection.password.empty())
      m.password = detail::read_secret(s.target.mqtt->connection.password, "the MQTT password");
    m.connect_interval = mqtt_ramp.interval;
    m.ramp_up = mqtt_ramp.span;
    m.source_addresses = mqtt_ramp.sources;
    e.mqtt = m;
  }
  if (s.target.imaging) {  // a PACS, for the embedded target as for any other
    const auto& im = *s.target.imaging;
    // https to a PACS verifies against the system trust store: target.imaging has no CA,
    // client certificate or credentials keys yet.
    detail::HttpTarget h{im.host,       im.port, im.base_path, timeout, connections,
                         ramp_interval, epoch,   im.tls,       {}};
    h.content_type = payloads::stow_content_type();
    h.accept = "application/dicom+json";
    h.protocol = "dicomweb";
    h.stow_answers = true;
    h.resend_stale = s.target.retry.attempts <= 1;
    e.imaging = std::move(h);
  }
  if (server) {
    const auto p = server->ports();
    if (p.http) http("127.0.0.1", p.http, server->config().http.fhir_base_path);
    if (p.mllp) e.mllp = stream(detail::StreamKind::Mllp, "127.0.0.1", p.mllp);
    if (p.proto) e.proto = stream(detail::StreamKind::Proto, "127.0.0.1", p.proto);
    return e;
  }
  if (s.target.http)
    http(s.target.http->host, s.target.http->port, s.target.fhir_base_path, s.target.http->tls);
  if (s.target.mllp)
    e.mllp =
        stream(detail::StreamKind::Mllp, s.target.mllp->host, s.target.mllp->port, &*s.target.mllp);
  if (s.target.protobuf)
    e.proto = stream(detail::StreamKind::Proto, s.target.protobuf->host, s.target.protobuf->port,
                     &*s.target.protobuf);
  return e;
}

}  // namespace

std::string run_mode_name(double speed) {
  if (speed == 1.0) return "realtime";
  char buf[48];
  std::snprintf(buf, sizeof buf, "accelerated \xC3\x97%g", speed);
  return buf;
}
RunResult run(const scenarios::Scenario& input, const RunOptions& options) {
  // Each engine thread allocates and frees a few small objects per message; glibc then
  // trims and regrows the thread's arena over and over (measured: 0.4 mprotect calls per
  // request at 30k requests/s). Keep freed memory up to 64 MiB instead of trimming.
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
  std::ostream& log = options.log ? *options.log : std::cerr;
  const double speed = options.speed.value_or(
      input.time.mode == scenarios::TimeMode::RealTime ? 1.0 : input.time.speed);
  if (!(speed > 0.0)) throw RunError("speed must be positive");
  std::unique_ptr<sim::RunFrame> frame_ptr;
  try {
    frame_ptr = std::make_unique<sim::RunFrame>(
        input,
        sim::FrameOptions{.mode = run_mode_name(speed),
                          .shard = options.shard,
                          .duration = options.duration,
                          .patients = options.patients,
                          .extra_expectations = options.extra_expectations,
                          .utility_rules = options.utility_rules,
                          .trigger_lookback = options.trigger_lookback > 0
                                                  ? options.trigger_lookback
                                                  : detail::trigger_lookback_for(input, speed),
                          .stop = options.stop});
  } catch (const sim::FrameError& e) {
    throw RunError(e.what());
  }
  sim::RunFrame& frame = *frame_ptr;
  scenarios::Scenario& scenario = frame.scenario();
  // MQTT devices talking to the embedded target need a broker between them; when the
  // scenario names none, a mosquitto on loopback serves for the length of the run (it is
  // declared before the target and the engines, so it stops after them).
  // Each MQTT device holds its own connection: as many descriptors as the hard limit allows.
  if (sends_mqtt(scenario)) detail::raise_open_file_limit();
  std::unique_ptr<LocalBroker> broker;
  if (scenario.target.embedded && !scenario.target.mqtt &&
      (sends_mqtt(scenario) || !scenario.target.alert_mqtt_topic.empty())) {
    try {
      broker = std::make_unique<LocalBroker>();
    } catch (const LocalBrokerError& e) {
      throw RunError(std::string("the scenario's MQTT devices need a broker: ") + e.what());
    }
    scenario.target.mqtt = scenarios::Endpoint{"127.0.0.1", broker->port(), false};
  }

  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  reports::Recorder& recorder = frame.recorder();

  const auto epoch_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  AcceleratedClock clock(Steady::now(), speed);  // reset below, once the engines are built

  // --record: parts written while the run goes on (recording_part.hpp), so a killed run
  // leaves a recoverable recording; an older recording of the same name goes first.
  const payloads::RecordingHeader record_header{scenario.metadata.name, scenario.metadata.seed,
                                                epoch_unix_ms, "iomtsim run"};
  std::unique_ptr<detail::RecordingPartWriter> alert_part;
  if (!options.record.empty()) {
    detail::clear_recording(options.record);
    if (options.record.has_parent_path())
      std::filesystem::create_directories(options.record.parent_path());
    try {
      alert_part = std::make_unique<detail::RecordingPartWriter>(
          detail::recording_alerts_path(options.record), record_header);
    } catch (const std::exception& e) {
      throw RunError(e.what());
    }
  }

  reports::RecorderShard& alert_shard = recorder.make_shard();
  // Credentials, provisioning and the alert channels (target_access.hpp); the errors they
  // throw say what is wrong without any secret.
  detail::TargetAccess access;
  try {
    access = detail::connect_target(scenario, options.shard, log);
  } catch (const std::exception& e) {
    throw RunError(detail::redact(e.what()));
  }
  // Alerts carry the instant they count as received on the steady clock, so the recorder
  // stamps them like readings (scenario arrival of the trigger + real elapsed time), not with
  // the speed-up applied. Channels hear alerts on their own threads: the recording part takes
  // one writer at a time.
  std::mutex alert_part_mutex;
  auto capture_setup = detail::alert_capture_setup(scenario, access);
  capture_setup.shard = options.shard;
  detail::AlertCapture capture(
      std::move(capture_setup),
      [&](const physiology::Alert& a, std::int64_t wall_ns) {
        alert_shard.on_alert(a, wall_ns);
        if (alert_part) {
          std::lock_guard lock(alert_part_mutex);
          alert_part->write(a);
        }
      },
      [&](Steady::time_point t) { return clock.to_scenario(t); });
  try {
    capture.start_listeners();
  } catch (const std::exception& e) {  // a port that cannot be bound
    throw RunError(std::string("alert listeners: ") + e.what());
  }
  if (options.on_alert_listeners) {
    const auto url = capture.webhook_url();
    const auto colon = url.rfind(':');
    options.on_alert_listeners(
        url.empty() ? 0 : static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1))),
        capture.pcd04_port());
  }

  std::unique_ptr<ts::TargetServer> server;
  std::optional<detail::Url> embedded_fhir;
  if (scenario.target.embedded) {
    auto cfg = embedded_config(scenario, options);
    detail::point_embedded_alerts(cfg, scenario, capture, access);
    cfg.epoch_unix_ms = epoch_unix_ms;
    server = std::make_unique<ts::TargetServer>(cfg);
    server->start();
    if (cfg.mqtt.enabled && !server->mqtt_ready()) {
      const auto why = server->mqtt_tls_error();
      log << "embedded target: not subscribed to the MQTT broker yet"
          << (why.empty() ? "" : ": " + why) << '\n';
    }
    if (server->ports().http)
      embedded_fhir = detail::Url{false, "127.0.0.1", server->ports().http,
                                  server->config().http.fhir_base_path};
  }
  try {
    capture.start_readers(epoch_unix_ms * 1'000'000, log, embedded_fhir);
  } catch (const std::exception& e) {  // TLS files of the FHIR or MQTT endpoint
    throw RunError(detail::redact(e.what()));
  }

  // Connection ramp-up: per thread, connection i opens i * interval after the start.
  double rate = options.connect_rate_per_s;
  if (rate <= 0.0 && scenario.time.ramp_up.count() > 0)
    rate = threads * options.connections / (physiology::to_seconds(scenario.time.ramp_up) / speed);
  const auto ramp_interval =
      rate > 0.0 ? std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * threads / rate))
                 : std::chrono::nanoseconds{0};
  MqttRamp mqtt_ramp;
  mqtt_ramp.sources = options.mqtt_source_addresses;
  if (options.connect_rate_per_s > 0.0)
    mqtt_ramp.interval = std::chrono::nanoseconds(
        static_cast<std::int64_t>(1e9 * threads / options.connect_rate_per_s));
  else if (scenario.time.ramp_up.count() > 0)
    mqtt_ramp.span = std::chrono::nanoseconds(
        static_cast<std::int64_t>(static_cast<double>(scenario.time.ramp_up.count()) / speed));
  // Wall-clock stamps: device time / speed from the epoch, about when the reading is really
  // sent (scoring keeps scenario time).
  const bool wall_stamps = options.wall_clock_stamps || scenario.time.wall_clock_stamps;
  const double device_time_scale = wall_stamps ? 1.0 / speed : 1.0;
  const auto eps = endpoints(scenario, server.get(), epoch_unix_ms, ramp_interval,
                             options.connections, mqtt_ramp, access, device_time_scale);

  // Scenario instant -> wall instant (Unix ns), through the steady clock the engines run on.
  auto unix_ns_of = [&clock](physiology::SimTime t) {
    const auto unix_now = std::chrono::system_clock::now();
    const auto steady_now = Steady::now();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(unix_now.time_since_epoch() +
                                                                (clock.to_wall(t) - steady_now))
        .count();
  };
  // The chart read-back (chart/chart_reader.hpp): the FHIR server the readings went to.
  std::unique_ptr<detail::ChartReader> chart;
  if (scenario.target.read_back) {
    detail::ChartReaderSetup cs;
    const auto fhir = embedded_fhir ? embedded_fhir : access.fhir;
    if (!fhir) throw RunError("read_back: the target has no FHIR server to search");
    cs.fhir = *fhir;
    if (!embedded_fhir) {
      cs.tls = access.fhir_tls;
      cs.creds = access.fhir_credentials;
    }
    cs.spec = *scenario.target.read_back;
    cs.directory = access.directory;
    cs.shard = options.shard;
    cs.epoch_unix_ms = epoch_unix_ms;
    cs.device_time_scale = device_time_scale;
    cs.unix_ns_of = unix_ns_of;
    try {
      chart = std::make_unique<detail::ChartReader>(std::move(cs));
    } catch (const std::exception& e) {  // TLS files of the FHIR endpoint
      throw RunError(detail::redact(e.what()));
    }
    chart->start(epoch_unix_ms * 1'000'000);
  }

  // Result to PACS (imaging/pacs_reader.hpp): QIDO-RS on the PACS the studies went to.
  std::unique_ptr<detail::PacsReader> pacs;
  if (const auto& im = scenario.target.imaging) {
    detail::PacsReaderSetup ps;
    ps.dicomweb = detail::Url{im->tls, im->host, im->port, im->base_path};
    ps.unix_ns_of = unix_ns_of;
    try {
      pacs = std::make_unique<detail::PacsReader>(std::move(ps));
    } catch (const std::exception& e) {  // TLS settings of the PACS
      throw RunError(detail::redact(e.what()));
    }
    pacs->start();
  }
  // Result to chart (imaging/report_reader.hpp): the stored studies' DiagnosticReports
  // searched in the FHIR target they went to. The reference target takes them but has no
  // DiagnosticReport search: measured against an external FHIR server only.
  std::unique_ptr<detail::ReportReader> reports;
  if (scenario.target.imaging && !embedded_fhir && access.fhir) {
    detail::ReportReaderSetup rs;
    rs.fhir = *access.fhir;
    rs.tls = access.fhir_tls;
    rs.creds = access.fhir_credentials;
    rs.unix_ns_of = unix_ns_of;
    try {
      reports = std::make_unique<detail::ReportReader>(std::move(rs));
    } catch (const std::exception& e) {  // TLS files of the FHIR endpoint
      throw RunError(detail::redact(e.what()));
    }
    reports->start();
  }

  std::vector<std::unique_ptr<detail::Engine>> engines;
  std::vector<std::filesystem::path> record_parts;
  for (unsigned i = 0; i < threads; ++i) {
    detail::EngineConfig ec;
    ec.scenario = &scenario;
    ec.part = sim::ShardSpec{options.shard.index + i * options.shard.count,
                             options.shard.count * threads};
    if (options.source) ec.source = &options.source;
    if (!options.record.empty()) {
      ec.record_part = detail::recording_part_path(options.record, i);
      ec.record_header = record_header;
      record_parts.push_back(ec.record_part);
    }
    ec.clock = &clock;
    ec.recorder = &recorder;
    ec.http = eps.http;
    ec.mllp = eps.mllp;
    ec.proto = eps.proto;
    ec.mqtt = eps.mqtt;
    ec.imaging = eps.imaging;
    ec.epoch_unix_ms = epoch_unix_ms;
    ec.drain_timeout = options.drain_timeout;
    ec.chart = chart.get();
    ec.pacs = pacs.get();
    ec.reports = reports.get();
    try {
      engines.push_back(std::make_unique<detail::Engine>(ec));
    } catch (const detail::TransportError& e) {  // e.g. an https CA file that does not load
      throw RunError(e.what());
    } catch (const detail::TlsSetupError& e) {  // TLS files of the MQTT or stream endpoints
      throw RunError(e.what());
    } catch (const std::runtime_error& e) {  // e.g. a recording part that cannot be created
      throw RunError(e.what());
    }
  }

  // Scenario time zero is set only now that the fleets are built (that takes a while for
  // big fleets and must not make the first readings late), a little ahead so the first
  // connections are open when it comes. Nothing reads the clock yet: the engines have not
  // started and no alert can arrive before a reading went out.
  clock = AcceleratedClock(Steady::now() + std::chrono::milliseconds(200), speed);
  const auto wall_start = Steady::now();
  std::atomic<unsigned> running{threads};
  std::atomic<bool> engine_failed{false};
  std::vector<std::thread> workers;
  // An exception leaving a thread would be std::terminate: each engine's is kept, the
  // others are stopped, and run() throws it as a RunError once every thread is joined.
  std::vector<std::exception_ptr> failures(engines.size());
  for (std::size_t i = 0; i < engines.size(); ++i)
    workers.emplace_back([&e = engines[i], &failure = failures[i], &running, &engine_failed] {
      try {
        e->run();
      } catch (...) {
        failure = std::current_exception();
        engine_failed.store(true);
      }
      running.fetch_sub(1);
    });

  // Control loop on this thread: stop requests and progress. A stop requested before the
  // run started is seen at once.
  detail::Progress progress(log, detail::resolve_progress_mode(options.progress, log));
  bool stopped = false;
  auto next_print = wall_start + std::chrono::seconds(1);
  auto sample = [&] {
    detail::ProgressSample s;
    s.elapsed_s = std::chrono::duration<double>(Steady::now() - wall_start).count();
    s.scenario_s = std::max(0.0, physiology::to_seconds(clock.now()));
    s.scenario_total_s = physiology::to_seconds(scenario.metadata.duration);
    std::int64_t max_lat = 0;
    std::array<std::uint64_t, detail::LiveLatency::kBuckets> buckets{};
    for (auto& e : engines) {
      e->counters().latency.add_to(buckets);
      auto& c = const_cast<detail::EngineCounters&>(e->counters());
      s.generated += c.generated.load(std::memory_order_relaxed);
      s.messages_sent += c.messages_sent.load(std::memory_order_relaxed);
      s.acknowledged += c.acknowledged.load(std::memory_order_relaxed);
      s.errors += c.errors.load(std::memory_order_relaxed);
      max_lat = std::max(max_lat, c.max_latency_ns.exchange(0, std::memory_order_relaxed));
    }
    s.alerts = capture.scored();
    s.max_latency_s = static_cast<double>(max_lat) * 1e-9;
    s.p50_latency_s = static_cast<double>(detail::live_percentile(buckets, 50)) * 1e-9;
    s.p99_latency_s = static_cast<double>(detail::live_percentile(buckets, 99)) * 1e-9;
    return s;
  };
  while (running.load() > 0) {
    if (!stopped && (frame.check_stop(clock.now()) || engine_failed.load())) {
      stopped = true;
      for (auto& e : engines) e->request_stop();
    }
    if (Steady::now() >= next_print) {
      progress.print(sample());
      next_print += std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(stopped ? 5 : 50));
  }
  for (auto& w : workers) w.join();
  progress.finish();
  for (const auto& f : failures) {
    if (!f) continue;
    if (chart) chart->stop();
    if (pacs) pacs->stop();
    if (reports) reports->stop();
    if (server) server->stop();
    capture.stop();
    try {
      std::rethrow_exception(f);
    } catch (const std::bad_alloc&) {
      throw RunError(
          "an engine thread ran out of memory (std::bad_alloc): the fleet needs more than "
          "this machine has; run it in shards (--shard K/N)");
    } catch (const std::exception& e) {
      throw RunError(std::string("an engine thread failed: ") + e.what());
    }
  }
  // Alerts for the last readings may still be on their way: a short grace period, then the
  // last polling rounds (the target still up), then the channels close.
  std::this_thread::sleep_for(std::chrono::milliseconds(stopped ? 0 : 300));
  // The chart read-back settles beside the last alert polling rounds (the target still up).
  if (chart) chart->finish();
  if (pacs) pacs->finish();
  if (reports) reports->finish();
  capture.finish(Steady::now() + (stopped ? std::chrono::seconds(2) : std::chrono::seconds(15)),
                 log);
  if (chart) {
    if (stopped) chart->stop();  // an interrupted run does not wait for the record to settle
    chart->join();
  }
  if (pacs) {
    if (stopped) pacs->stop();
    pacs->join();
  }
  if (reports) {
    if (stopped) reports->stop();
    reports->join();
  }
  if (server) server->stop();
  capture.stop();

  RunResult result;
  result.wall_seconds = std::chrono::duration<double>(Steady::now() - wall_start).count();
  result.alerts_received = capture.scored();
  const auto capture_stats = capture.stats();
  result.alert_capture = detail::capture_counts(capture_stats);
  detail::finish_target(scenario, access, result.provisioned, log);
  if (access.fhir_credentials) result.tokens_fetched = access.fhir_credentials->tokens_fetched();
  std::vector<sim::device_side::Sections> sections;
  for (auto& e : engines) {
    const auto& t = e->totals();
    for (auto [status, n] : t.http_status) result.http_status[status] += n;
    result.waveform_blocks_skipped += t.sections.waveforms.not_sent;
    result.reconnects += t.reconnects;
    for (const auto& [reason, n] : t.tls_failures) result.tls_failures[reason] += n;
    result.send_lateness.merge(t.send_lateness);
    result.messages_sent += e->counters().messages_sent.load();
    result.delivery.attempts += t.sections.delivery.attempts;
    result.delivery.retries += t.sections.delivery.retries;
    result.delivery.retries_exhausted += t.sections.delivery.retries_exhausted;
    sections.push_back(t.sections);
    sections.back().outcome_codes =
        t.outcome_codes;  // the transports heard them, not the device side
  }
  if (pacs) {  // result to PACS onto the imaging records (each is in one engine's section)
    const auto found = pacs->found();
    for (auto& sec : sections)
      for (auto& rec : sec.ops.imaging)
        if (auto it = found.find(rec.id); it != found.end()) rec.to_pacs_ns = it->second;
    if (const auto e = pacs->first_error(); !e.empty()) log << "PACS confirmation: " << e << '\n';
    if (const auto n = pacs->unconfirmed())
      log << "PACS confirmation: " << n << " acknowledged imaging result" << (n == 1 ? "" : "s")
          << " not found by QIDO-RS\n";
  }
  if (reports) {  // result to chart likewise
    const auto found = reports->found();
    for (auto& sec : sections)
      for (auto& rec : sec.ops.imaging)
        if (auto it = found.find(rec.id); it != found.end()) rec.to_chart_ns = it->second;
    if (const auto e = reports->first_error(); !e.empty()) log << "result to chart: " << e << '\n';
    if (const auto n = reports->unconfirmed())
      log << "result to chart: " << n << " acknowledged imaging report" << (n == 1 ? "" : "s")
          << " not found by FHIR search\n";
  }
  if (chart) {
    sim::device_side::Sections read_back;
    read_back.chart = chart->report();
    sections.push_back(std::move(read_back));
    if (const auto e = chart->first_error(); !e.empty()) log << "chart read-back: " << e << '\n';
  }
  result.report = frame.finish(std::move(sections));
  result.interrupted = result.report.interrupted.has_value();
  result.verdict = reports::decide(result.report);
  result.exit_code = result.verdict.exit_code;
  for (const auto& t : result.report.thresholds)
    if (!t.passed) result.failed.push_back(t);

  if (!options.record.empty()) {
    for (auto& e : engines)
      if (!e->record_ok())
        throw RunError("writing the recording parts of " + options.record.string() + " failed");
    if (alert_part && !alert_part->close())
      throw RunError("writing " + alert_part->path().string() + " failed");
    try {
      const auto n =
          detail::merge_recording_parts(record_parts, record_header, result.report.episodes,
                                        result.report.alerts, options.record);
      log << "recording: " << options.record.string() << " (" << n.readings << " readings, "
          << n.episodes << " episodes, " << n.alerts << " alerts)\n";
    } catch (const std::exception& e) {
      throw RunError(e.what());
    }
  }
  if (options.write_files)
    result.out_dir = options.out_dir.empty() ? default_out_dir() : options.out_dir;
  if (!result.report.waveforms.empty()) {
    const auto& w = result.report.waveforms;
    log << "waveform blocks " << w.delivery.generated << ", acknowledged "
        << w.delivery[reports::Outcome::Acknowledged] << " (" << w.samples_acknowledged
        << " samples)";
    if (w.not_sent) log << ", " << w.not_sent << " not sent";
    log << '\n';
  }
  for (const auto& [reason, n] : result.tls_failures)
    log << "TLS handshake with the target failed " << n << " time" << (n == 1 ? "" : "s") << ": "
        << reason << '\n';
  {
    const auto& c = result.alert_capture;
    if (c.unmapped || c.refused || c.unreadable || c.duplicates)
      log << "alerts heard " << c.heard << ": " << c.duplicates << " heard twice, " << c.unmapped
          << " naming no patient of the fleet"
          << (capture_stats.first_unmapped.empty()
                  ? ""
                  : " (first: " + capture_stats.first_unmapped + ")")
          << ", " << c.unreadable << " unreadable, " << c.refused
          << " webhook requests refused (no shared secret)\n";
    if (c.other_shards)
      log << "alerts about other shards' patients (not scored here): " << c.other_shards << '\n';
    if (!capture_stats.first_error.empty())
      log << "alert polling: " << capture_stats.first_error << '\n';
    if (const auto auth = result.report.outcome_codes.auth_failures())
      for (const auto& e : result.report.outcome_codes.errors)
        if (e.kind == "auth") {
          log << "AUTHENTICATION FAILED: " << auth << " messages refused (" << e.protocol << " "
              << e.code << "): " << e.text << '\n';
          break;
        }
  }
  sim::write_outputs(result.report, result.verdict, result.out_dir, &log);
  return result;
}

}  // namespace iomtsim::loadgen

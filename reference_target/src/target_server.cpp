// Assembly of the target: config → pipeline, sinks, listeners, threads; and the crash
// fault. Destruction order matters: sessions left in the io_context are destroyed with
// it and still touch the metrics, the registry and ingest, so the io_context goes first.
#include "iomtsim/reference_target/target_server.hpp"

#include <sys/resource.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <condition_variable>
#include <optional>
#include <sstream>
#include <thread>

#include "alert_sinks.hpp"
#include "context.hpp"
#include "flag_store.hpp"
#include "mqtt_client.hpp"
#include "record_store.hpp"
#include "store_writer.hpp"

namespace iomtsim::reference_target {

namespace asio = boost::asio;

namespace {

// Descriptors the target needs besides client connections: its listeners, the MQTT and
// webhook sockets, the TLS and config files it reads, the io_context's own, stdio.
constexpr std::size_t kReservedDescriptors = 64;

// Raises the open-file soft limit to the hard limit (the default soft limit, often 1024,
// is what let a thousand idle sockets lock every other client out), and returns how many
// connections fit under it. Process-wide, and harmless to repeat.
std::size_t raise_descriptor_limit(const Log& log) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < r.rlim_max) {
    rlimit want = r;
    want.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0)
      r = want;
    else
      log.warn("rlimit_nofile_not_raised", {{"soft", static_cast<std::uint64_t>(r.rlim_cur)}});
  }
  if (r.rlim_cur == RLIM_INFINITY) return 0;
  const auto soft = static_cast<std::size_t>(r.rlim_cur);
  return soft > 2 * kReservedDescriptors ? soft - kReservedDescriptors : kReservedDescriptors;
}

ConnectionRegistry::Limits connection_limits(const TargetConfig& cfg, const Log& log) {
  ConnectionRegistry::Limits l;
  l.total = cfg.limits.max_connections;
  if (const std::size_t fit = raise_descriptor_limit(log); fit != 0 && l.total > fit) {
    log.warn("max_connections_lowered",
             {{"configured", static_cast<std::uint64_t>(l.total)},
              {"open_file_limit_allows", static_cast<std::uint64_t>(fit)}});
    l.total = fit;
  }
  l.per_protocol[static_cast<std::size_t>(Protocol::Http)] = cfg.http.max_connections;
  l.per_protocol[static_cast<std::size_t>(Protocol::Mllp)] = cfg.mllp.max_connections;
  l.per_protocol[static_cast<std::size_t>(Protocol::Proto)] = cfg.proto.max_connections;
  return l;
}

}  // namespace

std::string ready_line(const TargetPorts& p) {
  std::ostringstream out;
  out << R"({"http_port":)" << p.http << R"(,"mllp_port":)" << p.mllp << R"(,"proto_port":)"
      << p.proto << '}';
  return out.str();
}

struct TargetServer::Impl {
  explicit Impl(TargetConfig c)
      : cfg(std::move(c)),
        log(cfg.log_level),
        connections(connection_limits(cfg, log), metrics),
        bodies(cfg.limits.body_memory_budget_bytes, metrics.body_bytes_in_flight) {}

  TargetConfig cfg;
  Log log;
  Metrics metrics;
  std::atomic<bool> crashed{false};
  ConnectionRegistry connections;
  BodyBudget bodies;
  FanOutSink sinks;
  std::unique_ptr<Faults> faults;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<Ingest> ingest;
  std::unique_ptr<OpsStore> ops;
  std::unique_ptr<ServerContext> ctx;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<WebhookSink> webhook;
  std::unique_ptr<Pcd04Sink> pcd04;
  std::unique_ptr<FlagStore> flags;
  std::unique_ptr<PatientNames> patient_names;
  std::unique_ptr<RecordStore> store;
  std::unique_ptr<StoreWriter> store_writer;  // after `store`: destroyed before it
  std::unique_ptr<MqttClient> mqtt;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::unique_ptr<asio::steady_timer> crash_timer;
  std::vector<std::thread> threads;
  TargetPorts ports;
  bool started = false;
  bool stopped = false;
  std::mutex mutex;  // start/stop
  mutable std::mutex crash_mutex;
  mutable std::condition_variable crash_cv;

  void crash() {
    if (crashed.exchange(true)) return;
    log.warn("injected_crash");
    for (auto& l : listeners) l->close();
    connections.close_all();
    if (webhook) webhook->close();
    if (pcd04) pcd04->close();
    if (mqtt) mqtt->stop();
    { std::lock_guard lock(crash_mutex); }
    crash_cv.notify_all();
  }

  // Order: stop taking input, stop the sockets' threads, then the workers (which may
  // still post completions to the io_context, so it must outlive them), then destroy.
  void shutdown() {
    for (auto& l : listeners) l->close();
    connections.close_all();
    if (mqtt) mqtt->stop();
    if (webhook) webhook->close();
    if (pcd04) pcd04->close();
    work.reset();
    if (ioc) ioc->stop();
    for (auto& t : threads)
      if (t.joinable()) t.join();
    threads.clear();
    if (pipeline) pipeline->stop();
    if (store_writer) store_writer->stop();
    listeners.clear();
    crash_timer.reset();
    webhook.reset();
    pcd04.reset();
    ioc.reset();  // destroys the sessions still in it (closing their sockets)
    mqtt.reset();
  }
};

TargetServer::TargetServer(TargetConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}

TargetServer::~TargetServer() { stop(); }

void TargetServer::start() {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (m.started) return;
  m.started = true;
  const auto& cfg = m.cfg;
  const auto start_time = Faults::Clock::now();
  m.faults = std::make_unique<Faults>(cfg.faults, start_time);
  const unsigned io_threads = cfg.processing.io_threads == 0 ? 1 : cfg.processing.io_threads;
  m.ioc = std::make_unique<asio::io_context>(static_cast<int>(io_threads));
  m.work.emplace(m.ioc->get_executor());
  const unsigned workers = cfg.processing.workers == 0 ? 1 : cfg.processing.workers;
  m.pipeline = std::make_unique<Pipeline>(
      cfg.processing, m.metrics,
      make_rules_evaluator_factory(cfg.rules, (cfg.limits.max_patients + workers - 1) / workers,
                                   m.metrics),
      &m.sinks);
  m.ingest = std::make_unique<Ingest>(*m.pipeline, m.metrics, m.log, cfg.epoch_unix_ms,
                                      cfg.processing.ack_after_processing);
  m.ops = std::make_unique<OpsStore>(&m.sinks, m.metrics, cfg.limits.max_assets);
  m.ingest->set_ops(m.ops.get());
  JsonDepthLimits depth{};
  depth[static_cast<std::size_t>(Protocol::Http)] = cfg.http.max_json_depth;
  depth[static_cast<std::size_t>(Protocol::Mqtt)] = cfg.mqtt.max_json_depth;
  m.ingest->set_json_depth_limits(depth);
  if (cfg.alerts.flags) {
    m.flags = std::make_unique<FlagStore>(cfg.alerts.max_flags, cfg.http.fhir_base_path);
    m.sinks.add(m.flags.get());
  }
  // Patients named by ids other than p<index> (fhir_lenient.hpp); by identifier needs the
  // store's Patients.
  m.patient_names = std::make_unique<PatientNames>(cfg.limits.max_patients);
  LenientHooks lenient{
      [names = m.patient_names.get()](std::string_view id) { return names->intern(id); }, {}};
  if (cfg.store.enabled) {
    try {
      m.store = std::make_unique<RecordStore>(cfg.store, cfg.http.fhir_base_path, cfg.epoch_unix_ms,
                                              m.patient_names.get());
    } catch (const std::exception& e) {
      m.stopped = true;
      throw TargetStartError(e.what());
    }
    m.store_writer =
        std::make_unique<StoreWriter>(cfg.store, cfg.faults.after_ack, *m.store, m.metrics);
    m.ingest->set_store(m.store_writer.get());
    lenient.patient_by_identifier = [store = m.store.get()](std::string_view system,
                                                            std::string_view value) {
      return store->find_by_identifier("Patient", system, value);
    };
  }
  m.ingest->set_lenient(std::move(lenient));
  if (m.flags) m.flags->set_names(m.patient_names.get());
  m.ctx = std::make_unique<ServerContext>(ServerContext{cfg, m.metrics, m.log, *m.faults, *m.ingest,
                                                        m.connections, m.bodies, m.crashed,
                                                        m.flags.get()});
  m.ctx->store = m.store.get();
  try {
    if (!cfg.alerts.pcd04_mllp.empty()) {
      m.pcd04 = std::make_unique<Pcd04Sink>(*m.ioc, cfg.alerts, m.metrics, m.log);
      m.sinks.add(m.pcd04.get());
    }
    if (!cfg.alerts.webhook_url.empty()) {
      m.webhook = std::make_unique<WebhookSink>(*m.ioc, cfg.alerts, m.metrics, m.log);
      m.sinks.add(m.webhook.get());
    }
    if (cfg.mqtt.enabled || !cfg.alerts.mqtt_topic.empty()) {
      m.mqtt = std::make_unique<MqttClient>(*m.ctx, cfg.mqtt.enabled);
      if (!cfg.alerts.mqtt_topic.empty()) m.sinks.add(m.mqtt.get());
    }
    if (cfg.http.enabled) {
      m.listeners.push_back(start_http_listener(*m.ioc, *m.ctx));
      m.ports.http = m.listeners.back()->port();
    }
    if (cfg.mllp.enabled) {
      m.listeners.push_back(start_mllp_listener(*m.ioc, *m.ctx));
      m.ports.mllp = m.listeners.back()->port();
    }
    if (cfg.proto.enabled) {
      m.listeners.push_back(start_proto_listener(*m.ioc, *m.ctx));
      m.ports.proto = m.listeners.back()->port();
    }
  } catch (const std::exception& e) {
    m.shutdown();
    m.stopped = true;
    throw TargetStartError(e.what());
  }
  m.pipeline->start();
  if (m.store_writer) m.store_writer->start();
  for (unsigned i = 0; i < io_threads; ++i) {
    m.threads.emplace_back([&m] {
      while (true) {
        try {
          m.ioc->run();
          return;
        } catch (const std::exception& e) {
          // A handler that throws must not take the server down: log and keep serving.
          m.log.error("io_handler_exception", {{"what", e.what()}});
        }
      }
    });
  }
  if (m.mqtt &&
      !m.mqtt->start(std::chrono::duration_cast<std::chrono::milliseconds>(cfg.mqtt.connect_wait)))
    m.log.warn("mqtt_not_ready",
               {{"broker", cfg.mqtt.broker_host + ":" + std::to_string(cfg.mqtt.broker_port)},
                {"tls_error", m.mqtt->tls_error()}});
  if (cfg.faults.crash_after) {
    m.crash_timer = std::make_unique<asio::steady_timer>(*m.ioc);
    m.crash_timer->expires_at(
        start_time + std::chrono::duration_cast<Faults::Clock::duration>(*cfg.faults.crash_after));
    m.crash_timer->async_wait([&m](boost::system::error_code ec) {
      if (!ec) m.crash();
    });
  }
  m.log.info(
      "target_started",
      {{"http_port", m.ports.http}, {"mllp_port", m.ports.mllp}, {"proto_port", m.ports.proto}});
}

TargetPorts TargetServer::ports() const { return impl_->ports; }

void TargetServer::stop() {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.shutdown();
  m.log.info("target_stopped");
}

bool TargetServer::crashed() const { return impl_->crashed.load(); }

bool TargetServer::wait_crashed(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->crash_mutex);
  return impl_->crash_cv.wait_for(lock, timeout, [this] { return impl_->crashed.load(); });
}

bool TargetServer::mqtt_ready() const { return impl_->mqtt && impl_->mqtt->ready(); }
std::string TargetServer::mqtt_tls_error() const {
  return impl_->mqtt ? impl_->mqtt->tls_error() : std::string();
}
const Metrics& TargetServer::metrics() const { return impl_->metrics; }
MetricsSnapshot TargetServer::snapshot() const { return impl_->metrics.snapshot(); }
const TargetConfig& TargetServer::config() const { return impl_->cfg; }

}  // namespace iomtsim::reference_target

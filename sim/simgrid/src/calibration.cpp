#include "iomtsim/sim/simgrid/calibration.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace iomtsim::sim::simgrid {

Calibration derive_calibration(const reports::Report& light, const reports::Report& saturated,
                               double saturated_wall_s, std::uint32_t workers) {
  const auto acked = saturated.delivery[reports::Outcome::Acknowledged];
  if (acked == 0 || !(saturated_wall_s > 0))
    throw CalibrationError("the saturating run acknowledged nothing");
  if (light.ingest_latency_raw.count() == 0)
    throw CalibrationError("the light run acknowledged nothing");
  Calibration c;
  c.workers = std::max<std::uint32_t>(1, workers);
  c.ceiling_per_s = static_cast<double>(acked) / saturated_wall_s;
  c.service_time = physiology::from_seconds(c.workers / c.ceiling_per_s);
  c.light_p50_raw = Duration{light.ingest_latency_raw.value_at_percentile(50)};
  c.light_p99_raw = Duration{light.ingest_latency_raw.value_at_percentile(99)};
  c.loopback_one_way = std::max(Duration{0}, (c.light_p50_raw - c.service_time) / 2);
  return c;
}

std::string to_json(const Calibration& c) {
  nlohmann::json j = {{"schema", 1},
                      {"service_time_ns", c.service_time.count()},
                      {"workers", c.workers},
                      {"loopback_one_way_ns", c.loopback_one_way.count()},
                      {"ceiling_per_s", c.ceiling_per_s},
                      {"light_p50_raw_ns", c.light_p50_raw.count()},
                      {"light_p99_raw_ns", c.light_p99_raw.count()},
                      {"note", c.note},
                      {"target", c.target},
                      {"measured_at", c.measured_at}};
  return j.dump(2) + "\n";
}

Calibration calibration_from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.at("schema").get<int>() != 1) throw CalibrationError("calibration: unknown schema");
    Calibration c;
    c.service_time = Duration{j.at("service_time_ns").get<std::int64_t>()};
    c.workers = j.at("workers").get<std::uint32_t>();
    c.loopback_one_way = Duration{j.at("loopback_one_way_ns").get<std::int64_t>()};
    c.ceiling_per_s = j.at("ceiling_per_s").get<double>();
    c.light_p50_raw = Duration{j.value("light_p50_raw_ns", std::int64_t{0})};
    c.light_p99_raw = Duration{j.value("light_p99_raw_ns", std::int64_t{0})};
    c.note = j.value("note", std::string{});
    c.target = j.value("target", std::string{});
    c.measured_at = j.value("measured_at", std::string{});
    if (c.service_time.count() <= 0 || c.workers == 0 || c.loopback_one_way.count() < 0)
      throw CalibrationError("calibration: service time and workers must be positive");
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw CalibrationError(std::string("calibration: ") + e.what());
  }
}

void write_calibration(const Calibration& c, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::trunc);
  out << to_json(c);
  if (!out) throw CalibrationError("cannot write " + file.string());
}

Calibration read_calibration(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw CalibrationError("cannot read " + file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return calibration_from_json(ss.str());
  } catch (const CalibrationError& e) {
    throw CalibrationError(file.string() + ": " + e.what());
  }
}

scenarios::Scenario calibration_scenario(std::uint32_t patients, Duration every,
                                         Duration duration) {
  scenarios::Scenario s;
  s.metadata.name = "calibration";
  s.metadata.seed = 20260;
  s.metadata.duration = duration;
  scenarios::NetworkProfile lo;
  lo.name = "loopback";
  lo.latency_s = physiology::Distribution::constant(0.0);
  s.network_profiles = {{"loopback", lo}};
  physiology::DeviceModelSpec m;
  m.name = "monitor";
  m.type = physiology::DeviceType::BedsideMonitor;
  m.measures = {{physiology::Vital::HeartRate, every}};
  m.artifacts = false;
  m.missing_fraction = 0.0;
  scenarios::Cohort c;
  c.physiology.name = "calibration";
  c.physiology.count = patients;
  c.physiology.archetype = physiology::Archetype::HealthyAdult;
  c.physiology.devices = {m};
  c.ward = "calibration";
  scenarios::DeviceSpec d;
  d.model = m;
  d.format = scenarios::PayloadFormat::FhirR4;
  d.network_profile = "loopback";
  c.devices = {d};
  s.cohorts = {c};
  s.time.mode = scenarios::TimeMode::RealTime;
  s.time.speed = 1.0;
  s.target.embedded = true;
  s.target.request_timeout = std::chrono::seconds(30);
  return s;
}

void apply_to(const Calibration& c, CapacityModel& m, const std::string& source) {
  m.service_time = c.service_time;
  m.service_distribution.reset();  // the calibration measured a mean, applied as fixed
  m.workers_per_server = c.workers;
  m.sources[m.front_stage + ".service_time"] = source;
  m.sources[m.front_stage + ".workers"] = source;
}

std::string source_text(const Calibration& c, const std::filesystem::path& file) {
  std::string s = "calibration " + file.string();
  std::string about = c.target;
  if (!c.measured_at.empty()) about += (about.empty() ? "" : ", ") + c.measured_at;
  return about.empty() ? s : s + " (" + about + ")";
}

CapacityModel loopback_capacity(const Calibration& c) {
  CapacityModel m;
  apply_to(c, m);
  m.servers = 1;
  m.queue_capacity = 1'000'000'000;  // the client pool queues; the target does not reject
  m.ap_latency = c.loopback_one_way;
  m.core_latency = m.wan_latency = m.server_link_latency = Duration{0};
  m.ap_bandwidth_bps = m.core_bandwidth_bps = m.wan_bandwidth_bps = m.server_link_bandwidth_bps =
      1e15;
  m.alert_delivery = c.loopback_one_way;
  m.fidelity = Fidelity::PerReading;
  return m;
}

}  // namespace iomtsim::sim::simgrid

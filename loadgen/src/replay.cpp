#include "iomtsim/loadgen/replay.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <set>
#include <tuple>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/scenarios/builtin_profiles.hpp"
#include "recording_merge.hpp"

namespace iomtsim::loadgen {
namespace {

using physiology::SimTime;

// scheme://host:port[/path]
struct Url {
  std::string scheme, host, path;
  std::uint16_t port = 0;
};

Url parse_url(const std::string& text) {
  Url u;
  const auto sep = text.find("://");
  if (sep == std::string::npos) throw ReplayError("target \"" + text + "\": expected scheme://host:port");
  u.scheme = text.substr(0, sep);
  std::string rest = text.substr(sep + 3);
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    u.path = rest.substr(slash);
    rest.resize(slash);
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) throw ReplayError("target \"" + text + "\": no host:port");
  u.host = rest.substr(0, colon);
  const auto port = std::string_view(rest).substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), u.port);
  if (ec != std::errc{} || end != port.data() + port.size() || u.port == 0)
    throw ReplayError("target \"" + text + "\": bad port");
  return u;
}

}  // namespace

RecordingSummary scan_recording(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ReplayError("cannot read " + file.string());
  payloads::RecordingReader reader(in);
  RecordingSummary s;
  std::set<std::pair<physiology::PatientIndex, physiology::DeviceIndex>> devices;
  bool any = false;
  std::tuple<SimTime, physiology::PatientIndex, physiology::DeviceIndex, std::uint64_t> prev{};
  auto output = [&](const auto& o) {
    const auto k = std::tuple(o.true_time, o.patient, o.device, o.id);
    if (any && k < prev)
      throw ReplayError(file.string() + ": output " + std::to_string(o.id) +
                        " is out of time order (a recording lists outputs by true time)");
    if (physiology::reading_patient(o.id) != o.patient || physiology::reading_device(o.id) != o.device)
      throw ReplayError(file.string() + ": output id " + std::to_string(o.id) + " does not pack its patient/device");
    if (!any) s.first = o.true_time;
    any = true;
    prev = k;
    s.last = o.true_time;
    devices.emplace(o.patient, o.device);
  };
  while (auto e = reader.next()) {
    if (auto* h = std::get_if<payloads::RecordingHeader>(&*e)) {
      if (reader.entries_read() == 1) {
        s.scenario_name = h->scenario_name;
        s.seed = h->seed;
        s.generator = h->generator;
      }
    } else if (auto* r = std::get_if<physiology::Reading>(&*e)) {
      output(*r);
      ++s.readings;
    } else if (auto* w = std::get_if<physiology::WaveformBlock>(&*e)) {
      output(*w);
      ++s.waveform_blocks;
    } else if (auto* ep = std::get_if<physiology::Episode>(&*e)) {
      s.episodes.push_back(*ep);
    } else if (std::holds_alternative<physiology::Alert>(*e)) {
      ++s.recorded_alerts;
    } else {  // pump events, location fixes, imaging results, asset tracks
      ++s.operations_entries;
    }
  }
  if (!reader.error().empty()) {
    if (!reader.truncated()) throw ReplayError(file.string() + ": " + reader.error());
    s.truncated = reader.error();
  }
  if (!any) throw ReplayError(file.string() + ": no readings to replay");
  s.devices.assign(devices.begin(), devices.end());
  std::optional<physiology::PatientIndex> previous;
  for (const auto& [p, d] : s.devices) {  // sorted: a patient's devices are adjacent
    s.patient_slots = std::max<std::uint64_t>(s.patient_slots, p + 1ull);
    if (previous != p) ++s.patients;
    previous = p;
  }
  return s;
}

scenarios::Scenario replay_scenario(const RecordingSummary& summary, const ReplayOptions& o) {
  scenarios::Scenario s;
  s.metadata.name = summary.scenario_name.empty() ? "replay" : summary.scenario_name;
  s.metadata.seed = summary.seed;  // the same per-device network randomness as the recorded run
  s.metadata.duration = summary.last.time_since_epoch() + std::chrono::seconds(1);
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 1.0;

  scenarios::NetworkProfile profile;
  if (o.network_profile) {
    profile = *o.network_profile;
  } else {
    const auto& builtins = scenarios::builtin_profiles();
    auto it = builtins.find(o.network);
    if (it == builtins.end()) {
      std::string known;
      for (const auto& [name, p] : builtins) known += (known.empty() ? "" : ", ") + name;
      throw ReplayError("unknown network profile \"" + o.network + "\" (built-in: " + known + ")");
    }
    profile = it->second;
  }
  if (profile.name.empty()) profile.name = o.network;
  s.network_profiles = {{profile.name, profile}};

  scenarios::Cohort cohort;
  cohort.physiology.name = "replay";
  cohort.physiology.count = static_cast<std::uint32_t>(summary.patient_slots);
  cohort.ward = "replay";
  physiology::DeviceIndex max_device = 0;
  for (const auto& [p, d] : summary.devices) max_device = std::max(max_device, d);
  for (unsigned d = 0; d <= max_device; ++d) {
    scenarios::DeviceSpec spec;
    spec.model.name = "replayed_device_" + std::to_string(d);
    spec.format = o.format;
    spec.network_profile = profile.name;
    spec.batch = std::max<std::uint32_t>(1, o.batch);
    cohort.devices.push_back(spec);
    cohort.physiology.devices.push_back(spec.model);
  }
  s.cohorts.push_back(std::move(cohort));

  s.target.embedded = o.targets.empty();
  s.target.alert_webhook_port = o.alert_webhook_port;
  s.target.alerts.webhook = o.alert_webhook_port.has_value();
  s.target.alerts.webhook_secret.env = o.alert_secret_env;
  for (const auto& t : o.targets) {
    const Url u = parse_url(t);
    const bool tls = u.scheme == "https";
    scenarios::Endpoint ep{u.host, u.port, tls};
    if (u.scheme == "http" || u.scheme == "https") {
      s.target.http = ep;
      if (!u.path.empty()) s.target.fhir_base_path = u.path;
    } else if (u.scheme == "mllp") {
      s.target.mllp = ep;
    } else if (u.scheme == "proto" || u.scheme == "protobuf") {
      s.target.protobuf = ep;
    } else if (u.scheme == "mqtt") {
      s.target.mqtt = ep;
    } else {
      throw ReplayError("target \"" + t + "\": scheme must be http, https, mllp, proto or mqtt");
    }
  }
  return s;
}

RunResult replay(const std::filesystem::path& file, const ReplayOptions& options) {
  std::ostream& log = options.run.log ? *options.run.log : std::cerr;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::optional<detail::RecoveredRecording> recovered;
    try {
      recovered = detail::recover_recording(file);
    } catch (const std::exception& e) {
      throw ReplayError(
          file.string() +
          ": recovering it from the parts an interrupted run left failed: " + e.what());
    }
    if (recovered) {
      const auto& n = recovered->counts;
      log << "replay: " << file.string()
          << " was left unfinished by an interrupted run; recovered from " << recovered->parts
          << " part file" << (recovered->parts == 1 ? "" : "s") << ": " << n.readings
          << " readings, " << n.waveform_blocks << " waveform blocks, " << n.episodes
          << " episodes, " << n.alerts << " alerts\n";
      for (const auto& w : recovered->warnings) log << "replay: warning: " << w << '\n';
    }
  }
  auto summary = std::make_shared<const RecordingSummary>(scan_recording(file));
  if (!summary->truncated.empty())
    log << "replay: warning: " << file.string() << " ends in an entry cut short ("
        << summary->truncated << "): the " << summary->readings
        << " readings before it are replayed\n";
  const auto scenario = replay_scenario(*summary, options);
  RunOptions run = options.run;
  if (!run.speed) run.speed = 1.0;
  // The patients of the recording this replay holds (a shard recording's ids are sparse).
  run.patients = 0;
  std::optional<physiology::PatientIndex> previous;
  for (const auto& [p, d] : summary->devices) {
    if (previous != p && run.shard.owns(p)) ++*run.patients;
    previous = p;
  }
  if (summary->operations_entries > 0)
    log << "replay: " << summary->operations_entries
        << " operations-device entries (pump events, location fixes, imaging results, "
           "asset tracks) are not replayed; only the patients' readings are\n";
  run.source = recording_source(file, summary);
  if (run.trigger_lookback == 0 && *run.speed >= 1000.0 && !summary->devices.empty()) {
    // Fast replays: alerts come back after much of a stay has been sent, so remember
    // about twice a device's average readings (a stay, for PhysioNet-like data), within
    // 64..4096 per device and about 256 MiB in all (~64 bytes a reading).
    const std::size_t devices = summary->devices.size();
    const std::size_t per_device = 2 * (summary->readings / devices + 1);
    const std::size_t budget = (std::size_t{256} << 20) / 64 / devices;
    run.trigger_lookback = std::clamp<std::size_t>(std::min(per_device, budget), 64, 4096);
  }
  return loadgen::run(scenario, run);
}

}  // namespace iomtsim::loadgen

#include "iomtsim/sim/memory_estimate.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

namespace iomtsim::sim {
namespace {

// Measured costs, in bytes: peak RSS (`/usr/bin/time -f %M`) of the real command on
// scenarios that differ only in patients, devices per patient or messages in flight, and
// the slope between them. `bash bench/sim/memory_figures.sh build/cli/iomtsim 2000`
// printed (2,000 and 4,000 patients, 1 or 3 monitors, 72 readings each so the trigger
// rings are full; this machine, Release build):
//   generate: per patient 1,729 B, per device 425 B, base 39 MiB
//   run:      per patient 2,564 B, per device 6,539 B, base 64 MiB (embedded target on)
//   simulate: per patient 6,908 B, per device 8,916 B, base 62 MiB
//   run, 40,000 messages held by a target that never answers: 252 B each (3 readings)
// The figures below are those rounded up by about half again (a shared machine's RSS is
// noisy, and an estimate that errs must err on the safe side).
struct Costs {
  std::uint64_t base;         // the process with no fleet
  std::uint64_t per_patient;  // its generator; in a run the recorder's and target's state
  std::uint64_t per_device;   // device model; in a run its network path, trigger ring, slot
};
constexpr std::array<Costs, 3> kCosts = {{
    {64ull << 20, 3 * 1024, 1 * 1024},    // Generate
    {128ull << 20, 4 * 1024, 10 * 1024},  // RealTime
    {128ull << 20, 10 * 1024, 14 * 1024},  // Simulated
}};
// One message in flight: the Outbound and its pending-map and queue entries, plus each
// reading it carries, or each sample of a waveform block (its encoded body).
constexpr std::uint64_t kPerMessage = 512;
constexpr std::uint64_t kPerReading = 96;
constexpr std::uint64_t kPerSample = 16;
// One MQTT device connection in a run, measured by bench/loadgen/mqtt_connections_bench:
// 1,212 B plain, 86 KiB over TLS (Asio's stream buffers).
constexpr std::uint64_t kPerMqttConnection = 2 * 1024;
constexpr std::uint64_t kPerMqttTlsConnection = 96 * 1024;

// One device's messages per scenario second, and the bytes a second of them holds while
// in flight.
struct DeviceRate {
  double messages_per_s = 0.0;
  double bytes_per_s = 0.0;
};
DeviceRate device_rate(const scenarios::DeviceSpec& d) {
  double readings = 0.0;
  for (const auto& m : d.model.measures) {
    const double s = std::chrono::duration<double>(m.interval).count();
    if (s > 0.0) readings += 1.0 / s;
  }
  const double batch = std::max<std::uint32_t>(1, d.batch);
  DeviceRate r;
  r.messages_per_s = readings / batch;
  r.bytes_per_s = r.messages_per_s * (kPerMessage + kPerReading * batch);
  if (d.model.waveform) {
    const double block_s = std::chrono::duration<double>(d.model.waveform->block).count();
    if (block_s > 0.0) {
      r.messages_per_s += 1.0 / block_s;
      r.bytes_per_s += (kPerMessage + kPerSample * d.model.waveform->sample_rate_hz * block_s) / block_s;
    }
  }
  return r;
}

std::string with_commas(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "MemAvailable:   12345678 kB" -> bytes.
std::optional<std::uint64_t> meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

MemoryEstimate estimate_memory(const scenarios::Scenario& scenario, ShardSpec shard,
                               EngineKind engine, double speed) {
  MemoryEstimate e;
  std::uint64_t first = 0;  // global index of the cohort's first patient
  double rate = 0.0, bytes_rate = 0.0;
  for (const auto& c : scenario.cohorts) {
    const std::uint64_t end = first + c.physiology.count;
    const std::uint64_t mine = shard.patients_in(end) - shard.patients_in(first);
    first = end;
    e.patients += mine;
    e.devices += mine * c.devices.size();
    for (const auto& d : c.devices) {
      if (d.format == scenarios::PayloadFormat::MqttJson) e.mqtt_devices += mine;
      const DeviceRate r = device_rate(d);
      rate += static_cast<double>(mine) * r.messages_per_s;
      bytes_rate += static_cast<double>(mine) * r.bytes_per_s;
    }
  }
  const Costs& k = kCosts[static_cast<std::size_t>(engine)];
  e.fleet_bytes = e.patients * k.per_patient + e.devices * k.per_device;
  if (engine != EngineKind::Generate) {
    const double pace = engine == EngineKind::RealTime ? std::max(speed, 0.0) : 1.0;
    e.messages_per_s = rate * pace;
    const double held_s =
        std::max(std::chrono::duration<double>(scenario.target.request_timeout).count(), 1.0);
    // Rounded up, but not past a whole number that floating point missed by a hair.
    e.in_flight = static_cast<std::uint64_t>(std::ceil(e.messages_per_s * held_s - 1e-6));
    e.in_flight_bytes = static_cast<std::uint64_t>(bytes_rate * pace * held_s);
    if (engine == EngineKind::RealTime) {
      const bool tls = scenario.target.mqtt && scenario.target.mqtt->tls;
      e.in_flight_bytes += e.mqtt_devices * (tls ? kPerMqttTlsConnection : kPerMqttConnection);
    }
  }
  e.bytes = k.base + e.fleet_bytes + e.in_flight_bytes;
  return e;
}

std::optional<std::uint64_t> available_memory_bytes() {
  std::optional<std::uint64_t> have = meminfo_available();
  // cgroup v2 (a container's limit): what is left under memory.max.
  if (const auto max = read_number("/sys/fs/cgroup/memory.max")) {
    const auto used = read_number("/sys/fs/cgroup/memory.current").value_or(0);
    const std::uint64_t left = *max > used ? *max - used : 0;
    have = have ? std::min(*have, left) : left;
  }
  return have;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1024.0 && u + 1 < std::size(kUnits)) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

std::string describe(const MemoryEstimate& e) {
  std::string s = "about " + format_bytes(e.bytes) + " (" + with_commas(e.patients) +
                  " patients, " + with_commas(e.devices) + " devices";
  if (e.in_flight > 0) s += ", up to " + with_commas(e.in_flight) + " messages in flight";
  return s + ")";
}

std::optional<std::string> memory_refusal(const MemoryEstimate& e, std::uint64_t limit_bytes,
                                          const std::string& what) {
  if (limit_bytes == 0 || e.bytes <= limit_bytes) return std::nullopt;
  const std::uint64_t shards = (e.bytes + limit_bytes - 1) / limit_bytes;
  return what + " needs " + describe(e) + ", more than the " + format_bytes(limit_bytes) +
         " it may use here: split it into shards (--shard K/N on " + std::to_string(shards) +
         " or more machines), or set the limit with --max-memory";
}

}  // namespace iomtsim::sim

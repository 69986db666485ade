#pragma once
// How much memory a fleet will need, known before any of it is allocated, so a scenario
// that cannot fit is refused with a message (and exit code 2) instead of dying of
// std::bad_alloc in the middle of a run.
//
// The estimate is a sum of measured costs (see memory_estimate.cpp for how each figure
// was measured and the command that prints it again):
//
//   bytes = base + patients x per_patient + devices x per_device
//                + MQTT devices x per_connection + in_flight x per_message
//
// per_patient and per_device depend on the engine (generate holds the fleet only; a run
// adds the network paths, the recorder's per-device trigger ring, the embedded target's
// per-patient state; simulate adds SimGrid's). `in_flight` is the most messages a stalled
// target can make the engine hold: the fleet's message rate (wall time for a run, so
// times the speed) times the scenario's request timeout, when every message waits its
// full timeout. The figures are upper-ish: a refusal should never be needed twice.
//
//   const auto need = estimate_memory(scenario, shard, EngineKind::RealTime, speed);
//   const auto have = available_memory_bytes();
//   if (have && need.bytes > *have) refuse(describe(need) + ...);
#include <cstdint>
#include <optional>
#include <string>

#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim {

enum class EngineKind : std::uint8_t {
  Generate,   // `iomtsim generate`: the fleet and an output stream
  RealTime,   // `iomtsim run`: fleet, device side, transports, recorder, embedded target
  Simulated,  // `iomtsim simulate`: fleet, device side, recorder, rules, SimGrid
};

struct MemoryEstimate {
  std::uint64_t patients = 0;  // in this process (its shard's part)
  std::uint64_t devices = 0;
  std::uint64_t mqtt_devices = 0;     // each holds its own broker connection in a run
  double messages_per_s = 0.0;        // device messages a second (wall time for a run)
  std::uint64_t in_flight = 0;        // messages allowed for at once (see above)
  std::uint64_t fleet_bytes = 0;      // patients and devices
  std::uint64_t in_flight_bytes = 0;  // messages and connections
  std::uint64_t bytes = 0;            // the total, base included
};

// `speed`: scenario seconds per wall second of a real-time run (ignored otherwise).
MemoryEstimate estimate_memory(const scenarios::Scenario& scenario, ShardSpec shard,
                               EngineKind engine, double speed = 1.0);

// Memory this process may still take: MemAvailable of /proc/meminfo, lowered to what the
// cgroup allows (memory.max minus memory.current, cgroup v2). nullopt when neither can be
// read (then nothing is refused).
std::optional<std::uint64_t> available_memory_bytes();

// "about 37.2 GiB (1,000,000 patients, 3,000,000 devices, 4,100 messages in flight)".
std::string describe(const MemoryEstimate& estimate);
// 1536 -> "1.5 KiB", 3 << 30 -> "3.0 GiB".
std::string format_bytes(std::uint64_t bytes);

// The refusal text when `estimate` exceeds `limit_bytes` (0: no limit), else nullopt.
// `what` names the work ("a run of this fleet"); the text says how to get through
// (shards, --max-memory).
std::optional<std::string> memory_refusal(const MemoryEstimate& estimate, std::uint64_t limit_bytes,
                                          const std::string& what);

}  // namespace iomtsim::sim

#pragma once
// What the simulated-time engine models beyond the scenario: the infrastructure behind
// the devices' access hop (access points, core switch, WAN, load balancer, ingest
// servers) and the reference pipeline's capacity (workers, service time, queue bounds).
//
// The defaults below; a scenario's `capacity:` section (scenario_capacity.hpp), then a
// calibration file and the command-line options of `simulate` / `sweep`, override them. Units are in the names;
// times are integer nanoseconds (physiology::Duration), bandwidths bits per second.
//
// Path of one message (DESIGN.md: the same network profile code as the real-time engine):
//   device --NetworkPath (profile latency, jitter, loss, outages, store-and-forward)-->
//   access point --ap link--> core switch --core link--> WAN link --> load balancer
//   --server link--> ingest server (workers, bounded queue, rules) ; ack and alerts back.
// The access-point links, core, WAN, LB and server links are SimGrid links (CM02 flow
// model, bandwidth shared among the flows in flight); the servers are exact FIFO
// multi-worker queues evaluated at SimGrid's clock (see server_pool in src/).
//
//   CapacityModel m;  m.servers = 6;  m.wan_bandwidth_bps = 1e9;
//   m.failures.push_back(parse_failure("server:1@3h"));
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::sim::simgrid {

using physiology::Duration;
using physiology::SimTime;
using namespace std::chrono_literals;

// Bad capacity options (a malformed --fail, a zero server count, …); what() says which.
class CapacityError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Per-reading: one SimGrid communication per device message (exact bandwidth sharing,
// cost grows with messages). Aggregated: the messages reaching one access point within
// `aggregate_interval` travel as one communication (see simulate.hpp for what changes in
// the figures). Auto: aggregated from `aggregate_above_devices` devices on.
enum class Fidelity : std::uint8_t { Auto, PerReading, Aggregated };
std::string_view name(Fidelity f);               // "auto", "per-reading", "aggregated"
Fidelity parse_fidelity(std::string_view text);  // throws CapacityError

// A scheduled failure: an ingest server (by index) or a link (by name: "wan", "core",
// "lb", "ap<k>", "server<k>", or any link of an XML platform) is down from `at` for
// `length` (to the end of the run when unset). Written "server:1@3h", "link:wan@2h+10min".
struct ScheduledFailure {
  enum class Kind : std::uint8_t { Server, Link };
  Kind kind = Kind::Server;
  std::uint32_t server = 0;  // Kind::Server
  std::string link;          // Kind::Link
  SimTime at{};
  std::optional<Duration> length;
  bool operator==(const ScheduledFailure&) const = default;
  bool down_at(SimTime t) const { return t >= at && (!length || t < at + *length); }
};
ScheduledFailure parse_failure(std::string_view text);  // throws CapacityError

struct CapacityModel {
  // Ingest tier.
  std::uint32_t servers = 6;
  std::uint32_t workers_per_server = 4;
  Duration service_time = 250us;        // per reading, on one worker (calibrate measures it)
  // Service time drawn per reading from this distribution (seconds; its mean is
  // service_time) instead of fixed: `service_time: {exponential: 8 ms}` makes the servers
  // M/M/c-like queues. Unset: fixed (M/D/c-like). Setting service_time alone resets it.
  std::optional<physiology::Distribution> service_distribution;
  std::uint32_t queue_capacity = 2000;  // readings waiting per server; more are rejected
  Duration lb_detection = 5s;           // a failed server still gets traffic for this long

  // The pipeline behind the ingest tier (capacity.stages): the ingest tier above is its
  // first stage, named `front_stage`; each later stage takes the readings the one before
  // accepted, after `link_latency`, and the device is answered when a reading leaves the
  // last one (src/pipeline.hpp). Empty: the ingest tier answers (one stage).
  struct Stage {
    std::string name;
    std::uint32_t count = 1;    // instances, taken round robin
    std::uint32_t workers = 1;  // per instance
    Duration service_time = 1ms;
    std::optional<physiology::Distribution> service_distribution;  // as for the ingest tier
    std::uint32_t queue_capacity = 2000;  // readings waiting per instance
    Duration link_latency{0};             // from the previous stage
    bool operator==(const Stage&) const = default;
  };
  std::string front_stage = "servers";
  std::vector<Stage> downstream;

  // Where each figure came from, by its name in report.json's capacity.model
  // ("servers.workers", "database.service_time", "wan.bandwidth", …): "scenario", "command
  // line", "calibration FILE (…)". A figure with no entry is the simulator's default.
  std::map<std::string, std::string> sources;

  // Network behind the devices' access hop.
  std::uint32_t devices_per_ap = 40;  // access points per ward = ceil(devices / this)
  std::uint32_t aps_per_ward = 0;     // > 0: this many per ward instead
  double ap_bandwidth_bps = 100e6;
  Duration ap_latency = 1ms;
  double core_bandwidth_bps = 10e9;
  Duration core_latency = 100us;
  double wan_bandwidth_bps = 1e9;
  Duration wan_latency = 5ms;
  double server_link_bandwidth_bps = 10e9;  // LB to each server
  Duration server_link_latency = 100us;
  Duration alert_delivery =
      20ms;  // target emits the alert -> webhook receives it (on top of the return path)

  // Fidelity.
  Fidelity fidelity = Fidelity::Auto;
  std::uint64_t aggregate_above_devices = 50'000;
  // Longer intervals mean fewer communications (cost) and coarser bandwidth sharing; the
  // batching wait itself is never charged to latency (simulate.hpp).
  Duration aggregate_interval = 10s;

  std::vector<ScheduledFailure> failures;
  std::string platform_file;  // SimGrid XML platform instead of the built one (see platform.hpp)
  Duration drain = 30s;       // simulated time after the scenario end for answers to arrive

  // Throws CapacityError naming the first bad field.
  void validate() const;
};

// "1Gbps", "100 Mbit/s", "1e9" (bits per second) -> bits per second. Throws CapacityError.
double parse_bandwidth_bps(std::string_view text);
// "250us", "2 ms", "3h" -> Duration. Throws CapacityError.
Duration parse_duration(std::string_view text);

}  // namespace iomtsim::sim::simgrid

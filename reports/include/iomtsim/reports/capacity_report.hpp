#pragma once
// report.json's `capacity` section: how busy each resource of a simulated-time run's
// capacity model was over the scored window (sim/simgrid fills it; real runs leave it
// empty). Utilisation is busy time over capacity time (server stages: busy worker-seconds
// over workers x window; links: bytes carried x 8 over bandwidth x window). Waiting is the
// time a reading spent queued before a worker took it; links have no queue in SimGrid's
// flow model (bandwidth is shared among the flows in flight), so their waits are unset.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iomtsim::reports {

struct ResourceUse {
  std::string name;  // "servers", "wan", "core", "ap3", …
  std::string kind;  // "stage" or "link"
  double utilisation = 0.0;
  std::optional<double> wait_mean_s;  // stages only
  std::optional<double> wait_p99_s;   // stages only
  std::uint64_t queue_max = 0;        // stages: most readings waiting at once on one server
  bool operator==(const ResourceUse&) const = default;
};

// One figure of the capacity model the run used, and where it came from.
struct CapacityFigure {
  std::string name;    // "servers.workers", "database.service_time", "wan.bandwidth", …
  std::string value;   // with its unit: "4", "250 us", "1 Gbps"
  std::string source;  // "default", "scenario", "command line", "calibration FILE (…)"
  bool operator==(const CapacityFigure&) const = default;
};

struct CapacityReport {
  std::vector<ResourceUse> resources;  // stages in pipeline order, then links by name
  std::vector<CapacityFigure> model;   // the model's figures, each with its source
  // The most utilised resource (its name), empty when there are none.
  std::string bottleneck;
  bool empty() const { return resources.empty(); }
  bool operator==(const CapacityReport&) const = default;
};

}  // namespace iomtsim::reports

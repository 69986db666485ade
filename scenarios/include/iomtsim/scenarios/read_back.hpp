#pragma once
// Reading the target's record back (`target.read_back`): during and after a run, iomtsim
// searches the target's FHIR server for the Observations it sent (by _lastUpdated while the
// run goes on, then by the readings' identifiers for those still not found) and scores
// what reached the chart (report section `chart`, reports/chart.hpp).
//
//   target:
//     read_back:                  # or `read_back: true` for the defaults
//       every: 5s                 # wall time between search rounds during the run
//       page_size: 100            # _count
//       max_rate: 5               # search requests per second at most: never the load
//       settle: 30s               # after the run, keep looking this long at most (wall)
//       identifiers_per_search: 50  # readings named in one identifier search
//       max_tracked: 4000000      # acknowledged readings remembered (~80 bytes each)
//
// Only readings sent as FHIR Observations are looked for (their identifier
// urn:iomtsim:reading|<id> is what is searched); the FHIR server is the target's `http`
// endpoint with its TLS and authentication, or the embedded target's.
#include <chrono>
#include <cstdint>

#include "iomtsim/physiology/time.hpp"

namespace iomtsim::scenarios {

struct ReadBackSpec {
  physiology::Duration every = std::chrono::seconds(5);  // wall
  std::uint32_t page_size = 100;
  double max_rate_per_s = 5.0;
  physiology::Duration settle = std::chrono::seconds(30);  // wall
  std::uint32_t identifiers_per_search = 50;
  std::uint64_t max_tracked = 4'000'000;
  bool operator==(const ReadBackSpec&) const = default;
};

}  // namespace iomtsim::scenarios

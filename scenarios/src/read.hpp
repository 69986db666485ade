#pragma once
// From the merged tree to a Scenario value, one reader per part of the format. Each
// reports every problem it finds through the Reader and fills what it can. Private.
#include "iomtsim/scenarios/scenario.hpp"
#include "reader.hpp"

namespace iomtsim::scenarios::detail {

// Builds the scenario from the root mapping (after includes and overrides).
Scenario read_scenario(const Node& root, Reader& r);

// Built-ins plus the file's `network_profiles:` (which may `extends:` each other).
std::map<std::string, NetworkProfile> read_profiles(const Node* profiles, Reader& r);

// One entry of `cohorts:`. `profiles` lets device `network:` names be checked.
std::optional<Cohort> read_cohort(const Node& n, std::size_t index,
                                  const std::map<std::string, NetworkProfile>& profiles, Reader& r);

// Warnings about one cohort's conditions (read_warnings.cpp): an onset after the end of
// the scenario, a condition that will reach no patient. `n` is the cohort's node.
void warn_cohort(const Node& n, const Cohort& c, const Metadata& meta, Reader& r);

// A cohort's `operations:` (read_operations.cpp).
Operations read_operations(const Node& n, const std::string& ward,
                           const std::map<std::string, NetworkProfile>& profiles, Reader& r);

// The `capacity:` section (read_capacity.cpp); `meta` bounds the failure times.
CapacitySpec read_capacity(const Node& n, const Metadata& meta, Reader& r);

// Connection settings of an endpoint mapping (`endpoint` is http, mqtt, mllp or protobuf),
// `target.provision` and `target.alerts` (read_connection.cpp).
void read_connection(const Node& n, std::string_view endpoint, Endpoint& e, Reader& r);
ProvisionSpec read_provision(const Node& n, Reader& r);
RetrySpec read_retry(const Node& n, Reader& r);  // `target.retry`
std::optional<ImagingTarget> read_imaging_target(const Node& n, Reader& r);  // `target.imaging`
void read_alert_capture(const Node& n, TargetSpec& t, Reader& r);

// Range limits shared by the readers, in canonical units.
inline constexpr double kMaxScenarioSeconds = 366.0 * 86400.0;  // a year
inline constexpr double kMaxLatencySeconds = 600.0;

}  // namespace iomtsim::scenarios::detail

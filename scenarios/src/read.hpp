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
std::optional<Cohort> read_cohort(const Node& n, std::size_t index, const Metadata& meta,
                                  const std::map<std::string, NetworkProfile>& profiles, Reader& r);

// A condition's `onset:` (read_onset.cpp): a distribution of times from the start, or a
// time of day, {between: ["23:00", "05:00"]} (uniform over the first such window that
// begins at or after `meta`'s start) or {day: 2, at: "14:00"} (day 1 is the start's day);
// seconds from the start.
std::optional<physiology::Distribution> read_onset(const Node& n, const Metadata& meta, Reader& r);

// A cohort's `beds:` (read_beds.cpp): "1-24" or a list of labels (each a label or a
// numeric range), exactly one per patient; empty (reported) when unusable.
std::vector<std::string> read_bed_labels(const Node& n, std::uint32_t patients, Reader& r);
// A condition's `beds:`: the patients (indices within the cohort) the labels name.
std::vector<std::uint32_t> read_condition_beds(const Node& n, const std::vector<std::string>& beds,
                                               Reader& r);

// How a vital is written in a file (read_care.cpp): its quantity kind, and the factor from
// that kind's canonical unit to the vital's (SpO2 is read as a fraction, kept in %).
struct VitalUnit {
  QuantityKind kind;
  double scale;
};
VitalUnit vital_unit(physiology::Vital v);

// A cohort's `spo2_target` (read_care.cpp): "88-92 %", "88-92%" or {low: 88 %, high: 92 %};
// only the two ranges NEWS2 scores against (88-92 %, 94-98 %) are accepted.
std::optional<physiology::Spo2Target> read_spo2_target(const Node& n, Reader& r);

// An intervention's `when`: "resp_rate < 8 for 2 min" (a vital, <, <=, > or >=, a value in
// the author's units, a bare number in the vital's chart unit except glucose, and an
// optional persistence).
std::optional<physiology::InterventionTrigger> read_trigger(const Node& n, Reader& r);

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

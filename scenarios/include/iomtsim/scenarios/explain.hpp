#pragma once
// A plain-words summary of what a scenario will do, for the clinician who wrote it:
// patients by archetype, the expected number of episodes per condition (count ×
// probability) with their onset ranges, devices and readings per hour by payload
// format, the network profiles the devices use, time mode and expectations.
// Deterministic: the same scenario gives the same text.
#include <string>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::scenarios {

std::string explain(const Scenario& s);

// The `capacity:` section in words (part of explain() when the scenario has one): the
// access points, core switch, WAN, ingest servers, fidelity and scheduled failures;
// what the file leaves unset is named as the simulator's default.
std::string explain_capacity(const CapacitySpec& c);

// How a run connects to one endpoint, in words: "TLS verified against ca.pem, client
// certificate, bearer token from $IOMTSIM_FHIR_TOKEN, 2 headers". Names where secrets come
// from, never a secret. Empty when there is nothing beyond host and port.
std::string connection_words(const Endpoint& e);
// `target.provision` in words; `scenario` is the scenario's name (part of the identifiers).
std::string provision_words(const ProvisionSpec& p, const std::string& scenario);
// `target.retry` in words: "no retries" or "up to 4 attempts, waiting 1 s doubling to 30 s
// (or the server's Retry-After), on HTTP 429/5xx, resets, time-outs and HL7 AR".
std::string retry_words(const RetrySpec& r);
// Where alerts are heard from (`target.alerts`, with the embedded target's default).
std::string alert_capture_words(const TargetSpec& t);

// Readings per hour one device produces (numerics; waveform blocks counted separately).
double readings_per_hour(const physiology::DeviceModelSpec& d);

// "between 30 min and 3 h", "about 6 h (± 2 h)", "at 2 h": a distribution of seconds in
// words, for onsets and delays.
std::string describe_time_distribution(const physiology::Distribution& d);

// "90 s", "15 min", "2 h", "3 d": a duration rounded to its natural unit.
std::string describe_duration(double seconds);

}  // namespace iomtsim::scenarios

#pragma once
// What a run sets up before readings flow, beside the engines: who it says it is to the FHIR
// endpoint (connect/credentials.hpp), what it provisioned there (provision/provision.hpp),
// how it will hear the alerts (alerts/alert_capture.hpp), and how the embedded reference
// target is told to raise them. Kept apart from run.cpp so the run frame only calls it.
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "alerts/alert_capture.hpp"
#include "connect/credentials.hpp"
#include "connect/http_client.hpp"
#include "iomtsim/loadgen/run_options.hpp"
#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "provision/provision.hpp"

namespace iomtsim::loadgen::detail {

struct TargetAccess {
  std::optional<Url> fhir;  // an external FHIR endpoint's base
  TlsClientSettings fhir_tls;
  std::shared_ptr<Credentials> fhir_credentials;  // null without an external FHIR endpoint
  std::optional<Provisioned> provisioned;
  std::shared_ptr<const PatientDirectory> directory = std::make_shared<PatientDirectory>();
  std::string webhook_secret;  // the alert webhook's (read or made)
};

// Each endpoint's TLS settings: its own, with the target-wide http_ca_file / mqtt_ca_file
// when it names no CA.
TlsClientSettings http_tls(const scenarios::TargetSpec& t);
TlsClientSettings mqtt_tls(const scenarios::TargetSpec& t);

// Reads the secrets, gets the first token, provisions. Throws with a message fit for the
// user (secrets redacted): SecretError, AuthError, ProvisionError, TlsSetupError.
TargetAccess connect_target(const scenarios::Scenario& s, const sim::ShardSpec& shard,
                            std::ostream& log);

// The alert channels of the scenario (with the embedded target's default: its Flags).
AlertCaptureSetup alert_capture_setup(const scenarios::Scenario& s, const TargetAccess& access);

// Points the embedded target's alerts at the capture: Flags kept for search, PCD-04 to the
// listener, its JSON to the webhook with the secret, MQTT on the alert topic.
void point_embedded_alerts(reference_target::TargetConfig& cfg, const scenarios::Scenario& s,
                           const AlertCapture& capture, const TargetAccess& access);

// Clean-up of provisioned resources when the scenario asks for it; counts into `out`.
void finish_target(const scenarios::Scenario& s, TargetAccess& access, ProvisionCounts& out,
                   std::ostream& log);

// Readings the recorder should remember per device so that alerts heard late (FHIR polling,
// the embedded target's default, or Subscriptions) still find their trigger: about what a
// device sends over a polling interval and some margin at this speed, within 64..4096 and
// about 256 MiB in all. 0: the recorder's default will do (alerts come as they are raised).
std::size_t trigger_lookback_for(const scenarios::Scenario& s, double speed);

// The counts for RunResult.
AlertCaptureCounts capture_counts(const AlertCaptureStats& s);

}  // namespace iomtsim::loadgen::detail

#pragma once
// Hearing the target's alerts in the forms real pipelines raise them, and handing each to
// the recorder once, mapped to its patient and timed:
//   FHIR search of alert resources (fhir_alert_reader.hpp), rest-hook Subscriptions whose
//   notifications reach the webhook, HL7 PCD-04 (pcd04_listener.hpp), the MQTT alert topic
//   (mqtt_alerts.hpp), the webhook with the scenario's field map (webhook_intake.hpp).
//
// Each heard alert: dropped if its alert id was heard before (two channels, or a re-read);
// mapped to a patient through the provisioned ids and identifiers (PatientDirectory), or
// counted as unmapped; its trigger read from the Observation it points at when it names one
// only by reference; then timed: from its own time (Flag.period.start, OBR-7, …) when it
// has one, else on receipt, carried onto the steady clock the engines stamp with.
//
// Order of use in a run: start_listeners() (so the embedded target can be told where they
// are), start_readers() once the FHIR server is known, finish() after the readings, stop().
#include <atomic>
#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "../connect/credentials.hpp"
#include "../connect/http_client.hpp"
#include "../provision/patient_directory.hpp"
#include "heard_alert.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/alert_capture.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "mqtt_alerts.hpp"
#include "webhook_intake.hpp"

namespace iomtsim::loadgen::detail {

class FhirAlertReader;
class Pcd04Listener;

struct AlertCaptureSetup {
  std::optional<WebhookOptions> webhook;
  std::optional<scenarios::ListenAddress> pcd04;
  std::optional<MqttAlertOptions> mqtt;
  // The FHIR server: polled when `poll` is set; its Observations read to find triggers;
  // Subscriptions created there for `subscription_types` when `subscribe`.
  std::optional<Url> fhir;
  TlsClientSettings fhir_tls;
  std::shared_ptr<const Credentials> fhir_creds;
  std::optional<scenarios::FhirPollSpec> poll;
  bool subscribe = false;
  std::vector<std::string> subscription_types = {"Flag"};
  std::shared_ptr<const PatientDirectory> directory = std::make_shared<PatientDirectory>();
  // The run's part of the fleet. Shards sharing one target all hear every alert it raises
  // (they poll the same Flags): each scores only those about its own patients.
  sim::ShardSpec shard;
};

struct AlertCaptureStats {
  std::uint64_t heard = 0;          // alerts heard on any channel (before de-duplication)
  std::uint64_t scored = 0;         // handed to the recorder
  std::uint64_t duplicates = 0;     // the same alert id again
  std::uint64_t unmapped = 0;       // no patient of the fleet
  std::uint64_t other_shards = 0;   // about a patient another shard runs: not ours to score
  std::uint64_t refused = 0;        // webhook requests without the shared secret
  std::uint64_t unreadable = 0;     // bodies / messages that held no readable alert
  std::uint64_t fhir_requests = 0;  // polling, Observation reads, Subscriptions
  std::uint64_t polls = 0;
  std::string first_unmapped;  // the first subject no patient matched
  std::string first_error;     // the first polling error
};

// The R4 rest-hook Subscription iomtsim asks a server for: `type` resources created, POSTed
// to `endpoint` with the shared secret as a bearer credential.
std::string subscription_resource(const std::string& type, const std::string& endpoint,
                                  const std::string& secret);

class AlertCapture {
 public:
  // `received_wall_ns`: the steady-clock instant (ns since its epoch) the alert counts as
  // received at; `received`: the same on the scenario clock.
  using Sink = std::function<void(const physiology::Alert&, std::int64_t received_wall_ns)>;
  using ToScenario = std::function<physiology::SimTime(std::chrono::steady_clock::time_point)>;

  AlertCapture(AlertCaptureSetup setup, Sink sink, ToScenario to_scenario);
  ~AlertCapture();
  AlertCapture(const AlertCapture&) = delete;
  AlertCapture& operator=(const AlertCapture&) = delete;

  void start_listeners();            // throws std::system_error when a port cannot be bound
  std::string webhook_url() const;   // "" without a webhook
  std::uint16_t pcd04_port() const;  // 0 without a listener
  // `fhir`: overrides the setup's FHIR server (the embedded target's, known once started).
  void start_readers(std::int64_t since_unix_ns, std::ostream& log,
                     std::optional<Url> fhir = std::nullopt);
  void finish(std::chrono::steady_clock::time_point deadline, std::ostream& log);
  void stop();

  std::uint64_t scored() const { return scored_.load(std::memory_order_relaxed); }
  AlertCaptureStats stats() const;

 private:
  void heard(std::vector<HeardAlert> alerts);
  void deliver(HeardAlert& a, physiology::PatientIndex patient);

  AlertCaptureSetup setup_;
  Sink sink_;
  ToScenario to_scenario_;
  std::unique_ptr<WebhookIntake> webhook_;
  std::unique_ptr<Pcd04Listener> pcd04_;
  std::unique_ptr<MqttAlerts> mqtt_;
  std::unique_ptr<FhirAlertReader> reader_;
  std::unique_ptr<HttpClient> subscriptions_client_;
  std::vector<std::string> subscriptions_;  // "Subscription/<id>" to delete at the end
  mutable std::mutex mutex_;
  std::unordered_set<std::string> seen_;
  AlertCaptureStats stats_;
  std::atomic<std::uint64_t> scored_{0};
};

}  // namespace iomtsim::loadgen::detail

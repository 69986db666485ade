#pragma once
// How a run hears the alerts its target raises (`target.alerts`), in the forms real systems
// raise them. Any combination; an alert heard twice (same alert id) counts once.
//
//   alerts:
//     fhir_poll:                  # search the FHIR target for alert resources
//       resources: [Flag, DetectedIssue, RiskAssessment, Communication, CommunicationRequest]
//       every: 5s                 # wall time between rounds (default 5 s)
//       page_size: 100            # _count
//       max_rate: 2               # requests per second at most (default 2)
//     fhir_subscription: true     # create rest-hook Subscriptions pointing at the webhook
//     mllp: 0.0.0.0:2576          # listen for HL7 ORU^R40 (IHE PCD-04) alert messages
//     mqtt_topic: alerts/#        # subscribe on the target's broker
//     webhook_bind: 0.0.0.0       # the webhook listens here (default 127.0.0.1) …
//     webhook_port: 9100          # … on this port (default: ephemeral)
//     webhook_url: http://loadgen.example:9100/alerts   # what Subscriptions name (optional)
//     webhook_secret_env: IOMTSIM_WEBHOOK_SECRET   # required: "Authorization: Bearer <secret>"
//     webhook_fields: {patient: subject_id, rule: type, time: raised_at, trigger: observation}
//
// The embedded reference target raises its alerts as Flags served over FHIR search, so a run
// with no `alerts:` polls Flags; with `mllp:` it also sends PCD-04 there, with a webhook its
// own JSON to it, with mqtt_topic it publishes there.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/connection.hpp"

namespace iomtsim::scenarios {

struct FhirPollSpec {
  std::vector<std::string> resources = {"Flag"};
  physiology::Duration every = std::chrono::seconds(5);  // wall
  std::uint32_t page_size = 100;
  double max_rate_per_s = 2.0;
  bool operator==(const FhirPollSpec&) const = default;
};

// Listening address for an alert channel that the target connects to.
struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: ephemeral
  bool operator==(const ListenAddress&) const = default;
};

struct AlertCaptureSpec {
  std::optional<FhirPollSpec> fhir_poll;
  bool fhir_subscription = false;
  std::optional<ListenAddress> mllp;  // PCD-04 listener
  bool webhook = false;               // a webhook listener was asked for
  std::string webhook_bind = "127.0.0.1";
  // The URL the target reaches the webhook at (Subscriptions name it); empty:
  // http://<webhook_bind, or 127.0.0.1 for 0.0.0.0>:<port>/alerts.
  std::string webhook_url;
  SecretRef webhook_secret;
  // JSON field (a key, or a dotted path "a.b") holding each alert property: patient, rule,
  // time, trigger, severity, score, alert_id. Empty: iomtsim's own alert JSON.
  std::map<std::string, std::string> webhook_fields;
  bool operator==(const AlertCaptureSpec&) const = default;
};

}  // namespace iomtsim::scenarios

#pragma once
// A validated scenario: everything one run needs, as plain values with units converted
// (times as Duration/SimTime, vitals in canonical units). Built by scenarios::load
// (loader.hpp); every other module reads it and none parses YAML.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/cohort_spec.hpp"
#include "iomtsim/physiology/ops/ops_spec.hpp"
#include "iomtsim/scenarios/alert_capture.hpp"
#include "iomtsim/scenarios/compare_op.hpp"
#include "iomtsim/scenarios/connection.hpp"
#include "iomtsim/scenarios/delivery.hpp"
#include "iomtsim/scenarios/network_profile.hpp"
#include "iomtsim/scenarios/provision.hpp"
#include "iomtsim/scenarios/read_back.hpp"

namespace iomtsim::scenarios {

// Where in a file a value came from, for messages about it (thresholds that fail, …).
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when not from a file (defaults, --set)
  int column = 0;  // 1-based
  bool operator==(const SourceLocation&) const = default;
};

enum class PayloadFormat : std::uint8_t { FhirR4, Hl7v2, MqttJson, Protobuf };

// A scenario device: the physiology device model plus how it talks to the target.
struct DeviceSpec {
  physiology::DeviceModelSpec model;
  PayloadFormat format = PayloadFormat::FhirR4;
  std::string network_profile = "hospital_wifi";
  std::string gateway;      // non-empty: shares one uplink with the cohort devices naming it
  std::uint32_t batch = 1;  // readings per message (FHIR transaction Bundle, proto batch)
  bool operator==(const DeviceSpec&) const = default;
};

// How one kind of operations device talks to the target.
struct OpsChannel {
  PayloadFormat format = PayloadFormat::FhirR4;  // pumps: fhir_r4 or hl7v2; others fhir_r4
  std::string network_profile = "hospital_wifi";
  bool operator==(const OpsChannel&) const = default;
};

// A cohort's hospital operations devices (`operations:`): infusion pumps on its patients,
// RTLS-tagged assets on its ward, point-of-care imaging. Empty model: none.
struct Operations {
  physiology::ops::OpsSpec model;
  OpsChannel pumps{PayloadFormat::Hl7v2, "hospital_wifi"};
  OpsChannel assets;
  OpsChannel imaging;
  // How often the load generator asks the target where each asset is (GET /assets/{id}).
  Duration asset_query_interval = std::chrono::minutes(5);
  bool operator==(const Operations&) const = default;
};

struct Cohort {
  physiology::CohortSpec physiology;  // its `devices` mirror `devices` below, same order
  std::vector<DeviceSpec> devices;
  std::string ward;  // devices of one ward share an access point in network models
  Operations operations;
  bool operator==(const Cohort&) const = default;
};

enum class TimeMode : std::uint8_t { RealTime, Accelerated, Simulated };

struct TimeSpec {
  TimeMode mode = TimeMode::Accelerated;
  double speed = 1.0;  // scenario seconds per wall second (1 for real time)
  Duration ramp_up{};  // connect devices evenly over this long
  // Accelerated runs: readings' effective times are wall-clock instants (epoch + device
  // time / speed) instead of scenario instants, which run ahead of the wall clock and
  // which servers refuse or misfile; scoring stays in scenario time. `run
  // --wall-clock-stamps` sets it too.
  bool wall_clock_stamps = false;
  bool operator==(const TimeSpec&) const = default;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = false;
  Connection connection{};                 // TLS details, headers, authentication (connection.hpp)
  FhirWrite fhir_write = FhirWrite::Post;  // http only: how Observations are written (delivery.hpp)
  bool operator==(const Endpoint&) const = default;
};

// Where point-of-care imaging studies go (`target.imaging`): a PACS's DICOMweb base URL,
// e.g. {dicomweb: http://127.0.0.1:8042/dicom-web}. Studies are stored by STOW-RS (POST
// <base>/studies); without it imaging results stay FHIR DiagnosticReports with inline media.
struct ImagingTarget {
  bool tls = false;  // https://
  std::string host;
  std::uint16_t port = 0;
  std::string base_path;  // "/dicom-web"; no trailing '/'
  bool operator==(const ImagingTarget&) const = default;
};

struct TargetSpec {
  bool embedded = true;          // start the reference target in-process on loopback ports
  std::optional<Endpoint> http;  // FHIR base at http(s)://host:port + fhir_base_path
  std::string fhir_base_path = "/fhir";
  std::string
      http_ca_file;  // http.tls (https): PEM CA to verify the FHIR server; empty: system trust
  std::optional<Endpoint> mqtt;  // broker
  std::string mqtt_topic = "iomtsim/{patient}/{device}";
  int mqtt_qos = 1;
  // One MQTT connection per device (per gateway for devices behind one): its client id,
  // {patient} and {device} (device index, or the gateway's name) expand; unique per
  // connection at the broker.
  std::string mqtt_client_id = "iomtsim-{patient}-{device}";
  Duration mqtt_keepalive = std::chrono::seconds(60);  // 0: none
  bool mqtt_clean_session = true;  // false: persistent sessions (QoS>0 resent after reconnect)
  int mqtt_version = 4;            // protocol level: 4 (MQTT 3.1.1) or 5
  std::string mqtt_ca_file;        // mqtt.tls: PEM CA to verify the broker; empty: system trust
  std::optional<Endpoint> mllp;
  std::optional<Endpoint> protobuf;
  std::optional<ImagingTarget> imaging;  // DICOMweb PACS for imaging studies
  // Alerts coming back: a webhook we listen on, an MQTT topic we subscribe to, and the
  // standard forms of alert_capture.hpp.
  std::optional<std::uint16_t> alert_webhook_port;
  std::string alert_mqtt_topic;
  AlertCaptureSpec alerts;
  ProvisionSpec provision;  // FHIR Patients and Devices set up before readings flow
  // Reading the record back (read_back.hpp); nullopt: not read back, no `chart` section.
  std::optional<ReadBackSpec> read_back;
  Duration request_timeout = std::chrono::seconds(10);
  RetrySpec retry;          // how devices retry what the target may take later (delivery.hpp)
  std::string config_file;  // embedded target: its YAML config, if any
  bool operator==(const TargetSpec&) const = default;
};

// A pass/fail threshold, e.g. `ingest_latency.p99 < 2s`. `value` is in the metric's
// canonical unit (seconds for latencies, a fraction for rates).
struct Expectation {
  std::string text;    // as written, for messages
  std::string metric;  // e.g. "ingest_latency.p99", "alerts.sensitivity"
  CompareOp op = CompareOp::Less;
  double value = 0.0;
  SourceLocation where;
  bool operator==(const Expectation&) const = default;
};

// `capacity:` - the infrastructure and ingest tier that the simulated-time engine
// (`iomtsim simulate` / `sweep`, sim/simgrid) models behind the devices' access hop:
// access points, core switch, WAN link, load balancer, ingest servers, the links between
// them, the fidelity, and scheduled failures. Real-time runs ignore it. Every setting is
// optional: unset means the engine's default (sim::simgrid::CapacityModel, listed by
// `iomtsim simulate --help`); the commands' options override what the file says.
// Units: bandwidths in bits per second, times as Duration.
enum class CapacityFidelity : std::uint8_t { Auto, PerReading, Aggregated };

struct CapacityLink {
  std::optional<double> bandwidth_bps;
  std::optional<Duration> latency;  // one way
  bool operator==(const CapacityLink&) const = default;
};

// An ingest server (by index, from 0) or a link of the platform ("wan", "core", "ap<k>",
// "server<j>", or a link of an XML platform) down from `at` for `length` (unset: to the
// end of the run).
struct CapacityFailure {
  enum class Kind : std::uint8_t { Server, Link };
  Kind kind = Kind::Server;
  std::uint32_t server = 0;  // Kind::Server
  std::string link;          // Kind::Link
  SimTime at{};
  std::optional<Duration> length;
  bool operator==(const CapacityFailure&) const = default;
};

// One stage of `capacity.stages`: a broker, a stream processor, a database.
struct CapacityStage {
  std::string name;
  std::uint32_t count = 1;    // instances
  std::uint32_t workers = 1;  // per instance
  Duration service_time{};    // per reading on one worker (a distribution's mean)
  std::optional<physiology::Distribution> service_distribution;
  std::optional<std::uint32_t> queue_capacity;  // readings waiting per instance
  CapacityLink link;                            // from the previous stage (the first: LB to it)
  bool operator==(const CapacityStage&) const = default;
};

struct CapacitySpec {
  // Access points: the devices of each ward spread over ceil(devices / devices_per_ap)
  // access points, or `aps_per_ward` of them; each with its own link to the core switch.
  std::optional<std::uint32_t> devices_per_ap;
  std::optional<std::uint32_t> aps_per_ward;
  CapacityLink ap_link;
  CapacityLink core;                     // core switch
  CapacityLink wan;                      // core switch to the data centre
  CapacityLink server_link;              // load balancer to each ingest server
  std::optional<Duration> lb_detection;  // a failed server still gets traffic this long
  // Ingest servers.
  std::optional<std::uint32_t> servers;
  std::optional<std::uint32_t> workers_per_server;
  std::optional<Duration> service_time;  // per reading, on one worker (a distribution's mean)
  // `service_time: {exponential: 8 ms}` and the other distributions, in seconds; unset:
  // service_time is fixed.
  std::optional<physiology::Distribution> service_distribution;
  std::optional<std::uint32_t> queue_capacity;  // readings waiting per server
  std::optional<Duration> alert_delivery;       // target emits an alert -> received
  // Fidelity: per reading, aggregated per access point and interval, or automatic by scale.
  std::optional<CapacityFidelity> fidelity;
  std::optional<std::uint64_t> aggregate_above_devices;
  std::optional<Duration> aggregate_interval;
  std::vector<CapacityFailure> failures;
  // A SimGrid XML platform instead of the built one, as written in the file (relative
  // paths are relative to the scenario file named on the command line).
  std::string platform_file;
  std::optional<Duration> drain;  // simulated time after the end for answers to arrive
  // `start: synchronised`: every device switched on at zero (a power cut, a shift change);
  // otherwise each at a phase drawn from the seed over its message period.
  bool synchronised_start = false;
  std::optional<Duration> warm_up;  // after time.ramp_up: simulated, not scored
  // `stages:` instead of `servers:`: the pipeline as an ordered list; the first stage is
  // what the load balancer reaches (and what `failures: {server: k}` names).
  std::vector<CapacityStage> stages;
  bool operator==(const CapacitySpec&) const = default;
};

struct Metadata {
  std::string name;
  std::string description;
  std::vector<std::string> authors;
  std::uint64_t seed = 1;
  Duration duration = std::chrono::hours(1);
  // `start`: the local date and time of scenario time 0, as local seconds since
  // 1970-01-01 00:00 (clock_time.hpp; default kDefaultStart, a midnight).
  std::int64_t start_local_s = 1767571200;
  bool operator==(const Metadata&) const = default;
};

struct Scenario {
  Metadata metadata;
  std::vector<Cohort> cohorts;
  std::map<std::string, NetworkProfile> network_profiles;  // built-ins plus the file's
  TimeSpec time;
  TargetSpec target;
  std::vector<Expectation> expectations;
  std::optional<CapacitySpec> capacity;  // `capacity:`; unset when the file has none
  std::string source_file;
  bool operator==(const Scenario&) const = default;

  std::uint64_t patient_count() const {
    std::uint64_t n = 0;
    for (const auto& c : cohorts) n += c.physiology.count;
    return n;
  }
};

}  // namespace iomtsim::scenarios

#include "keys.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "iomtsim/physiology/cohort_spec.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using T = ValueType;

constexpr KeyDef kRoot[] = {
    {"include", T::StringList, false, "",
     "files to load first, relative to this file (*.yaml, *.yml or *.json under the scenario's "
     "folder, or a folder --include-path allows)"},
    {"metadata", T::Object, true, "metadata", "name, description, authors, seed, duration"},
    {"cohorts", T::ObjectList, true, "cohort", "groups of patients"},
    {"network_profiles", T::ObjectMap, false, "network_profile",
     "named network profiles; built-ins: hospital_wifi, home_broadband, lte, ble_gateway, lpwan"},
    {"time", T::Object, false, "time", "real time, accelerated or simulated"},
    {"target", T::Object, false, "target",
     "the system under test (default: embedded reference target)"},
    {"expectations", T::ExpectationList, false, "",
     "pass/fail thresholds, e.g. 'ingest_latency.p99 < 2s'"},
    {"capacity", T::Object, false, "capacity",
     "simulated-time runs: access points, core switch, WAN, load balancer, ingest servers, "
     "failures"},
};
constexpr KeyDef kMetadata[] = {
    {"name", T::String, true, "", "short identifier of the scenario"},
    {"description", T::String, false, "", "what the scenario is for"},
    {"authors", T::StringList, false, "", "who wrote it"},
    {"seed", T::Integer, false, "", "random seed (0 .. 2^63-1); same seed, same readings"},
    {"duration", T::Quantity, true, "duration", "scenario time covered, e.g. '6h'"},
    {"start", T::String, false, "",
     "local date and time of the scenario's start, e.g. '2026-03-02 07:00' (default "
     "2026-01-05 00:00)"},
};
constexpr KeyDef kCohort[] = {
    {"name", T::String, true, "", "cohort name, unique in the scenario"},
    {"count", T::Integer, true, "", "number of patients (1 .. 10,000,000)"},
    {"archetype", T::Enum, true, "archetype", "kind of patient"},
    {"beds", T::Labels, false, "",
     "bed labels, one per patient: a range such as '1-24' or a list of labels"},
    {"spo2_target", T::Range, false, "",
     "prescribed SpO2 target range: '88-92 %' (hypercapnic respiratory failure: NEWS2 SpO2 "
     "Scale 2) or '94-98 %' (Scale 1); also {low: 88 %, high: 92 %}"},
    {"ward", T::String, false, "", "devices of one ward share an access point"},
    {"demographics", T::Object, false, "demographics", "age, sex and comorbidity mix"},
    {"baseline", T::Baselines, false, "",
     "resting values overriding the archetype's, per vital, e.g. heart_rate: 80 bpm"},
    {"conditions", T::ObjectList, false, "condition", "what may happen to these patients"},
    {"interventions", T::ObjectList, false, "intervention",
     "interventions for every patient, timed from the scenario start (use 'at')"},
    {"devices", T::ObjectList, false, "device", "devices per patient (default per archetype)"},
    {"operations", T::Object, false, "operations",
     "hospital operations devices: infusion pumps, RTLS asset tags, point-of-care imaging"},
};
constexpr KeyDef kOperations[] = {
    {"pumps", T::Object, false, "pumps", "connected infusion pumps on each patient"},
    {"assets", T::Object, false, "assets", "RTLS-tagged equipment on the cohort's ward"},
    {"imaging", T::Object, false, "imaging", "point-of-care imaging and diagnostics"},
};
constexpr KeyDef kPumps[] = {
    {"per_patient", T::Integer, true, "", "pumps per patient (0 .. 4)"},
    {"status_every", T::Quantity, false, "duration",
     "status message interval while infusing (default 5 min)"},
    {"alarms_per_day", T::Number, false, "",
     "occlusion / air-in-line alarms per infusing pump-day (default 4)"},
    {"battery_low", T::Fraction, false, "",
     "pumps that raise one battery-low alarm (default 10 %)"},
    {"format", T::Enum, false, "format", "hl7v2 (IHE PCD-01, default) or fhir_r4"},
    {"network", T::String, false, "", "network profile name"},
};
constexpr KeyDef kAssets[] = {
    {"count", T::Integer, true, "", "tagged assets (pumps, monitors, wheelchairs) on the ward"},
    {"fix_every", T::Quantity, false, "duration",
     "location fix interval while stationary (default 1 min)"},
    {"moves_per_day", T::Number, false, "", "zone changes per asset per day (default 6)"},
    {"route", T::StringList, false, "",
     "zones an asset cycles through (default ward, dirty_utility, cleaning, storage)"},
    {"dead_spots", T::StringList, false, "", "zones where tags are never heard"},
    {"weak_battery", T::Fraction, false, "", "tags that miss fixes and die early (default 10 %)"},
    {"query_every", T::Quantity, false, "duration",
     "how often the load generator asks GET /assets/{id} (default 5 min)"},
    {"network", T::String, false, "", "network profile name"},
};
constexpr KeyDef kImaging[] = {
    {"procedures_per_day", T::Number, true, "", "procedures per patient per day"},
    {"results_per_procedure", T::Integer, false, "",
     "ultrasound results per procedure (default 3)"},
    {"ultrasound_size", T::Distribution, false, "bytes",
     "size of one ultrasound result, e.g. {lognormal: {median: 600 KiB, sigma: 0.8}}"},
    {"xray_fraction", T::Fraction, false, "",
     "share of procedures that are a bedside X-ray, one CR film (default 0)"},
    {"network", T::String, false, "", "network profile name"},
};
constexpr KeyDef kDemographics[] = {
    {"age", T::Distribution, false, "age", "age in years, e.g. {normal: {mean: 65 y, sd: 12 y}}"},
    {"female", T::Fraction, false, "", "fraction of women, e.g. '50 %'"},
    {"comorbidity", T::Fraction, false, "", "probability of a significant comorbidity"},
};
constexpr KeyDef kCondition[] = {
    {"kind", T::Enum, true, "condition", "the condition"},
    {"probability", T::Fraction, false, "",
     "fraction of patients who develop it (give probability, count or beds)"},
    {"count", T::Integer, false, "",
     "exactly this many patients of the cohort develop it, chosen from the seed"},
    {"beds", T::Labels, false, "", "the patients in these beds develop it, e.g. [7]"},
    {"onset", T::Onset, true, "duration",
     "time from scenario start (fixed or a distribution), a window of the clock "
     "{between: ['23:00', '05:00']}, or {day: 2, at: '14:00'}"},
    {"severity", T::Severity, false, "number",
     "mild, moderate or severe (defined per condition by the criteria reached), or a number "
     "0 .. 1"},
    {"course", T::Enum, false, "course", "progressive, self_limiting or sudden"},
    {"duration", T::Distribution, false, "duration", "how long a self-limiting episode lasts"},
    {"interventions", T::ObjectList, false, "intervention", "treatment, timed 'after' onset"},
};
constexpr KeyDef kIntervention[] = {
    {"kind", T::Enum, true, "intervention", "what is given"},
    {"after", T::Distribution, false, "duration",
     "delay after the condition's onset; with 'when', the response delay after the trigger "
     "(default 5 min)"},
    {"at", T::Distribution, false, "duration", "time from the scenario start"},
    {"when", T::String, false, "",
     "in response to the patient's true vitals: '<vital> <, <=, > or >= value> [for "
     "<duration>]', e.g. 'resp_rate < 8 for 2 min'; given once, 'after' the criterion has "
     "held that long"},
    {"probability", T::Fraction, false, "", "fraction of patients who receive it (default 1)"},
    {"dose", T::Quantity, false, "dose",
     "fluids L/mL, oxygen L/min, naloxone mg, insulin U, glucose g, antibiotics g, diuretic mg, "
     "rate_control mg, glucagon mg, bronchodilator mg (salbutamol), corticosteroid mg "
     "(prednisolone), non_invasive_ventilation cmH2O (inspiratory pressure)"},
};
constexpr KeyDef kDevice[] = {
    {"type", T::Enum, true, "device_type", "kind of device"},
    {"name", T::String, false, "", "unique within the cohort (default: the type)"},
    {"measures", T::Measures, false, "",
     "vitals: a list (each every 'every') or vital -> interval (default per type)"},
    {"every", T::Quantity, false, "duration", "measurement interval for a list of measures"},
    {"waveform", T::Object, false, "waveform", "a waveform stream (ECG or PPG)"},
    {"format", T::Enum, false, "format", "payload format: fhir_r4, hl7v2, mqtt_json, protobuf"},
    {"network", T::String, false, "", "network profile name"},
    {"gateway", T::String, false, "", "devices naming the same gateway share one uplink"},
    {"batch", T::Integer, false, "", "readings per message (1 .. 10000)"},
    {"clock_drift", T::Quantity, false, "ppm", "clock error, e.g. '50 ppm'"},
    {"battery_life", T::Quantity, false, "duration", "battery life; omit for the type's default"},
    {"missing", T::Fraction, false, "", "fraction of readings never produced"},
    {"artifacts", T::Boolean, false, "", "motion and probe-off artifacts (default true)"},
    {"charting", T::Enum, false, "charting",
     "charted data: none, icu_hourly (per-vital hourly gaps as ICU charts have them) or "
     "ward_spot_checks; charted values carry no artifacts"},
};
constexpr KeyDef kWaveform[] = {
    {"kind", T::Enum, true, "waveform_kind", "ecg_lead_ii or ppg"},
    {"sample_rate", T::Quantity, false, "frequency", "samples per second, e.g. '250 Hz'"},
    {"block", T::Quantity, false, "duration", "samples are sent in blocks this long"},
};
constexpr KeyDef kProfile[] = {
    {"extends", T::String, false, "", "profile whose values are the defaults"},
    {"description", T::String, false, "", "plain words"},
    {"latency", T::Distribution, false, "duration", "one-way latency"},
    {"jitter", T::Quantity, false, "duration", "extra uniform(0, jitter) per message"},
    {"loss", T::Fraction, false, "", "independent loss probability per message"},
    {"bursty_loss", T::Object, false, "bursty_loss", "Gilbert-Elliott two-state loss"},
    {"bandwidth", T::Quantity, false, "bandwidth", "capacity of the shared link"},
    {"shared_link", T::String, false, "", "devices with the same link share bandwidth"},
    {"outages", T::ObjectList, false, "outage", "scheduled outage windows"},
    {"random_failures", T::Object, false, "random_failures", "random outages: mtbf and mttr"},
    {"reconnect", T::Object, false, "reconnect", "reconnect back-off"},
    {"buffer_readings", T::Integer, false, "", "device store-and-forward capacity, readings"},
};
constexpr KeyDef kBurstyLoss[] = {
    {"p_good_to_bad", T::Fraction, true, "", "per-message probability of entering the bad state"},
    {"p_bad_to_good", T::Fraction, true, "", "per-message probability of leaving it"},
    {"loss_in_good", T::Fraction, false, "", "loss probability in the good state"},
    {"loss_in_bad", T::Fraction, false, "", "loss probability in the bad state"},
};
constexpr KeyDef kOutage[] = {
    {"at", T::Quantity, true, "duration", "start, from the scenario start"},
    {"for", T::Quantity, true, "duration", "length of the outage"},
};
constexpr KeyDef kFailures[] = {
    {"mtbf", T::Quantity, true, "duration", "mean time between failures"},
    {"mttr", T::Quantity, true, "duration", "mean time to repair"},
};
constexpr KeyDef kReconnect[] = {
    {"initial", T::Quantity, false, "duration", "first back-off delay"},
    {"max", T::Quantity, false, "duration", "back-off ceiling"},
    {"jitter", T::Fraction, false, "", "± fraction applied to each delay"},
};
constexpr KeyDef kTime[] = {
    {"mode", T::Enum, true, "time_mode", "real_time, accelerated or simulated"},
    {"speed", T::Number, false, "", "scenario seconds per wall second (accelerated)"},
    {"ramp_up", T::Quantity, false, "duration", "connect devices evenly over this long"},
    {"wall_clock_stamps", T::Boolean, false, "",
     "accelerated: date readings with wall-clock time, not scenario time (scoring stays in "
     "scenario time)"},
};
constexpr KeyDef kTarget[] = {
    {"embedded", T::Boolean, false, "", "start the reference target in-process (default true)"},
    {"http", T::Endpoint, false, "", "FHIR server"},
    {"fhir_base_path", T::String, false, "", "FHIR base path, default /fhir"},
    {"http_ca_file", T::String, false, "", "PEM CA to verify the FHIR server (http tls)"},
    {"mqtt", T::Endpoint, false, "", "MQTT broker"},
    {"mqtt_topic", T::String, false, "", "topic template, {patient} and {device} expand"},
    {"mqtt_qos", T::Integer, false, "", "0, 1 or 2"},
    {"mqtt_client_id", T::String, false, "", "client id template, {patient} and {device} expand"},
    {"mqtt_keepalive", T::Quantity, false, "duration", "MQTT keep-alive, 0 for none"},
    {"mqtt_clean_session", T::Boolean, false, "", "false: persistent sessions"},
    {"mqtt_version", T::String, false, "", "MQTT protocol: 3.1.1 (default) or 5"},
    {"mqtt_ca_file", T::String, false, "", "PEM CA to verify the broker (mqtt tls)"},
    {"mllp", T::Endpoint, false, "", "HL7 v2 MLLP listener"},
    {"protobuf", T::Endpoint, false, "", "protobuf ingest"},
    {"imaging", T::Object, false, "imaging_target",
     "where imaging studies go as DICOM: {dicomweb: http://host:port/dicom-web}"},
    {"alerts", T::Object, false, "alerts", "where alerts come back"},
    {"provision", T::Object, false, "provision",
     "FHIR Patients and Devices set up before readings flow (conditional create), or existing "
     "ones"},
    {"read_back", T::Toggle, false, "read_back",
     "read the target's record back by FHIR search and score what reached the chart"},
    {"request_timeout", T::Quantity, false, "duration", "per request"},
    {"retry", T::Object, false, "retry",
     "how devices retry HTTP 429/5xx, resets, time-outs and HL7 AR (default: no retries)"},
    {"config_file", T::String, false, "", "embedded target's YAML config"},
};
constexpr KeyDef kImagingTarget[] = {
    {"dicomweb", T::String, true, "",
     "DICOMweb base URL of the PACS; studies are stored by STOW-RS to <url>/studies"},
};
constexpr KeyDef kEndpoint[] = {
    {"host", T::String, true, "", "host name or address"},
    {"port", T::Integer, true, "", "1 .. 65535"},
    {"tls", T::Boolean, false, "", "use TLS (the server is verified by chain and name)"},
    {"ca_file", T::String, false, "",
     "PEM CA bundle to verify the server; default: the system store"},
    {"tls_verify", T::Boolean, false, "",
     "false: do not verify the server (tests only; default true)"},
    {"client_cert", T::String, false, "", "mutual TLS: our certificate chain, PEM file"},
    {"client_key", T::String, false, "", "mutual TLS: its private key, PEM file"},
    {"headers", T::Headers, false, "",
     "HTTP headers for every request: name -> value, or name -> {env: VAR} / {file: PATH} for "
     "secrets"},
    {"auth", T::Object, false, "auth",
     "HTTP authentication: bearer token, OAuth2 client credentials, SMART backend"},
    {"username", T::String, false, "", "MQTT user name"},
    {"password_env", T::String, false, "", "MQTT password: environment variable holding it"},
    {"password_file", T::String, false, "", "MQTT password: file holding it"},
    {"fhir_write", T::Enum, false, "fhir_write",
     "http: post (default), conditional_create (If-None-Exist on the delivery identifier) or put "
     "(client-assigned id)"},
};
constexpr KeyDef kRetry[] = {
    {"attempts", T::Integer, false, "",
     "attempts per message, the first included (1 .. 100, default 1: no retries)"},
    {"backoff", T::Quantity, false, "duration",
     "wait after the first failed attempt, doubling (default 1s)"},
    {"max_backoff", T::Quantity, false, "duration",
     "the doubling stops here (default 30s); a Retry-After may ask longer"},
    {"jitter", T::Fraction, false, "", "± fraction of each wait, drawn from the seed (default 0)"},
};
constexpr KeyDef kAuth[] = {
    {"kind", T::Enum, true, "auth_kind",
     "bearer, client_credentials (OAuth2) or smart_backend (SMART Backend Services)"},
    {"token_env", T::String, false, "", "bearer: environment variable holding the token"},
    {"token_file", T::String, false, "", "bearer: file holding the token"},
    {"token_url", T::String, false, "", "client_credentials, smart_backend: the token endpoint"},
    {"client_id", T::String, false, "", "client_credentials, smart_backend: our client id"},
    {"client_secret_env", T::String, false, "",
     "client_credentials: environment variable holding the secret"},
    {"client_secret_file", T::String, false, "", "client_credentials: file holding the secret"},
    {"client_auth", T::Enum, false, "client_auth",
     "client_credentials: basic (client_secret_basic, default) or post"},
    {"private_key_file", T::String, false, "",
     "smart_backend: PEM private key signing the assertion (RSA or EC P-384)"},
    {"algorithm", T::Enum, false, "jwt_algorithm",
     "smart_backend: RS384 or ES384 (default: from the key)"},
    {"key_id", T::String, false, "", "smart_backend: kid of the key in our JWKS"},
    {"scope", T::String, false, "", "scope asked for, e.g. system/Observation.write"},
    {"refresh_before", T::Quantity, false, "duration",
     "renew a token this long before it expires (default 60s)"},
};
constexpr KeyDef kAlerts[] = {
    {"webhook_port", T::Integer, false, "",
     "port we listen on for alert webhooks (default: ephemeral)"},
    {"webhook_bind", T::String, false, "", "address the webhook listens on (default 127.0.0.1)"},
    {"webhook_url", T::String, false, "",
     "URL the target reaches the webhook at (default http://<bind>:<port>/alerts)"},
    {"webhook_secret_env", T::String, false, "",
     "environment variable holding the webhook's shared secret"},
    {"webhook_secret_file", T::String, false, "", "file holding the webhook's shared secret"},
    {"webhook_fields", T::StringMap, false, "",
     "JSON field of each alert property: patient, rule, time, trigger, severity, score, alert_id"},
    {"mqtt_topic", T::String, false, "", "MQTT topic filter we subscribe to for alerts"},
    {"fhir_poll", T::Toggle, false, "fhir_poll", "search the FHIR target for alert resources"},
    {"fhir_subscription", T::Boolean, false, "",
     "create FHIR rest-hook Subscriptions to the webhook"},
    {"mllp", T::String, false, "", "host:port we listen on for HL7 ORU^R40 (IHE PCD-04) alerts"},
};
constexpr KeyDef kFhirPoll[] = {
    {"resources", T::StringList, false, "",
     "Flag (default), DetectedIssue, RiskAssessment, Communication, CommunicationRequest"},
    {"every", T::Quantity, false, "duration", "wall time between polling rounds (default 5s)"},
    {"page_size", T::Integer, false, "", "resources per page, _count (default 100)"},
    {"max_rate", T::Number, false, "", "requests per second at most (default 2)"},
};
constexpr KeyDef kReadBack[] = {
    {"every", T::Quantity, false, "duration",
     "wall time between search rounds during the run (default 5s)"},
    {"page_size", T::Integer, false, "", "resources per page, _count (default 100)"},
    {"max_rate", T::Number, false, "", "search requests per second at most (default 5)"},
    {"settle", T::Quantity, false, "duration",
     "after the run, keep looking this long at most (default 30s)"},
    {"identifiers_per_search", T::Integer, false, "",
     "readings named in one identifier search (default 50)"},
    {"max_tracked", T::Integer, false, "",
     "acknowledged readings remembered; more are not looked for (default 4000000)"},
};
constexpr KeyDef kProvision[] = {
    {"patients", T::Enum, true, "provision_patients",
     "create (conditional create), existing (from patients_file) or none"},
    {"patients_file", T::String, false, "",
     "existing: one Patient id or system|value identifier per line"},
    {"devices", T::Boolean, false, "", "also create the patients' Device resources (default true)"},
    {"identifier_system", T::String, false, "",
     "Patient identifier system (default urn:iomtsim:patient)"},
    {"device_identifier_system", T::String, false, "",
     "Device identifier system (default urn:iomtsim:device)"},
    {"batch", T::Integer, false, "", "entries per batch Bundle (1 .. 1000, default 100)"},
    {"cleanup", T::Boolean, false, "", "delete what the run created, at its end"},
};

constexpr KeyDef kCapacity[] = {
    {"access_points", T::Object, false, "access_points",
     "how the devices of each ward reach the core switch"},
    {"core_switch", T::Object, false, "capacity_link",
     "the core switch's link (default 10 Gbps, 0.1 ms)"},
    {"wan", T::Object, false, "capacity_link",
     "the WAN link to the data centre (default 1 Gbps, 5 ms)"},
    {"load_balancer", T::Object, false, "load_balancer", "in front of the ingest servers"},
    {"servers", T::Object, false, "servers", "the ingest tier"},
    {"stages", T::ObjectList, false, "capacity_stage",
     "the pipeline as ordered stages instead of servers (the first is the ingest tier)"},
    {"alert_delivery", T::Quantity, false, "duration",
     "target emits an alert -> webhook receives it (default 20 ms)"},
    {"fidelity", T::Enum, false, "fidelity",
     "per_reading, aggregated, or auto (by device count; default)"},
    {"aggregate_above", T::Integer, false, "",
     "auto fidelity: aggregated from this many devices (default 50000)"},
    {"aggregate_interval", T::Quantity, false, "duration",
     "aggregated: one communication per access point per interval (default 10s)"},
    {"failures", T::ObjectList, false, "capacity_failure",
     "scheduled failures of servers and links"},
    {"platform", T::String, false, "",
     "SimGrid XML platform file instead of the built one (hosts ap0.., server0..)"},
    {"drain", T::Quantity, false, "duration",
     "simulated time after the end for answers to arrive (default 30s)"},
    {"start", T::Enum, false, "capacity_start",
     "random (default: devices start at phases drawn from the seed) or synchronised"},
    {"warm_up", T::Quantity, false, "duration",
     "after ramp_up, simulated but not scored (default 0)"},
};
constexpr KeyDef kAccessPoints[] = {
    {"devices_per_ap", T::Integer, false, "", "devices per access point (default 40)"},
    {"per_ward", T::Integer, false, "", "access points per ward, instead of devices_per_ap"},
    {"bandwidth", T::Quantity, false, "bandwidth", "each access point's link (default 100 Mbps)"},
    {"latency", T::Quantity, false, "duration", "each access point's link (default 1 ms)"},
};
constexpr KeyDef kCapacityLink[] = {
    {"bandwidth", T::Quantity, false, "bandwidth", "e.g. '1 Gbps'"},
    {"latency", T::Quantity, false, "duration", "one way, e.g. '5 ms' or '100 us'"},
};
constexpr KeyDef kLoadBalancer[] = {
    {"failover_after", T::Quantity, false, "duration",
     "a failed server still gets traffic this long (default 5s)"},
};
constexpr KeyDef kServers[] = {
    {"count", T::Integer, false, "", "ingest servers (default 6)"},
    {"workers", T::Integer, false, "", "workers per server (default 4)"},
    {"service_time", T::Distribution, false, "duration",
     "per reading on one worker, e.g. '250 us' (default; `iomtsim calibrate` measures it)"},
    {"queue", T::Integer, false, "",
     "readings waiting per server before it rejects (default 2000)"},
    {"link", T::Object, false, "capacity_link",
     "load balancer to each server (default 10 Gbps, 0.1 ms)"},
};
constexpr KeyDef kCapacityStage[] = {
    {"name", T::String, true, "", "how the report and --stage NAME.FIELD=VALUE name it"},
    {"count", T::Integer, false, "", "instances, taken round robin (default 1)"},
    {"workers", T::Integer, false, "", "workers per instance (default 1)"},
    {"service_time", T::Distribution, true, "duration",
     "per reading on one worker: '5 ms' or a distribution such as {exponential: 5 ms}"},
    {"queue", T::Integer, false, "",
     "readings waiting per instance before it rejects (default 2000)"},
    {"link", T::Object, false, "capacity_link",
     "from the previous stage: latency (the first stage: the load balancer's link)"},
};
constexpr KeyDef kCapacityFailure[] = {
    {"server", T::Integer, false, "",
     "index of the server (with stages: of the first stage) that fails (from 0)"},
    {"link", T::String, false, "",
     "link that fails: wan, core, ap<k>, server<j> or a link of the XML platform"},
    {"at", T::Quantity, true, "duration", "when, from the scenario start"},
    {"for", T::Quantity, false, "duration", "how long (default: to the end of the run)"},
};

constexpr ObjectDef kObjects[] = {
    {"scenario", "an iomtsim scenario", kRoot},
    {"metadata", "about the scenario", kMetadata},
    {"cohort", "a group of similar patients", kCohort},
    {"demographics", "who the patients are", kDemographics},
    {"condition", "something that may happen to a patient", kCondition},
    {"intervention", "a treatment at a time or in response to the patient", kIntervention},
    {"device", "a device on each patient of the cohort", kDevice},
    {"operations", "hospital operations devices of a cohort", kOperations},
    {"pumps", "connected infusion pumps", kPumps},
    {"assets", "RTLS-tagged assets", kAssets},
    {"imaging", "point-of-care imaging and diagnostics", kImaging},
    {"waveform", "a waveform stream", kWaveform},
    {"network_profile", "how a device's network behaves", kProfile},
    {"bursty_loss", "Gilbert-Elliott loss", kBurstyLoss},
    {"outage", "a scheduled outage", kOutage},
    {"random_failures", "random outages", kFailures},
    {"reconnect", "reconnect back-off", kReconnect},
    {"time", "how scenario time relates to wall time", kTime},
    {"target", "the system under test", kTarget},
    {"endpoint", "host, port and how to connect", kEndpoint},
    {"imaging_target", "the PACS imaging studies go to", kImagingTarget},
    {"auth", "HTTP authentication; secrets come from environment variables or files", kAuth},
    {"retry", "how a device retries what the target may take later", kRetry},
    {"alerts", "where alerts come back", kAlerts},
    {"fhir_poll", "FHIR search for alert resources", kFhirPoll},
    {"provision", "FHIR resources set up before readings flow", kProvision},
    {"read_back", "reading the target's record back by FHIR search", kReadBack},
    {"capacity", "what a simulated-time run models behind the access hop", kCapacity},
    {"access_points", "the wards' access points", kAccessPoints},
    {"capacity_link", "a link: bandwidth and latency", kCapacityLink},
    {"load_balancer", "the load balancer", kLoadBalancer},
    {"servers", "the ingest servers", kServers},
    {"capacity_stage", "a stage of the pipeline: a broker, a processor, a database", kCapacityStage},
    {"capacity_failure", "a scheduled failure: give server or link", kCapacityFailure},
};

template <class E, std::size_t N>
std::vector<std::string_view> names_of() {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < N; ++i) out.push_back(physiology::name(static_cast<E>(i)));
  return out;
}

}  // namespace

std::span<const ObjectDef> object_defs() { return kObjects; }

const ObjectDef& object_def(std::string_view name) {
  for (const auto& d : kObjects) {
    if (d.name == name) return d;
  }
  throw std::logic_error("no object definition '" + std::string(name) + "'");
}

std::vector<std::string_view> key_names(const ObjectDef& def) {
  std::vector<std::string_view> out;
  for (const auto& k : def.keys) out.push_back(k.name);
  return out;
}

std::vector<std::string_view> enum_values(std::string_view set) {
  using namespace physiology;
  if (set == "archetype") return names_of<Archetype, kArchetypeCount>();
  if (set == "condition") return names_of<ConditionKind, kConditionCount>();
  if (set == "device_type") return names_of<DeviceType, kDeviceTypeCount>();
  if (set == "intervention") return names_of<InterventionKind, kInterventionCount>();
  if (set == "vital") {
    std::vector<std::string_view> out;
    for (Vital v : kAllVitals) out.push_back(name(v));
    return out;
  }
  if (set == "format") return {"fhir_r4", "hl7v2", "mqtt_json", "protobuf"};
  if (set == "severity") return {"mild", "moderate", "severe"};  // SeverityWord order
  if (set == "course") return {"progressive", "self_limiting", "sudden"};
  if (set == "time_mode") return {"real_time", "accelerated", "simulated"};
  if (set == "waveform_kind") return {"ecg_lead_ii", "ppg"};
  if (set == "charting") return names_of<Charting, kChartingCount>();
  if (set == "fidelity") return {"auto", "per_reading", "aggregated"};  // CapacityFidelity order
  if (set == "capacity_start") return {"random", "synchronised"};
  // AuthKind order without None; ClientAuthMethod; JwtAlgorithm without FromKey; ProvisionPatients.
  if (set == "auth_kind") return {"bearer", "client_credentials", "smart_backend"};
  if (set == "client_auth") return {"basic", "post"};
  if (set == "jwt_algorithm") return {"RS384", "ES384"};
  if (set == "provision_patients") return {"none", "create", "existing"};
  if (set == "fhir_write") return {"post", "conditional_create", "put"};  // FhirWrite order
  if (set == "distribution")
    return {"constant", "uniform", "normal", "lognormal", "exponential", "pareto", "empirical"};
  throw std::logic_error("no enum '" + std::string(set) + "'");
}

}  // namespace iomtsim::scenarios::detail

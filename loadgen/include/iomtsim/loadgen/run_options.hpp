#pragma once
// What `iomtsim run` is told beyond the scenario, and what it gives back.
//
// Time: the scenario's own clock runs at `speed` scenario seconds per wall second
// (scenario.time.speed unless overridden). Wall-clock durations here (drain_timeout) are
// real seconds; `duration` is scenario time.
//
// Latency convention (what report.json's ingest_latency means in an accelerated run): a
// reading's latency is the emulated network delay (scenario time, as the network profile
// says) plus the real wall time from the instant the message was due on the wire to its
// acknowledgement. Speeding a run up therefore never inflates (or shrinks) the latency of
// the target itself. ingest_latency_raw is the real wall time from the actual write to the
// acknowledgement (service time only; the difference is queueing and send lateness).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/loadgen/source.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reports/histogram.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/run_frame.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::loadgen {

using physiology::Duration;

enum class ProgressMode : std::uint8_t {
  Auto,      // a live line on a terminal, JSON lines otherwise
  Terminal,  // the live line (carriage return, no newline)
  Json,      // one JSON object per line, once a second
  None,
};

struct RunOptions {
  unsigned threads = 0;                   // engine threads; 0: hardware_concurrency
  std::optional<double> speed;            // overrides scenario.time.speed
  // Readings' effective times in wall-clock time (as scenario.time.wall_clock_stamps).
  bool wall_clock_stamps = false;
  std::filesystem::path out_dir;          // empty: ./iomtsim-runs/<UTC timestamp>/
  bool write_files = true;                // report.json, report.html, junit.xml
  sim::ShardSpec shard{};                 // --shard K/N
  std::optional<Duration> duration;       // overrides scenario.metadata.duration
  ProgressMode progress = ProgressMode::Auto;
  std::ostream* log = nullptr;            // progress and the final summary; nullptr: std::cerr
  std::vector<scenarios::Expectation> extra_expectations;  // added to the scenario's
  unsigned connections = 4;               // per engine thread and transport (HTTP pool size)
  double connect_rate_per_s = 0.0;        // ramp-up of connections; 0: scenario.time.ramp_up
                                          // spread, or all at once when that is zero
  // Local addresses MQTT device connections bind to, round robin (127.0.0.2, …): more
  // 4-tuples towards one broker than one address' ephemeral ports. Empty: kernel's choice.
  std::vector<std::string> mqtt_source_addresses;
  Duration drain_timeout = std::chrono::seconds(5);  // wall time to wait for answers at the end
  // Asks the run to stop scheduling, drain what is in flight and write a report that says
  // it was interrupted (the CLI's SIGINT/SIGTERM handler asks it; see sim/run_frame.hpp).
  sim::StopControl stop;
  // Base config of the embedded target (tests inject faults with it); nullopt: the file
  // named by scenario.target.config_file, or loopback defaults. Listeners are always put
  // on 127.0.0.1 ephemeral ports and the alert webhook on our intake.
  std::optional<reference_target::TargetConfig> embedded_target;
  // Where the readings come from; empty: the scenario's simulated fleet (replay.hpp sets
  // a recording here).
  SourceFactory source;
  // Non-empty: also write a recording (payloads/proto_codec.hpp format) of every output
  // the devices produced, in global time order, then the ground-truth episodes, then every
  // alert received with its trigger and received times (--record FILE).
  std::filesystem::path record;
  // Alert rules counting as positive predictions in the report's sepsis_utility; empty:
  // any rule.
  std::vector<std::string> utility_rules;
  // Readings remembered per device so an alert can find its trigger (and be timed like
  // it); 0: the recorder's default (64). Replays at very high speed raise it, since a
  // whole stay can pass before the first alert comes back.
  std::size_t trigger_lookback = 0;
  // The patients this run holds, where the scenario's count says otherwise: a replay of a
  // shard recording holds patients 2, 6, 10, … of a larger fleet, and the report's
  // per-patient figures divide by how many there are. nullopt: the shard's part of the
  // scenario's patients.
  std::optional<std::uint64_t> patients;
  // Called once the alert listeners are up (before any reading goes out) with their ports:
  // the webhook's and the PCD-04 MLLP listener's (0 when there is none). Tests that play a
  // pipeline's part learn where to send from it.
  std::function<void(std::uint16_t webhook_port, std::uint16_t pcd04_port)> on_alert_listeners;
};

// How the run heard the target's alerts (alert capture) and set the target up.
struct AlertCaptureCounts {
  std::uint64_t heard = 0;       // on any channel, before de-duplication
  std::uint64_t scored = 0;      // handed to the report
  std::uint64_t duplicates = 0;  // the same alert again (another channel, a re-read)
  std::uint64_t unmapped = 0;    // naming no patient of the fleet
  std::uint64_t other_shards = 0;  // about a patient of another shard (a shared target)
  std::uint64_t refused = 0;     // webhook requests without the shared secret
  std::uint64_t unreadable = 0;
  std::uint64_t fhir_requests = 0;  // polling, Observation reads, Subscriptions
  std::uint64_t polls = 0;          // polling rounds
};
struct ProvisionCounts {
  std::uint64_t patients = 0, devices = 0;
  std::uint64_t reused = 0;    // found on the server (conditional create matched)
  std::uint64_t created = 0;   // new this run
  std::uint64_t deleted = 0;   // by clean-up
  std::uint64_t requests = 0;  // HTTP requests it took
};

// Send lateness: 1 µs .. 1 h, 3 significant digits.
inline const reports::HistogramConfig kLatenessConfig{1000, 3'600'000'000'000, 3};

struct RunResult {
  int exit_code = 0;         // verdict.exit_code
  reports::Verdict verdict;  // reports::decide(report): pass, fail, invalid, interrupted
  reports::Report report;
  std::filesystem::path out_dir;          // where the files went (empty if not written)
  std::vector<reports::ThresholdResult> failed;
  bool interrupted = false;  // report.interrupted is set (stopped before its end)
  std::map<unsigned, std::uint64_t> http_status;  // answers by HTTP status (readings' messages)
  std::uint64_t messages_sent = 0;        // messages written to a socket
  // Waveform blocks no transport could carry (report.waveforms.not_sent): 0 now that every
  // protocol carries them; the blocks are accounted in report.waveforms.
  std::uint64_t waveform_blocks_skipped = 0;
  std::uint64_t alerts_received = 0;      // alerts scored (= alert_capture.scored)
  AlertCaptureCounts alert_capture;
  ProvisionCounts provisioned;
  std::uint64_t tokens_fetched = 0;       // from the FHIR endpoint's token endpoint
  std::uint64_t reconnects = 0;           // connections re-opened after an error
  // TLS handshakes with the target that failed, by reason: the X509 verify error when
  // the certificate was refused ("certificate verify failed: unable to get local issuer
  // certificate (X509 error 20)"), else the handshake's error. Also printed at the end.
  std::map<std::string, std::uint64_t> tls_failures;
  reports::Histogram send_lateness{kLatenessConfig};       // ns, actual write - due instant (engine lag + queueing)
  double wall_seconds = 0.0;
  sim::device_side::DeliveryStats delivery;  // attempts and retries of every engine thread
};

}  // namespace iomtsim::loadgen

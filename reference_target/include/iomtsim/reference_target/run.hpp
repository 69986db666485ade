#pragma once
// The target as its own process: what `iomtsim target` calls after parsing its options.
//
//   iomtsim target [--config FILE] [--http-port N] [--mllp-port N] [--proto-port N]
//                  [--mqtt-broker HOST:PORT]
//   → TargetCliOptions o{...};
//     return run_target_main(o, std::cout, std::cerr);
//
// It loads the config (or the defaults), applies the overrides, starts a TargetServer,
// prints the ready line on `out` ({"http_port":…,"mllp_port":…,"proto_port":…}) and
// serves until SIGINT or SIGTERM (or an injected crash).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "iomtsim/reference_target/config.hpp"

namespace iomtsim::reference_target {

// Exit codes of run_target_main.
inline constexpr int kTargetExitOk = 0;        // stopped by a signal
inline constexpr int kTargetExitConfig = 2;    // bad config or overrides (messages on err)
inline constexpr int kTargetExitStart = 3;     // could not bind a port / start
inline constexpr int kTargetExitCrashed = 70;  // faults.crash_after fired

struct TargetCliOptions {
  std::string config_file;  // empty: defaults
  std::optional<std::uint16_t> http_port;
  std::optional<std::uint16_t> mllp_port;
  std::optional<std::uint16_t> proto_port;
  std::optional<std::string> mqtt_broker;  // "host:port" or "port"; turns MQTT ingest on
  std::optional<std::string> log_level;    // quiet|error|warn|info|debug
};

// Builds the config: file (or defaults) + overrides. Throws ConfigError.
TargetConfig resolve_target_config(const TargetCliOptions& options);

// Runs a TargetServer with `config` until SIGINT/SIGTERM. Returns an exit code.
int run_target_main(const TargetConfig& config, std::ostream& out, std::ostream& err);
// resolve_target_config + the above; config errors go to `err` as file:line:column lines.
int run_target_main(const TargetCliOptions& options, std::ostream& out, std::ostream& err);

}  // namespace iomtsim::reference_target

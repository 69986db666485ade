// The target as a process: signals, the ready line, exit codes. No exit() here: the
// caller's main returns what this returns.
#include "iomtsim/reference_target/run.hpp"

#include <malloc.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "iomtsim/reference_target/target_server.hpp"

namespace iomtsim::reference_target {

namespace {

std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

}  // namespace

TargetConfig resolve_target_config(const TargetCliOptions& o) {
  TargetConfig cfg =
      o.config_file.empty() ? default_target_config() : load_target_config(o.config_file);
  if (o.http_port) cfg.http.port = *o.http_port;
  if (o.mllp_port) cfg.mllp.port = *o.mllp_port;
  if (o.proto_port) cfg.proto.port = *o.proto_port;
  if (o.mqtt_broker) set_mqtt_broker(cfg, *o.mqtt_broker);
  if (o.log_level) {
    const std::string& s = *o.log_level;
    if (const auto level = log_level_from_name(s))
      cfg.log_level = *level;
    else
      throw ConfigError(
          {{"--log-level", 0, 0, "expected quiet, error, warn, info or debug, found '" + s + "'"}});
  }
  return cfg;
}

int run_target_main(const TargetConfig& config, std::ostream& out, std::ostream& err) {
  // Large buffers (request bodies, frames, MQTT payloads) straight from and back to the
  // kernel: glibc's default threshold rises to the largest block freed (up to 32 MiB), after
  // which 16 MiB bodies come from the heap and stay resident once freed. A fixed threshold
  // keeps the memory an attack made the target touch from staying with it.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // Handlers only set a flag; the loop below notices it (async-signal-safe).
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  signal(SIGPIPE, SIG_IGN);  // a peer that went away is an ordinary error, not a death
  g_signal.store(0);

  int code = kTargetExitOk;
  {
    TargetServer server(config);
    try {
      server.start();
    } catch (const std::exception& e) {
      err << "iomtsim target: " << e.what() << '\n';
      sigaction(SIGINT, &old_int, nullptr);
      sigaction(SIGTERM, &old_term, nullptr);
      return kTargetExitStart;
    }
    out << ready_line(server.ports()) << std::endl;
    while (g_signal.load() == 0) {
      if (server.wait_crashed(std::chrono::milliseconds(50))) {
        code = kTargetExitCrashed;
        break;
      }
    }
    server.stop();
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return code;
}

int run_target_main(const TargetCliOptions& options, std::ostream& out, std::ostream& err) {
  TargetConfig cfg;
  try {
    cfg = resolve_target_config(options);
  } catch (const ConfigError& e) {
    for (const auto& i : e.issues()) err << i.to_string() << '\n';
    return kTargetExitConfig;
  }
  return run_target_main(cfg, out, err);
}

}  // namespace iomtsim::reference_target

// A minimal process around run_target_main, for the process-mode test (the real
// `iomtsim target` command lives in cli/). Arguments: [--config F] [--http-port N]
// [--mllp-port N] [--proto-port N] [--mqtt-broker H:P].
#include <iostream>
#include <string>

#include "iomtsim/target/server/run.hpp"

int main(int argc, char** argv) {
  iomtsim::target::server::TargetCliOptions o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--config")
      o.config_file = v;
    else if (k == "--http-port")
      o.http_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--mllp-port")
      o.mllp_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--proto-port")
      o.proto_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--mqtt-broker")
      o.mqtt_broker = v;
    else
      return 2;
  }
  return iomtsim::target::server::run_target_main(o, std::cout, std::cerr);
}

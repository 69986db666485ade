// The target as a process for the wrk comparison, until `iomtsim target` exists in cli/:
// the same call that command will make.
//   iomtsim_target_serve [--config F] [--http-port N] [--mllp-port N] [--proto-port N]
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
    else {
      std::cerr << "usage: iomtsim_target_serve [--config F] [--http-port N] [--mllp-port N] "
                   "[--proto-port N]\n";
      return 2;
    }
  }
  return iomtsim::target::server::run_target_main(o, std::cout, std::cerr);
}

// `iomtsim target [--config FILE] [--http-port N] …`: the reference target as its own
// process, until SIGINT/SIGTERM.
#include <iostream>

#include "command.hpp"
#include "iomtsim/reference_target/run.hpp"
#include "options.hpp"

namespace iomtsim::cli {

int cmd_target(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()
      ("config,c", po::value<std::string>(), "target config file (YAML); defaults without")
      ("http-port", po::value<std::uint16_t>(), "FHIR HTTP ingest and /metrics port (0: any)")
      ("mllp-port", po::value<std::uint16_t>(), "HL7 v2 MLLP ingest port (0: any)")
      ("proto-port", po::value<std::uint16_t>(), "protobuf ingest port (0: any)")
      ("mqtt-broker", po::value<std::string>(), "HOST:PORT of an MQTT broker to ingest from")
      ("log-level", po::value<std::string>(), "quiet|error|warn|info|debug (stderr, JSON lines)");
  po::positional_options_description pos;
  po::variables_map vm;
  if (auto rc = parse_options("target", "[--config FILE] [options]", visible, pos, args, vm))
    return *rc;
  reference_target::TargetCliOptions o;
  if (vm.count("config")) o.config_file = vm["config"].as<std::string>();
  if (vm.count("http-port")) o.http_port = vm["http-port"].as<std::uint16_t>();
  if (vm.count("mllp-port")) o.mllp_port = vm["mllp-port"].as<std::uint16_t>();
  if (vm.count("proto-port")) o.proto_port = vm["proto-port"].as<std::uint16_t>();
  if (vm.count("mqtt-broker")) o.mqtt_broker = vm["mqtt-broker"].as<std::string>();
  if (vm.count("log-level")) o.log_level = vm["log-level"].as<std::string>();
  return reference_target::run_target_main(o, std::cout, std::cerr);
}

}  // namespace iomtsim::cli

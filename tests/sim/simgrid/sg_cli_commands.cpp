// A command table for the test-only `iomtsim_sg_cli` binary: the real cli/src main and
// option helpers with simulate, sweep and calibrate, so the commands can be tested (and
// sweep can spawn `/proc/self/exe simulate`) before the lead registers them in the
// `iomtsim` table.
#include <array>

#include "command.hpp"

namespace iomtsim::cli {

int cmd_simulate(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_calibrate(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array table = {
      Command{"simulate", "run a scenario in simulated time (SimGrid)", &cmd_simulate},
      Command{"sweep", "simulations over a parameter range: latency versus load, capacity knee",
              &cmd_sweep},
      Command{"calibrate", "measure a target (the scenario's, or the reference one) for simulate",
              &cmd_calibrate},
  };
  return table;
}

}  // namespace iomtsim::cli

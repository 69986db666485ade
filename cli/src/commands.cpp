#include "command.hpp"

#include <array>

namespace iomtsim::cli {

// Declared here, defined in cmd_<name>.cpp.
int cmd_version(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array table = {
      Command{"version", "print the version", &cmd_version},
  };
  return table;
}

}  // namespace iomtsim::cli

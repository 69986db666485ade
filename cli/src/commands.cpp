#include "command.hpp"

#include <array>

namespace iomtsim::cli {

// Declared here, defined in cmd_<name>.cpp.
int cmd_version(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_explain(const std::vector<std::string>& args);
int cmd_schema(const std::vector<std::string>& args);

std::span<const Command> commands() {
  static const std::array table = {
      Command{"validate", "check scenario files without running them", &cmd_validate},
      Command{"explain", "say in plain words what a scenario will do", &cmd_explain},
      Command{"schema", "print the scenario format as a JSON Schema", &cmd_schema},
      Command{"version", "print the version", &cmd_version},
  };
  return table;
}

}  // namespace iomtsim::cli

// `iomtsim schema`: the scenario format as a JSON Schema, for editors.
#include <iostream>

#include "command.hpp"
#include "iomtsim/scenarios/schema.hpp"
#include "options.hpp"

namespace iomtsim::cli {

int cmd_schema(const std::vector<std::string>& args) {
  po::options_description visible("options");
  po::positional_options_description pos;
  po::variables_map vm;
  if (auto rc = parse_options("schema", "", visible, pos, args, vm)) return *rc;
  std::cout << scenarios::json_schema();
  return kExitOk;
}

}  // namespace iomtsim::cli

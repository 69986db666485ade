#include <iostream>

#include "command.hpp"
#include "version.hpp"

namespace iomtsim::cli {

int cmd_version(const std::vector<std::string>& /*args*/) {
  std::cout << "iomtsim " << kVersion << '\n';
  return kExitOk;
}

}  // namespace iomtsim::cli
